/**
 * Which moments a Console run covers: the sample's tables for `first_timestamp` and
 * `last_timestamp` (SPEC §6, Cases 1 and 2), and the Cosmos DB filter that asks for them.
 */
import { SettingsError } from '../errors.js';
import { formatTimestamp, isTimestamp, parseTimestamp } from '../frames.js';

/** Inclusive bounds as T strings; null means unbounded on that side. */
export interface TimeRange {
  first: string | null;
  last: string | null;
}

/** Case 1 with only `first_timestamp`: the images of this long after it. */
export const IMAGE_SPAN_FROM_FIRST_MS = 10 * 60 * 60 * 1000;

const KEY_PREFIX = 'data_source_settings.console_data_settings';

/** Checks both settings: each is empty or a real `yyyyMMddHHmmssfff` moment, and first ≤ last. */
export function checkTimestamps(first: string, last: string): void {
  for (const [key, value] of [
    ['first_timestamp', first],
    ['last_timestamp', last],
  ] as const) {
    if (value !== '' && !isTimestamp(value)) {
      throw new SettingsError(
        `${KEY_PREFIX}.${key}: "${value}" is not a timestamp; expected yyyyMMddHHmmssfff (17 digits, UTC) or ""`,
      );
    }
  }
  if (first !== '' && last !== '' && first > last) {
    throw new SettingsError(`${KEY_PREFIX}: first_timestamp ${first} is after last_timestamp ${last}`);
  }
}

/**
 * Case 1 (images): both set → that range; only first → 10 hours from it; only last →
 * everything up to it; neither → an error, as in the sample.
 */
export function imageTimeRange(first: string, last: string): TimeRange {
  checkTimestamps(first, last);
  if (first === '' && last === '') {
    throw new SettingsError(
      `${KEY_PREFIX}: first_timestamp and last_timestamp are both empty; ` +
        'with sub_directory_name set, give at least one of them (yyyyMMddHHmmssfff)',
    );
  }
  if (last === '') return { first, last: formatTimestamp(parseTimestamp(first) + IMAGE_SPAN_FROM_FIRST_MS) };
  return { first: first === '' ? null : first, last };
}

/**
 * Case 2 (metadata only): both set → that range; only first → from it to now (left open:
 * nothing is newer than now, and a device clock running ahead must not hide its newest
 * results); only last → everything up to it; neither → everything (the newest N).
 */
export function inferenceTimeRange(first: string, last: string): TimeRange {
  checkTimestamps(first, last);
  return { first: first === '' ? null : first, last: last === '' ? null : last };
}

/**
 * The Console filter selecting records with an inference inside `range`, or undefined when
 * the range is unbounded.
 *
 * ```ts
 * inferenceFilter({ first: '20230412140023098', last: '20230412140029728' })
 * // 'EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T >= "20230412140023098" AND i.T <= "20230412140029728")'
 * ```
 */
export function inferenceFilter(range: TimeRange): string | undefined {
  const conditions: string[] = [];
  if (range.first !== null) conditions.push(`i.T >= "${range.first}"`);
  if (range.last !== null) conditions.push(`i.T <= "${range.last}"`);
  if (conditions.length === 0) return undefined;
  return `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE ${conditions.join(' AND ')})`;
}

/** Whether the T string `t` lies inside `range` (T strings order as their moments do). */
export function inTimeRange(t: string, range: TimeRange): boolean {
  return (range.first === null || t >= range.first) && (range.last === null || t <= range.last);
}
