import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../src-shared/errors.js';
import { assignBuckets, LocalClock, parsePeriod } from '../../src-shared/periods/buckets.js';
import { parseIsoWithOffset, resolveTimeBase } from '../../src-shared/periods/time-base.js';

describe('period setting', () => {
  it('reads none, hour, day and <N>min up to a day, and nothing else', () => {
    expect(parsePeriod('none')).toEqual({ kind: 'none' });
    expect(parsePeriod('hour')).toEqual({ kind: 'hour' });
    expect(parsePeriod('day')).toEqual({ kind: 'day' });
    expect(parsePeriod('15min')).toEqual({ kind: 'minutes', minutes: 15 });
    expect(parsePeriod('1440min')).toEqual({ kind: 'minutes', minutes: 1440 });
    for (const bad of ['0min', '1441min', '15 min', 'hours', '', '015min']) expect(parsePeriod(bad)).toBeNull();
  });
});

describe('buckets aligned to the local clock', () => {
  it('hours in a zone with a 30-minute offset start at half past the UTC hour', () => {
    const t = (h: number, m: number): number => Date.UTC(2026, 10, 23, h, m);
    const buckets = assignBuckets(Float64Array.of(t(3, 29), t(3, 30), t(5, 10)), { kind: 'hour' }, 'Asia/Kolkata');
    expect(Array.from(buckets.starts)).toEqual([t(2, 30), t(3, 30), t(4, 30)]);
    expect(Array.from(buckets.ends)).toEqual([t(3, 30), t(4, 30), t(5, 30)]);
    expect(Array.from(buckets.bucketOf)).toEqual([0, 1, 2]);
  });

  it('days follow local midnight, and the day the clocks go back lasts 25 hours', () => {
    // New York leaves daylight saving time on 2026-11-01 at 02:00 local (06:00 UTC).
    const times = Float64Array.of(Date.UTC(2026, 9, 31, 12), Date.UTC(2026, 10, 1, 12), Date.UTC(2026, 10, 2, 4, 59));
    const buckets = assignBuckets(times, { kind: 'day' }, 'America/New_York');
    expect(Array.from(buckets.starts)).toEqual([Date.UTC(2026, 9, 31, 4), Date.UTC(2026, 10, 1, 4)]);
    expect(Array.from(buckets.ends)).toEqual([Date.UTC(2026, 10, 1, 4), Date.UTC(2026, 10, 2, 5)]);
    expect(Array.from(buckets.bucketOf)).toEqual([0, 1, 1]);
  });

  it('<N>min buckets restart at local midnight and empty buckets between frames are kept', () => {
    const t = (h: number, m: number): number => Date.UTC(2026, 10, 22, h, m); // Tokyo = UTC+9
    const buckets = assignBuckets(Float64Array.of(t(14, 10), t(15, 5)), { kind: 'minutes', minutes: 25 }, 'Asia/Tokyo');
    // Local 23:10 falls in 22:55–23:20; 23:45–24:00 is the day's last, shorter bucket; 00:00 starts the next day.
    expect(Array.from(buckets.starts)).toEqual([t(13, 55), t(14, 20), t(14, 45), t(15, 0)]);
    expect(Array.from(buckets.ends)).toEqual([t(14, 20), t(14, 45), t(15, 0), t(15, 25)]);
    expect(Array.from(buckets.bucketOf)).toEqual([0, 3]);
  });

  it('refuses more than 10,000 buckets', () => {
    // An input problem (exit 2, a message in the app), not an internal error.
    let thrown: unknown = null;
    try {
      assignBuckets(Float64Array.of(0, 10_001 * 60_000), { kind: 'minutes', minutes: 1 }, 'UTC');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    expect((thrown as Error).message).toBe('period 1min: the frames span more than 10000 buckets; choose a longer period');
  });

  it('names bucket pictures by local time and writes ISO 8601 with the offset', () => {
    const clock = new LocalClock('Asia/Tokyo');
    expect(clock.fileStamp(Date.UTC(2026, 10, 22, 15, 30))).toBe('20261123-0030');
    expect(clock.iso(Date.UTC(2026, 10, 22, 15, 30))).toBe('2026-11-23T00:30:00+09:00');
    expect(clock.iso(Date.UTC(2026, 10, 22, 15, 30, 1, 250))).toBe('2026-11-23T00:30:01.250+09:00');
    expect(new LocalClock('America/St_Johns').iso(Date.UTC(2026, 0, 1))).toBe('2025-12-31T20:30:00-03:30');
  });
});

describe('time base', () => {
  it('start_time is ISO 8601 with an offset or Z', () => {
    expect(parseIsoWithOffset('2026-11-23T09:00:00+09:00')).toBe(Date.UTC(2026, 10, 23));
    expect(parseIsoWithOffset('2026-11-23T00:00:00.5Z')).toBe(Date.UTC(2026, 10, 23, 0, 0, 0, 500));
    expect(parseIsoWithOffset('2026-11-23T09:00-01:30')).toBe(Date.UTC(2026, 10, 23, 10, 30));
    for (const bad of ['2026-11-23T09:00:00', '2026-02-30T00:00:00Z', '2026-11-23 09:00:00Z', '2026-11-23T24:00:00Z']) {
      expect(parseIsoWithOffset(bad)).toBeNaN();
    }
  });

  it('T wins over metadata_fps; metadata_fps counts frame indexes from start_time; no base without either', () => {
    const frameIndexes = Int32Array.of(0, 1, 3);
    const withT = resolveTimeBase({ timestamps: ['20260101000000000', '20260101000001000', '20260101000002000'], frameIndexes, metadataFps: 5, startMs: 0, videoFps: 0 });
    expect(withT.kind).toBe('T');
    expect(Array.from(withT.durationsMs ?? [])).toEqual([1000, 1000, 1000]);
    const fps = resolveTimeBase({ timestamps: [null, null, null], frameIndexes, metadataFps: 4, startMs: 1000, videoFps: 30 });
    expect(fps).toMatchObject({ kind: 'metadata_fps', fps: 4 });
    expect(Array.from(fps.timesMs ?? [])).toEqual([1000, 1250, 1750]);
    const video = resolveTimeBase({ timestamps: [null, null, null], frameIndexes, metadataFps: 0, startMs: 0, videoFps: 25 });
    expect(video).toMatchObject({ kind: 'video_fps', fps: 25 });
    expect(resolveTimeBase({ timestamps: [null, null, null], frameIndexes, metadataFps: 0, startMs: 0, videoFps: 0 })).toMatchObject({
      kind: 'none', timesMs: null, durationsMs: null, gaps: [],
    });
  });

  it('reports a gap longer than 3 median intervals, with the frame before it', () => {
    const stamps = ['20260101000000000', '20260101000001000', '20260101000002000', '20260101000010000', '20260101000011000'];
    const base = resolveTimeBase({ timestamps: stamps, frameIndexes: Int32Array.of(0, 1, 2, 3, 4), metadataFps: 0, startMs: 0, videoFps: 0 });
    expect(base.gaps).toEqual([{ after_frame: 2, from_ms: Date.UTC(2026, 0, 1, 0, 0, 2), to_ms: Date.UTC(2026, 0, 1, 0, 0, 10) }]);
    expect(Array.from(base.durationsMs ?? [])).toEqual([1000, 1000, 3000, 1000, 1000]);
  });
});
