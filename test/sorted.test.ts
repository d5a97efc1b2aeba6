import { describe, expect, it } from 'vitest';
import { lowerBound, positionLookup } from '../src-shared/sorted.js';

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

describe('positionLookup', () => {
  it('finds frames 0…n-1, 1…n (MOTChallenge) and frames with gaps, and -1 for frames not there', () => {
    const dense = positionLookup(Int32Array.from([0, 1, 2, 3]));
    expect([-1, 0, 3, 4, 1.5].map(dense)).toEqual([-1, 0, 3, -1, -1]);
    const mot = positionLookup(Int32Array.from([1, 2, 3]));
    expect([0, 1, 3, 4].map(mot)).toEqual([-1, 0, 2, -1]);
    const gaps = positionLookup(Int32Array.from([2, 5, 6, 40]));
    expect([2, 5, 6, 40, 3, 41, 1].map(gaps)).toEqual([0, 1, 2, 3, -1, -1, -1]);
    expect(positionLookup(new Int32Array(0))(0)).toBe(-1);
  });
});
