/**
 * The Console range picker's conversions in a fixed time zone. The zone is set before any date
 * is made: Node reads TZ again when it changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localInputToTimestamp, localLabel, rangeChoice, rangeLabel, settingTimestamp, timestampToLocalInput, utcLabel } from '../../src-renderer/logic/console-time.js';

let savedZone: string | undefined;
beforeAll(() => {
  savedZone = process.env.TZ;
  process.env.TZ = 'Asia/Tokyo';
});
afterAll(() => {
  if (savedZone === undefined) delete process.env.TZ;
  else process.env.TZ = savedZone;
});

describe('datetime-local values and T strings (in Tokyo, UTC+09:00)', () => {
  it('shows a T string as wall-clock time to the millisecond, the UTC moment beside it', () => {
    expect(timestampToLocalInput('20240501120000250')).toBe('2024-05-01T21:00:00.250');
    expect(localLabel('20240501120000250')).toBe('2024-05-01 21:00:00.250');
    expect(utcLabel('20240501120000250')).toBe('2024-05-01 12:00:00.250 UTC');
    // The local date is the next day.
    expect(timestampToLocalInput('20231231235959999')).toBe('2024-01-01T08:59:59.999');
  });

  it('reads every form the input gives back, seconds and milliseconds optional', () => {
    expect(localInputToTimestamp('2024-05-01T21:00:00.250')).toBe('20240501120000250');
    expect(localInputToTimestamp('2024-05-01T21:00:05')).toBe('20240501120005000');
    expect(localInputToTimestamp('2024-05-01T21:00')).toBe('20240501120000000');
    expect(localInputToTimestamp('2024-05-01T21:00:00.5')).toBe('20240501120000500');
    expect(localInputToTimestamp('2024-01-01T08:59:59.999')).toBe('20231231235959999');
  });

  it('an empty or incomplete value clears the setting', () => {
    expect(localInputToTimestamp('')).toBe('');
    expect(localInputToTimestamp('2024-05-01')).toBe('');
    expect(timestampToLocalInput('')).toBe('');
    expect(utcLabel('')).toBe('');
  });

  it('round-trips every millisecond it is given', () => {
    for (const t of ['20240229000000000', '20240501120000001', '19991231150000999', '20380119031408000']) {
      expect(localInputToTimestamp(timestampToLocalInput(t))).toBe(t);
    }
  });

  it('reads what a setting holds: a T string, ISO 8601 with an offset, or nothing usable', () => {
    expect(settingTimestamp('20240501120000000')).toBe('20240501120000000');
    expect(settingTimestamp('2024-05-01T21:00:00+09:00')).toBe('20240501120000000');
    expect(settingTimestamp('')).toBeNull();
    expect(settingTimestamp('2024-05-01T21:00:00')).toBeNull();
  });
});

describe('a range for people', () => {
  it('in Tokyo: local times, the UTC moments in brackets', () => {
    expect(rangeLabel('20240501120000000', '20240501120039500')).toBe(
      '2024-05-01 21:00:00.000 to 2024-05-01 21:00:39.500 (2024-05-01 12:00:00.000 UTC to 2024-05-01 12:00:39.500 UTC)',
    );
  });

  it('in UTC: the times once, marked UTC, not the same text twice', () => {
    process.env.TZ = 'UTC';
    try {
      expect(rangeLabel('20240501120000000', '20240501120039500')).toBe('2024-05-01 12:00:00.000 to 2024-05-01 12:00:39.500 UTC');
    } finally {
      process.env.TZ = 'Asia/Tokyo';
    }
  });
});

describe('a found range put into the settings', () => {
  it('asks for every result record of the inferences\' range, and for the folder\'s image count of the images\' range', () => {
    const first = '20240501120000000';
    const last = '20240501120009500';
    expect(rangeChoice(first, last)).toEqual({ first_timestamp: first, last_timestamp: last, number_of_inference_results: 1_000_000 });
    expect(rangeChoice(first, last, 10)).toEqual({ first_timestamp: first, last_timestamp: last, number_of_images: 10 });
    expect(rangeChoice(first, last, 5_000_000)).toEqual({ first_timestamp: first, last_timestamp: last, number_of_images: 1_000_000 });
    expect(rangeChoice(first, last, 0)).toEqual({ first_timestamp: first, last_timestamp: last });
  });
});
