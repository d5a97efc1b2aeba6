/**
 * detect/<T>.json (or detect/<8-digit frame>.json): one file per frame, in the sample's layout
 * so existing consumers keep working. Box mode writes `bboxes`; point mode writes `positions`
 * (legacy counting keeps the sample's spelling, `positiones`).
 *
 * The text uses Python's `json.dumps` separators (", " and ": ") so that a file can be diffed
 * against the sample's own output.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Detections, Frame } from '../../src-shared/frames.js';
import { anchorPoint } from '../../src-shared/counting/footprint.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import type { Sink, SinkFactory } from '../pipeline/types.js';
import { writeFileAtomic } from './atomic.js';

/** Writes in flight at once: enough to keep the disk busy without holding many grids in memory. */
const WRITES_IN_FLIGHT = 8;

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

export const detectJsonSink: SinkFactory = async (context) => {
  const directory = join(context.outputDir, 'detect');
  await mkdir(directory, { recursive: true });
  const pending = new Set<Promise<void>>();
  let failure: unknown = null;
  let written = 0;

  const settle = async (limit: number): Promise<void> => {
    while (pending.size > limit) await Promise.race(pending);
    if (failure !== null) throw failure;
  };

  const sink: Sink = {
    async write({ frame, grid }) {
      // The text is built now: the grid is overwritten by the next frame.
      const text = detectJson(frame, grid, context.params);
      const task: Promise<void> = writeFileAtomic(join(directory, detectFileName(frame)), text).then(
        () => {
          written += 1;
          pending.delete(task);
        },
        (error: unknown) => {
          failure ??= error;
          pending.delete(task);
        },
      );
      pending.add(task);
      await settle(WRITES_IN_FLIGHT - 1);
    },
    finish: () => settle(0),
    async abort() {
      await Promise.allSettled(pending);
    },
    outputs: () => (written > 0 ? ['detect/'] : []),
  };
  return sink;
};
