/**
 * The time base of an analysis (SPEC §8): which clock gives each frame its time, and the gaps
 * in it. Frames with `T` use it; otherwise `metadata_fps` (and `start_time`); otherwise a
 * video's frame rate; otherwise there is no time base and figures are in person-frames.
 */
import { parseTimestamp } from '../frames.js';
import { fallbackDurationMs, frameDurationsMs, GAP_FACTOR, medianIntervalMs, typicalDurationMs } from './durations.js';

export type TimeBaseKind = 'T' | 'metadata_fps' | 'video_fps' | 'none';

const TIME_BASE_KINDS: readonly string[] = ['T', 'metadata_fps', 'video_fps', 'none'] satisfies readonly TimeBaseKind[];

/** Whether `value` names a time base (`T`, `metadata_fps`, `video_fps`, `none`), as a store or run.json records it. */
export function isTimeBaseKind(value: unknown): value is TimeBaseKind {
  return typeof value === 'string' && TIME_BASE_KINDS.includes(value);
}

export interface TimeBaseInput {
  /** Each frame's `T` string, or null where the frame has none (length = frames). */
  timestamps: readonly (string | null)[];
  /** Each frame's index in its source (frame i of `metadata_fps` is at start + i / fps). */
  frameIndexes: Int32Array;
  /** `local_data_settings.metadata_fps`; 0 when not set. */
  metadataFps: number;
  /** `local_data_settings.start_time` in ms since the epoch; 0 when not set. */
  startMs: number;
  /** The video's frame rate for video runs, else 0. */
  videoFps: number;
}

/** A stretch of time with no frames, longer than GAP_FACTOR median intervals. */
export interface TimeGap {
  /** Index of the frame before the gap. */
  after_frame: number;
  /** Time of that frame and of the next one, ms since the epoch. */
  from_ms: number;
  to_ms: number;
}

export interface TimeBase {
  kind: TimeBaseKind;
  /** Frames per second behind the times when they come from a rate (metadata_fps or the video), else 0. */
  fps: number;
  /** Time of each frame in ms since the epoch; null without a time base. */
  timesMs: Float64Array | null;
  /** Duration of each frame in ms (SPEC §8); null without a time base (each frame then weighs 1 frame). */
  durationsMs: Float64Array | null;
  /** Median interval between frames in ms (0 without a time base). */
  medianIntervalMs: number;
  /** Gaps in the data, in time order. */
  gaps: TimeGap[];
}

/**
 * Resolves the time base of a run's frames and their durations.
 *
 * Frames use `T` when every frame has one (a mix of frames with and without `T` falls back to
 * the rates, as the times could not be ordered otherwise). Times that go backwards are refused
 * by frameDurationsMs with a RangeError naming the frame.
 */
export function resolveTimeBase(input: TimeBaseInput): TimeBase {
  const n = input.timestamps.length;
  let kind: TimeBaseKind = 'none';
  let fps = 0;
  let times: Float64Array | null = null;
  if (n > 0 && input.timestamps.every((stamp) => stamp !== null)) {
    kind = 'T';
    times = new Float64Array(n);
    for (let i = 0; i < n; i++) times[i] = parseTimestamp(input.timestamps[i] as string);
  } else if (input.metadataFps > 0 || input.videoFps > 0) {
    kind = input.metadataFps > 0 ? 'metadata_fps' : 'video_fps';
    fps = input.metadataFps > 0 ? input.metadataFps : input.videoFps;
    const start = input.metadataFps > 0 ? input.startMs : 0;
    times = new Float64Array(n);
    for (let i = 0; i < n; i++) times[i] = start + (input.frameIndexes[i] * 1000) / fps;
  }
  if (times === null) return { kind, fps, timesMs: null, durationsMs: null, medianIntervalMs: 0, gaps: [] };
  return timeBaseOfTimes(kind, fps, times, input.frameIndexes);
}

/**
 * The time base of frames whose times (ms since the epoch, non-decreasing, one per frame) are
 * known already: durations, median interval and gaps as `resolveTimeBase` gives them. A follow
 * keeps its frames' times parsed and calls this instead of parsing every T again.
 *
 * @throws RangeError when the times are not finite or go backwards.
 */
export function timeBaseOfTimes(kind: TimeBaseKind, fps: number, times: Float64Array, frameIndexes: Int32Array): TimeBase {
  const n = times.length;
  const fallback = fallbackDurationMs(fps);
  const durations = frameDurationsMs(times, fallback);
  const median = medianIntervalMs(times);
  const cap = GAP_FACTOR * typicalDurationMs(median, fallback);
  const gaps: TimeGap[] = [];
  for (let i = 0; i + 1 < n; i++) {
    if (times[i + 1] - times[i] > cap) gaps.push({ after_frame: frameIndexes[i], from_ms: times[i], to_ms: times[i + 1] });
  }
  return { kind, fps, timesMs: times, durationsMs: durations, medianIntervalMs: median, gaps };
}

/**
 * Milliseconds since the epoch of an ISO 8601 date-time with an offset (`Z` or `±hh:mm`), or
 * NaN when the text is not one.
 *
 * ```ts
 * parseIsoWithOffset('2026-11-23T00:00:00+09:00') // Date.UTC(2026, 10, 22, 15)
 * ```
 */
export function parseIsoWithOffset(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (match === null) return Number.NaN;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0')));
  const check = new Date(wall);
  if (check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return Number.NaN;
  if (zone === 'Z') return wall;
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  if (offsetMinutes > 18 * 60) return Number.NaN;
  return wall - sign * offsetMinutes * 60_000;
}

/**
 * How an analysis's frame times are shown: `wall`, real moments (T, or `metadata_fps` with a
 * `start_time`); `elapsed`, time since frame 0 (a rate without a start: `metadata_fps` without
 * `start_time`, or a video's rate, whose times start at 0 ms, so as dates they would read
 * 1970-01-01); `none` without a time base.
 *
 * ```ts
 * timeClockOf('metadata_fps', '')                          // 'elapsed'
 * timeClockOf('metadata_fps', '2026-11-23T09:00:00+09:00') // 'wall'
 * ```
 */
export function timeClockOf(kind: TimeBaseKind, startTime: string): 'wall' | 'elapsed' | 'none' {
  if (kind === 'none') return 'none';
  if (kind === 'T' || (kind === 'metadata_fps' && startTime.trim() !== '')) return 'wall';
  return 'elapsed';
}

/**
 * Time since frame 0 as a person reads a duration: `H:MM:SS` (hours unbounded, a week is
 * `168:00:00`), with `.mmm` when `withMs`. Cut, not rounded, as clock times are written.
 *
 * ```ts
 * elapsedText(5_500)          // '0:00:05'
 * elapsedText(5_500, true)    // '0:00:05.500'
 * elapsedText(90_061_000)     // '25:01:01'
 * ```
 */
export function elapsedText(ms: number, withMs = false): string {
  const whole = Math.max(0, Math.floor(ms));
  const seconds = Math.floor(whole / 1000);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const text = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return withMs ? `${text}.${pad(whole % 1000, 3)}` : text;
}

/** The ms since frame 0 of an `H:MM:SS` or `H:MM:SS.mmm` text (elapsedText's form; minutes and seconds below 60), or null. */
export function parseElapsed(text: string): number | null {
  const match = /^\s*(\d+):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?\s*$/.exec(text);
  if (match === null) return null;
  const [, hours, minutes, seconds, fraction = ''] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(fraction.padEnd(3, '0'));
}

/**
 * `timeClockOf` for a summary.json `time_base`: its `clock` as the run wrote it. A summary
 * written before runs recorded it has only the kind and the first frame's time (ISO 8601 with
 * an offset): there, `metadata_fps` times whose first frame falls in 1970 came without a
 * `start_time` (frame 0 is then at 0 ms), and a video's rate never has one.
 *
 * ```ts
 * summaryTimeClock({ kind: 'metadata_fps', first: '1970-01-01T09:00:00.000+09:00' }) // 'elapsed'
 * ```
 */
export function summaryTimeClock(base: { kind: TimeBaseKind; first: string | null; clock?: 'wall' | 'elapsed' | 'none' }): 'wall' | 'elapsed' | 'none' {
  if (base.clock !== undefined) return base.clock;
  if (base.kind === 'none' || base.first === null) return 'none';
  const firstMs = parseIsoWithOffset(base.first);
  return timeClockOf(base.kind, base.kind === 'metadata_fps' && firstMs < Date.UTC(1971, 0, 1) ? '' : 'start');
}
