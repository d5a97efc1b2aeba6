/**
 * GridCounter: griddata over a sliding window of frames (SPEC §3).
 *
 * The window is a ring of the last W frames' footprints. Pushing a frame subtracts the spans
 * of the frame that leaves the window and adds those of the frame that enters, so a frame
 * costs its footprints, never the size of the grid or of the image. The ring grows with the
 * frames pushed, up to W, and each slot holds its frame's spans at their exact size: a window
 * longer than the data costs nothing beyond the data.
 *
 * ```ts
 * const counter = new GridCounter({ ...DEFAULT_GRID_PARAMS, last_valid_frame: 2 });
 * counter.push(detections);
 * counter.grid; // Int32Array of grid_num_v × grid_num_h, row = vertical
 * ```
 */
import type { Detections } from '../frames.js';
import type { GridParams } from '../settings/types.js';
import { footprintFunction, SpanList, type FootprintFunction } from './footprint.js';

export interface PushResult {
  /** Detections whose point fell outside the grid and were dropped (legacy point mode, n = 0). */
  droppedOutsideGrid: number;
  /**
   * The highest count, after the push, among the cells the entering frame added to, and the
   * first such cell (row-major index); 0 and -1 for a frame without footprints. Only these cells
   * grew, so a running peak over the run needs no scan of the whole grid.
   */
  enteringPeak: number;
  enteringPeakCell: number;
}

/** The spans of a frame without footprints, shared by every such slot of the ring. */
const NO_SPANS = new Int32Array(0);

export class GridCounter {
  /** The window's counts, row-major: cell (h, v) is `grid[v * grid_num_h + h]`. */
  readonly grid: Int32Array;
  readonly columns: number;
  readonly rows: number;
  private readonly footprints: FootprintFunction;
  private readonly windowFrames: number;
  /**
   * Spans (v, h0, h1 triples) of the last `windowFrames` frames; once full, `next` is the slot
   * of the oldest.
   */
  private readonly ring: Int32Array[] = [];
  private next = 0;
  private readonly scratch = new SpanList();
  private framesSeen = 0;

  constructor(params: GridParams) {
    this.columns = params.grid_num_h;
    this.rows = params.grid_num_v;
    this.grid = new Int32Array(this.columns * this.rows);
    this.footprints = footprintFunction(params);
    this.windowFrames = params.last_valid_frame;
  }

  /** Number of frames pushed so far. */
  get frameCount(): number {
    return this.framesSeen;
  }

  /** Advances the window by one frame (an empty frame advances it too). */
  push(detections: Detections): PushResult {
    const spans = this.scratch;
    spans.clear();
    const droppedOutsideGrid = this.footprints(detections, spans);
    if (this.windowFrames > 0) {
      const entering = spans.length === 0 ? NO_SPANS : spans.data.slice(0, spans.length);
      if (this.ring.length < this.windowFrames) this.ring.push(entering);
      else {
        const leaving = this.ring[this.next];
        this.apply(leaving, leaving.length, -1);
        this.ring[this.next] = entering;
        this.next = (this.next + 1) % this.windowFrames;
      }
    }
    const { peak, cell } = this.add(spans.data, spans.length);
    this.framesSeen += 1;
    return { droppedOutsideGrid, enteringPeak: peak, enteringPeakCell: cell };
  }

  /** Largest count in the current window. */
  peak(): number {
    let peak = 0;
    for (let i = 0; i < this.grid.length; i++) if (this.grid[i] > peak) peak = this.grid[i];
    return peak;
  }

  /** Adds 1 to every cell of the spans, and finds the highest of them afterwards (first cell on ties). */
  private add(data: Int32Array, length: number): { peak: number; cell: number } {
    const grid = this.grid;
    const columns = this.columns;
    let peak = 0;
    let peakCell = -1;
    for (let s = 0; s < length; s += 3) {
      const row = data[s] * columns;
      const end = row + data[s + 2];
      for (let cell = row + data[s + 1]; cell <= end; cell++) {
        const count = ++grid[cell];
        if (count > peak || (count === peak && cell < peakCell)) {
          peak = count;
          peakCell = cell;
        }
      }
    }
    return { peak, cell: peakCell };
  }

  /** Adds `delta` to every cell of the first `length` values of `data` (v, h0, h1 triples). */
  private apply(data: Int32Array, length: number, delta: number): void {
    const grid = this.grid;
    const columns = this.columns;
    for (let s = 0; s < length; s += 3) {
      const row = data[s] * columns;
      const end = row + data[s + 2];
      for (let cell = row + data[s + 1]; cell <= end; cell++) grid[cell] += delta;
    }
  }
}
