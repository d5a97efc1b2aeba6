/**
 * Period grids: the sum of frames' footprints, each weighted (by its duration in seconds for
 * person-seconds, by 1 for person-frames), into one grid per bucket.
 *
 * Sums over periods cost detections, not cells: a footprint is a few rectangles of cells (one a
 * box, one a row of a disk, consecutive rows over the same columns merged), and each rectangle
 * adds its weight at four corners of a 2D difference array; one 2D prefix sum per bucket at the
 * end turns the differences into values. A box costs four additions whatever its size.
 *
 * ```ts
 * const acc = new PeriodAccumulator(params, 24);
 * acc.addFrame(position, detections, bucket, durationMs / 1000);
 * const grids = acc.grids(); // Float64Array of 24 × grid_num_v × grid_num_h
 * ```
 */
import { footprintRectangles, pointFootprint, RectangleList, type PointFootprint, type RectangleFunction } from '../counting/footprint.js';
import { prepareDetections, type Detections, type PrepareOptions, type PrepareStats } from '../frames.js';
import type { GridParams } from '../settings/types.js';
import { NO_SCRATCH, type Scratch } from './scratch.js';

/** How `prepareDetections` is set up for `params`, exactly as the per-frame run does it. */
export function prepareOptionsFor(params: GridParams): PrepareOptions {
  return {
    imageWidth: params.image_size_h,
    imageHeight: params.image_size_v,
    sanitize: params.counting === 'exact',
    classIds: params.class_ids,
    minScore: params.min_score,
  };
}

export class PeriodAccumulator {
  readonly columns: number;
  readonly rows: number;
  readonly buckets: number;
  /**
   * Grids summed: the buckets, and with `whole` one more (the last) holding every detection added
   * to any bucket, in the order added: the grid of the whole range to the bit as an accumulator
   * of one bucket sums it (a sum of the bucket grids would round otherwise).
   */
  readonly slots: number;
  /** Detections counted (after sanitising and filters) per frame position. */
  readonly counts: Int32Array;
  readonly stats: PrepareStats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
  /** Points dropped outside the grid (legacy point mode with n = 0). */
  droppedOutsideGrid = 0;
  private readonly differences: Float64Array;
  private readonly prepare: PrepareOptions;
  private readonly rectangles = new RectangleList();
  /**
   * Box mode: the rectangles of the boxes. Point modes: the footprint, and the weights of the
   * detections anchored in each grid cell per slot (`slots × rows × columns`), not yet drawn: a
   * cell's disk is drawn once, when the grids are asked for.
   */
  private readonly footprint: { kind: 'box'; rectangles: RectangleFunction } | { kind: 'point'; point: PointFootprint; anchors: Float64Array };
  private readonly cell = new Int32Array(2);
  /** Where the large arrays come from (and `grids()`'s result). */
  private readonly scratch: Scratch;
  /** The slot of the whole range's grid, or -1. */
  private readonly wholeSlot: number;

  /**
   * @param params grid and counting settings (sizes, n, box/point, point_ratio, filters).
   * @param buckets number of grids to sum into.
   * @param frames number of frame positions (for per-frame counts).
   * @param scratch where the counts, the sums and the grids are kept (ViewScratch: reused
   *   memory, valid until the next accumulator on the same scratch); new arrays by default.
   * @param whole also sum the whole range into one more grid, the last (`slots`).
   */
  constructor(params: GridParams, buckets: number, frames: number, scratch: Scratch = NO_SCRATCH, whole = false) {
    this.columns = params.grid_num_h;
    this.rows = params.grid_num_v;
    this.buckets = buckets;
    this.slots = buckets + (whole ? 1 : 0);
    this.wholeSlot = whole ? buckets : -1;
    this.scratch = scratch;
    this.counts = scratch.int32s('counts', frames);
    this.differences = scratch.float64s('differences', this.slots * (this.rows + 1) * (this.columns + 1));
    this.prepare = prepareOptionsFor(params);
    const point = pointFootprint(params);
    this.footprint =
      point === null
        ? { kind: 'box', rectangles: footprintRectangles(params) }
        : { kind: 'point', point, anchors: scratch.float64s('anchors', this.slots * this.rows * this.columns) };
  }

  /**
   * Adds the footprints of (some of) one frame's detections, as the source gave them, to
   * `bucket` with `weight` each (seconds, or 1). A frame's detections may come in several parts.
   */
  addFrame(position: number, detections: Detections, bucket: number, weight: number): void {
    const prepared = prepareDetections(detections, this.prepare, this.stats);
    this.counts[position] += prepared.count;
    if (prepared.count === 0 || bucket < 0) return;
    const rectangles = this.rectangles;
    rectangles.clear();
    const footprint = this.footprint;
    if (footprint.kind === 'point') {
      // A point inside the grid adds its weight to its cell; its disk is drawn with the others later.
      const { point, anchors } = footprint;
      const { cell, columns, rows, wholeSlot } = this;
      const base = bucket * rows * columns;
      const wholeBase = wholeSlot * rows * columns;
      for (let i = 0; i < prepared.count; i++) {
        point.cell(prepared.boxes, i * 4, cell);
        const h = cell[0];
        const v = cell[1];
        if (h >= 0 && h < columns && v >= 0 && v < rows) {
          anchors[base + v * columns + h] += weight;
          if (wholeSlot >= 0) anchors[wholeBase + v * columns + h] += weight;
        } else this.droppedOutsideGrid += point.rectangles(h, v, rectangles);
      }
    } else {
      this.droppedOutsideGrid += footprint.rectangles(prepared, rectangles);
    }
    this.addRectangles(bucket, weight);
    if (this.wholeSlot >= 0) this.addRectangles(this.wholeSlot, weight);
  }

  /** Adds `weight` over the rectangles in `this.rectangles` to `bucket`'s difference array. */
  private addRectangles(bucket: number, weight: number): void {
    const rectangles = this.rectangles;
    const stride = this.columns + 1;
    const base = bucket * (this.rows + 1) * stride;
    const data = rectangles.data;
    const differences = this.differences;
    let r = 0;
    while (r < rectangles.length) {
      const v0 = data[r];
      let v1 = data[r + 1];
      const h0 = data[r + 2];
      const h1 = data[r + 3];
      r += 4;
      // Rectangles of consecutive rows over the same columns (a disk's rows) are one rectangle.
      while (r < rectangles.length && data[r] === v1 + 1 && data[r + 2] === h0 && data[r + 3] === h1) {
        v1 = data[r + 1];
        r += 4;
      }
      if (v1 < v0 || h1 < h0) continue;
      const top = base + v0 * stride;
      const below = base + (v1 + 1) * stride;
      differences[top + h0] += weight;
      differences[top + h1 + 1] -= weight;
      differences[below + h0] -= weight;
      differences[below + h1 + 1] += weight;
    }
  }

  /** Point modes: draws the disk of every cell holding anchored weight into the difference arrays, and empties the cells. */
  private drawAnchors(): void {
    if (this.footprint.kind === 'box') return;
    const { point, anchors } = this.footprint;
    const { columns, rows, rectangles } = this;
    for (let b = 0; b < this.slots; b++) {
      for (let v = 0; v < rows; v++) {
        for (let h = 0; h < columns; h++) {
          const at = (b * rows + v) * columns + h;
          const weight = anchors[at];
          if (weight === 0) continue;
          anchors[at] = 0;
          rectangles.clear();
          point.rectangles(h, v, rectangles);
          this.addRectangles(b, weight);
        }
      }
    }
  }

  /**
   * An independent copy holding the same sums, counts and statistics: adding to the copy leaves
   * this one as it is (a follow adds its provisional newest frame to a copy).
   */
  clone(): PeriodAccumulator {
    const copy = Object.create(PeriodAccumulator.prototype) as PeriodAccumulator;
    Object.assign(copy, this, {
      counts: this.counts.slice(),
      stats: { ...this.stats },
      differences: this.differences.slice(),
      rectangles: new RectangleList(),
      footprint: this.footprint.kind === 'box' ? this.footprint : { ...this.footprint, anchors: this.footprint.anchors.slice() },
      cell: new Int32Array(2),
      scratch: NO_SCRATCH,
    });
    return copy;
  }

  /**
   * The grids, `slots × grid_num_v × grid_num_h` (the buckets, then the whole range's with
   * `whole`), row-major; grid b starts at b·rows·columns
   * (in the scratch's memory when there is one).
   */
  grids(): Float64Array {
    this.drawAnchors();
    const { rows, columns, slots, differences } = this;
    const stride = columns + 1;
    const out = this.scratch.float64s('grids', slots * rows * columns);
    const column = new Float64Array(columns);
    for (let b = 0; b < slots; b++) {
      column.fill(0);
      for (let v = 0; v < rows; v++) {
        const from = (b * (rows + 1) + v) * stride;
        const to = (b * rows + v) * columns;
        let running = 0;
        for (let h = 0; h < columns; h++) {
          running += differences[from + h];
          column[h] += running;
          out[to + h] = column[h];
        }
      }
    }
    return out;
  }
}

/** The cell with the highest value (smallest v, then h, on ties); null for an all-zero grid. */
export function busiestCell(grid: Float64Array, columns: number): { h: number; v: number; value: number } | null {
  let best = 0;
  let at = -1;
  for (let i = 0; i < grid.length; i++) {
    if (grid[i] > best) {
      best = grid[i];
      at = i;
    }
  }
  return at < 0 ? null : { h: at % columns, v: Math.floor(at / columns), value: best };
}
