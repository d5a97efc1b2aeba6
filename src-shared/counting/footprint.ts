/**
 * Footprints: the grid cells one detection adds to, as row spans `(v, h0, h1)` with h0..h1
 * inclusive. Spans keep the cost of a detection proportional to its cells and let the window
 * subtract a frame by replaying its spans, whatever the image resolution.
 */
import type { Detections } from '../frames.js';
import type { GridParams } from '../settings/types.js';
import { SettingsError } from '../errors.js';

/** A growable list of int32 tuples: `data[0 .. length)` holds them one after another. */
class Int32Tuples {
  data: Int32Array;
  length = 0;

  constructor(tupleSize: number) {
    this.data = new Int32Array(tupleSize * 64);
  }

  clear(): void {
    this.length = 0;
  }

  /** Makes room for `count` more values, doubling the storage when full. */
  protected reserve(count: number): void {
    if (this.length + count <= this.data.length) return;
    const grown = new Int32Array(Math.max(this.data.length * 2, this.length + count));
    grown.set(this.data);
    this.data = grown;
  }
}

/** A growable list of spans, three int32 a span. */
export class SpanList extends Int32Tuples {
  constructor() {
    super(3);
  }

  push(v: number, h0: number, h1: number): void {
    this.reserve(3);
    this.data[this.length] = v;
    this.data[this.length + 1] = h0;
    this.data[this.length + 2] = h1;
    this.length += 3;
  }

  copyFrom(other: SpanList): void {
    if (this.data.length < other.length) this.data = new Int32Array(other.data.length);
    this.data.set(other.data.subarray(0, other.length));
    this.length = other.length;
  }
}

/** A growable list of rectangles of cells, four int32 a rectangle: rows v0..v1, columns h0..h1, all inclusive. */
export class RectangleList extends Int32Tuples {
  constructor() {
    super(4);
  }

  push(v0: number, v1: number, h0: number, h1: number): void {
    this.reserve(4);
    this.data[this.length] = v0;
    this.data[this.length + 1] = v1;
    this.data[this.length + 2] = h0;
    this.data[this.length + 3] = h1;
    this.length += 4;
  }
}

/** The point a detection stands for in point mode (`bbox2pix: true`). */
export interface AnchorPoint {
  x: number;
  y: number;
}

/**
 * Writes the footprints of one frame's detections into `out`. Returns how many detections
 * fell outside the grid and were dropped (legacy point mode with n = 0 only).
 */
export type FootprintFunction = (detections: Detections, out: SpanList) => number;

/**
 * The same footprints as rectangles of cells: one a box, one a row of a disk. Sums that cost per
 * rectangle (a period's difference array) take these; the window's per-cell counter takes spans.
 */
export type RectangleFunction = (detections: Detections, out: RectangleList) => number;

/** `halfWidths[d]` = the largest k with k² + d² ≤ n²: the half-width of the disk's row d away from its centre. */
export function diskHalfWidths(radius: number): Int32Array {
  const widths = new Int32Array(radius + 1);
  const r2 = radius * radius;
  for (let d = 0; d <= radius; d++) {
    const rest = r2 - d * d;
    let k = Math.floor(Math.sqrt(rest));
    while (k * k > rest) k -= 1;
    while ((k + 1) * (k + 1) <= rest) k += 1;
    widths[d] = k;
  }
  return widths;
}

/** Builds the footprint function (row spans) for the counting mode and shape the parameters ask for. */
export function footprintFunction(params: GridParams): FootprintFunction {
  const rectangles = footprintRectangles(params);
  const scratch = new RectangleList();
  return (detections, out) => {
    scratch.clear();
    const dropped = rectangles(detections, scratch);
    const data = scratch.data;
    for (let r = 0; r < scratch.length; r += 4) {
      for (let v = data[r]; v <= data[r + 1]; v++) out.push(v, data[r + 2], data[r + 3]);
    }
    return dropped;
  };
}

/** Builds the footprint function as rectangles for the counting mode and shape the parameters ask for. */
export function footprintRectangles(params: GridParams): RectangleFunction {
  if (params.counting === 'legacy') {
    return params.bbox2pix ? legacyPointFootprints(params) : legacyBoxFootprints(params);
  }
  return params.bbox2pix ? exactPointFootprints(params) : exactBoxFootprints(params);
}

/** The anchor point of detection `i`, as the JSON `positions` report it. */
export function anchorPoint(detections: Detections, i: number, params: GridParams): AnchorPoint {
  const o = i * 4;
  const left = detections.boxes[o];
  const top = detections.boxes[o + 1];
  const right = detections.boxes[o + 2];
  const bottom = detections.boxes[o + 3];
  if (params.counting === 'legacy') return { x: Math.trunc((left + right) / 2), y: bottom };
  return { x: (left + right) / 2, y: top + params.point_ratio * (bottom - top) };
}

/** The cell a pixel coordinate falls in, clamped to the grid. */
type CellIndexer = (coordinate: number) => number;

function cellIndexer(cells: number, pixels: number): CellIndexer {
  const last = cells - 1;
  return (coordinate) => {
    const cell = Math.floor((coordinate * cells) / pixels);
    return cell < 0 ? 0 : cell > last ? last : cell;
  };
}

/** What both exact footprints need: the margin n, the last cell indices and pixel-to-cell maps. */
function exactGrid(params: GridParams): { n: number; lastH: number; lastV: number; cellH: CellIndexer; cellV: CellIndexer } {
  return {
    n: params.number_of_add_grid,
    lastH: params.grid_num_h - 1,
    lastV: params.grid_num_v - 1,
    cellH: cellIndexer(params.grid_num_h, params.image_size_h),
    cellV: cellIndexer(params.grid_num_v, params.image_size_v),
  };
}

function exactBoxFootprints(params: GridParams): RectangleFunction {
  const { n, lastH, lastV, cellH, cellV } = exactGrid(params);
  return (detections, out) => {
    const boxes = detections.boxes;
    for (let i = 0; i < detections.count; i++) {
      const o = i * 4;
      const h0 = Math.max(cellH(boxes[o]) - n, 0);
      const h1 = Math.min(cellH(boxes[o + 2]) + n, lastH);
      const v0 = Math.max(cellV(boxes[o + 1]) - n, 0);
      const v1 = Math.min(cellV(boxes[o + 3]) + n, lastV);
      out.push(v0, v1, h0, h1);
    }
    return 0;
  };
}

/**
 * A point-mode footprint: it depends on the cell of the detection's anchor point alone, so sums
 * over many detections can add up the weights per anchor cell first and draw each cell's disk once.
 */
export interface PointFootprint {
  /** Writes the anchor cell of box `o / 4` of `boxes` into `cell[0]` (h) and `cell[1]` (v); legacy cells may lie outside the grid. */
  cell(boxes: Float64Array, o: number, cell: Int32Array): void;
  /** Writes the footprint of a detection anchored in cell (h, v); returns 1 when it falls outside the grid and is dropped, else 0. */
  rectangles(h: number, v: number, out: RectangleList): number;
}

/** The point-mode footprint the parameters ask for, or null in box mode (`bbox2pix: false`). */
export function pointFootprint(params: GridParams): PointFootprint | null {
  if (!params.bbox2pix) return null;
  return params.counting === 'legacy' ? legacyPoint(params) : exactPoint(params);
}

/** A RectangleFunction from a point footprint: each detection's anchor cell, then its disk. */
function pointRectangles(point: PointFootprint): RectangleFunction {
  const cell = new Int32Array(2);
  return (detections, out) => {
    let dropped = 0;
    for (let i = 0; i < detections.count; i++) {
      point.cell(detections.boxes, i * 4, cell);
      dropped += point.rectangles(cell[0], cell[1], out);
    }
    return dropped;
  };
}

function exactPointFootprints(params: GridParams): RectangleFunction {
  return pointRectangles(exactPoint(params));
}

function exactPoint(params: GridParams): PointFootprint {
  const { n, lastH, lastV, cellH, cellV } = exactGrid(params);
  const halfWidths = diskHalfWidths(n);
  const ratio = params.point_ratio;
  return {
    cell(boxes, o, cell) {
      const top = boxes[o + 1];
      cell[0] = cellH((boxes[o] + boxes[o + 2]) / 2);
      cell[1] = cellV(top + ratio * (boxes[o + 3] - top));
    },
    rectangles(ch, cv, out) {
      const v1 = Math.min(cv + n, lastV);
      for (let v = Math.max(cv - n, 0); v <= v1; v++) {
        const half = halfWidths[Math.abs(v - cv)];
        out.push(v, v, Math.max(ch - half, 0), Math.min(ch + half, lastH));
      }
      return 0;
    },
  };
}

/** The margin n, grid size and cell sizes of legacy counting, which needs sizes that divide evenly (as the sample did). */
function legacyGrid(params: GridParams): { n: number; gridH: number; gridV: number; cellWidth: number; cellHeight: number } {
  const check = (image: number, grid: number, imageKey: string, gridKey: string): number => {
    if (image % grid !== 0) {
      throw new SettingsError(
        `counting: legacy needs ${imageKey} (${image}) to be divisible by ${gridKey} (${grid}); use counting: exact for sizes that do not divide`,
      );
    }
    return image / grid;
  };
  return {
    n: params.number_of_add_grid,
    gridH: params.grid_num_h,
    gridV: params.grid_num_v,
    cellWidth: check(params.image_size_h, params.grid_num_h, 'image_size_h', 'grid_num_h'),
    cellHeight: check(params.image_size_v, params.grid_num_v, 'image_size_v', 'grid_num_v'),
  };
}

/** Python's slice stop: a negative stop counts from the end, then it is clipped to [0, size]. */
function sliceStop(stop: number, size: number): number {
  if (stop < 0) return Math.max(stop + size, 0);
  return Math.min(stop, size);
}

function legacyBoxFootprints(params: GridParams): RectangleFunction {
  const { n, gridH, gridV, cellWidth, cellHeight } = legacyGrid(params);
  return (detections, out) => {
    const boxes = detections.boxes;
    for (let i = 0; i < detections.count; i++) {
      const o = i * 4;
      // The sample slices griddata[t:b, l:r]: upper bounds are excluded.
      const l = Math.min(Math.max(Math.floor(boxes[o] / cellWidth) - n, 0), gridH - 1);
      const r = sliceStop(Math.min(Math.floor(boxes[o + 2] / cellWidth) + n, gridH - 1), gridH);
      const t = Math.min(Math.max(Math.floor(boxes[o + 1] / cellHeight) - n, 0), gridV - 1);
      const b = sliceStop(Math.min(Math.floor(boxes[o + 3] / cellHeight) + n, gridV - 1), gridV);
      if (r <= l || b <= t) continue;
      out.push(t, b - 1, l, r - 1);
    }
    return 0;
  };
}

function legacyPointFootprints(params: GridParams): RectangleFunction {
  return pointRectangles(legacyPoint(params));
}

function legacyPoint(params: GridParams): PointFootprint {
  const { n, gridH, gridV, cellWidth, cellHeight } = legacyGrid(params);
  const halfWidths = diskHalfWidths(n);
  // Cells far outside the grid are kept in int32 range; none of them touches the grid.
  const clamp = (cell: number): number => Math.min(Math.max(cell, -1_000_000_000), 1_000_000_000);
  return {
    cell(boxes, o, cell) {
      cell[0] = clamp(Math.floor(Math.trunc((boxes[o] + boxes[o + 2]) / 2) / cellWidth));
      cell[1] = clamp(Math.floor(boxes[o + 3] / cellHeight));
    },
    rectangles(ch, cv, out) {
      if (n === 0) {
        if (ch >= 0 && ch < gridH && cv >= 0 && cv < gridV) {
          out.push(cv, cv, ch, ch);
          return 0;
        }
        return 1;
      }
      // The sample walks ch-n <= h < ch+n and cv-n <= v < cv+n: the disk loses its last row and column.
      const v1 = Math.min(cv + n - 1, gridV - 1);
      for (let v = Math.max(cv - n, 0); v <= v1; v++) {
        const half = halfWidths[Math.abs(v - cv)];
        const h0 = Math.max(ch - half, 0);
        const h1 = Math.min(ch + half, ch + n - 1, gridH - 1);
        if (h0 <= h1) out.push(v, v, h0, h1);
      }
      return 0;
    },
  };
}
