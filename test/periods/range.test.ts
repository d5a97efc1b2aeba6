import { describe, expect, it } from 'vitest';
import { frameSpanMs, summaryEndIso, timeRangeProblem } from '../../src-shared/periods/range.js';
import { frameDurationsMs } from '../../src-shared/periods/durations.js';

const names = { from: 'fromMs', to: 'toMs' };

describe('timeRangeProblem', () => {
  it('accepts an omitted bound and a range whose end is after its start', () => {
    expect(timeRangeProblem(undefined, undefined, names)).toBeNull();
    expect(timeRangeProblem(1000, undefined, names)).toBeNull();
    expect(timeRangeProblem(undefined, -5, names)).toBeNull();
    expect(timeRangeProblem(1000, 1001, names)).toBeNull();
  });

  it('refuses a reversed or empty range, naming both bounds', () => {
    expect(timeRangeProblem(5, 1, names)).toBe('toMs (1) must be after fromMs (5)');
    expect(timeRangeProblem(7, 7, names)).toBe('toMs (7) must be after fromMs (7)');
  });

  it('refuses a bound that is not a finite number (NaN arrives as null through JSON)', () => {
    expect(timeRangeProblem(null, 1, names)).toBe('fromMs must be a number of ms since the epoch');
    expect(timeRangeProblem(0, '10', names)).toBe('toMs must be a number of ms since the epoch');
    expect(timeRangeProblem(0, Infinity, names)).toBe('toMs must be a number of ms since the epoch');
    expect(timeRangeProblem(Number.NaN, undefined, names)).toBe('fromMs must be a number of ms since the epoch');
  });
});

describe('frameSpanMs', () => {
  it('ends a period when its last frame ends (its time plus its duration), not at the last frame\'s time', () => {
    // Six frames a second apart: 00:00:00 to 00:00:06, the last one lasting the median second.
    const times = Float64Array.of(0, 1000, 2000, 3000, 4000, 5000);
    expect(frameSpanMs(times, frameDurationsMs(times, 1000))).toEqual({ fromMs: 0, toMs: 6000 });
    // One frame: it lasts the fallback duration (one frame at the run's rate).
    expect(frameSpanMs(Float64Array.of(7000), frameDurationsMs(Float64Array.of(7000), 500))).toEqual({ fromMs: 7000, toMs: 7500 });
  });

  it('has no span without a time base or without frames', () => {
    expect(frameSpanMs(null, null)).toBeNull();
    expect(frameSpanMs(new Float64Array(0), new Float64Array(0))).toBeNull();
  });
});

describe('summaryEndIso', () => {
  it("ends a summary's period when its last frame ends, in the last frame's own offset", () => {
    expect(summaryEndIso('2026-11-23T09:00:05.500+09:00', 500, 2)).toBe('2026-11-23T09:00:06.000+09:00');
    expect(summaryEndIso('2026-11-23T09:00:59.900-03:30', 100, 10)).toBe('2026-11-23T09:01:00.000-03:30');
    // One frame: no interval, so one frame at the rate.
    expect(summaryEndIso('2026-11-23T09:00:00Z', 0, 4)).toBe('2026-11-23T09:00:00.250+00:00');
    expect(summaryEndIso('not a time', 100, 10)).toBe('not a time');
  });
});
