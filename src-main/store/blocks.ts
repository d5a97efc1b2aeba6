/**
 * Detections in blocks of columns, and the runs of one frame views read them in: the one shape
 * both DuckDB's chunks (store.ts) and the in-memory cache (detection-cache.ts) hand over.
 */
import type { Detections } from '../../src-shared/frames.js';

/** Rows of the reused arrays before a larger block makes them grow (DuckDB's vector size). */
const BLOCK_ROWS = 2048;

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
 * Hands a block's detections to `visit` in runs of one frame each, as `Detections` (boxes
 * interleaved), in reused arrays that grow to the largest block seen.
 */
export class RunVisitor {
  private boxes = new Float64Array(BLOCK_ROWS * 4);
  private scores = new Float64Array(BLOCK_ROWS);
  private classIds = new Int32Array(BLOCK_ROWS);
  private trackIds = new Int32Array(BLOCK_ROWS);

  constructor(private readonly visit: (frameIndex: number, detections: Detections) => void) {}

  /** Visits the runs of `block`. */
  block(block: DetectionBlock): void {
    const { rows, frames, left, top, right, bottom } = block;
    if (rows > this.scores.length) {
      this.boxes = new Float64Array(rows * 4);
      this.scores = new Float64Array(rows);
      this.classIds = new Int32Array(rows);
      this.trackIds = new Int32Array(rows);
    }
    const { boxes, scores, classIds, trackIds } = this;
    for (let i = 0; i < rows; i++) {
      boxes[i * 4] = left[i];
      boxes[i * 4 + 1] = top[i];
      boxes[i * 4 + 2] = right[i];
      boxes[i * 4 + 3] = bottom[i];
    }
    scores.set(block.scores);
    classIds.set(block.classIds);
    trackIds.set(block.trackIds);
    let start = 0;
    while (start < rows) {
      let end = start + 1;
      while (end < rows && frames[end] === frames[start]) end += 1;
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
}
