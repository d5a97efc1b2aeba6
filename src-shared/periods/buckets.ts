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

  /** The instant whose local wall clock reads `wallMs` (the earlier one when the clock repeats). */
  instant(wallMs: number): number {
    const guess = wallMs - this.offset(wallMs);
    const second = wallMs - this.offset(guess);
    return Math.min(guess, second);
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

  /** `yyyyMMdd-HHmm` of the local wall clock: the file name of a bucket's picture. */
  fileStamp(instantMs: number): string {
    const text = new Date(this.wall(instantMs)).toISOString();
    return `${text.slice(0, 4)}${text.slice(5, 7)}${text.slice(8, 10)}-${text.slice(11, 13)}${text.slice(14, 16)}`;
  }
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
  const open = (instant: number): void => {
    const wallStart = floorWall(clock.wall(instant), period);
    let start = clock.instant(wallStart);
    let end = clock.instant(nextWall(wallStart, period));
    // Around a change of the clock (DST) the wall-clock arithmetic can miss the instant: fall
    // back to the bucket's length on the instant's own offset.
    if (!(start <= instant && instant < end)) {
      start = instant - (clock.wall(instant) - wallStart);
      end = start + (nextWall(wallStart, period) - wallStart);
    }
    if (starts.length > 0 && start < ends[ends.length - 1]) start = ends[ends.length - 1];
    starts.push(start);
    ends.push(end);
  };
  open(timesMs[0]);
  for (let i = 0; i < n; i++) {
    const time = timesMs[i];
    while (time >= ends[ends.length - 1]) {
      if (starts.length >= MAX_BUCKETS) {
        const label = period.kind === 'minutes' ? `${period.minutes}min` : period.kind;
        throw new SettingsError(`period ${label}: the frames span more than ${MAX_BUCKETS} buckets; choose a longer period`);
      }
      open(ends[ends.length - 1]);
    }
    bucketOf[i] = starts.length - 1;
  }
  return { bucketOf, starts: Float64Array.from(starts), ends: Float64Array.from(ends) };
}
