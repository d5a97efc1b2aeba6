import { describe, expect, it } from 'vitest';
import { NO_SCRATCH, ViewScratch } from '../../src-shared/periods/scratch.js';

describe('ViewScratch', () => {
  it('hands out zeros (or the fill asked for) in the memory of the last array of that name, growing when asked for more', () => {
    const scratch = new ViewScratch();
    const first = scratch.float64s('grids', 10);
    first.fill(7);
    const again = scratch.float64s('grids', 6, 0);
    expect(Array.from(again)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(again.buffer).toBe(first.buffer);
    const filled = scratch.int32s('bucketOf', 5, -1);
    expect(Array.from(filled)).toEqual([-1, -1, -1, -1, -1]);
    filled[2] = 9;
    expect(Array.from(scratch.int32s('bucketOf', 5))).toEqual([0, 0, 0, 0, 0]);
    const grown = scratch.float64s('grids', 20);
    expect(grown.length).toBe(20);
    expect(grown.buffer).not.toBe(first.buffer);
    expect(Array.from(grown)).toEqual(new Array(20).fill(0));
    // Other names do not share memory.
    expect(scratch.float64s('weights', 6).buffer).not.toBe(scratch.float64s('grids', 6).buffer);
  });

  it('NO_SCRATCH gives a new array each time', () => {
    const a = NO_SCRATCH.float64s('grids', 4);
    const b = NO_SCRATCH.float64s('grids', 4, 2);
    expect(a.buffer).not.toBe(b.buffer);
    expect(Array.from(b)).toEqual([2, 2, 2, 2]);
    expect(Array.from(NO_SCRATCH.int32s('x', 3, -1))).toEqual([-1, -1, -1]);
  });
});
