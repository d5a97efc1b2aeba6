import { DetectionsBuilder, type Detections } from '../../src-shared/frames.js';
import { DEFAULT_GRID_PARAMS, type GridParams } from '../../src-shared/settings/types.js';

export type Box = readonly [left: number, top: number, right: number, bottom: number];

export function detectionsOf(boxes: readonly Box[]): Detections {
  const builder = new DetectionsBuilder();
  for (const [left, top, right, bottom] of boxes) builder.add(left, top, right, bottom, 1, 0);
  return builder.finish();
}

/** The boxes of `detections` as tuples, for comparing with hand-written or brute-force inputs. */
export function boxesOf(detections: Detections): Box[] {
  const boxes: Box[] = [];
  for (let i = 0; i < detections.count; i++) {
    const o = i * 4;
    boxes.push([detections.boxes[o], detections.boxes[o + 1], detections.boxes[o + 2], detections.boxes[o + 3]]);
  }
  return boxes;
}

export function paramsWith(overrides: Partial<GridParams>): GridParams {
  return { ...DEFAULT_GRID_PARAMS, class_ids: null, ...overrides };
}

/** The grid as rows of numbers, row = vertical, for readable exact comparisons. */
export function rowsOf(grid: Int32Array, columns: number): number[][] {
  const rows: number[][] = [];
  for (let start = 0; start < grid.length; start += columns) rows.push(Array.from(grid.subarray(start, start + columns)));
  return rows;
}

/** A grid drawn as text, one string per row: '.' for 0, digits otherwise. */
export function picture(grid: Int32Array, columns: number): string[] {
  return rowsOf(grid, columns).map((row) => row.map((count) => (count === 0 ? '.' : String(count))).join(''));
}
