/**
 * The two ways a person may write a moment of a Console range (`first_timestamp`,
 * `last_timestamp`): the sample's T string `yyyyMMddHHmmssfff` (17 digits, UTC) or ISO 8601 with
 * an explicit offset (`2024-05-01T21:00:00+09:00`, `2024-05-01T12:00:00.250Z`). Both become a T
 * string before anything asks the Console; a moment without an offset is refused, since it would
 * have to guess the time zone.
 */
import { formatTimestamp, isTimestamp, parseTimestamp } from '../frames.js';
import { showValue } from '../messages.js';

/** What the settings accept, as messages say it. */
export const TIMESTAMP_FORMS = 'yyyyMMddHHmmssfff (17 digits, UTC) or ISO 8601 with an offset (2024-05-01T21:00:00+09:00)';

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The T string of `text`, or the reason it is not a moment.
 *
 * ```ts
 * readTimestamp('2024-05-01T21:00:00.5+09:00') // { ok: true, timestamp: '20240501120000500' }
 * readTimestamp('20240501120000500')            // { ok: true, timestamp: '20240501120000500' }
 * readTimestamp('2024-05-01T12:00:00')          // { ok: false, reason: '… has no offset …' }
 * ```
 */
export function readTimestamp(text: string): { ok: true; timestamp: string } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    if (isTimestamp(trimmed)) return { ok: true, timestamp: trimmed };
    return {
      ok: false,
      reason:
        trimmed.length === 17
          ? `"${showValue(text)}" is not a real date and time (yyyyMMddHHmmssfff, UTC)`
          : `"${showValue(text)}" has ${trimmed.length} digits; a T string has 17 (yyyyMMddHHmmssfff, UTC)`,
    };
  }
  const match = ISO_PATTERN.exec(trimmed);
  if (match === null) return { ok: false, reason: `"${showValue(text)}" is not a timestamp; expected ${TIMESTAMP_FORMS}` };
  const [, year, month, day, hour, minute, second = '0', fraction = '', offset] = match;
  if (offset === undefined) {
    return {
      ok: false,
      reason: `"${showValue(text)}" has no offset; add Z for UTC or the local offset, e.g. "${showValue(trimmed)}+09:00"`,
    };
  }
  if (fraction.length > 3) {
    return { ok: false, reason: `"${showValue(text)}" is finer than a millisecond; T strings hold milliseconds` };
  }
  const wall = `${year}${month}${day}${hour}${minute}${second.padStart(2, '0')}${fraction.padEnd(3, '0')}`;
  const wallMs = parseTimestamp(wall);
  if (Number.isNaN(wallMs)) return { ok: false, reason: `"${showValue(text)}" is not a real date and time` };
  const offsetMs = offsetMinutes(offset) * 60_000;
  if (Number.isNaN(offsetMs)) return { ok: false, reason: `"${showValue(text)}" has an impossible offset "${showValue(offset)}"` };
  const utc = wallMs - offsetMs;
  const timestamp = formatTimestamp(utc);
  if (!isTimestamp(timestamp)) return { ok: false, reason: `"${showValue(text)}" lies outside the years 0000–9999 in UTC` };
  return { ok: true, timestamp };
}

/** Whether `text` is a T string or ISO 8601 with an offset naming a real moment. */
export function isTimestampText(text: string): boolean {
  return readTimestamp(text).ok;
}

/**
 * The T string of a setting's value: `''` stays `''`, anything else as `readTimestamp` reads it.
 * Throws `Error` with the reason (callers wrap it with the key) when it is not a moment.
 */
export function timestampOf(text: string): string {
  if (text.trim() === '') return '';
  const read = readTimestamp(text);
  if (!read.ok) throw new Error(read.reason);
  return read.timestamp;
}

/**
 * A T string as ISO 8601 in UTC, for people: `20240501120000500` → `2024-05-01T12:00:00.500Z`.
 * Returns the text unchanged when it is not a T string.
 */
export function timestampToIso(timestamp: string): string {
  const ms = parseTimestamp(timestamp);
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
}

/** Minutes east of UTC of `Z`, `+09`, `+0930` or `-05:00`; NaN past ±18:00 or with minutes ≥ 60. */
function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (minutes >= 60 || hours * 60 + minutes > 18 * 60) return Number.NaN;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}
