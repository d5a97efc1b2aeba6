/** The report's captions of the per-bucket maps: readable local starts, not file stems. */
import { describe, expect, it } from 'vitest';
import { periodCaption } from '../../src-shared/report/html.js';

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
