/**
 * Issue 13 item 6: the coordinate space — the detections' extent and the picture's shape against
 * image_size, with the size that fits.
 */
import { describe, expect, it } from 'vitest';
import { coordinateSpaceCheck, shapeOf } from '../../src-shared/counting/coordinate-space.js';
import { ExtentTracker, type ImageExtent } from '../../src-shared/counting/extent.js';
import { DetectionsBuilder } from '../../src-shared/frames.js';

/** The extent of `boxes` ([left, top, right, bottom]) judged against `width` × `height`. */
function extentOf(boxes: number[][], width: number, height: number): ImageExtent {
  const tracker = new ExtentTracker(width, height);
  const builder = new DetectionsBuilder();
  for (const [left, top, right, bottom] of boxes) builder.add(left, top, right, bottom, 0.9, 0);
  tracker.observe(builder.finish());
  return tracker.result();
}

/** Twelve boxes spread over a 640×480 frame, reaching x = 630, y = 470. */
const VGA_BOXES = Array.from({ length: 12 }, (_, i) => [20 + i * 40, 30 + i * 20, 70 + i * 40 + (i === 11 ? 120 : 0), 250 + i * 20]);

describe('coordinateSpaceCheck', () => {
  it('640×480 boxes read as 1920×1080 are crowded, and 640×480 fits', () => {
    const finding = coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf(VGA_BOXES, 1920, 1080), null);
    expect(finding).toEqual({
      kind: 'crowded',
      seen: 'all 12 detections stay within x ≤ 630, y ≤ 470',
      set: 'image_size 1920×1080 (16:9)',
      fitting: { h: 640, v: 480 },
      message: 'all 12 detections stay within x ≤ 630, y ≤ 470 but image_size 1920×1080 (16:9); 640×480 would fit',
    });
  });

  it('with a video that holds the extent, the video\'s size is the one offered', () => {
    // 700×500 is no common detector size: the offer comes from the picture, not the table.
    const finding = coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf(VGA_BOXES, 1920, 1080), { width: 700, height: 500 });
    expect(finding?.kind).toBe('crowded');
    expect(finding?.fitting).toEqual({ h: 700, v: 500 });
  });

  it('a video the extent crowds is not offered: the common detector size is', () => {
    const finding = coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf(VGA_BOXES, 1920, 1080), { width: 1920, height: 1080 });
    expect(finding?.fitting).toEqual({ h: 640, v: 480 });
  });

  it('4K boxes beyond 1920×1080 name how many lie beyond and offer 3840×2160', () => {
    const boxes = Array.from({ length: 10 }, (_, i) => [3000 + i * 10, 1500, 3840, 2160]);
    const finding = coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf(boxes, 1920, 1080), null);
    expect(finding?.kind).toBe('beyond');
    expect(finding?.seen).toBe('10 of 10 detections lie beyond it, reaching x = 3840, y = 2160');
    expect(finding?.fitting).toEqual({ h: 3840, v: 2160 });
  });

  it('a 4:3 video over 16:9 metadata is a picture-shape finding; its size is offered when the detections fit it', () => {
    const finding = coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf([[100, 100, 600, 470]], 1920, 1080), { width: 640, height: 480 });
    expect(finding).toEqual({
      kind: 'picture-shape',
      seen: 'the video is 640×480 (4:3)',
      set: 'image_size 1920×1080 (16:9)',
      fitting: { h: 640, v: 480 },
      message: 'the video is 640×480 (4:3) but image_size 1920×1080 (16:9): the heat is stretched over the picture; 640×480 would fit',
    });
  });

  it('a 4:3 video whose detections reach past it: the shape is said, no size is offered', () => {
    const finding = coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf([[100, 100, 1800, 1000]], 1920, 1080), { width: 640, height: 480 });
    expect(finding?.kind).toBe('picture-shape');
    expect(finding?.fitting).toBeNull();
  });

  it('a video of the same shape at another size is fine (the heat scales with it)', () => {
    expect(coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf([[100, 100, 1800, 1000]], 1920, 1080), { width: 960, height: 540 })).toBeNull();
    // 1920×1088 (a coded height) is within the 2 % tolerance of 16:9.
    expect(coordinateSpaceCheck({ h: 1920, v: 1080 }, null, { width: 1920, height: 1088 })).toBeNull();
  });

  it('no extent and no picture: nothing to say', () => {
    expect(coordinateSpaceCheck({ h: 1920, v: 1080 }, null, null)).toBeNull();
    expect(coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf([], 1920, 1080), null)).toBeNull();
  });

  it('shapeOf names common ratios and writes others to two decimals', () => {
    expect([shapeOf(1920, 1080), shapeOf(640, 480), shapeOf(300, 300), shapeOf(768, 576), shapeOf(1850, 1000)]).toEqual([
      '16:9', '4:3', '1:1', '4:3', '1.85:1',
    ]);
  });
});
