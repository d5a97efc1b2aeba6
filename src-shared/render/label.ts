/**
 * The text each frame carries at its top left (SPEC §4).
 *
 * ```ts
 * frameLabel(7)                        // 'number of detects : 7'
 * frameLabel(7, '20230412140023098')   // 'number of detects : 7\n2023-04-12 14:00:23.098Z'
 * ```
 */
import { isTimestamp } from '../frames.js';

/**
 * The detection count, and on a second line the timestamp when there is one (a second line
 * keeps the label inside pictures as small as 160 pixels wide). A `T` string is shown as
 * date and time with `Z` for UTC (short enough for the narrowest picture); anything else is
 * shown as it is.
 */
export function frameLabel(count: number, timestamp?: string): string {
  const first = `number of detects : ${count}`;
  if (timestamp === undefined || timestamp === '') return first;
  return `${first}\n${isTimestamp(timestamp) ? readableTimestamp(timestamp) : timestamp}`;
}

function readableTimestamp(t: string): string {
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}.${t.slice(14, 17)}Z`;
}
