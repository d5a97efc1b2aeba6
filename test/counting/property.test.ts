/**
 * The counter against a brute force written from SPEC §3's definitions cell by cell, with no
 * spans, no ring buffer and no shared code beyond the detections' container.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { prepareDetections, type Detections } from '../../src-shared/frames.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { detectionsOf, paramsWith, type Box } from './helpers.js';

function exactCellMember(p: GridParams, box: Box, h: number, v: number): boolean {
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

function legacyCellMember(p: GridParams, box: Box, h: number, v: number): boolean {
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

function boxesOf(d: Detections): Box[] {
  const boxes: Box[] = [];
  for (let i = 0; i < d.count; i++) boxes.push([d.boxes[4 * i], d.boxes[4 * i + 1], d.boxes[4 * i + 2], d.boxes[4 * i + 3]]);
  return boxes;
}

function bruteForce(p: GridParams, frames: Box[][], member: typeof exactCellMember): number[] {
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

function runCounter(p: GridParams, frames: Box[][]): { grids: number[][]; prepared: Box[][] } {
  const counter = new GridCounter(p);
  const stats = { nonFinite: 0, filtered: 0 };
  const options = { imageWidth: p.image_size_h, imageHeight: p.image_size_v, sanitize: p.counting === 'exact', classIds: null, minScore: 0 };
  const grids: number[][] = [];
  const prepared: Box[][] = [];
  for (const boxes of frames) {
    const detections = prepareDetections(detectionsOf(boxes), options, stats);
    prepared.push(boxesOf(detections));
    counter.push(detections);
    grids.push(Array.from(counter.grid));
  }
  return { grids, prepared };
}

describe('property: the counter equals a per-cell brute force', () => {
  it('exact mode, any sizes, boxes, n, W and point_ratio', () => {
    const scenario = fc
      .record({
        image_size_h: fc.integer({ min: 1, max: 300 }),
        image_size_v: fc.integer({ min: 1, max: 300 }),
        grid_num_h: fc.integer({ min: 1, max: 13 }),
        grid_num_v: fc.integer({ min: 1, max: 13 }),
        number_of_add_grid: fc.integer({ min: 0, max: 4 }),
        last_valid_frame: fc.integer({ min: 0, max: 4 }),
        bbox2pix: fc.boolean(),
        point_ratio: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .chain((shape) => {
        const coordinate = (size: number) => fc.double({ min: -30, max: size + 30, noNaN: true });
        const box = fc.tuple(coordinate(shape.image_size_h), coordinate(shape.image_size_v), coordinate(shape.image_size_h), coordinate(shape.image_size_v));
        return fc.record({ shape: fc.constant(shape), frames: fc.array(fc.array(box, { maxLength: 5 }), { minLength: 1, maxLength: 7 }) });
      });
    fc.assert(
      fc.property(scenario, ({ shape, frames }) => {
        const p = paramsWith({ ...shape, counting: 'exact' });
        const { grids, prepared } = runCounter(p, frames);
        for (let t = 0; t < frames.length; t++) {
          expect(grids[t]).toEqual(bruteForce(p, prepared.slice(0, t + 1), exactCellMember));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('legacy mode, divisible sizes, integer boxes inside the image', () => {
    const scenario = fc
      .record({
        grid_num_h: fc.integer({ min: 1, max: 12 }),
        grid_num_v: fc.integer({ min: 1, max: 12 }),
        cell_h: fc.integer({ min: 1, max: 20 }),
        cell_v: fc.integer({ min: 1, max: 20 }),
        number_of_add_grid: fc.integer({ min: 0, max: 4 }),
        last_valid_frame: fc.integer({ min: 0, max: 4 }),
        bbox2pix: fc.boolean(),
      })
      .chain((s) => {
        const width = s.grid_num_h * s.cell_h;
        const height = s.grid_num_v * s.cell_v;
        const box = fc.tuple(fc.integer({ min: 0, max: width }), fc.integer({ min: 0, max: height }), fc.integer({ min: 0, max: width }), fc.integer({ min: 0, max: height }));
        return fc.record({ s: fc.constant(s), frames: fc.array(fc.array(box, { maxLength: 5 }), { minLength: 1, maxLength: 7 }) });
      });
    fc.assert(
      fc.property(scenario, ({ s, frames }) => {
        const p = paramsWith({
          grid_num_h: s.grid_num_h,
          grid_num_v: s.grid_num_v,
          image_size_h: s.grid_num_h * s.cell_h,
          image_size_v: s.grid_num_v * s.cell_v,
          number_of_add_grid: s.number_of_add_grid,
          last_valid_frame: s.last_valid_frame,
          bbox2pix: s.bbox2pix,
          counting: 'legacy',
        });
        const { grids } = runCounter(p, frames);
        for (let t = 0; t < frames.length; t++) {
          expect(grids[t]).toEqual(bruteForce(p, frames.slice(0, t + 1), legacyCellMember));
        }
      }),
      { numRuns: 300 },
    );
  });
});
