/**
 * Time buckets (SPEC §8): `period: none | hour | day | <N>min`, aligned to the local clock of an
 * IANA time zone. A bucket holds the frames whose time falls in [start, end).
 */
import { SettingsError } from '../errors.js';

export type Period = { kind: 'none' } | { kind: 'hour' } | { kind: 'day' } | { kind: 'minutes'; minutes: number };

/** The most minutes a `<N>min` period may have (one day). */
export const MAX_PERIOD_MINUTES = 1440;

/** The most buckets one view may have (a year of hours is 8,784). */
export const MAX_BUCKETS = 10_000;

/**
 * Reads `output_settings.period`; null when the text is not one.
 *
 * ```ts
 * parsePeriod('15min') // { kind: 'minutes', minutes: 15 }
 * ```
 */
export function parsePeriod(text: string): Period | null {
  if (text === 'none' || text === 'hour' || text === 'day') return { kind: text };
  const match = /^([1-9]\d{0,3})min$/.exec(text);
  if (match === null) return null;
  const minutes = Number(match[1]);
  return minutes <= MAX_PERIOD_MINUTES ? { kind: 'minutes', minutes } : null;
}

/** Whether `name` is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The machine's time zone, for `timezone: ""`. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Local wall-clock reading of instants in one time zone, as "UTC-encoded" ms (Date.UTC of the local fields). */
export class LocalClock {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** The local wall clock at `instantMs`, as Date.UTC of its fields (milliseconds kept). */
  wall(instantMs: number): number {
    const seconds = Math.floor(instantMs / 1000) * 1000;
    const fields: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(seconds))) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
    return wall + (instantMs - seconds);
  }

  /** Offset of local time from UTC at `instantMs`, in ms. */
  offset(instantMs: number): number {
    return this.wall(instantMs) - instantMs;
  }

  /**
   * The instant whose local wall clock reads `wallMs` (the earlier one when the clock repeats);
   * for a reading the clock skips (it jumps forward over it), the instant of the jump.
   */
  instant(wallMs: number): number {
    return this.reach(wallMs, -Infinity);
  }

  /**
   * The first instant after `afterMs` whose local wall clock reads `wallMs`, or, when the clock
   * jumps forward over that reading, the instant of the jump; `Infinity` when there is none after
   * `afterMs`. The candidates are `wallMs` minus the offsets in force a day either side (the true
   * instant lies within 14 h of `wallMs` read as UTC), each kept only when it does read `wallMs`:
   * the offset at `wallMs` read as UTC alone is another one's when a change of the clock lies
   * between (12:45 h away in Chatham), which put a whole ordinary day's end an hour early.
   */
  reach(wallMs: number, afterMs: number): number {
    const offsets = new Set([this.offset(wallMs - 86_400_000), this.offset(wallMs), this.offset(wallMs + 86_400_000)]);
    let best = Infinity;
    let low = Infinity;
    let high = -Infinity;
    for (const offset of offsets) {
      const candidate = wallMs - offset;
      low = Math.min(low, candidate);
      high = Math.max(high, candidate);
      if (candidate > afterMs && candidate < best && this.wall(candidate) === wallMs) best = candidate;
    }
    if (best !== Infinity || !(high > low)) return best;
    // Skipped (a gap): the clock reads less before the jump and more after it; find the jump.
    if (this.wall(low) >= wallMs || this.wall(high) <= wallMs) return Infinity;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.wall(middle) >= wallMs) high = middle;
      else low = middle;
    }
    return high > afterMs ? high : Infinity;
  }

  /** The first instant in (`fromMs`, `toMs`] whose offset differs from the offset at `fromMs` (at most one change between assumed), or null. */
  change(fromMs: number, toMs: number): number | null {
    const offset = this.offset(fromMs);
    if (this.offset(toMs) === offset) return null;
    let low = fromMs;
    let high = toMs;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.offset(middle) === offset) low = middle;
      else high = middle;
    }
    return high;
  }

  /** ISO 8601 with the local offset, e.g. `2026-11-29T09:00:00+09:00` (`.sss` only when not 0). */
  iso(instantMs: number): string {
    const offset = Math.round(this.offset(instantMs) / 60_000);
    const text = new Date(instantMs + offset * 60_000).toISOString();
    const wall = text.slice(20, 23) === '000' ? text.slice(0, 19) : text.slice(0, 23);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  /**
   * `yyyyMMdd-HHmm` of the local wall clock: the file name of a bucket's picture. A reading the
   * clock shows twice (the hour the clocks go back) gets its offset too, `yyyyMMdd-HHmm±hhmm`, so
   * the buckets of the first and the repeated 01:00 do not write one file.
   */
  fileStamp(instantMs: number): string {
    const text = new Date(this.wall(instantMs)).toISOString();
    const stamp = `${text.slice(0, 4)}${text.slice(5, 7)}${text.slice(8, 10)}-${text.slice(11, 13)}${text.slice(14, 16)}`;
    if (!this.repeats(instantMs)) return stamp;
    const iso = this.iso(instantMs);
    return `${stamp}${iso.slice(-6, -3)}${iso.slice(-2)}`;
  }

  /** Whether the wall reading at `instantMs` is also read at another instant (the clock went back over it). */
  repeats(instantMs: number): boolean {
    const wall = this.wall(instantMs);
    for (const offset of new Set([this.offset(instantMs - 86_400_000), this.offset(instantMs), this.offset(instantMs + 86_400_000)])) {
      const other = wall - offset;
      if (other !== instantMs && this.wall(other) === wall) return true;
    }
    return false;
  }
}

/** A `fileStamp` at the start of a name: the local `yyyyMMdd-HHmm`, and the offset `±HHMM` of a repeated wall time. */
export const FILE_STAMP = /^(\d{8}-\d{4})(?:([+-])(\d{2})(\d{2}))?/;

/** Minutes since 0001-01-01 of a `yyyyMMdd-HHmm` wall reading (only differences matter). */
function wallMinutes(stamp: string): number {
  const ms = Date.UTC(Number(stamp.slice(0, 4)), Number(stamp.slice(4, 6)) - 1, Number(stamp.slice(6, 8)), Number(stamp.slice(9, 11)), Number(stamp.slice(11, 13)));
  return ms / 60_000;
}

/**
 * Orders names that begin with `LocalClock.fileStamp`s (`periods/*.png`) by the instants they
 * stand for: by wall reading, except that two readings of a repeated wall time (both carry their
 * offset) are ordered by the instant, the larger offset first — where the names, compared as
 * text, put `+0100` before `+0200` (east of UTC, the later before the earlier). Names without a
 * stamp come after, by name.
 */
export function compareFileStamps(a: string, b: string): number {
  const ma = FILE_STAMP.exec(a);
  const mb = FILE_STAMP.exec(b);
  const byName = a < b ? -1 : a > b ? 1 : 0;
  if (ma === null || mb === null) return ma !== null ? -1 : mb !== null ? 1 : byName;
  const instant = (m: RegExpExecArray): number => wallMinutes(m[1]) - (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  const both = ma[2] !== undefined && mb[2] !== undefined;
  const byTime = both ? instant(ma) - instant(mb) : wallMinutes(ma[1]) - wallMinutes(mb[1]);
  return byTime !== 0 ? byTime : byName;
}

export interface Buckets {
  /** Bucket of each frame (by position), -1 for a frame outside every bucket (never for `assignBuckets`' own frames). */
  bucketOf: Int32Array;
  /** Start and end of each bucket, ms since the epoch; a bucket is [start, end). */
  starts: Float64Array;
  ends: Float64Array;
}

/** Start of the bucket holding local wall time `wall`, as a wall time. */
function floorWall(wall: number, period: Period): number {
  const day = wall - (((wall % 86_400_000) + 86_400_000) % 86_400_000);
  switch (period.kind) {
    case 'hour':
      return wall - (((wall % 3_600_000) + 3_600_000) % 3_600_000);
    case 'day':
      return day;
    case 'minutes': {
      const size = period.minutes * 60_000;
      return day + Math.floor((wall - day) / size) * size;
    }
    case 'none':
      return wall;
  }
}

function nextWall(wallStart: number, period: Period): number {
  switch (period.kind) {
    case 'hour':
      return wallStart + 3_600_000;
    case 'day':
      return wallStart + 86_400_000;
    case 'minutes': {
      const day = wallStart - (((wallStart % 86_400_000) + 86_400_000) % 86_400_000);
      // A <N>min bucket never crosses local midnight: the day's last bucket may be shorter.
      return Math.min(wallStart + period.minutes * 60_000, day + 86_400_000);
    }
    case 'none':
      return wallStart;
  }
}

/**
 * Puts frames, given their times in non-decreasing order, into consecutive buckets of `period`
 * aligned to the local clock of `timeZone`, from the first frame's bucket to the last one's
 * (empty buckets between them included). `period: none` is one bucket covering every frame.
 *
 * @throws SettingsError (an input problem: exit 2, a message in the app) when the buckets would be
 *   more than MAX_BUCKETS.
 */
export function assignBuckets(timesMs: Float64Array, period: Period, timeZone: string): Buckets {
  const n = timesMs.length;
  const bucketOf = new Int32Array(n);
  if (n === 0) return { bucketOf, starts: new Float64Array(0), ends: new Float64Array(0) };
  if (period.kind === 'none') {
    return { bucketOf, starts: Float64Array.of(timesMs[0]), ends: Float64Array.of(timesMs[n - 1] + 1) };
  }
  const clock = new LocalClock(timeZone);
  const starts: number[] = [];
  const ends: number[] = [];
  // A bucket runs from its start while the wall clock stays in its [wallStart, wallEnd): it ends
  // where the clock reaches wallEnd (or jumps forward over it), or where the clock goes back to
  // or before wallStart (its own readings would come again: a day the clocks go back holds 25
  // hours, an hour before it is followed by the repeated hour as a bucket of its own).
  const endOf = (start: number, wallStart: number): number => {
    const wallEnd = nextWall(wallStart, period);
    const startOffset = clock.offset(start);
    // No change of the clock before the end on the start's offset (at most one change a bucket): that is the end.
    const onStartOffset = wallEnd - startOffset;
    const endOffset = clock.offset(onStartOffset);
    if (endOffset === startOffset) return onStartOffset;
    let end = clock.reach(wallEnd, start);
    if (!(end > start && end < Infinity)) end = onStartOffset;
    if (endOffset < startOffset) {
      const back = clock.change(start, end);
      if (back !== null && clock.wall(back) <= wallStart) end = back;
    }
    return end;
  };
  /** Opens the bucket starting at `instant` (the last one's end), or with `first` the bucket holding it. */
  const open = (instant: number, first: boolean): void => {
    const wallStart = floorWall(clock.wall(instant), period);
    if (!first) {
      starts.push(instant);
      ends.push(endOf(instant, wallStart));
      return;
    }
    // The first bucket: from the first instant reading its wall start, walked on over changes of
    // the clock until the bucket holds `instant` (a few steps at most).
    let start = clock.instant(wallStart);
    if (!(start <= instant)) start = instant - (clock.wall(instant) - wallStart);
    let end = endOf(start, wallStart);
    for (let step = 0; step < 8 && instant >= end; step++) {
      start = end;
      end = endOf(start, floorWall(clock.wall(start), period));
    }
    if (!(start <= instant && instant < end)) {
      start = instant - (clock.wall(instant) - wallStart);
      end = endOf(start, wallStart);
    }
    starts.push(start);
    ends.push(end);
  };
  open(timesMs[0], true);
  for (let i = 0; i < n; i++) {
    const time = timesMs[i];
    while (time >= ends[ends.length - 1]) {
      if (starts.length >= MAX_BUCKETS) {
        const label = period.kind === 'minutes' ? `${period.minutes}min` : period.kind;
        throw new SettingsError(`period ${label}: the frames span more than ${MAX_BUCKETS} buckets; choose a longer period`);
      }
      open(ends[ends.length - 1], false);
    }
    bucketOf[i] = starts.length - 1;
  }
  return { bucketOf, starts: Float64Array.from(starts), ends: Float64Array.from(ends) };
}
