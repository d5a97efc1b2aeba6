import { describe, expect, it } from 'vitest';
import { lowerBound } from '../src-shared/sorted.js';

describe('lowerBound', () => {
  it('gives the first position holding a value at least the one asked, for numbers and strings', () => {
    const values = Int32Array.from([1, 3, 3, 7]);
    expect([0, 1, 2, 3, 4, 7, 8].map((value) => lowerBound(values, value))).toEqual([0, 0, 1, 1, 3, 3, 4]);
    expect(lowerBound(new Int32Array(0), 5)).toBe(0);
    const stamps = ['20261123000000000', '20261123000001000', '20261123000001000'];
    expect(lowerBound(stamps, '20261123000001000')).toBe(1);
    expect(lowerBound(stamps, '20261123000000500')).toBe(1);
    expect(lowerBound(stamps, '20261123000002000')).toBe(3);
  });
});
