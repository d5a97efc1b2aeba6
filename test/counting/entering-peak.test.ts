/**
 * The counter's `enteringPeak` against a scan of the whole grid after every frame: the run's
 * peak (highest count, first frame, first cell) must be the same either way.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { detectionsOf, paramsWith, type Box } from './helpers.js';

interface Peak {
  count: number;
  frame: number;
  cell: number;
}

function peaks(frames: Box[][], window: number, bbox2pix: boolean): { scanned: Peak; entering: Peak } {
  const params = paramsWith({
    image_size_h: 40, image_size_v: 30, grid_num_h: 8, grid_num_v: 6, number_of_add_grid: 1, last_valid_frame: window, bbox2pix,
  });
  const counter = new GridCounter(params);
  const scanned: Peak = { count: 0, frame: -1, cell: -1 };
  const entering: Peak = { count: 0, frame: -1, cell: -1 };
  frames.forEach((boxes, frame) => {
    const pushed = counter.push(detectionsOf(boxes));
    counter.grid.forEach((count, cell) => {
      if (count > scanned.count) Object.assign(scanned, { count, frame, cell });
    });
    if (pushed.enteringPeak > entering.count) Object.assign(entering, { count: pushed.enteringPeak, frame, cell: pushed.enteringPeakCell });
  });
  return { scanned, entering };
}

const box: fc.Arbitrary<Box> = fc
  .tuple(fc.integer({ min: 0, max: 39 }), fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 15 }))
  .map(([left, top, width, height]) => [left, top, left + width, top + height] as const);

describe('GridCounter.enteringPeak', () => {
  it('gives the same run peak as scanning the whole grid after every frame (boxes and points, any window)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(box, { maxLength: 5 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        (frames, window, bbox2pix) => {
          const { scanned, entering } = peaks(frames, window, bbox2pix);
          expect(entering).toEqual(scanned);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is 0 at no cell for a frame without footprints, and the first cell on ties', () => {
    const counter = new GridCounter(paramsWith({ image_size_h: 40, image_size_v: 30, grid_num_h: 8, grid_num_v: 6, number_of_add_grid: 0 }));
    expect(counter.push(detectionsOf([]))).toMatchObject({ enteringPeak: 0, enteringPeakCell: -1 });
    // One box over cells (2..3, 1): both reach 1; the first, row 1 column 2, is index 1 × 8 + 2.
    expect(counter.push(detectionsOf([[10, 5, 19, 9]]))).toMatchObject({ enteringPeak: 1, enteringPeakCell: 10 });
  });
});
