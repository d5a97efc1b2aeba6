import { describe, expect, it } from 'vitest';
import type { CoordinateSpaceFinding } from '../../src-shared/api.js';
import { shownCoordinateFinding } from '../../src-renderer/logic/coordinate-space.js';

const finding: CoordinateSpaceFinding = {
  kind: 'crowded',
  seen: 'all 30 detections stay within x ≤ 630, y ≤ 470',
  set: 'image_size 1920×1080 (16:9)',
  fitting: { h: 640, v: 480 },
  message: 'all 30 detections stay within x ≤ 630, y ≤ 470 but image_size 1920×1080 (16:9); 640×480 would fit',
};

describe('shownCoordinateFinding', () => {
  it('shows the finding while the settings hold another size', () => {
    expect(shownCoordinateFinding(finding, { image_size_h: 1920, image_size_v: 1080 })).toBe(finding);
    expect(shownCoordinateFinding(finding, { image_size_h: 640, image_size_v: 1080 })).toBe(finding);
  });

  it('hides it once the fitting size is set (the out-of-date line takes over)', () => {
    expect(shownCoordinateFinding(finding, { image_size_h: 640, image_size_v: 480 })).toBeNull();
  });

  it('shows a finding without a fitting size whatever is set, and nothing without a finding', () => {
    const unsure = { ...finding, kind: 'picture-shape' as const, fitting: null };
    expect(shownCoordinateFinding(unsure, { image_size_h: 640, image_size_v: 480 })).toBe(unsure);
    expect(shownCoordinateFinding(undefined, { image_size_h: 640, image_size_v: 480 })).toBeNull();
  });
});
