/**
 * A finished store's detections held in memory, in the narrowest typed arrays that keep every
 * value exactly, so that views over long ranges read them without DuckDB: a week of one camera
 * (5 M detections) costs DuckDB about 0.4–0.5 s of streamed chunks per whole-week view (schema
 * 3's narrow columns; twice that for DOUBLE ones). Filled once, in the store's scan order, from
 * `streamDetectionBlocks`.
 *
 * Each column is made as narrow as its first block allows and widened when a later value does
 * not fit: Int16Array, then Float32Array for box edges and scores that are float32 exactly (else
 * Float64Array), Int32Array for frame indexes (always), class and track ids. Pixel boxes
 * (integers) and float32 scores, what AITRIOS models give, cost 4 (frame) + 8 + 4 + 2 + 2 bytes a
 * detection (a week at 1 fps: 5 M detections, 101 MB); anything else costs more but reads back
 * the same numbers.
 *
 * Memory is bounded by `DETECTION_CACHE_BUDGET_BYTES` over every cache of the process: a cache
 * that would pass it is given up while it is filled (the store is then streamed as before).
 *
 * ```ts
 * const cache = await DetectionCache.fill((visit) => streamDetectionBlocks(connection, visit), store.meta.detections);
 * if (cache !== null) await cache.forEachDetections(visit, 100, 200); // as the store would
 * cache?.release();
 * ```
 */
import type { Detections } from '../../src-shared/frames.js';
import { lowerBound } from '../../src-shared/sorted.js';
import { BLOCK_ROWS, RunVisitor, type DetectionBlock } from './blocks.js';
import type { DetectionStream } from './store.js';

/** Bytes all detection caches of this process may hold together: a week of one camera at 1 fps is about 101 MB. */
export const DETECTION_CACHE_BUDGET_BYTES = 384 * 1024 * 1024;

let budgetUsed = 0;

/** Bytes the caches of this process hold now (for tests and the benchmark). */
export function detectionCacheBytes(): number {
  return budgetUsed;
}

type Column = Int16Array | Int32Array | Float32Array | Float64Array;

/** The columns of a block, in `DetectionBlock`'s order. */
const COLUMNS = ['frames', 'left', 'top', 'right', 'bottom', 'scores', 'classIds', 'trackIds'] as const;
/** Which columns hold integers (frame indexes, class and track ids). */
const INTEGER_COLUMNS = new Set<string>(['frames', 'classIds', 'trackIds']);

/** Whether `value` is held exactly by an Int16Array (−0 is not: it would come back as +0). */
function fitsInt16(value: number): boolean {
  return (value | 0) === value && value >= -32768 && value <= 32767 && (value !== 0 || 1 / value > 0);
}

/** Whether `value` is held exactly by a Float32Array (NaN is: every NaN is dropped alike). */
function fitsFloat32(value: number): boolean {
  return Math.fround(value) === value || Number.isNaN(value);
}

/** How wide a column must be for `values`: 0 Int16, 1 Float32 (Int32 for integers), 2 Float64. */
function neededRank(values: ArrayLike<number>, integer: boolean): 0 | 1 | 2 {
  let needed: 0 | 1 | 2 = 0;
  for (let i = 0; i < values.length && needed < 2; i++) {
    const value = values[i];
    if (fitsInt16(value)) continue;
    if (integer || fitsFloat32(value)) needed = 1;
    else needed = 2;
  }
  return needed;
}

/** Whether every value of `values` is held exactly by an Int16Array (one monomorphic loop: a week's fill checks 40 M values). */
function float64sFitInt16(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if ((value | 0) !== value || value < -32768 || value > 32767 || (value === 0 && 1 / value < 0)) return false;
  }
  return true;
}

/** Whether every value of `values` is held exactly by a Float32Array. */
function float64sFitFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Math.fround(value) !== value && value === value) return false;
  }
  return true;
}

/** Whether every value of `values` is held exactly by an Int16Array. */
function int32sFitInt16(values: Int32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value < -32768 || value > 32767) return false;
  }
  return true;
}

/**
 * Whether every value fits a column as wide as `rank` (0 Int16, 1 Float32 or Int32, 2 Float64):
 * the common case, checked by a loop made for the array's type (DuckDB's Float64Array and
 * Int32Array); `neededRank` is asked only when a value does not fit.
 */
function allFit(values: ArrayLike<number>, integer: boolean, rank: 0 | 1 | 2): boolean {
  if (rank === 2 || (rank === 1 && integer)) return true;
  if (values instanceof Float64Array) return rank === 0 ? float64sFitInt16(values) : float64sFitFloat32(values);
  if (values instanceof Int32Array && rank === 0) return int32sFitInt16(values);
  return neededRank(values, integer) <= rank;
}

/** A column of `length` values growing wider as values need it. */
class CompactColumn {
  data: Column;

  private constructor(
    data: Column,
    private readonly integer: boolean,
    private readonly reserve: (bytes: number) => boolean,
  ) {
    this.data = data;
  }

  /**
   * A column of `length` values as wide as `rank` (neededRank) asks, its bytes taken from
   * `reserve`; null when they do not fit. Choosing the width from the first values spares the
   * copy (and the fresh pages) of widening later.
   */
  static create(length: number, integer: boolean, rank: 0 | 1 | 2, reserve: (bytes: number) => boolean): CompactColumn | null {
    const bytes = length * (rank === 0 ? 2 : rank === 1 ? 4 : 8);
    if (!reserve(bytes)) return null;
    const data = rank === 0 ? new Int16Array(length) : rank === 2 ? new Float64Array(length) : integer ? new Int32Array(length) : new Float32Array(length);
    return new CompactColumn(data, integer, reserve);
  }

  /** Writes `values` at `offset`, widening the column first when needed; false when over budget. */
  write(values: ArrayLike<number>, offset: number): boolean {
    const rank = this.data instanceof Int16Array ? 0 : this.data instanceof Float64Array ? 2 : 1;
    if (!allFit(values, this.integer, rank) && !this.widen(neededRank(values, this.integer) === 2 ? 2 : 1)) return false;
    (this.data as Float64Array).set(values as ArrayLike<number>, offset);
    return true;
  }

  private widen(rank: 1 | 2): boolean {
    const length = this.data.length;
    const wider = rank === 2 ? new Float64Array(length) : this.integer ? new Int32Array(length) : new Float32Array(length);
    if (!this.reserve(wider.byteLength - this.data.byteLength)) return false;
    (wider as Float64Array).set(this.data as ArrayLike<number>);
    this.data = wider;
    return true;
  }
}

export class DetectionCache implements DetectionStream {
  private released = false;

  private constructor(
    /** Detections held. */
    readonly count: number,
    /** The columns, `count` values each, in the store's scan order. */
    private readonly columns: Record<(typeof COLUMNS)[number], Column>,
    /** Frame indexes never decrease (a store written by crowdheat): ranges are found by bisection. */
    private readonly ordered: boolean,
    /** Bytes reserved from the process's budget. */
    readonly bytes: number,
  ) {}

  /**
   * Reads every detection through `read` (`streamDetectionBlocks` over all frames) into a cache.
   * `expected` is how many there are (the store's meta); the cache is given up — null — when
   * there turn out to be more or fewer, or when it would pass `budgetBytes` (all caches of the
   * process together).
   *
   * @throws what `read` throws (an unreadable store).
   */
  static async fill(
    read: (visit: (block: DetectionBlock) => void) => Promise<void>,
    expected: number,
    budgetBytes = DETECTION_CACHE_BUDGET_BYTES,
  ): Promise<DetectionCache | null> {
    if (!Number.isInteger(expected) || expected < 0) return null;
    let reserved = 0;
    const reserve = (bytes: number): boolean => {
      if (budgetUsed + bytes > budgetBytes) return false;
      budgetUsed += bytes;
      reserved += bytes;
      return true;
    };
    const giveUp = (): null => {
      budgetUsed -= reserved;
      return null;
    };
    // Each column is made as wide as the first block needs (frame indexes at least Int32: a long
    // run passes 32,767 frames), and widened later only if a value asks for it.
    const make = (block: DetectionBlock | null): CompactColumn[] | null => {
      const made: CompactColumn[] = [];
      for (const name of COLUMNS) {
        const integer = INTEGER_COLUMNS.has(name);
        const rank = block === null ? 0 : Math.max(neededRank(block[name], integer), name === 'frames' ? 1 : 0);
        const column = CompactColumn.create(expected, integer, rank === 2 ? 2 : rank === 1 ? 1 : 0, reserve);
        if (column === null) return null;
        made.push(column);
      }
      return made;
    };
    let columns: CompactColumn[] | null = null;
    let filled = 0;
    let ordered = true;
    let lastFrame = -Infinity;
    let failed = false;
    try {
      await read((block) => {
        if (failed) return;
        const rows = block.rows;
        if (filled + rows > expected) {
          failed = true;
          return;
        }
        const frames = block.frames;
        for (let i = 0; i < rows && ordered; i++) {
          if (frames[i] < lastFrame) ordered = false;
          lastFrame = frames[i];
        }
        columns ??= make(block);
        if (columns === null) {
          failed = true;
          return;
        }
        for (let c = 0; c < COLUMNS.length && !failed; c++) {
          if (!columns[c].write(block[COLUMNS[c]], filled)) failed = true;
        }
        filled += rows;
      });
    } catch (error) {
      giveUp();
      throw error;
    }
    columns ??= failed ? null : make(null);
    if (failed || columns === null || filled !== expected) return giveUp();
    const made = columns;
    const data = Object.fromEntries(COLUMNS.map((name, c) => [name, made[c].data])) as Record<(typeof COLUMNS)[number], Column>;
    return new DetectionCache(filled, data, ordered, reserved);
  }

  /** Bytes each detection costs in this cache. */
  get bytesPerDetection(): number {
    return COLUMNS.reduce((bytes, name) => bytes + this.columns[name].BYTES_PER_ELEMENT, 0);
  }

  /**
   * The detections of frames `fromIndex ≤ frame_index ≤ toIndex` (all when omitted), in the
   * order the store gave them, in runs of one frame (`RunVisitor`: consecutive rows of a frame
   * are one run whatever the block size; a frame whose rows lie apart comes in several): what
   * `StoreReader.forEachDetections` hands over. The arrays passed to `visit` are reused.
   */
  async forEachDetections(
    visit: (frameIndex: number, detections: Detections) => void,
    fromIndex = -2147483648,
    toIndex = 2147483647,
  ): Promise<void> {
    if (this.released) throw new Error('DetectionCache: read after release');
    const { columns, count } = this;
    const frames = columns.frames;
    let first = 0;
    let end = count;
    if (this.ordered) {
      first = lowerBound(frames, fromIndex);
      end = lowerBound(frames, toIndex + 1);
    }
    const runs = new RunVisitor(visit);
    // Each block is widened into Float64 and Int32 arrays first (natively, by `set`), so that
    // RunVisitor reads the same array types from here as from DuckDB.
    const block = {
      rows: 0,
      frames: new Int32Array(BLOCK_ROWS),
      left: new Float64Array(BLOCK_ROWS),
      top: new Float64Array(BLOCK_ROWS),
      right: new Float64Array(BLOCK_ROWS),
      bottom: new Float64Array(BLOCK_ROWS),
      scores: new Float64Array(BLOCK_ROWS),
      classIds: new Int32Array(BLOCK_ROWS),
      trackIds: new Int32Array(BLOCK_ROWS),
    };
    let row = first;
    while (row < end) {
      // A block of consecutive rows inside the range.
      if (!this.ordered) {
        while (row < end && (frames[row] < fromIndex || frames[row] > toIndex)) row += 1;
        if (row === end) break;
      }
      let stop = Math.min(row + BLOCK_ROWS, end);
      if (!this.ordered) {
        let inside = row + 1;
        while (inside < stop && frames[inside] >= fromIndex && frames[inside] <= toIndex) inside += 1;
        stop = inside;
      }
      block.rows = stop - row;
      for (const name of COLUMNS) (block[name] as Float64Array).set(columns[name].subarray(row, stop) as ArrayLike<number>);
      runs.block(block);
      row = stop;
    }
    runs.finish();
  }

  /** Gives the cache's bytes back to the budget; reading it afterwards is a programming error. */
  release(): void {
    if (this.released) return;
    this.released = true;
    budgetUsed -= this.bytes;
  }
}
