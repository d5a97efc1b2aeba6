/**
 * The timeline's arithmetic, apart from React so it is tested in Node: stepping by keys,
 * playback at a speed, and how a frame's moment is shown.
 */
import type { TimelineColumn } from '../../src-shared/api.js';
import { elapsedText } from '../../src-shared/periods/time-base.js';
import { ELAPSED, formatFigure, localText } from './period.js';

/** `index + delta`, kept inside `0 … count-1`. */
export function stepFrame(index: number, delta: number, count: number): number {
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, index + delta));
}

/**
 * How far the timeline's keys move, in frames, and how the shortcut sheet names it: ← → always
 * one frame; Shift+← → and Page Up/Down a step that scales with the frames in view (the chart's
 * zoom), so a week is as quick to cross as a minute.
 */
export interface KeySteps {
  /** Shift+← →: about a hundredth of the frames in view. */
  small: number;
  /** Page Up / Page Down: about a tenth of the frames in view. */
  large: number;
  /** `"1 min"`, `"6 frames"`: what `small` and `large` are, for the sheet and the chart caption. */
  smallText: string;
  largeText: string;
}

/** The time units a step is rounded down to when the analysis has a time base, in seconds. */
const STEP_UNITS: ReadonlyArray<{ seconds: number; text: string }> = [
  { seconds: 1, text: '1 s' },
  { seconds: 10, text: '10 s' },
  { seconds: 60, text: '1 min' },
  { seconds: 600, text: '10 min' },
  { seconds: 3600, text: '1 h' },
  { seconds: 6 * 3600, text: '6 h' },
  { seconds: 86_400, text: '1 day' },
];

/**
 * The key steps for `viewFrames` frames in view. With `secondsPerFrame` (the analysis's mean
 * frame interval; null or non-positive without a time base) a step is the largest of 1 s, 10 s,
 * 1 min, 10 min, 1 h, 6 h, 1 day that fits in its share of the view (a tenth, a hundredth),
 * in frames rounded to the nearest; when not even 1 s fits, or without a time base, it is that
 * share in frames (at least 1).
 *
 * ```ts
 * keySteps(604_800, 1)  // { small: 3600, large: 21600, smallText: '1 h', largeText: '6 h' }  (a week at 1 fps)
 * keySteps(600, null)   // { small: 6, large: 60, smallText: '6 frames', largeText: '60 frames' }
 * ```
 */
export function keySteps(viewFrames: number, secondsPerFrame: number | null): KeySteps {
  const [small, smallText] = stepOf(viewFrames / 100, secondsPerFrame);
  const [large, largeText] = stepOf(viewFrames / 10, secondsPerFrame);
  return { small, large, smallText, largeText };
}

function stepOf(targetFrames: number, secondsPerFrame: number | null): [number, string] {
  if (secondsPerFrame !== null && secondsPerFrame > 0 && Number.isFinite(secondsPerFrame)) {
    const targetSeconds = targetFrames * secondsPerFrame;
    let chosen: { seconds: number; text: string } | null = null;
    for (const unit of STEP_UNITS) if (unit.seconds <= targetSeconds) chosen = unit;
    if (chosen !== null) {
      const frames = Math.max(1, Math.round(chosen.seconds / secondsPerFrame));
      return [frames, chosen.text];
    }
  }
  const frames = Math.max(1, Math.round(targetFrames));
  return [frames, frames === 1 ? '1 frame' : `${formatFigure(frames)} frames`];
}

/**
 * The frame a key moves to from `index`, or null when the key is not the timeline's. ← → step one
 * frame; with Shift, `steps.small`; Page Up / Page Down move `steps.large` on and back (the
 * WAI-ARIA slider's keys, as the range input and the zone charts move); Home / End go to the ends.
 */
export function frameForKey(key: string, index: number, count: number, steps: KeySteps, shift = false): number | null {
  switch (key) {
    case 'ArrowLeft':
      return stepFrame(index, shift ? -steps.small : -1, count);
    case 'ArrowRight':
      return stepFrame(index, shift ? steps.small : 1, count);
    case 'PageUp':
      return stepFrame(index, steps.large, count);
    case 'PageDown':
      return stepFrame(index, -steps.large, count);
    case 'Home':
      return stepFrame(0, 0, count);
    case 'End':
      return stepFrame(count - 1, 0, count);
    default:
      return null;
  }
}

/**
 * The analysis's mean seconds a frame from its first and last frames' times (ms since the
 * epoch), or null without a time base or with fewer than two frames.
 *
 * ```ts
 * secondsPerFrame(0, 604_799_000, 604_800) // 1
 * ```
 */
export function secondsPerFrame(firstMs: number | null, lastMs: number | null, count: number): number | null {
  if (firstMs === null || lastMs === null || count < 2 || !(lastMs > firstMs)) return null;
  return (lastMs - firstMs) / 1000 / (count - 1);
}

/**
 * The mean seconds a frame from a chart series' columns (`timelineSeries`): the first and last
 * columns' first frames and their times, so the window needs no request of its own for it. For a
 * series over every frame this is `secondsPerFrame` over the frames from the first to the last
 * column's first frame; null without a time base or with fewer than two timed columns.
 *
 * ```ts
 * seriesSecondsPerFrame([{ fromFrame: 0, startMs: 0 }, { fromFrame: 604_335, startMs: 604_335_000 }]) // 1
 * ```
 */
export function seriesSecondsPerFrame(columns: ReadonlyArray<Pick<TimelineColumn, 'fromFrame' | 'startMs'>>): number | null {
  if (columns.length < 2) return null;
  const first = columns[0];
  const last = columns[columns.length - 1];
  return secondsPerFrame(first.startMs, last.startMs, last.fromFrame - first.fromFrame + 1);
}

export interface Playback {
  /** Fractional frame position, so slow speeds still advance. */
  position: number;
  /** Reached the last frame: playing stops. */
  ended: boolean;
}

/**
 * Where playback is after `elapsedMs` at `fps` frames a second times `speed`.
 *
 * ```ts
 * advancePlayback(10, 500, 2, 1, 600) // { position: 11, ended: false }
 * ```
 */
export function advancePlayback(position: number, elapsedMs: number, fps: number, speed: number, count: number): Playback {
  const next = position + (elapsedMs / 1000) * fps * speed;
  if (next >= count - 1) return { position: Math.max(0, count - 1), ended: true };
  return { position: next, ended: false };
}

/** The speeds the player offers. */
export const PLAYBACK_SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4, 8];

/**
 * A T string as a person reads it (UTC); anything else as it is.
 *
 * ```ts
 * readableTimestamp('20230412140023098') // '2023-04-12 14:00:23.098 UTC'
 * ```
 */
export function readableTimestamp(timestamp: string): string {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(timestamp);
  if (parts === null) return timestamp;
  const [, year, month, day, hour, minute, second, ms] = parts;
  return `${year}-${month}-${day} ${hour}:${minute}:${second}.${ms} UTC`;
}

/**
 * What the timeline says of a frame's time: its T as `readableTimestamp` writes it, else its time
 * from the analysis's time base (`metadata_fps` / `start_time`, a video's rate) in the same form
 * (UTC, to the millisecond), else `''` (no time base). On the ELAPSED clock (`timeZone`: a rate
 * without a start), the time since frame 0 instead, since those times are no dates.
 *
 * ```ts
 * frameTimeText('', Date.UTC(2026, 10, 22, 15, 6, 49)) // '2026-11-22 15:06:49.000 UTC'
 * frameTimeText('', 5500, ELAPSED)                      // '0:00:05.500 since frame 0'
 * ```
 */
export function frameTimeText(timestamp: string, timeMs: number | null, timeZone?: string): string {
  if (timestamp !== '') return readableTimestamp(timestamp);
  if (timeMs === null || !Number.isFinite(timeMs)) return '';
  // Times from a rate without a start count from frame 0: as dates they would read 1970.
  if (timeZone === ELAPSED) return `${elapsedText(timeMs, true)} since frame 0`;
  return `${new Date(timeMs).toISOString().slice(0, 23).replace('T', ' ')} UTC`;
}

/**
 * The frame's time on the period bar's clock, written beside its UTC time so that the timeline
 * and the period views (buckets, busiest moment, custom range) name the same moment alike:
 * `YYYY-MM-DD HH:mm:ss <zone>`; `''` without a time or when `timeZone` is UTC itself.
 *
 * ```ts
 * frameLocalText(Date.UTC(2026, 10, 22, 15, 6, 49), 'Asia/Tokyo') // '2026-11-23 00:06:49 Asia/Tokyo'
 * ```
 *
 * @throws RangeError for a time zone Intl does not know (the caller passes a checked one)
 */
export function frameLocalText(timeMs: number | null, timeZone: string): string {
  if (timeMs === null || !Number.isFinite(timeMs) || timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === ELAPSED) return '';
  return `${localText(timeMs, timeZone)} ${timeZone}`;
}

/** The frame under `x` on a chart `width` wide showing `count` frames as equal slots. */
export function chartFrameAt(x: number, width: number, count: number): number {
  if (count <= 0 || width <= 0) return 0;
  return stepFrame(Math.floor((x / width) * count), 0, count);
}

/** One column of the chart as the back end sends it (api.ts TimelineColumn). */
export interface ChartColumn {
  fromFrame: number;
  toFrame: number;
  min: number;
  max: number;
}

/**
 * The SVG path of the people chart over frames `viewFrom ≤ i < viewTo`: a band per column from
 * its fewest to its most people (min/max downsampling, so a spike in a long run still shows),
 * `peopleMax` at the top edge and 0 at the bottom. A column of one frame is a point of the line.
 *
 * ```ts
 * seriesPath([{ fromFrame: 0, toFrame: 1, min: 0, max: 0 }, { fromFrame: 1, toFrame: 2, min: 2, max: 2 }], 0, 2, 200, 100, 2)
 * // 'M50,100 L150,0 L150,0 L50,100 Z'
 * ```
 */
export function seriesPath(columns: readonly ChartColumn[], viewFrom: number, viewTo: number, width: number, height: number, peopleMax: number): string {
  const frames = viewTo - viewFrom;
  if (columns.length === 0 || frames <= 0) return '';
  const top = Math.max(1, peopleMax);
  const xOf = (column: ChartColumn): number => round2((((column.fromFrame + column.toFrame) / 2 - viewFrom) / frames) * width);
  const yOf = (people: number): number => round2(height - (people / top) * height);
  const upper = columns.map((column, i) => `${i === 0 ? 'M' : 'L'}${xOf(column)},${yOf(column.max)}`);
  const lower = columns.map((column) => `L${xOf(column)},${yOf(column.min)}`).reverse();
  return `${upper.join(' ')} ${lower.join(' ')} Z`;
}

/** The fewest frames a zoomed chart shows. */
export const MIN_VIEW_FRAMES = 20;

/**
 * The chart's view after zooming by `factor` (0.5: twice as close, 2: twice as far) around frame
 * `around`, kept inside `0 … count` and at least MIN_VIEW_FRAMES wide (or the whole run).
 *
 * ```ts
 * zoomView({ from: 0, to: 1000 }, 0.5, 500, 1000) // { from: 250, to: 750 }
 * ```
 */
export function zoomView(view: { from: number; to: number }, factor: number, around: number, count: number): { from: number; to: number } {
  const span = Math.min(count, Math.max(Math.min(MIN_VIEW_FRAMES, count), Math.round((view.to - view.from) * factor)));
  let from = Math.round(around - span / 2);
  from = Math.max(0, Math.min(count - span, from));
  return { from, to: from + span };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * What the frame slider says to a screen reader: the frame as the screen shows it (counted
 * from 1) and its moment when known.
 *
 * ```ts
 * sliderValueText(100, 600, '20230412140023098') // 'frame 101 of 600, 2023-04-12 14:00:23.098 UTC'
 * sliderValueText(0, 600, '')                    // 'frame 1 of 600'
 * sliderValueText(0, 600, '', Date.UTC(2026, 10, 23)) // 'frame 1 of 600, 2026-11-23 00:00:00.000 UTC' (metadata_fps and start_time)
 * sliderValueText(409, 604800, '')               // 'frame 410 of 604,800' (numbers grouped as elsewhere)
 * sliderValueText(10, 600, '', 5000, ELAPSED)     // 'frame 11 of 600, 0:00:05.000 since frame 0' (a rate without a start)
 * ```
 */
export function sliderValueText(index: number, count: number, timestamp: string, timeMs: number | null = null, timeZone?: string): string {
  const frame = `frame ${formatFigure(index + 1)} of ${formatFigure(count)}`;
  const time = frameTimeText(timestamp, timeMs, timeZone);
  return time === '' ? frame : `${frame}, ${time}`;
}
