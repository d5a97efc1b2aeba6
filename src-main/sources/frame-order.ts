/**
 * Rows that carry their own frame number (MOT's `frame`, the seed CSV's index), handed out in
 * frame order whatever their order in the file.
 *
 * A first pass reads the frame numbers only. A file already in order (the common case) is then
 * streamed a second time as it is: memory stays one row. A file out of order (MOT files written
 * track by track) is distributed into bucket files in a private temporary folder, each holding
 * a contiguous range of frames and about `BUCKET_BYTES` of rows; each bucket is then read,
 * sorted by (frame, line) and handed out, and the folder is removed whatever happens. Memory is
 * then 8 bytes a row (the frame numbers, to place the bucket boundaries) plus one bucket's text
 * and 24 bytes a row of it.
 *
 * Before any row is handed out, the gaps between frames are checked: frames without a row
 * become empty frames, so a jump of a million frames would ask for a million frames of outputs.
 * A jump longer than `MAX_FRAME_GAP` (from the first frame number, or between two frames that
 * have rows) fails with an `InputError` naming both rows.
 */
import { mkdtemp, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src-shared/errors.js';

/** One row with a readable frame number: the frame (in the file's own numbering), its 1-based line, its text. */
export interface FrameRow {
  readonly frame: number;
  readonly line: number;
  readonly text: string;
}

/**
 * Iterates the rows of the file that have a readable frame number, in file order. `report` is
 * true on the one pass whose skipped rows should be reported (the reader reports rows without
 * a frame number itself); the other passes must not report anything.
 */
export type FrameRowReader = (report: boolean) => AsyncIterable<FrameRow>;

/**
 * The longest run of frames without a row that is filled with empty frames: 9,000 frames
 * (5 minutes at 30 fps). A longer jump is refused before any output is written.
 */
export const MAX_FRAME_GAP = 9_000;
/** About this much row text per bucket file when a file out of order is sorted. */
export const BUCKET_BYTES = 16 * 1024 * 1024;
/** At most this many bucket files at once. */
const MAX_BUCKETS = 512;
/** Rows gathered for one bucket before they are written out. */
const FLUSH_CHARS = 1024 * 1024;

/**
 * A source's frame count as its reader learns it: unset until `orderRows` has scanned the file,
 * then `OrderedRows.span` (the `FrameSource.expectedFrames` of the seed CSV and MOT readers).
 */
export interface FrameSpan {
  frames?: number;
}

export interface OrderedRows {
  /** Rows with a readable frame number. */
  readonly rows: number;
  /** Whether the file was out of order (and was sorted through temporary files). */
  readonly sorted: boolean;
  /**
   * Frames from the origin through the highest frame number with a row (both ends counted), 0
   * when no row has a frame number: what a reader that yields every frame from the origin on
   * will yield at most (progress takes it as the run's total).
   */
  readonly span: number;
  /** The rows in frame order; rows of the same frame in file order. */
  readonly iterate: () => AsyncGenerator<FrameRow>;
}

/**
 * Scans `read` and returns its rows in frame order (see the module comment).
 * @param path the file, for messages.
 * @param origin the first frame number of the format (MOT 1, seed CSV 0): frames from it up to the first row become empty frames.
 * @param what how the format names its frame numbers in messages (`frame`, `index`).
 * @param fileBytes the file's size, to choose the bucket count.
 * @throws InputError when two consecutive frames with rows (or the origin and the first) are more than `MAX_FRAME_GAP` apart.
 */
export async function orderRows(
  path: string,
  read: FrameRowReader,
  origin: number,
  what: string,
  fileBytes: number,
  signal: AbortSignal,
): Promise<OrderedRows> {
  let rows = 0;
  let inOrder = true;
  let previous: FrameRow | undefined;
  for await (const row of read(false)) {
    if (signal.aborted) break;
    rows += 1;
    if (previous !== undefined && row.frame < previous.frame) {
      inOrder = false;
      break;
    }
    checkGap(path, previous, row, origin, what);
    previous = row;
  }
  if (inOrder || signal.aborted) {
    return {
      rows,
      sorted: false,
      span: previous === undefined ? 0 : previous.frame - origin + 1,
      iterate: async function* () {
        for await (const row of read(true)) yield row;
      },
    };
  }
  const frames = await collectFrames(read, signal);
  await checkSortedGaps(path, read, frames, origin, what);
  const span = frames.length === 0 ? 0 : frames[frames.length - 1] - origin + 1;
  return { rows: frames.length, sorted: true, span, iterate: () => bucketSorted(read, frames, fileBytes, signal) };
}

function checkGap(path: string, previous: FrameRow | undefined, row: FrameRow, origin: number, what: string): void {
  const from = previous === undefined ? origin - 1 : previous.frame;
  if (row.frame - from - 1 <= MAX_FRAME_GAP) return;
  throw gapError(path, previous, row, origin, what);
}

function gapError(path: string, previous: FrameRow | undefined, row: FrameRow, origin: number, what: string): InputError {
  const empty = row.frame - (previous === undefined ? origin : previous.frame + 1);
  const between =
    previous === undefined
      ? `${path}:${row.line}: ${what} ${row.frame} leaves ${empty} frames without rows before it`
      : `${path}:${previous.line} (${what} ${previous.frame}) and ${path}:${row.line} (${what} ${row.frame}) leave ` +
        `${empty} frames without rows between them`;
  return new InputError(`${between}; at most ${MAX_FRAME_GAP} are filled with empty frames (fix or split the file)`);
}

/** Every row's frame number, sorted: 8 bytes a row. */
async function collectFrames(read: FrameRowReader, signal: AbortSignal): Promise<Float64Array> {
  let frames = new Float64Array(1 << 16);
  let n = 0;
  for await (const row of read(false)) {
    if (signal.aborted) break;
    if (n === frames.length) {
      const grown = new Float64Array(frames.length * 2);
      grown.set(frames);
      frames = grown;
    }
    frames[n++] = row.frame;
  }
  return frames.subarray(0, n).sort();
}

async function checkSortedGaps(
  path: string,
  read: FrameRowReader,
  frames: Float64Array,
  origin: number,
  what: string,
): Promise<void> {
  let from = origin - 1;
  for (let i = 0; i < frames.length; i++) {
    if (frames[i] - from - 1 > MAX_FRAME_GAP) {
      const before = i === 0 ? undefined : await firstRowOf(read, from);
      const after = await firstRowOf(read, frames[i]);
      throw gapError(path, before, after ?? { frame: frames[i], line: 0, text: '' }, origin, what);
    }
    from = frames[i];
  }
}

/** The first row of `frame` in file order (to name it in a message). */
async function firstRowOf(read: FrameRowReader, frame: number): Promise<FrameRow | undefined> {
  for await (const row of read(false)) if (row.frame === frame) return row;
  return undefined;
}

/** The rows in frame order through bucket files; the temporary folder is removed when iteration ends, however it ends. */
async function* bucketSorted(
  read: FrameRowReader,
  frames: Float64Array,
  fileBytes: number,
  signal: AbortSignal,
): AsyncGenerator<FrameRow> {
  const count = Math.max(1, Math.min(MAX_BUCKETS, Math.ceil(fileBytes / BUCKET_BYTES)));
  // Bucket k holds frames from starts[k] up to starts[k+1]: quantiles of the rows, so buckets hold
  // about as many rows each; a frame's rows are never split.
  const starts: number[] = [];
  for (let k = 0; k < count; k++) {
    const start = frames[Math.floor((k * frames.length) / count)];
    if (starts.length === 0 || start > starts[starts.length - 1]) starts.push(start);
  }
  const folder = await mkdtemp(join(tmpdir(), 'crowdheat-sort-'));
  try {
    const files = starts.map((_, k) => join(folder, `${k}.rows`));
    await distribute(read, starts, files, signal);
    for (const file of files) {
      if (signal.aborted) return;
      yield* readBucket(file);
      await rm(file, { force: true });
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Writes each row (`frame \t line \t text`, see `encodeRowText`) to the bucket of its frame. */
async function distribute(read: FrameRowReader, starts: number[], files: string[], signal: AbortSignal): Promise<void> {
  const handles: FileHandle[] = [];
  const pending: string[][] = starts.map(() => []);
  const sizes = starts.map(() => 0);
  try {
    for (const file of files) handles.push(await open(file, 'wx', 0o600));
    for await (const row of read(true)) {
      if (signal.aborted) return;
      const k = bucketOf(starts, row.frame);
      const text = `${row.frame}\t${row.line}\t${encodeRowText(row.text)}\n`;
      pending[k].push(text);
      sizes[k] += text.length;
      if (sizes[k] >= FLUSH_CHARS) {
        await handles[k].write(pending[k].join(''));
        pending[k] = [];
        sizes[k] = 0;
      }
    }
    for (let k = 0; k < handles.length; k++) if (pending[k].length > 0) await handles[k].write(pending[k].join(''));
  } finally {
    await Promise.allSettled(handles.map((handle) => handle.close()));
  }
}

/** The last bucket whose first frame is at most `frame` (binary search). */
function bucketOf(starts: number[], frame: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= frame) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * One bucket, sorted by (frame, line). Rows stay in the bucket's text; only their frame, line
 * and position are held in typed arrays (24 bytes a row), and each row's text is cut out as it
 * is handed out.
 */
async function* readBucket(file: string): AsyncGenerator<FrameRow> {
  const text = await readFile(file, 'utf8');
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  const frames = new Float64Array(count);
  const lines = new Float64Array(count);
  const starts = new Uint32Array(count);
  const ends = new Uint32Array(count);
  let start = 0;
  for (let n = 0; n < count; n++) {
    const end = text.indexOf('\n', start);
    const tab1 = text.indexOf('\t', start);
    const tab2 = text.indexOf('\t', tab1 + 1);
    frames[n] = Number(text.slice(start, tab1));
    lines[n] = Number(text.slice(tab1 + 1, tab2));
    starts[n] = tab2 + 1;
    ends[n] = end;
    start = end + 1;
  }
  const order = new Uint32Array(count);
  for (let n = 0; n < count; n++) order[n] = n;
  order.sort((a, b) => frames[a] - frames[b] || lines[a] - lines[b]);
  for (let k = 0; k < count; k++) {
    const n = order[k];
    yield { frame: frames[n], line: lines[n], text: decodeRowText(text.slice(starts[n], ends[n])) };
  }
}

/** A row's text as a bucket holds it: as it is, or as a JSON string when it has a line break or starts with a quote. */
function encodeRowText(text: string): string {
  return text.startsWith('"') || text.includes('\n') || text.includes('\r') ? JSON.stringify(text) : text;
}

function decodeRowText(stored: string): string {
  return stored.startsWith('"') ? (JSON.parse(stored) as string) : stored;
}
