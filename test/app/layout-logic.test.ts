import { describe, expect, it } from 'vitest';
import { MIN_MAIN_WIDTH, SIDEBAR_WIDTH_RANGE, shownSidebarWidth } from '../../src-renderer/logic/remembered.js';

describe('the side panel beside the timeline', () => {
  it('is drawn at its remembered width while the main area keeps 620 px', () => {
    expect(MIN_MAIN_WIDTH).toBe(620);
    expect(shownSidebarWidth(360, 1400)).toBe(360);
    expect(shownSidebarWidth(640, 1400)).toBe(640);
    expect(shownSidebarWidth(360, 1024)).toBe(360);
  });

  it('narrows in a narrow window so the timeline keeps its width, never below the narrowest panel', () => {
    expect(shownSidebarWidth(640, 1024)).toBe(404);
    expect(shownSidebarWidth(640, 1024.6)).toBe(404);
    expect(shownSidebarWidth(640, 800)).toBe(SIDEBAR_WIDTH_RANGE.min);
    expect(shownSidebarWidth(360, 320)).toBe(SIDEBAR_WIDTH_RANGE.min);
  });
});
