import { describe, expect, it } from 'vitest';
import { analysisDescription } from '../../src-renderer/logic/library.js';

describe('the recent analyses list', () => {
  it('describes an analysis by its frames and its time range in UTC', () => {
    expect(analysisDescription({ frames: 600, fromMs: null, toMs: null, state: 'done' })).toBe('600 frames');
    expect(analysisDescription({ frames: 1, fromMs: null, toMs: null, state: 'done' })).toBe('1 frame');
    expect(analysisDescription({ frames: 60, fromMs: 0, toMs: 59_000, state: 'done' })).toBe('60 frames, 1970-01-01 00:00:00 to 00:00:59 UTC');
    // A start within a minute is not cut to the minute beside an end given to the second.
    expect(analysisDescription({ frames: 600, fromMs: Date.UTC(2026, 10, 23, 0, 59, 30), toMs: Date.UTC(2026, 10, 23, 1, 0, 29, 900), state: 'done' })).toBe('600 frames, 2026-11-23 00:59:30 to 01:00:29 UTC');
    const week = Date.UTC(2026, 0, 5);
    expect(analysisDescription({ frames: 604_800, fromMs: week, toMs: week + 604_799_000, state: 'done' })).toBe(
      '604,800 frames, 2026-01-05 00:00 to 2026-01-11 23:59 UTC',
    );
  });

  it('says an interrupted analysis cannot be opened, and a running one is being analysed', () => {
    expect(analysisDescription({ frames: 0, fromMs: null, toMs: null, state: 'interrupted' })).toBe('interrupted before it finished: delete it and analyse again');
    expect(analysisDescription({ frames: 0, fromMs: null, toMs: null, state: 'running' })).toBe('being analysed');
  });
});
