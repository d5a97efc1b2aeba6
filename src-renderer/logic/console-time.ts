/**
 * The Console range picker's conversions, apart from React so they are tested in Node: T strings
 * (`yyyyMMddHHmmssfff`, UTC) to and from the value of an `<input type="datetime-local">`, which
 * is wall-clock time in the browser's time zone.
 */
import { readTimestamp } from '../../src-shared/console/timestamps.js';
import { formatTimestamp, parseTimestamp } from '../../src-shared/frames.js';
import { LIMITS } from '../../src-shared/settings/fields.js';

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * The T string a setting holds (a T string, or ISO 8601 with an offset as YAML may give it), or
 * null when it holds none or something unreadable.
 */
export function settingTimestamp(value: string): string | null {
  if (value.trim() === '') return null;
  const read = readTimestamp(value);
  return read.ok ? read.timestamp : null;
}

/**
 * A T string as a `datetime-local` value in this browser's time zone, to the millisecond
 * (`2024-05-01T21:00:00.000` in Tokyo for `20240501120000000`); `''` when it is not a T string.
 */
export function timestampToLocalInput(timestamp: string): string {
  const ms = parseTimestamp(timestamp);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

/**
 * The T string of a `datetime-local` value read in this browser's time zone; `''` for an empty
 * or incomplete value. Seconds and milliseconds may be missing (the input leaves them out when
 * they are zero). A wall-clock time that does not exist (skipped by a daylight-saving change)
 * becomes the moment the browser's `Date` makes of it; the UTC shown beside the picker says which.
 */
export function localInputToTimestamp(value: string): string {
  const match = LOCAL_INPUT.exec(value);
  if (match === null) return '';
  const [, year, month, day, hour, minute, second = '0', fraction = ''] = match;
  const date = new Date(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(fraction.padEnd(3, '0')),
  );
  // `new Date(y, …)` maps years 0–99 to 1900–1999; the picker's years are meant as written.
  date.setFullYear(Number(year));
  const ms = date.getTime();
  return Number.isNaN(ms) ? '' : formatTimestamp(ms);
}

/** A T string as UTC for the label beside the picker: `2024-05-01 12:00:00.000 UTC`; `''` when not a T string. */
export function utcLabel(timestamp: string): string {
  const ms = parseTimestamp(timestamp);
  if (Number.isNaN(ms)) return '';
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** A T string in this browser's time zone, for people: `2024-05-01 21:00:00.000`; `''` when not a T string. */
export function localLabel(timestamp: string): string {
  return timestampToLocalInput(timestamp).replace('T', ' ');
}

/**
 * A range of T strings for people: local wall-clock times with the UTC moments in brackets, or,
 * when this browser's zone is UTC (the two would read the same), the times once marked UTC.
 *
 * ```ts
 * rangeLabel('20240501120000000', '20240501120039500')
 * // in Tokyo: '2024-05-01 21:00:00.000 to 2024-05-01 21:00:39.500 (2024-05-01 12:00:00.000 UTC to 2024-05-01 12:00:39.500 UTC)'
 * // in UTC:   '2024-05-01 12:00:00.000 to 2024-05-01 12:00:39.500 UTC'
 * ```
 */
export function rangeLabel(first: string, last: string): string {
  const local = `${localLabel(first)} to ${localLabel(last)}`;
  const sameAsUtc = `${localLabel(first)} UTC` === utcLabel(first) && `${localLabel(last)} UTC` === utcLabel(last);
  return sameAsUtc ? `${local} UTC` : `${local} (${utcLabel(first)} to ${utcLabel(last)})`;
}

/** A found range put into the settings: the Console data settings (keys of `console_data_settings`) and their new values. */
export type RangeChoice = Partial<Record<'first_timestamp' | 'last_timestamp' | 'number_of_inference_results' | 'number_of_images', string | number>>;

/**
 * The settings that make an analysis read the whole of a range found on the Console: its first
 * and last T, and the count the run fetches up to — the folder's image count for the images'
 * range (`images`), else every result record in it. The Console cannot count the records of a
 * range without sending them all, so the records to fetch become the most a run fetches
 * (`LIMITS.consoleItems`); a run stops at the range's oldest record, so a small range still
 * costs one request.
 *
 * ```ts
 * rangeChoice('20240501120000000', '20240501120009500')     // { first_timestamp, last_timestamp, number_of_inference_results: 1000000 }
 * rangeChoice('20240501120000000', '20240501120009000', 10) // { first_timestamp, last_timestamp, number_of_images: 10 }
 * ```
 */
export function rangeChoice(first: string, last: string, images?: number): RangeChoice {
  const range = { first_timestamp: first, last_timestamp: last };
  if (images === undefined) return { ...range, number_of_inference_results: LIMITS.consoleItems };
  return images >= 1 ? { ...range, number_of_images: Math.min(images, LIMITS.consoleItems) } : range;
}
