/**
 * GridCounter: griddata over a sliding window of frames (SPEC §3).
 *
 * The window is a ring of the last W frames' footprints. Pushing a frame subtracts the spans
 * of the frame that leaves the window and adds those of the frame that enters, so a frame
 * costs its footprints, never the size of the grid or of the image.
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
}

export class GridCounter {
  /** The window's counts, row-major: cell (h, v) is `grid[v * grid_num_h + h]`. */
  readonly grid: Int32Array;
  readonly columns: number;
  readonly rows: number;
  private readonly footprints: FootprintFunction;
  private readonly windowFrames: number;
  /** Footprints of the last `windowFrames` frames; `next` is the slot of the oldest. */
  private readonly ring: SpanList[];
  private next = 0;
  private readonly scratch = new SpanList();
  private framesSeen = 0;

  constructor(params: GridParams) {
    this.columns = params.grid_num_h;
    this.rows = params.grid_num_v;
    this.grid = new Int32Array(this.columns * this.rows);
    this.footprints = footprintFunction(params);
    this.windowFrames = params.last_valid_frame;
    this.ring = Array.from({ length: this.windowFrames }, () => new SpanList());
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
      const slot = this.ring[this.next];
      this.apply(slot, -1);
      slot.copyFrom(spans);
      this.next = (this.next + 1) % this.windowFrames;
    }
    this.apply(spans, 1);
    this.framesSeen += 1;
    return { droppedOutsideGrid };
  }

  /** Largest count in the current window. */
  peak(): number {
    let peak = 0;
    for (let i = 0; i < this.grid.length; i++) if (this.grid[i] > peak) peak = this.grid[i];
    return peak;
  }

  private apply(spans: SpanList, delta: number): void {
    const grid = this.grid;
    const data = spans.data;
    const columns = this.columns;
    for (let s = 0; s < spans.length; s += 3) {
      const row = data[s] * columns;
      const end = row + data[s + 2];
      for (let cell = row + data[s + 1]; cell <= end; cell++) grid[cell] += delta;
    }
  }
}
