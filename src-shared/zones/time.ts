/**
 * Times as zones.csv and the report write them: ISO 8601 with the UTC offset of the local clock
 * (the machine's time zone for now; `output_settings.timezone` once periods have it).
 */
import { formatTimestamp } from '../frames.js';

/** Minutes to add to UTC for local time at a moment, e.g. 540 for Tokyo. Defaults to the JS environment's zone. */
export type UtcOffset = (ms: number) => number;

export const localOffset: UtcOffset = (ms) => -new Date(ms).getTimezoneOffset();

/**
 * `2023-04-12T23:00:23.098+09:00` for `Date.UTC(2023, 3, 12, 14, 0, 23, 98)` in Tokyo.
 *
 * @param ms milliseconds since the Unix epoch.
 */
export function isoWithOffset(ms: number, offset: UtcOffset = localOffset): string {
  const minutes = offset(ms);
  const local = new Date(ms + minutes * 60000);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`
  );
}

/** The AITRIOS T string of a moment, or '' when there is none. */
export function tOf(ms: number | null): string {
  return ms === null ? '' : formatTimestamp(ms);
}
