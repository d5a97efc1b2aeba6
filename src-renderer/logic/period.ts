/**
 * The period bar's arithmetic, apart from React so it is tested in Node: which view is asked of
 * the store (`periodView`), the bucket length the "By …" view uses, local wall-clock times in
 * and out of the range pickers, the re-count settings, and how figures are written.
 *
 * ```ts
 * bucketPeriod('none')                        // 'hour'
 * bucketLabel('15min')                        // 'By 15 min'
 * wallInputOf(Date.UTC(2026, 10, 23, 0), 'Asia/Tokyo') // '2026-11-23T09:00:00'
 * formatFigure(1234.56)                      // '1,234.6'
 * ```
 */
import type { PeriodViewData, PeriodViewRequest, RunInfo } from '../../src-shared/api.js';
import { elapsedText, parseElapsed } from '../../src-shared/periods/time-base.js';
import { LocalClock, machineTimeZone, parsePeriod } from '../../src-shared/periods/buckets.js';
import type { ColorScale } from '../../src-shared/render/index.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { formatFigure } from './figure.js';
import { gridMax } from './legend.js';

export { formatFigure };

/** What the picture shows: one frame's window (counts), or a sum over a range of time. */
export type PeriodMode = 'moment' | 'whole' | 'buckets' | 'custom';

export type PeriodUnit = PeriodViewData['unit'];

/** A custom range as the two pickers hold it: local wall-clock `YYYY-MM-DDTHH:mm[:ss]` texts. */
export interface WallRange {
  from: string;
  to: string;
}

/**
 * The bucket length of the "By …" view: the settings' `output_settings.period` when it names
 * buckets, else an hour.
 */
export function bucketPeriod(setting: string): string {
  const period = parsePeriod(setting);
  return period === null || period.kind === 'none' ? 'hour' : setting;
}

/** The button's name of a bucket length: `By hour`, `By day`, `By 15 min`. */
export function bucketLabel(period: string): string {
  const parsed = parsePeriod(period);
  if (parsed?.kind === 'day') return 'By day';
  if (parsed?.kind === 'minutes') return `By ${parsed.minutes} min`;
  return 'By hour';
}

/** The time zone of a run's clock: its `output_settings.timezone`, or this machine's when empty. */
export function zoneOf(timezone: string): string {
  return timezone === '' ? machineTimeZone() : timezone;
}

/**
 * The clock of an analysis whose times count from frame 0 (RunInfo's `timeClock` is `elapsed`: a
 * rate without a start_time), named where a time zone is: every time text of this module writes
 * its times as time since frame 0 (`0:00:05`, never a date of 1970), and its buckets are whole
 * hours and days of that time (the store is asked for them in UTC, where 0 ms is 00:00).
 */
export const ELAPSED = 'elapsed';

/** The clock an analysis's times are shown on: ELAPSED when they count from frame 0, else `timezone`'s (zoneOf). */
export function shownZoneOf(timeClock: RunInfo['timeClock'], timezone: string): string {
  return timeClock === 'elapsed' ? ELAPSED : zoneOf(timezone);
}

/** How a time text names its clock: the time zone, or `since frame 0` on the ELAPSED clock. */
export function zoneLabel(timeZone: string): string {
  return timeZone === ELAPSED ? 'since frame 0' : timeZone;
}

/** The time zone the store is asked to bucket in for a clock (UTC for ELAPSED). */
export function storeZoneOf(timeZone: string): string {
  return timeZone === ELAPSED ? 'UTC' : timeZone;
}

const clocks = new Map<string, LocalClock>();

/**
 * The local clock of `timeZone`, made once per zone: building its Intl formatter costs far more
 * than reading it, and a strip of 168 hourly maps reads it for every caption at every render.
 *
 * @throws RangeError for a time zone Intl does not know (nothing is kept then)
 */
export function clockOf(timeZone: string): LocalClock {
  timeZone = storeZoneOf(timeZone);
  let clock = clocks.get(timeZone);
  if (clock === undefined) {
    clock = new LocalClock(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** `YYYY-MM-DDTHH:mm:ss` of the wall clock of `timeZone` at `instantMs`: a `datetime-local` input's value. */
export function wallInputOf(instantMs: number, timeZone: string): string {
  if (timeZone === ELAPSED) return elapsedText(instantMs);
  return new Date(clockOf(timeZone).wall(instantMs)).toISOString().slice(0, 19);
}

/**
 * The instant a `datetime-local` text (`YYYY-MM-DDTHH:mm` or with `:ss`) means on the wall clock
 * of `timeZone`, in ms since the epoch; null when the text is not one.
 */
export function instantOfWallInput(text: string, timeZone: string): number | null {
  if (timeZone === ELAPSED) return parseElapsed(text);
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(text);
  if (parts === null) return null;
  const [year, month, day, hour, minute, second] = parts.slice(1).map((part) => Number(part ?? 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== day) return null;
  return clockOf(timeZone).instant(wall);
}

/** `YYYY-MM-DD HH:mm:ss` of the wall clock of `timeZone` at `instantMs` (`H:MM:SS` since frame 0 on the ELAPSED clock). */
export function localText(instantMs: number, timeZone: string): string {
  if (timeZone === ELAPSED) return elapsedText(instantMs);
  return wallInputOf(instantMs, timeZone).replace('T', ' ');
}

/** `YYYY-MM-DD HH:mm:ss UTC` of an instant. */
export function utcText(instantMs: number): string {
  return `${new Date(instantMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `HH:mm` (with the date when the buckets span several days) of a bucket's local start: a thumbnail's caption. */
export function bucketStartText(startMs: number, timeZone: string, withDate: boolean): string {
  if (timeZone === ELAPSED) return elapsedText(startMs);
  const wall = new Date(clockOf(timeZone).wall(startMs));
  const time = `${twoDigits(wall.getUTCHours())}:${twoDigits(wall.getUTCMinutes())}`;
  return withDate ? `${wall.getUTCFullYear()}-${twoDigits(wall.getUTCMonth() + 1)}-${twoDigits(wall.getUTCDate())} ${time}` : time;
}

/** Whether instants fall on more than one local day of `timeZone`. */
export function spansDays(instantsMs: readonly number[], timeZone: string): boolean {
  if (timeZone === ELAPSED) return false;
  const days = new Set(instantsMs.map((ms) => localText(ms, timeZone).slice(0, 10)));
  return days.size > 1;
}

/**
 * The custom range as ms (`[fromMs, toMs)`), or the reason it cannot be asked for, naming the
 * picker.
 */
export function customRangeOf(range: WallRange, timeZone: string): { fromMs: number; toMs: number } | { problem: string } {
  const fromMs = instantOfWallInput(range.from, timeZone);
  const toMs = instantOfWallInput(range.to, timeZone);
  if (fromMs === null) return { problem: `from: "${range.from}" is not a date and time` };
  if (toMs === null) return { problem: `to: "${range.to}" is not a date and time` };
  if (!(toMs > fromMs)) return { problem: `to (${localText(toMs, timeZone)}) must be after from (${localText(fromMs, timeZone)})` };
  return { fromMs, toMs };
}

/**
 * The grid and counting settings of today's form that differ from the analysis's, for a re-count
 * from the store; undefined when none differ, or while any of them has a problem (the view then
 * keeps the analysis's, so a half-typed value never blanks it).
 *
 * `issueKeys` are the dotted keys of the form's problems (`heat_map_settings.grid_num_h`, ...).
 */
export function recountParams(analysed: GridParams, current: GridParams, issueKeys: ReadonlySet<string>): Partial<GridParams> | undefined {
  if ([...issueKeys].some((key) => key.startsWith('heat_map_settings.'))) return undefined;
  const changed: Partial<GridParams> = {};
  let any = false;
  for (const key of Object.keys(analysed) as Array<keyof GridParams>) {
    if (JSON.stringify(analysed[key]) !== JSON.stringify(current[key])) {
      (changed as Record<string, unknown>)[key] = current[key];
      any = true;
    }
  }
  return any ? changed : undefined;
}

export interface PeriodChoice {
  mode: Exclude<PeriodMode, 'moment'>;
  /** Bucket length of the `buckets` view (`bucketPeriod`). */
  period: string;
  timezone: string;
  /** The custom range in ms (`customRangeOf`). */
  range?: { fromMs: number; toMs: number };
  params?: Partial<GridParams>;
}

/** The `periodView` request of a period view of run `runId`. */
export function periodRequest(runId: string, choice: PeriodChoice): PeriodViewRequest {
  return {
    runId,
    period: choice.mode === 'buckets' ? choice.period : 'none',
    timezone: storeZoneOf(choice.timezone),
    ...(choice.mode === 'custom' && choice.range !== undefined ? { fromMs: choice.range.fromMs, toMs: choice.range.toMs } : {}),
    ...(choice.params === undefined ? {} : { params: choice.params }),
  };
}

/** How long a period request must stay the same before it is sent when typed values changed, ms. */
export const PERIOD_SETTLE_MS = 250;

/**
 * How long to wait before asking `next` after `previous` was asked (null: nothing yet): a grid
 * setting or a custom range being typed waits `PERIOD_SETTLE_MS` so a number is counted once,
 * not at each key; a click that only picks another period view, bucket length or time zone is
 * asked at once.
 */
export function periodSettleMs(previous: PeriodViewRequest | null, next: PeriodViewRequest): number {
  if (previous === null || previous.runId !== next.runId) return 0;
  const typed = (request: PeriodViewRequest): string => JSON.stringify([request.params ?? null, request.fromMs ?? null, request.toMs ?? null]);
  return typed(previous) === typed(next) ? 0 : PERIOD_SETTLE_MS;
}

/**
 * The colour scale of a period picture: from the display's min to the highest value of `grids`
 * (fit to the data, since period sums have no fixed top as a window's counts have), never an
 * empty range.
 */
export function periodScale(min: number, ...grids: ReadonlyArray<ArrayLike<number>>): ColorScale {
  const highest = Math.max(0, ...grids.map((grid) => gridMax(grid)));
  return { min, max: highest > min ? highest : min + 1 };
}

/** The unit's short name in the legend. */
export function unitName(unit: PeriodUnit): string {
  return unit === 'person-seconds' ? 'person-seconds' : 'person-frames';
}

/** The line under the period picture that says what its numbers count. */
export function unitExplanation(unit: PeriodUnit): string {
  return unit === 'person-seconds'
    ? 'person-seconds: each cell adds up the seconds people spent in it (a frame lasts until the next one, at most 3× the usual interval)'
    : 'person-frames: this analysis has no time base (no T, metadata_fps or video), so each frame counts as one and a cell adds up the frames people were seen in it';
}

/**
 * The caption over the strip of bucket maps: how many (`1 map`, `168 maps`), their shared scale
 * from 0 to `scaleMax` in `unit` (a cell's value), the time zone their starts are written in, and
 * what the figure under each map is: Σ people × frame duration over the bucket's frames (its
 * `personSeconds`), which is not the sum of its cells (a person covers several cells).
 */
export function stripCaption(buckets: number, scaleMax: number, unit: PeriodUnit, timeZone: string): string {
  const maps = buckets === 1 ? '1 map' : `${formatFigure(buckets)} maps`;
  const each = unit === 'person-seconds' ? 'people × seconds in view' : 'people × frames';
  const start = timeZone === ELAPSED ? 'its start (time since frame 0)' : `its local start (${timeZone})`;
  return `${maps} on one scale, 0 to ${formatFigure(scaleMax)} ${unitName(unit)} a cell; under each, ${start} and its ${unitName(unit)} in all (${each}, not a sum of cells). Open one to see it large.`;
}

/** The moment view's line: what a count is. */
export function countsExplanation(windowText: string): string {
  return `counts: ${windowText}, at the frame on the timeline`;
}

/**
 * Person-seconds in the hours or minutes a person reads at a glance: `≈ 207.5 person-hours`
 * (3,600 person-seconds and more), `≈ 9.9 person-minutes` (60 and more); null below a minute and
 * for person-frames, which have no clock.
 */
export function personTimeText(value: number, unit: PeriodUnit): string | null {
  if (unit !== 'person-seconds' || !(value >= 60)) return null;
  const [amount, name] = value >= 3600 ? [formatFigure(value / 3600), 'person-hour'] : [formatFigure(value / 60), 'person-minute'];
  return `≈ ${amount} ${name}${amount === '1' ? '' : 's'}`;
}

/** The sum of a grid's cells. */
export function gridTotal(grid: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < grid.length; i++) total += grid[i];
  return total;
}

/** The grid cells of a period view's answer (its whole grid and every bucket's): what keeping it costs. */
export function periodViewCells(data: Pick<PeriodViewData, 'whole' | 'buckets'>): number {
  return data.buckets.reduce((cells, bucket) => cells + bucket.grid.length, data.whole.length);
}
