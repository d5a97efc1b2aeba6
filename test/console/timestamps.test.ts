import { describe, expect, it } from 'vitest';
import { readTimestamp, timestampOf, timestampToIso } from '../../src-shared/console/timestamps.js';

describe('readTimestamp: T strings and ISO 8601 with an offset', () => {
  it.each([
    ['20230412140023098', '20230412140023098'],
    ['2023-04-12T14:00:23.098Z', '20230412140023098'],
    ['2023-04-12t14:00:23.098z', '20230412140023098'],
    ['2023-04-12T23:00:23.098+09:00', '20230412140023098'],
    ['2023-04-12T23:00:23.098+0900', '20230412140023098'],
    ['2023-04-12T23:00:23.098+09', '20230412140023098'],
    ['2023-04-12T08:30:23.098-05:30', '20230412140023098'],
    ['2023-04-12 14:00:23,098Z', '20230412140023098'],
    ['2023-04-12T14:00Z', '20230412140000000'],
    ['2023-04-12T14:00:23.5Z', '20230412140023500'],
    // Across midnight and a year: the offset moves the date too.
    ['2024-01-01T08:59:59.999+09:00', '20231231235959999'],
    ['2024-02-29T12:00:00Z', '20240229120000000'],
  ])('%s is T %s', (text, timestamp) => {
    expect(readTimestamp(text)).toEqual({ ok: true, timestamp });
  });

  it.each([
    ['2023-04-12T14:00:23', '"2023-04-12T14:00:23" has no offset; add Z for UTC or the local offset, e.g. "2023-04-12T14:00:23+09:00"'],
    ['2023-02-29T14:00:23Z', '"2023-02-29T14:00:23Z" is not a real date and time'],
    ['2023-04-12T24:00:00Z', '"2023-04-12T24:00:00Z" is not a real date and time'],
    ['2023-04-12T14:00:23.0981Z', '"2023-04-12T14:00:23.0981Z" is finer than a millisecond; T strings hold milliseconds'],
    ['2023-04-12T14:00:23+19:00', '"2023-04-12T14:00:23+19:00" has an impossible offset "+19:00"'],
    ['2023-04-12T14:00:23+09:75', '"2023-04-12T14:00:23+09:75" has an impossible offset "+09:75"'],
    ['2023041214002309', '"2023041214002309" has 16 digits; a T string has 17 (yyyyMMddHHmmssfff, UTC)'],
    ['20230230140023098', '"20230230140023098" is not a real date and time (yyyyMMddHHmmssfff, UTC)'],
    [
      'yesterday\u001b[2J',
      '"yesterday\\u001b[2J" is not a timestamp; expected yyyyMMddHHmmssfff (17 digits, UTC) or ISO 8601 with an offset (2024-05-01T21:00:00+09:00)',
    ],
  ])('%s is refused: %s', (text, reason) => {
    expect(readTimestamp(text)).toEqual({ ok: false, reason });
  });

  it('cuts a long bad value in its message', () => {
    const read = readTimestamp('x'.repeat(500));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reason.startsWith(`"${'x'.repeat(59)}…" is not a timestamp`)).toBe(true);
  });
});

describe('timestampOf and timestampToIso', () => {
  it('keeps an empty setting empty and converts the rest', () => {
    expect(timestampOf('')).toBe('');
    expect(timestampOf('2023-04-12T23:00:23.098+09:00')).toBe('20230412140023098');
    expect(() => timestampOf('2023-04-12')).toThrow('"2023-04-12" is not a timestamp');
  });
  it('writes a T string as ISO 8601 in UTC', () => {
    expect(timestampToIso('20230412140023098')).toBe('2023-04-12T14:00:23.098Z');
    expect(timestampToIso('not a T')).toBe('not a T');
  });
});
