/**
 * Which moments a Console run covers: the sample's tables for `first_timestamp` and
 * `last_timestamp` (SPEC §6, Cases 1 and 2), and the Cosmos DB filter that asks for them.
 */
import { SettingsError } from '../errors.js';
import { formatTimestamp, parseTimestamp } from '../frames.js';
import { timestampOf } from './timestamps.js';

/** Inclusive bounds as T strings; null means unbounded on that side. */
export interface TimeRange {
  first: string | null;
  last: string | null;
}

/** Case 1 with only `first_timestamp`: the images of this long after it. */
export const IMAGE_SPAN_FROM_FIRST_MS = 10 * 60 * 60 * 1000;

const KEY_PREFIX = 'data_source_settings.console_data_settings';

/**
 * Both settings as T strings: each is empty, a real `yyyyMMddHHmmssfff` moment or ISO 8601 with
 * an offset (converted to T), and first ≤ last. Throws `SettingsError` naming the key otherwise.
 */
export function checkTimestamps(first: string, last: string): { first: string; last: string } {
  const read = (key: 'first_timestamp' | 'last_timestamp', value: string): string => {
    try {
      return timestampOf(value);
    } catch (error) {
      throw new SettingsError(`${KEY_PREFIX}.${key}: ${(error as Error).message}`);
    }
  };
  const checked = { first: read('first_timestamp', first), last: read('last_timestamp', last) };
  if (checked.first !== '' && checked.last !== '' && checked.first > checked.last) {
    throw new SettingsError(`${KEY_PREFIX}: first_timestamp ${checked.first} is after last_timestamp ${checked.last}`);
  }
  return checked;
}

/**
 * Case 1 (images): both set → that range; only first → 10 hours from it; only last →
 * everything up to it; neither → an error, as in the sample.
 */
export function imageTimeRange(firstSetting: string, lastSetting: string): TimeRange {
  const { first, last } = checkTimestamps(firstSetting, lastSetting);
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
export function inferenceTimeRange(firstSetting: string, lastSetting: string): TimeRange {
  const { first, last } = checkTimestamps(firstSetting, lastSetting);
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
