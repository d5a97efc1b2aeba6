/**
 * Detections in blocks of columns, and the runs of one frame views read them in: the one shape
 * both DuckDB's chunks (store.ts) and the in-memory cache (detection-cache.ts) hand over.
 */
import type { Detections } from '../../src-shared/frames.js';

/** Rows in a block of detections: DuckDB's vector size, and the size of reused block arrays before a larger block makes them grow. */
export const BLOCK_ROWS = 2048;

/**
 * A block of detections as columns, one entry a detection (`rows` of them, from 0): what DuckDB
 * hands over a chunk at a time, or a slice of a `DetectionCache`. The arrays may be of any
 * numeric type; they are valid only during the call they are passed to.
 */
export interface DetectionBlock {
  rows: number;
  frames: ArrayLike<number>;
  left: ArrayLike<number>;
  top: ArrayLike<number>;
  right: ArrayLike<number>;
  bottom: ArrayLike<number>;
  scores: ArrayLike<number>;
  classIds: ArrayLike<number>;
  trackIds: ArrayLike<number>;
}

/**
 * Hands blocks' detections to `visit` in runs of one frame each, as `Detections` (boxes
 * interleaved), in reused arrays that grow to the largest block and frame seen.
 *
 * A run is every consecutive row of one frame, wherever the blocks break: the rows of a frame
 * that ends a block are held back and visited with the next block's rows of the same frame (or
 * by `finish`). So the runs depend only on the rows and their order, never on how a reader cut
 * them into blocks (DuckDB's chunks, a cache's slices): views that sum floating-point weights
 * per run give identical figures whichever reader fed them. Call `finish` after the last block.
 */
export class RunVisitor {
  private frames = new Int32Array(BLOCK_ROWS);
  private boxes = new Float64Array(BLOCK_ROWS * 4);
  private scores = new Float64Array(BLOCK_ROWS);
  private classIds = new Int32Array(BLOCK_ROWS);
  private trackIds = new Int32Array(BLOCK_ROWS);
  /** Rows held back at the start of the arrays: the last run so far, its frame not yet known to end. */
  private held = 0;

  constructor(private readonly visit: (frameIndex: number, detections: Detections) => void) {}

  /** Visits the runs of `block` that are known to end, holding back the last one. */
  block(block: DetectionBlock): void {
    const { rows, frames, left, top, right, bottom } = block;
    if (rows === 0) return;
    const held = this.held;
    const total = held + rows;
    if (total > this.scores.length) this.grow(total);
    // The block's arrays may be longer than `rows` (reused arrays): only `rows` values are read.
    const { boxes, scores, classIds, trackIds } = this;
    for (let i = 0; i < rows; i++) {
      const row = held + i;
      const at = row * 4;
      boxes[at] = left[i];
      boxes[at + 1] = top[i];
      boxes[at + 2] = right[i];
      boxes[at + 3] = bottom[i];
      this.frames[row] = frames[i];
      scores[row] = block.scores[i];
      classIds[row] = block.classIds[i];
      trackIds[row] = block.trackIds[i];
    }
    // The last run starts where the frame of the last row begins.
    let last = total - 1;
    while (last > 0 && this.frames[last - 1] === this.frames[total - 1]) last -= 1;
    this.visitRuns(0, last);
    if (last > 0) {
      this.frames.copyWithin(0, last, total);
      this.boxes.copyWithin(0, last * 4, total * 4);
      this.scores.copyWithin(0, last, total);
      this.classIds.copyWithin(0, last, total);
      this.trackIds.copyWithin(0, last, total);
    }
    this.held = total - last;
  }

  /** Visits the run held back from the last block. */
  finish(): void {
    const held = this.held;
    this.held = 0;
    this.visitRuns(0, held);
  }

  /** Visits the runs of rows `from ≤ i < to` of the arrays. */
  private visitRuns(from: number, to: number): void {
    const { frames, boxes, scores, classIds, trackIds } = this;
    let start = from;
    while (start < to) {
      let end = start + 1;
      while (end < to && frames[end] === frames[start]) end += 1;
      this.visit(frames[start], {
        count: end - start,
        boxes: boxes.subarray(start * 4, end * 4),
        scores: scores.subarray(start, end),
        classIds: classIds.subarray(start, end),
        trackIds: trackIds.subarray(start, end),
      });
      start = end;
    }
  }

  /** Makes room for `rows` rows, keeping the rows held back. */
  private grow(rows: number): void {
    const capacity = Math.max(rows, this.scores.length * 2);
    const held = this.held;
    const frames = new Int32Array(capacity);
    const boxes = new Float64Array(capacity * 4);
    const scores = new Float64Array(capacity);
    const classIds = new Int32Array(capacity);
    const trackIds = new Int32Array(capacity);
    frames.set(this.frames.subarray(0, held));
    boxes.set(this.boxes.subarray(0, held * 4));
    scores.set(this.scores.subarray(0, held));
    classIds.set(this.classIds.subarray(0, held));
    trackIds.set(this.trackIds.subarray(0, held));
    this.frames = frames;
    this.boxes = boxes;
    this.scores = scores;
    this.classIds = classIds;
    this.trackIds = trackIds;
  }
}
