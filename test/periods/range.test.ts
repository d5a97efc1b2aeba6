import { describe, expect, it } from 'vitest';
import { timeRangeProblem } from '../../src-shared/periods/range.js';

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
