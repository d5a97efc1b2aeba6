/**
 * Progress reports of a run (the pipeline's `Progress`, the app's `progress` events) apart from
 * the first pass's: those come only when the first pass over a metadata file outlasts a progress
 * interval, as on a busy machine, and carry the share of the file read, no frames and no total.
 */
import { expect } from 'vitest';

interface Report {
  frames: number;
  rate: number;
  expectedFrames?: number;
  preparing?: number;
}

/** Checks the first pass's reports (first, each a share from 0 to 1, no frames, no total) and returns the others. */
export function afterFirstPass<T extends Report>(reports: readonly T[]): T[] {
  const preparing = reports.filter((report) => report.preparing !== undefined);
  for (const report of preparing) {
    expect(report).toMatchObject({ frames: 0, rate: 0 });
    expect(report.expectedFrames).toBeUndefined();
    expect(report.preparing).toBeGreaterThanOrEqual(0);
    expect(report.preparing).toBeLessThanOrEqual(1);
  }
  expect(reports.slice(0, preparing.length)).toEqual(preparing);
  return reports.slice(preparing.length);
}
