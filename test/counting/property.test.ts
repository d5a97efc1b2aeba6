/**
 * The counter against a brute force written from SPEC §3's definitions cell by cell, with no
 * spans, no ring buffer and no shared code beyond the detections' container.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { prepareDetections } from '../../src-shared/frames.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { bruteForce, exactCellMember, legacyCellMember } from './brute-force.js';
import { boxesOf, detectionsOf, paramsWith, type Box } from './helpers.js';


function runCounter(p: GridParams, frames: Box[][]): { grids: number[][]; prepared: Box[][] } {
  const counter = new GridCounter(p);
  const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
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

/**
 * Runs the counter over `frames` and checks its grid after every frame against the brute
 * force over the boxes counted so far; returns those boxes (after NaN dropping and clipping).
 */
function expectCounterEqualsBruteForce(p: GridParams, frames: Box[][], member: typeof exactCellMember): Box[][] {
  const { grids, prepared } = runCounter(p, frames);
  for (let t = 0; t < frames.length; t++) {
    expect(grids[t]).toEqual(bruteForce(p, prepared.slice(0, t + 1), member));
  }
  return prepared;
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
        expectCounterEqualsBruteForce(p, frames, exactCellMember);
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
        // Legacy counts the boxes as given: nothing to drop or clip inside the image.
        expect(expectCounterEqualsBruteForce(p, frames, legacyCellMember)).toEqual(frames);
      }),
      { numRuns: 300 },
    );
  });
});
