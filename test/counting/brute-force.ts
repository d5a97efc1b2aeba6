/**
 * griddata computed cell by cell straight from SPEC §3's definitions: no spans, no ring buffer,
 * nothing shared with the counter, so the two can be held against each other.
 */
import type { GridParams } from '../../src-shared/settings/types.js';
import type { Box } from './helpers.js';

export function exactCellMember(p: GridParams, box: Box, h: number, v: number): boolean {
  const cell = (x: number, cells: number, size: number): number => Math.min(Math.max(Math.floor((x * cells) / size), 0), cells - 1);
  const n = p.number_of_add_grid;
  const [left, top, right, bottom] = box;
  if (!p.bbox2pix) {
    return (
      cell(left, p.grid_num_h, p.image_size_h) - n <= h &&
      h <= cell(right, p.grid_num_h, p.image_size_h) + n &&
      cell(top, p.grid_num_v, p.image_size_v) - n <= v &&
      v <= cell(bottom, p.grid_num_v, p.image_size_v) + n
    );
  }
  const ch = cell((left + right) / 2, p.grid_num_h, p.image_size_h);
  const cv = cell(top + p.point_ratio * (bottom - top), p.grid_num_v, p.image_size_v);
  return (h - ch) ** 2 + (v - cv) ** 2 <= n * n;
}

export function legacyCellMember(p: GridParams, box: Box, h: number, v: number): boolean {
  const gh = p.image_size_h / p.grid_num_h;
  const gv = p.image_size_v / p.grid_num_v;
  const n = p.number_of_add_grid;
  const [left, top, right, bottom] = box;
  if (!p.bbox2pix) {
    // numpy's griddata[t:b, l:r] with non-negative bounds (the generator keeps coordinates ≥ 0).
    const l = Math.min(Math.max(Math.floor(left / gh) - n, 0), p.grid_num_h - 1);
    const r = Math.min(Math.floor(right / gh) + n, p.grid_num_h - 1);
    const t = Math.min(Math.max(Math.floor(top / gv) - n, 0), p.grid_num_v - 1);
    const b = Math.min(Math.floor(bottom / gv) + n, p.grid_num_v - 1);
    return l <= h && h < r && t <= v && v < b;
  }
  const ch = Math.floor(Math.trunc((left + right) / 2) / gh);
  const cv = Math.floor(bottom / gv);
  if (n === 0) return h === ch && v === cv;
  return ch - n <= h && h < ch + n && cv - n <= v && v < cv + n && Math.sqrt((h - ch) ** 2 + (v - cv) ** 2) <= n;
}

/** griddata of the window ending at the last of `frames`. */
export function bruteForce(p: GridParams, frames: Box[][], member: typeof exactCellMember): number[] {
  const last = frames.length - 1;
  const first = p.last_valid_frame === 0 ? 0 : Math.max(0, last - p.last_valid_frame + 1);
  const grid: number[] = [];
  for (let v = 0; v < p.grid_num_v; v++) {
    for (let h = 0; h < p.grid_num_h; h++) {
      let count = 0;
      for (let t = first; t <= last; t++) for (const box of frames[t]) if (member(p, box, h, v)) count += 1;
      grid.push(count);
    }
  }
  return grid;
}
