/** The report's captions of the per-bucket maps: readable local starts, not file stems. */
import { describe, expect, it } from 'vitest';
import { framesASecond, periodCaption } from '../../src-shared/report/html.js';

describe('the report\'s bucket map captions', () => {
  it('writes a periods/ file stem (yyyyMMdd-HHmm) as a date and time', () => {
    expect(periodCaption('20261123-0900')).toBe('2026-11-23 09:00');
    expect(periodCaption('20261129-2345')).toBe('2026-11-29 23:45');
  });

  it('leaves any other name as it is', () => {
    expect(periodCaption('2024-06-03T08')).toBe('2024-06-03T08');
    expect(periodCaption('20261123-09001')).toBe('20261123-09001');
  });
});

describe('the report\'s frame rates in words', () => {
  it('says "frame" at exactly one a second and "frames" otherwise', () => {
    expect(framesASecond(1)).toBe('1 frame a second');
    expect(framesASecond(2)).toBe('2 frames a second');
    expect(framesASecond(0.5)).toBe('0.5 frames a second');
    expect(framesASecond(29.97)).toBe('29.97 frames a second');
  });
});
