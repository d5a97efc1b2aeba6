import { describe, expect, it } from 'vitest';
import { frameDurationsMs, medianIntervalMs } from '../../src-shared/periods/durations.js';

describe('frameDurationsMs', () => {
  it('a frame lasts until the next one; a gap is capped at three median intervals; the last frame gets the median', () => {
    expect(Array.from(frameDurationsMs(Float64Array.of(0, 100, 200, 1200, 1300), 40))).toEqual([100, 100, 300, 100, 100]);
  });

  it('uses the fallback when there is no interval to take a median of', () => {
    expect(Array.from(frameDurationsMs(Float64Array.of(5000), 250))).toEqual([250]);
    expect(Array.from(frameDurationsMs(Float64Array.of(7, 7, 7), 250))).toEqual([0, 0, 250]);
    expect(frameDurationsMs(new Float64Array(0), 250).length).toBe(0);
  });

  it('an even number of intervals takes the mean of the two middle ones', () => {
    expect(medianIntervalMs(Float64Array.of(0, 100, 300, 600, 1000))).toBe(250);
    expect(Array.from(frameDurationsMs(Float64Array.of(0, 100, 300, 600, 1000), 1))).toEqual([100, 200, 300, 400, 250]);
  });

  it('refuses times that go backwards or are not finite', () => {
    expect(() => frameDurationsMs(Float64Array.of(0, 100, 50), 1)).toThrow(/frame 2: time 50 ms comes before frame 1's 100 ms/);
    expect(() => frameDurationsMs(Float64Array.of(0, Number.NaN), 1)).toThrow(/frame 1: time NaN is not a finite number/);
  });
});
