import { describe, expect, it } from 'vitest';
import { DEFAULT_GRID_PARAMS } from '../../src-shared/settings/types.js';
import {
  clockOf,
  bucketLabel,
  bucketPeriod,
  bucketStartText,
  customRangeOf,
  formatFigure,
  gridTotal,
  instantOfWallInput,
  localText,
  periodRequest,
  periodSettleMs,
  PERIOD_SETTLE_MS,
  periodScale,
  personTimeText,
  recountParams,
  spansDays,
  stripCaption,
  utcText,
  wallInputOf,
} from '../../src-renderer/logic/period.js';

describe('the period bar: buckets, local times and the range pickers', () => {
  it('the By … view uses the settings\' period when it names buckets, else an hour', () => {
    expect(bucketPeriod('none')).toBe('hour');
    expect(bucketPeriod('weekly')).toBe('hour');
    expect(bucketPeriod('day')).toBe('day');
    expect(bucketPeriod('15min')).toBe('15min');
    expect(bucketLabel('hour')).toBe('By hour');
    expect(bucketLabel('day')).toBe('By day');
    expect(bucketLabel('15min')).toBe('By 15 min');
  });

  it('reads and writes a picker\'s local wall clock in the run\'s time zone', () => {
    const instant = Date.UTC(2026, 10, 22, 23, 59, 30);
    expect(wallInputOf(instant, 'Asia/Tokyo')).toBe('2026-11-23T08:59:30');
    expect(instantOfWallInput('2026-11-23T08:59:30', 'Asia/Tokyo')).toBe(instant);
    expect(instantOfWallInput('2026-11-23T09:00', 'Asia/Tokyo')).toBe(Date.UTC(2026, 10, 23, 0, 0));
    expect(instantOfWallInput('2026-11-23T09:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 23, 8, 0));
    expect(localText(instant, 'UTC')).toBe('2026-11-22 23:59:30');
    expect(utcText(instant)).toBe('2026-11-22 23:59:30 UTC');
  });

  it('refuses a picker text that is no date and time, or an impossible day', () => {
    expect(instantOfWallInput('', 'UTC')).toBeNull();
    expect(instantOfWallInput('2026-02-30T10:00', 'UTC')).toBeNull();
    expect(instantOfWallInput('yesterday', 'UTC')).toBeNull();
  });

  it('a custom range is from inclusive to exclusive and must not be empty or reversed', () => {
    expect(customRangeOf({ from: '2026-11-23T09:00', to: '2026-11-23T10:00' }, 'Asia/Tokyo')).toEqual({
      fromMs: Date.UTC(2026, 10, 23, 0),
      toMs: Date.UTC(2026, 10, 23, 1),
    });
    expect(customRangeOf({ from: '2026-11-23T10:00', to: '2026-11-23T10:00' }, 'UTC')).toEqual({
      problem: 'to (2026-11-23 10:00:00) must be after from (2026-11-23 10:00:00)',
    });
    expect(customRangeOf({ from: 'x', to: '2026-11-23T10:00' }, 'UTC')).toEqual({ problem: 'from: "x" is not a date and time' });
  });

  it('captions a bucket with its local start, with the date only when the buckets span days', () => {
    const start = Date.UTC(2026, 10, 23, 0);
    expect(bucketStartText(start, 'Asia/Tokyo', false)).toBe('09:00');
    expect(bucketStartText(start, 'Asia/Tokyo', true)).toBe('2026-11-23 09:00');
    expect(spansDays([Date.UTC(2026, 10, 23, 0), Date.UTC(2026, 10, 23, 14)], 'Asia/Tokyo')).toBe(false);
    expect(spansDays([Date.UTC(2026, 10, 23, 0), Date.UTC(2026, 10, 23, 15)], 'Asia/Tokyo')).toBe(true);
  });
});

describe('the period bar asks the store for the view on screen', () => {
  it('whole, by bucket and custom range map to periodView requests', () => {
    expect(periodRequest('run-1', { mode: 'whole', period: 'hour', timezone: 'UTC' })).toEqual({ runId: 'run-1', period: 'none', timezone: 'UTC' });
    expect(periodRequest('run-1', { mode: 'buckets', period: '15min', timezone: 'UTC' })).toEqual({ runId: 'run-1', period: '15min', timezone: 'UTC' });
    expect(
      periodRequest('run-1', { mode: 'custom', period: 'hour', timezone: 'UTC', range: { fromMs: 10, toMs: 20 }, params: { grid_num_h: 8 } }),
    ).toEqual({ runId: 'run-1', period: 'none', timezone: 'UTC', fromMs: 10, toMs: 20, params: { grid_num_h: 8 } });
  });

  it('asks at once after a click (period, bucket length, time zone) and waits for typing to settle (grid settings, range)', () => {
    const whole = { runId: 'run-1', period: 'none', timezone: 'UTC' };
    expect(periodSettleMs(null, whole)).toBe(0);
    expect(periodSettleMs(whole, { ...whole, period: 'hour' })).toBe(0);
    expect(periodSettleMs({ ...whole, period: 'hour' }, { ...whole, period: 'hour', timezone: 'Asia/Tokyo' })).toBe(0);
    expect(periodSettleMs(whole, { ...whole, params: { grid_num_h: 9 } })).toBe(PERIOD_SETTLE_MS);
    expect(periodSettleMs({ ...whole, params: { grid_num_h: 9 } }, { ...whole, params: { grid_num_h: 96 } })).toBe(PERIOD_SETTLE_MS);
    expect(periodSettleMs({ ...whole, params: { grid_num_h: 96 } }, { ...whole, period: 'day', params: { grid_num_h: 96 } })).toBe(0);
    expect(periodSettleMs(whole, { ...whole, fromMs: 10, toMs: 20 })).toBe(PERIOD_SETTLE_MS);
    expect(periodSettleMs({ ...whole, fromMs: 10, toMs: 20 }, { ...whole, fromMs: 10, toMs: 30 })).toBe(PERIOD_SETTLE_MS);
    expect(periodSettleMs(whole, { ...whole, runId: 'run-2', params: { grid_num_h: 9 } })).toBe(0);
    expect(PERIOD_SETTLE_MS).toBe(250);
  });

  it('re-counts with exactly the grid settings that changed, and not while one of them has a problem', () => {
    const analysed = { ...DEFAULT_GRID_PARAMS, class_ids: null };
    expect(recountParams(analysed, { ...analysed }, new Set())).toBeUndefined();
    expect(recountParams(analysed, { ...analysed, grid_num_h: 96, class_ids: [0] }, new Set())).toEqual({ grid_num_h: 96, class_ids: [0] });
    expect(recountParams(analysed, { ...analysed, grid_num_h: 0 }, new Set(['heat_map_settings.grid_num_h']))).toBeUndefined();
    expect(recountParams(analysed, { ...analysed, grid_num_h: 96 }, new Set(['output_settings.max']))).toEqual({ grid_num_h: 96 });
  });

  it('fits the colour scale to the highest value of the grids shown, never an empty range', () => {
    expect(periodScale(0, [0, 2.5, 1], [7.25, 0])).toEqual({ min: 0, max: 7.25 });
    expect(periodScale(0, [0, 0])).toEqual({ min: 0, max: 1 });
  });

  it('writes figures grouped with one decimal, and totals a grid', () => {
    expect(formatFigure(1234.56)).toBe('1,234.6');
    expect(formatFigure(7)).toBe('7');
    expect(gridTotal([1.5, 2, 0.25])).toBe(3.75);
  });

  it('says person-seconds in person-hours from an hour, in person-minutes from a minute, and nothing for person-frames', () => {
    expect(personTimeText(746_928, 'person-seconds')).toBe('≈ 207.5 person-hours');
    expect(personTimeText(3600, 'person-seconds')).toBe('≈ 1 person-hour');
    expect(personTimeText(3599, 'person-seconds')).toBe('≈ 60 person-minutes');
    expect(personTimeText(594, 'person-seconds')).toBe('≈ 9.9 person-minutes');
    expect(personTimeText(59.9, 'person-seconds')).toBeNull();
    expect(personTimeText(746_928, 'person-frames')).toBeNull();
  });
});

describe('the local clocks of the period views', () => {
  it('makes one clock per time zone and reads it the same as a new one', () => {
    const tokyo = clockOf('Asia/Tokyo');
    expect(clockOf('Asia/Tokyo')).toBe(tokyo);
    expect(clockOf('UTC')).not.toBe(tokyo);
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    // 2026-11-23 00:00 UTC is 09:00 on Tokyo's clock, whichever caller asks first.
    expect(wallInputOf(Date.UTC(2026, 10, 23), 'Asia/Tokyo')).toBe('2026-11-23T09:00:00');
    expect(clockOf('Asia/Tokyo').wall(Date.UTC(2026, 10, 23))).toBe(Date.UTC(2026, 10, 23, 9));
  });

  it('refuses a time zone Intl does not know, and keeps nothing for it', () => {
    expect(() => clockOf('Mars/Olympus')).toThrow(RangeError);
    expect(() => clockOf('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('the caption of the strip of bucket maps', () => {
  it('counts maps in the singular and plural, gives the per-cell scale, unit and time zone, and says the figure under each map is people × time, not a sum of cells', () => {
    expect(stripCaption(1, 74.14, 'person-seconds', 'Asia/Tokyo')).toBe(
      '1 map on one scale, 0 to 74.1 person-seconds a cell; under each, its local start (Asia/Tokyo) and its person-seconds in all (people × seconds in view, not a sum of cells). Open one to see it large.',
    );
    expect(stripCaption(168, 4446, 'person-seconds', 'Asia/Tokyo')).toBe(
      '168 maps on one scale, 0 to 4,446 person-seconds a cell; under each, its local start (Asia/Tokyo) and its person-seconds in all (people × seconds in view, not a sum of cells). Open one to see it large.',
    );
    expect(stripCaption(0, 1, 'person-frames', 'UTC')).toBe(
      '0 maps on one scale, 0 to 1 person-frames a cell; under each, its local start (UTC) and its person-frames in all (people × frames, not a sum of cells). Open one to see it large.',
    );
  });
});
