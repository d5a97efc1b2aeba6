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
 * // or, bucket by bucket as each is complete (one difference array in memory, not 24):
 * const first = acc.finish(0); // grid_num_v × grid_num_h, valid until the next finish
 * ```
 *
 * A slot's arrays are taken when its first footprint arrives and given back by `finish`, so a
 * view whose buckets arrive in order (times never go backwards) holds two difference arrays
 * however many buckets it has: a week by hour at 192×108 touched 56 MB a view, now under 1 MB.
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
  private readonly prepare: PrepareOptions;
  private readonly rectangles = new RectangleList();
  /**
   * Box mode: the rectangles of the boxes. Point modes: the footprint, and the weights of the
   * detections anchored in each grid cell per slot (`slots × rows × columns`), not yet drawn: a
   * cell's disk is drawn once, when the grids are asked for.
   */
  private readonly footprint: { kind: 'box'; rectangles: RectangleFunction } | { kind: 'point'; point: PointFootprint };
  /**
   * Each slot's sums: its 2D difference array (`(rows + 1) × (columns + 1)`) and, in point modes,
   * the weights anchored in each cell (`rows × columns`) whose disks are not drawn yet. Undefined
   * until the slot's first footprint; FINISHED after `finish`.
   */
  private slotSums: (SlotSums | undefined | typeof FINISHED)[];
  /** Sums given back by `finish`, zeroed, for the next slot to open. */
  private readonly spare: SlotSums[] = [];
  /** How many slot sums were taken from the scratch (each under a name of its own). */
  private made = 0;
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
    this.slotSums = new Array<SlotSums | undefined>(this.slots).fill(undefined);
    this.prepare = prepareOptionsFor(params);
    const point = pointFootprint(params);
    this.footprint = point === null ? { kind: 'box', rectangles: footprintRectangles(params) } : { kind: 'point', point };
  }

  /** Slot `slot`'s sums, opened (from the spares or the scratch) on first use. @throws Error after `finish(slot)`. */
  private sumsOf(slot: number): SlotSums {
    const sums = this.slotSums[slot];
    if (sums === FINISHED) throw new Error(`PeriodAccumulator: slot ${slot} was finished; footprints cannot be added to it`);
    if (sums !== undefined) return sums;
    const opened = this.spare.pop() ?? this.makeSums();
    this.slotSums[slot] = opened;
    return opened;
  }

  private makeSums(): SlotSums {
    const k = this.made++;
    return {
      differences: this.scratch.float64s(`differences ${k}`, (this.rows + 1) * (this.columns + 1)),
      anchors: this.footprint.kind === 'point' ? this.scratch.float64s(`anchors ${k}`, this.rows * this.columns) : null,
    };
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
      const { point } = footprint;
      const { cell, columns, rows, wholeSlot } = this;
      const anchors = this.sumsOf(bucket).anchors as Float64Array;
      const wholeAnchors = wholeSlot >= 0 ? (this.sumsOf(wholeSlot).anchors as Float64Array) : null;
      for (let i = 0; i < prepared.count; i++) {
        point.cell(prepared.boxes, i * 4, cell);
        const h = cell[0];
        const v = cell[1];
        if (h >= 0 && h < columns && v >= 0 && v < rows) {
          anchors[v * columns + h] += weight;
          if (wholeAnchors !== null) wholeAnchors[v * columns + h] += weight;
        } else this.droppedOutsideGrid += point.rectangles(h, v, rectangles);
      }
    } else {
      this.droppedOutsideGrid += footprint.rectangles(prepared, rectangles);
    }
    if (rectangles.length === 0) return;
    this.addRectangles(this.sumsOf(bucket).differences, weight);
    if (this.wholeSlot >= 0) this.addRectangles(this.sumsOf(this.wholeSlot).differences, weight);
  }

  /** Adds `weight` over the rectangles in `this.rectangles` to a slot's difference array. */
  private addRectangles(differences: Float64Array, weight: number): void {
    const rectangles = this.rectangles;
    const stride = this.columns + 1;
    const data = rectangles.data;
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
      const top = v0 * stride;
      const below = (v1 + 1) * stride;
      differences[top + h0] += weight;
      differences[top + h1 + 1] -= weight;
      differences[below + h0] -= weight;
      differences[below + h1 + 1] += weight;
    }
  }

  /** Point modes: draws the disk of every cell of `sums` holding anchored weight into its difference array, and empties the cells. */
  private drawAnchors(sums: SlotSums): void {
    if (this.footprint.kind === 'box' || sums.anchors === null) return;
    const { point } = this.footprint;
    const { anchors, differences } = sums;
    const { columns, rows, rectangles } = this;
    for (let v = 0; v < rows; v++) {
      for (let h = 0; h < columns; h++) {
        const at = v * columns + h;
        const weight = anchors[at];
        if (weight === 0) continue;
        anchors[at] = 0;
        rectangles.clear();
        point.rectangles(h, v, rectangles);
        this.addRectangles(differences, weight);
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
      slotSums: this.slotSums.map((sums) =>
        sums === undefined || sums === FINISHED ? sums : { differences: sums.differences.slice(), anchors: sums.anchors === null ? null : sums.anchors.slice() },
      ),
      spare: [],
      made: 0,
      rectangles: new RectangleList(),
      cell: new Int32Array(2),
      scratch: NO_SCRATCH,
    });
    return copy;
  }

  /**
   * The grids, `slots × grid_num_v × grid_num_h` (the buckets, then the whole range's with
   * `whole`), row-major; grid b starts at b·rows·columns (in the scratch's memory when there is
   * one). Footprints may still be added afterwards.
   *
   * @throws Error when a slot was finished (its grid was handed out by `finish`).
   */
  grids(): Float64Array {
    const cells = this.rows * this.columns;
    const out = this.scratch.float64s('grids', this.slots * cells);
    for (let slot = 0; slot < this.slots; slot++) {
      const sums = this.slotSums[slot];
      if (sums === FINISHED) throw new Error(`PeriodAccumulator: slot ${slot} was finished; grids() has no grid for it`);
      if (sums === undefined) continue; // nothing added: zeros
      this.drawAnchors(sums);
      this.prefixSum(sums.differences, out.subarray(slot * cells, (slot + 1) * cells));
    }
    return out;
  }

  /**
   * Slot `slot`'s grid (`grid_num_v × grid_num_h`, row-major), the same to the bit as its part of
   * `grids()`, written into `out` (by default an array of the scratch that the next `finish`
   * overwrites). The slot's arrays go back for the next slot to open, and no footprint can be
   * added to it afterwards: a view calls it once every frame of the bucket was added.
   *
   * @throws Error when the slot was finished before, or is not a slot.
   */
  finish(slot: number, out: Float64Array = this.scratch.float64s('finished grid', this.rows * this.columns)): Float64Array {
    if (!(Number.isInteger(slot) && slot >= 0 && slot < this.slots)) throw new Error(`PeriodAccumulator: ${slot} is not a slot (0 to ${this.slots - 1})`);
    const sums = this.slotSums[slot];
    if (sums === FINISHED) throw new Error(`PeriodAccumulator: slot ${slot} was finished already`);
    this.slotSums[slot] = FINISHED;
    if (sums === undefined) return out.fill(0);
    this.drawAnchors(sums);
    this.prefixSum(sums.differences, out);
    sums.differences.fill(0);
    this.spare.push(sums);
    return out;
  }

  /** The 2D prefix sum of a slot's difference array: its grid, into `out` (`rows × columns`). */
  private prefixSum(differences: Float64Array, out: Float64Array): void {
    const { rows, columns } = this;
    const stride = columns + 1;
    const column = new Float64Array(columns);
    for (let v = 0; v < rows; v++) {
      const from = v * stride;
      const to = v * columns;
      let running = 0;
      for (let h = 0; h < columns; h++) {
        running += differences[from + h];
        column[h] += running;
        out[to + h] = column[h];
      }
    }
  }
}

/** One slot's sums (PeriodAccumulator.slotSums). */
interface SlotSums {
  differences: Float64Array;
  anchors: Float64Array | null;
}

/** A finished slot: its arrays went back to the spares. */
const FINISHED = 'finished';

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
