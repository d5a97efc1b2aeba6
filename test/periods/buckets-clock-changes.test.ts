/**
 * Hostile: buckets around changes of the clock in zones with large offsets, half-hour changes and
 * changes at midnight. Before, `LocalClock.instant` took the offset in force at the wall reading
 * read as UTC, which is another one's when a change lies between (up to 14 h away): an ordinary
 * day in Chatham ended at 23:00, a whole night in Lord Howe came in half-hour "hours".
 */
import { describe, expect, it } from 'vitest';
import { assignBuckets, compareFileStamps, LocalClock, type Period } from '../../src-shared/periods/buckets.js';

const iso = (clock: LocalClock, instants: Float64Array): string[] => Array.from(instants, (instant) => clock.iso(instant));

describe('buckets around changes of the clock', () => {
  it('an ordinary day in Chatham (+12:45) the evening before its clocks go forward is one bucket of 24 hours', () => {
    // Chatham goes from +12:45 to +13:45 on 2026-09-27 at 02:45 local (2026-09-26 14:00 UTC).
    const clock = new LocalClock('Pacific/Chatham');
    const times = Float64Array.of(Date.UTC(2026, 8, 25, 12), Date.UTC(2026, 8, 26, 10, 30), Date.UTC(2026, 8, 26, 11, 30));
    const buckets = assignBuckets(times, { kind: 'day' }, 'Pacific/Chatham');
    expect(iso(clock, buckets.starts)).toEqual(['2026-09-26T00:00:00+12:45', '2026-09-27T00:00:00+12:45']);
    expect(iso(clock, buckets.ends)).toEqual(['2026-09-27T00:00:00+12:45', '2026-09-28T00:00:00+13:45']);
    expect(Array.from(buckets.bucketOf)).toEqual([0, 0, 1]);
    // The instant of a wall reading is the one that reads it.
    expect(clock.instant(Date.UTC(2026, 8, 27))).toBe(Date.UTC(2026, 8, 26, 11, 15));
  });

  it('hours in Lord Howe (+10:30) before its half-hour change are hours; the hour the clock skips half of lasts 30 minutes', () => {
    // Lord Howe goes from +10:30 to +11:00 on 2026-10-04 at 02:00 local (2026-10-03 15:30 UTC).
    const clock = new LocalClock('Australia/Lord_Howe');
    const times = Float64Array.of(Date.UTC(2026, 9, 3, 12, 0), Date.UTC(2026, 9, 3, 16, 45));
    const buckets = assignBuckets(times, { kind: 'hour' }, 'Australia/Lord_Howe');
    expect(iso(clock, buckets.starts)).toEqual([
      '2026-10-03T22:00:00+10:30',
      '2026-10-03T23:00:00+10:30',
      '2026-10-04T00:00:00+10:30',
      '2026-10-04T01:00:00+10:30',
      '2026-10-04T02:30:00+11:00',
      '2026-10-04T03:00:00+11:00',
    ]);
    expect(Array.from(buckets.ends, (end, b) => (end - buckets.starts[b]) / 60_000)).toEqual([60, 60, 60, 60, 30, 60]);
  });

  it('the day Santiago’s clocks go back at midnight is one bucket of 25 hours', () => {
    // Santiago goes from -03:00 to -04:00 at 2026-04-05 00:00 local (03:00 UTC), back to 2026-04-04 23:00.
    const clock = new LocalClock('America/Santiago');
    const times = Float64Array.of(Date.UTC(2026, 3, 4, 12), Date.UTC(2026, 3, 5, 3, 30), Date.UTC(2026, 3, 5, 4, 30));
    const buckets = assignBuckets(times, { kind: 'day' }, 'America/Santiago');
    expect(iso(clock, buckets.starts)).toEqual(['2026-04-04T00:00:00-03:00', '2026-04-05T00:00:00-04:00']);
    expect(Array.from(buckets.bucketOf)).toEqual([0, 0, 1]);
    expect(buckets.ends[0] - buckets.starts[0]).toBe(25 * 3_600_000);
  });

  it('a skipped wall reading maps to the instant of the jump; a repeated one to its first instant', () => {
    const berlin = new LocalClock('Europe/Berlin');
    expect(berlin.instant(Date.UTC(2026, 2, 29, 2, 30))).toBe(Date.UTC(2026, 2, 29, 1));
    expect(new LocalClock('America/New_York').instant(Date.UTC(2026, 10, 1, 1, 30))).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('every bucket follows the last, holds its frames, and starts on its period’s wall-clock grid unless the clock just jumped', () => {
    const cases: Array<[string, string]> = [
      ['Europe/Berlin', '2026-03-29T00:00:00Z'],
      ['Europe/Berlin', '2026-10-25T00:00:00Z'],
      ['America/New_York', '2026-11-01T04:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T13:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T14:00:00Z'],
      ['Pacific/Chatham', '2026-04-04T12:00:00Z'],
      ['Pacific/Chatham', '2026-09-26T12:00:00Z'],
      ['America/Santiago', '2026-04-04T23:00:00Z'],
    ];
    const periods: Period[] = [{ kind: 'hour' }, { kind: 'day' }, { kind: 'minutes', minutes: 7 }, { kind: 'minutes', minutes: 45 }];
    const faults: string[] = [];
    for (const [zone, at] of cases) {
      const clock = new LocalClock(zone);
      const from = Date.parse(at) - 12 * 3_600_000;
      const times = Float64Array.from({ length: 300 }, (_, i) => from + i * 5 * 60_000 + (i % 7) * 1000);
      for (const period of periods) {
        const { starts, ends, bucketOf } = assignBuckets(times, period, zone);
        const minutes = period.kind === 'hour' ? 60 : period.kind === 'day' ? 1440 : period.kind === 'minutes' ? period.minutes : 0;
        for (let b = 0; b < starts.length; b++) {
          const wall = clock.wall(starts[b]);
          const jumped = wall !== clock.wall(starts[b] - 1) + 1;
          if (!(ends[b] > starts[b]) || (b > 0 && starts[b] !== ends[b - 1])) faults.push(`${zone} ${minutes} bucket ${b} not after the last`);
          if (!jumped && Math.round((wall % 86_400_000) / 60_000) % minutes !== 0) faults.push(`${zone} ${minutes} starts at ${clock.iso(starts[b])}`);
        }
        times.forEach((time, i) => {
          if (!(starts[bucketOf[i]] <= time && time < ends[bucketOf[i]])) faults.push(`${zone} ${minutes} frame ${i} outside its bucket`);
        });
      }
    }
    expect(faults).toEqual([]);
  });

  it('the buckets of the first and the repeated hour the clocks go back get pictures of their own names', () => {
    // New York goes back from 02:00 EDT to 01:00 EST on 2026-11-01 (06:00 UTC).
    const clock = new LocalClock('America/New_York');
    const times = Float64Array.of(Date.UTC(2026, 10, 1, 4, 30), Date.UTC(2026, 10, 1, 7, 30));
    const { starts } = assignBuckets(times, { kind: 'hour' }, 'America/New_York');
    expect(Array.from(starts, (start) => clock.fileStamp(start))).toEqual(['20261101-0000', '20261101-0100-0400', '20261101-0100-0500', '20261101-0200']);
    expect(new LocalClock('Europe/Berlin').fileStamp(Date.UTC(2026, 9, 25, 0, 30))).toBe('20261025-0230+0200');
  });

  it('picture names sort by the instants they stand for, the repeated wall times included, east and west of UTC and for 30-minute shifts', () => {
    // Berlin goes back from 03:00 CEST to 02:00 CET on 2026-10-25 (01:00 UTC); New York from
    // 02:00 EDT to 01:00 EST on 2026-11-01; Lord Howe by 30 minutes, from 02:00 +11:00 to 01:30
    // +10:30 on 2026-04-05.
    for (const [zone, from] of [['Europe/Berlin', Date.UTC(2026, 9, 24, 22)], ['America/New_York', Date.UTC(2026, 10, 1, 3)], ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 13)]] as const) {
      const clock = new LocalClock(zone);
      const times = Float64Array.from({ length: 5 * 12 }, (_, i) => from + i * 5 * 60_000);
      for (const period of [{ kind: 'hour' }, { kind: 'minutes', minutes: 30 }, { kind: 'minutes', minutes: 10 }] as Period[]) {
        const { starts } = assignBuckets(times, period, zone);
        const names = Array.from(starts, (start) => `${clock.fileStamp(start)}.png`);
        expect(names.some((name) => /[+-]\d{4}\.png$/.test(name))).toBe(true);
        const shuffled = [...names].reverse().sort();
        expect([...shuffled].sort(compareFileStamps)).toEqual(names);
      }
    }
    // East of UTC, as text the later reading comes first; names without a stamp come last.
    expect(['20261025-0200+0100.png', '20261025-0200+0200.png', 'notes.png', '20261025-0100.png'].sort(compareFileStamps)).toEqual([
      '20261025-0100.png',
      '20261025-0200+0200.png',
      '20261025-0200+0100.png',
      'notes.png',
    ]);
  });
});
