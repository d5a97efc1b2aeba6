/**
 * Times without a start (issue 13: "dates of 1970"): an analysis whose frame times come from a
 * rate without `start_time` shows them as time since frame 0 wherever it shows a time, and one
 * with a real start keeps its dates.
 */
import { describe, expect, it } from 'vitest';
import { elapsedText, parseElapsed, summaryTimeClock, timeClockOf } from '../../src-shared/periods/time-base.js';
import { analysisDescription } from '../../src-renderer/logic/library.js';
import {
  bucketStartText,
  customRangeOf,
  ELAPSED,
  localText,
  periodRequest,
  shownZoneOf,
  spansDays,
  stripCaption,
  wallInputOf,
  zoneLabel,
} from '../../src-renderer/logic/period.js';
import { frameLocalText, frameTimeText, sliderValueText } from '../../src-renderer/logic/timeline.js';

describe('which analyses count their times from frame 0', () => {
  it('a rate without a start (metadata_fps alone, a video\'s rate) counts from frame 0; T and a start_time are real moments', () => {
    expect(timeClockOf('metadata_fps', '')).toBe('elapsed');
    expect(timeClockOf('metadata_fps', '  ')).toBe('elapsed');
    expect(timeClockOf('video_fps', '')).toBe('elapsed');
    // A video's times start at 0 whatever start_time says (README: start_time goes with metadata_fps).
    expect(timeClockOf('video_fps', '2026-11-23T09:00:00Z')).toBe('elapsed');
    expect(timeClockOf('metadata_fps', '2026-11-23T09:00:00Z')).toBe('wall');
    expect(timeClockOf('T', '')).toBe('wall');
    expect(timeClockOf('none', '')).toBe('none');
  });

  it('writes time since frame 0 as H:MM:SS, hours unbounded, and reads it back', () => {
    expect(elapsedText(0)).toBe('0:00:00');
    expect(elapsedText(5_500)).toBe('0:00:05');
    expect(elapsedText(5_500, true)).toBe('0:00:05.500');
    expect(elapsedText(604_800_000)).toBe('168:00:00');
    expect(parseElapsed('0:00:05')).toBe(5_000);
    expect(parseElapsed('1:02:03.25')).toBe(3_723_250);
    expect(parseElapsed('0:60:00')).toBeNull();
    expect(parseElapsed('1970-01-01T00:00:05')).toBeNull();
  });
});

describe('every time text of the window on the elapsed clock', () => {
  it('the clock is ELAPSED for such an analysis whatever the time zone, a zone otherwise', () => {
    expect(shownZoneOf('elapsed', 'Asia/Tokyo')).toBe(ELAPSED);
    expect(shownZoneOf('wall', 'Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(shownZoneOf(undefined, 'UTC')).toBe('UTC');
  });

  it('timeline, slider and the local-time line say the time since frame 0, no date', () => {
    expect(frameTimeText('', 5_500, ELAPSED)).toBe('0:00:05.500 since frame 0');
    expect(frameTimeText('', 5_500, 'UTC')).toBe('1970-01-01 00:00:05.500 UTC');
    expect(frameLocalText(5_500, ELAPSED)).toBe('');
    expect(sliderValueText(11, 12, '', 5_500, ELAPSED)).toBe('frame 12 of 12, 0:00:05.500 since frame 0');
  });

  it('the period bar\'s captions, bucket starts, range pickers and requests', () => {
    expect(`${localText(0, ELAPSED)} to ${localText(6_000, ELAPSED)} (${zoneLabel(ELAPSED)})`).toBe('0:00:00 to 0:00:06 (since frame 0)');
    expect(bucketStartText(3_600_000, ELAPSED, true)).toBe('1:00:00');
    expect(spansDays([0, 2 * 86_400_000], ELAPSED)).toBe(false);
    expect(wallInputOf(6_000, ELAPSED)).toBe('0:00:06');
    expect(customRangeOf({ from: '0:00:01', to: '0:00:04.5' }, ELAPSED)).toEqual({ fromMs: 1_000, toMs: 4_500 });
    expect(customRangeOf({ from: '0:00:04', to: '0:00:01' }, ELAPSED)).toEqual({ problem: 'to (0:00:01) must be after from (0:00:04)' });
    // The store buckets whole hours of time since frame 0: UTC, where 0 ms is 00:00.
    expect(periodRequest('run-1', { mode: 'buckets', period: 'hour', timezone: ELAPSED }).timezone).toBe('UTC');
    expect(stripCaption(2, 10, 'person-seconds', ELAPSED)).toContain('under each, its start (time since frame 0) and');
  });

  it('Recent analyses lists such an analysis from 0:00:00, and keeps the dates of one with a start', () => {
    const entry = { frames: 12, fromMs: 0, toMs: 6_000, timezone: 'Asia/Tokyo', state: 'done' as const };
    expect(analysisDescription({ ...entry, timeClock: 'elapsed' })).toBe('12 frames, 0:00:00 to 0:00:06 since frame 0');
    const start = Date.UTC(2026, 10, 23, 0);
    expect(analysisDescription({ ...entry, fromMs: start, toMs: start + 6_000, timeClock: 'wall' })).toBe('12 frames, 2026-11-23 09:00:00 to 09:00:06 Asia/Tokyo');
  });
});

describe('how a summary.json reads its times', () => {
  it("takes the run's own clock when the summary has one, whatever the year", () => {
    expect(summaryTimeClock({ kind: 'metadata_fps', clock: 'wall', first: '1970-01-01T09:00:00.000+09:00' })).toBe('wall');
    expect(summaryTimeClock({ kind: 'metadata_fps', clock: 'elapsed', first: '1970-01-01T09:00:00.000+09:00' })).toBe('elapsed');
  });

  it('without a clock (written before runs kept one): counts from frame 0 when metadata_fps times begin in 1970 or come from a video, and keeps dates otherwise', () => {
    expect(summaryTimeClock({ kind: 'metadata_fps', first: '1970-01-01T09:00:00.000+09:00' })).toBe('elapsed');
    expect(summaryTimeClock({ kind: 'metadata_fps', first: '2026-11-23T09:00:00.000+09:00' })).toBe('wall');
    expect(summaryTimeClock({ kind: 'video_fps', first: '1970-01-01T00:00:00.000+00:00' })).toBe('elapsed');
    expect(summaryTimeClock({ kind: 'T', first: '2026-11-23T09:00:00.000+09:00' })).toBe('wall');
    expect(summaryTimeClock({ kind: 'none', first: null })).toBe('none');
  });
});
