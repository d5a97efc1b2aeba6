/**
 * detect/<T>.json (or detect/<8-digit frame>.json): one file per frame, in the sample's layout
 * so existing consumers keep working. Box mode writes `bboxes`; point mode writes `positions`
 * (legacy counting keeps the sample's spelling, `positiones`).
 *
 * The text uses Python's `json.dumps` separators (", " and ": ") so that a file can be diffed
 * against the sample's own output.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Detections, Frame } from '../../src-shared/frames.js';
import { anchorPoint } from '../../src-shared/counting/footprint.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import type { Sink, SinkFactory } from '../pipeline/types.js';
import { fileProblem, makeFolder, OutputFolderError, shownPath, writeFileAtomicSync } from './atomic.js';
import { showValue } from '../../src-shared/messages.js';

/** The file name of a frame's JSON: its T string when known, else its frame number on 8 digits. */
export function detectFileName(frame: Frame): string {
  return `${frame.timestamp ?? String(frame.index).padStart(8, '0')}.json`;
}

function gridText(grid: Int32Array, columns: number, rows: number): string {
  const lines: string[] = new Array(rows);
  for (let v = 0; v < rows; v++) {
    lines[v] = '[' + grid.subarray(v * columns, (v + 1) * columns).join(', ') + ']';
  }
  return '[' + lines.join(', ') + ']';
}

function boxesText(detections: Detections): string {
  const items: string[] = [];
  const b = detections.boxes;
  for (let i = 0; i < detections.count; i++) {
    const o = i * 4;
    items.push(`{"left": ${b[o]}, "top": ${b[o + 1]}, "right": ${b[o + 2]}, "bottom": ${b[o + 3]}}`);
  }
  return '[' + items.join(', ') + ']';
}

function positionsText(detections: Detections, params: GridParams): string {
  const items: string[] = [];
  for (let i = 0; i < detections.count; i++) {
    const { x, y } = anchorPoint(detections, i, params);
    items.push(`{"x": ${x}, "y": ${y}}`);
  }
  return '[' + items.join(', ') + ']';
}

/** A name `detectFileName` gives: a 17-digit T string or a frame number of 8 or more digits. */
const FRAME_FILE_NAME = /^\d{8,}\.json$/;

/**
 * The frame files an earlier run or export left in `directory` (by their names, which crowdheat
 * gives), to be replaced as a whole: the caller removes those it did not rewrite once all its
 * own are in place. A `.json` file named otherwise is not crowdheat's: this throws
 * OutputFolderError before anything is written (`label` starts the message, `instead` says what
 * else to choose), because tools read every JSON file in `detect/` as a frame and deleting it
 * could delete a user's data. Hidden files and files of other types are left alone and do not
 * block. A missing folder holds no earlier frames.
 */
export async function framesOfEarlierRuns(directory: string, label: string, instead: string): Promise<Set<string>> {
  let names: string[];
  try {
    names = (await readdir(directory, { withFileTypes: true })).filter((item) => item.isFile()).map((item) => item.name);
  } catch (error) {
    // No folder yet, or a file in its way (making the folder says so in words).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return new Set();
    throw new OutputFolderError(`${label}: cannot read the folder ${shownPath(directory)}: ${fileProblem(error)}`);
  }
  const foreign = names.filter((name) => name.endsWith('.json') && !name.startsWith('.') && !FRAME_FILE_NAME.test(name)).sort();
  if (foreign.length > 0) {
    throw new OutputFolderError(
      `${label}: ${shownPath(directory)} holds ${foreign.length} JSON file(s) crowdheat did not write ` +
        `(e.g. "${showValue(foreign[0])}"); move them away or choose another ${instead}, so they are not read as frames`,
    );
  }
  return new Set(names.filter((name) => FRAME_FILE_NAME.test(name)));
}

/** Removes the files `names` from `directory` (earlier frames this run or export did not rewrite). */
export async function removeEarlierFrames(directory: string, names: Iterable<string>): Promise<void> {
  for (const name of names) await rm(join(directory, name), { force: true });
}

/** The JSON text of one frame (SPEC §4). */
export function detectJson(frame: Frame, grid: Int32Array, params: GridParams): string {
  const detections = frame.detections;
  let places: string;
  if (!params.bbox2pix) places = `"bboxes": ${boxesText(detections)}`;
  else {
    const key = params.counting === 'legacy' ? 'positiones' : 'positions';
    places = `"${key}": ${positionsText(detections, params)}`;
  }
  const grids = gridText(grid, params.grid_num_h, params.grid_num_v);
  const timestamp = frame.timestamp === undefined ? '' : `, "timestamp": "${frame.timestamp}"`;
  return `{"number_of_detects": ${detections.count}, ${places}, "griddata": ${grids}${timestamp}}`;
}

/**
 * The per-frame JSON sink. A run into a folder holding an earlier run's frames replaces them as
 * a whole: once every frame of this run is written, the earlier frame files this run did not
 * rewrite are removed, so `detect/` never holds 600 frames beside a summary saying 40. An
 * interrupted or failed run removes nothing.
 */
export const detectJsonSink: SinkFactory = async (context) => {
  const directory = join(context.outputDir, 'detect');
  await makeFolder(directory, context.signal, 'output_settings.output_dir');
  const earlier = await framesOfEarlierRuns(directory, 'output_settings.output_dir', 'output_dir');
  let written = 0;

  const sink: Sink = {
    async write({ frame, grid }) {
      // Written at once, synchronously (writeFileAtomicSync: the thread pool's round trips
      // cost more than the writes); the grid is overwritten by the next frame anyway.
      const name = detectFileName(frame);
      earlier.delete(name);
      writeFileAtomicSync(join(directory, name), detectJson(frame, grid, context.params));
      written += 1;
    },
    async finish() {
      await removeEarlierFrames(directory, earlier);
      earlier.clear();
    },
    async abort() {
      // Nothing in flight: every frame's file is complete when write returns.
    },
    outputs: () => (written > 0 ? ['detect/'] : []),
  };
  return sink;
};
