import { describe, expect, it } from 'vitest';
import {
  imageTimeRange,
  inferenceFilter,
  inferenceTimeRange,
  inTimeRange,
} from '../../src-shared/console/range.js';
import { SettingsError } from '../../src-shared/errors.js';

const FIRST = '20230412140023098';
const LAST = '20230412140029728';

describe('Case 1 image range (the sample README table)', () => {
  it('uses both timestamps when both are set', () => {
    expect(imageTimeRange(FIRST, LAST)).toEqual({ first: FIRST, last: LAST });
  });
  it('spans 10 hours from first_timestamp alone', () => {
    expect(imageTimeRange(FIRST, '')).toEqual({ first: FIRST, last: '20230413000023098' });
  });
  it('takes everything up to last_timestamp alone', () => {
    expect(imageTimeRange('', LAST)).toEqual({ first: null, last: LAST });
  });
  it('refuses two empty timestamps', () => {
    expect(() => imageTimeRange('', '')).toThrow(SettingsError);
  });
});

describe('Case 2 metadata range (the sample README table)', () => {
  it('maps each combination', () => {
    expect(inferenceTimeRange(FIRST, LAST)).toEqual({ first: FIRST, last: LAST });
    expect(inferenceTimeRange(FIRST, '')).toEqual({ first: FIRST, last: null });
    expect(inferenceTimeRange('', LAST)).toEqual({ first: null, last: LAST });
    expect(inferenceTimeRange('', '')).toEqual({ first: null, last: null });
  });
});

describe('timestamp checks', () => {
  it('names the key and value of a malformed timestamp', () => {
    expect(() => inferenceTimeRange('', '2023041214002972')).toThrow(
      'data_source_settings.console_data_settings.last_timestamp: "2023041214002972" has 16 digits; ' +
        'a T string has 17 (yyyyMMddHHmmssfff, UTC)',
    );
    expect(() => inferenceTimeRange('20230231000000000', '')).toThrow(
      'data_source_settings.console_data_settings.first_timestamp: "20230231000000000" is not a real date and time (yyyyMMddHHmmssfff, UTC)',
    );
  });
  it('converts ISO 8601 with an offset to T strings before building the range', () => {
    expect(inferenceTimeRange('2023-04-12T23:00:23.098+09:00', '2023-04-12T14:00:29.728Z')).toEqual({ first: FIRST, last: LAST });
    expect(imageTimeRange('2023-04-12T10:00:23.098-04:00', '')).toEqual({ first: FIRST, last: '20230413000023098' });
    expect(() => inferenceTimeRange('2023-04-12T14:00:23', '')).toThrow(
      'data_source_settings.console_data_settings.first_timestamp: "2023-04-12T14:00:23" has no offset; ' +
        'add Z for UTC or the local offset, e.g. "2023-04-12T14:00:23+09:00"',
    );
  });
  it('refuses a range that ends before it starts', () => {
    expect(() => imageTimeRange(LAST, FIRST)).toThrow(
      `data_source_settings.console_data_settings: first_timestamp ${LAST} is after last_timestamp ${FIRST}`,
    );
  });
});

describe('inferenceFilter', () => {
  it('writes the Cosmos condition of the Console', () => {
    expect(inferenceFilter({ first: FIRST, last: LAST })).toBe(
      `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T >= "${FIRST}" AND i.T <= "${LAST}")`,
    );
    expect(inferenceFilter({ first: FIRST, last: null })).toBe(
      `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T >= "${FIRST}")`,
    );
    expect(inferenceFilter({ first: null, last: LAST })).toBe(
      `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T <= "${LAST}")`,
    );
    expect(inferenceFilter({ first: null, last: null })).toBeUndefined();
  });
  it('includes both ends of a range', () => {
    const range = { first: FIRST, last: LAST };
    expect([FIRST, LAST, '20230412140023097', '20230412140029729'].map((t) => inTimeRange(t, range))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
