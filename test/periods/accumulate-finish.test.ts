import { describe, expect, it } from 'vitest';
import { PeriodAccumulator } from '../../src-shared/periods/accumulate.js';
import { ViewScratch } from '../../src-shared/periods/scratch.js';
import { DetectionsBuilder, type Detections } from '../../src-shared/frames.js';
import { DEFAULT_GRID_PARAMS, type GridParams } from '../../src-shared/settings/types.js';

const BOX: GridParams = { ...DEFAULT_GRID_PARAMS, image_size_h: 640, image_size_v: 480, grid_num_h: 16, grid_num_v: 12, number_of_add_grid: 1 };
const POINT: GridParams = { ...BOX, bbox2pix: false, number_of_add_grid: 2 };

/** Frame f's detections: two boxes that move with f, so every bucket's grid differs. */
function detectionsOf(f: number): Detections {
  const builder = new DetectionsBuilder();
  builder.add((f * 37) % 600, (f * 53) % 440, ((f * 37) % 600) + 30, ((f * 53) % 440) + 35, 0.9, 0, -1);
  builder.add((f * 11) % 600, (f * 7) % 440, ((f * 11) % 600) + 12, ((f * 7) % 440) + 20, 0.8, 0, -1);
  return builder.finish();
}

/** 30 frames in 3 buckets of 10, weights 0.1 s, 0.2 s, … (fractions: the sums round, so order shows). */
function fill(accumulator: PeriodAccumulator, finishAsYouGo: boolean, out: Float64Array[]): void {
  for (let f = 0; f < 30; f++) {
    const bucket = Math.floor(f / 10);
    if (finishAsYouGo && f > 0 && f % 10 === 0) out.push(accumulator.finish(bucket - 1).slice());
    accumulator.addFrame(f, detectionsOf(f), bucket, (f % 7) / 10 + 0.1);
  }
}

describe('PeriodAccumulator.finish: bucket grids one at a time', () => {
  for (const [mode, params] of [['box', BOX], ['point, n = 2', POINT]] as const) {
    it(`${mode}: each finished grid and the whole are the same to the bit as grids() gives them`, () => {
      const cells = params.grid_num_h * params.grid_num_v;
      const kept = new PeriodAccumulator(params, 3, 30, new ViewScratch(), true);
      fill(kept, false, []);
      const all = kept.grids().slice();
      const streamed = new PeriodAccumulator(params, 3, 30, new ViewScratch(), true);
      const finished: Float64Array[] = [];
      fill(streamed, true, finished);
      finished.push(streamed.finish(2).slice(), streamed.finish(3).slice());
      expect(finished.map((grid) => Array.from(grid))).toEqual([0, 1, 2, 3].map((slot) => Array.from(all.subarray(slot * cells, (slot + 1) * cells))));
      expect(all.subarray(3 * cells).some((value) => value !== Math.round(value))).toBe(true);
      expect(Array.from(streamed.counts)).toEqual(Array.from(kept.counts));
    });
  }

  it('a finished slot takes no more footprints and is not finished twice; grids() refuses it', () => {
    const accumulator = new PeriodAccumulator(BOX, 2, 4);
    accumulator.addFrame(0, detectionsOf(0), 0, 1);
    accumulator.finish(0);
    expect(() => accumulator.addFrame(1, detectionsOf(1), 0, 1)).toThrow('slot 0 was finished; footprints cannot be added to it');
    expect(() => accumulator.finish(0)).toThrow('slot 0 was finished already');
    expect(() => accumulator.finish(2)).toThrow('2 is not a slot (0 to 1)');
    expect(() => accumulator.grids()).toThrow('slot 0 was finished');
    accumulator.addFrame(2, detectionsOf(2), 1, 1);
    expect(accumulator.finish(1).reduce((sum, value) => sum + value, 0)).toBeGreaterThan(0);
  });

  it('a slot that got nothing finishes as zeros; a slot opened after a finish starts from zeros in the finished one\'s memory', () => {
    const scratch = new ViewScratch();
    const asked: string[] = [];
    const counting = {
      float64s: (name: string, length: number, fill?: number) => (asked.push(name), scratch.float64s(name, length, fill)),
      int32s: (name: string, length: number, fill?: number) => scratch.int32s(name, length, fill),
    };
    const accumulator = new PeriodAccumulator(BOX, 3, 3, counting);
    accumulator.addFrame(0, detectionsOf(0), 0, 1);
    const first = accumulator.finish(0).slice();
    expect(Array.from(accumulator.finish(1))).toEqual(new Array(BOX.grid_num_h * BOX.grid_num_v).fill(0));
    accumulator.addFrame(2, detectionsOf(2), 2, 1);
    const third = accumulator.finish(2);
    const alone = new PeriodAccumulator(BOX, 1, 3);
    alone.addFrame(2, detectionsOf(2), 0, 1);
    expect(Array.from(third)).toEqual(Array.from(alone.grids()));
    expect(Array.from(third)).not.toEqual(Array.from(first));
    expect(asked.filter((name) => name.startsWith('differences'))).toEqual(['differences 0']);
  });
});
