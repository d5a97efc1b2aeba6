import { describe, expect, it } from 'vitest';
import { DetectionsBuilder, formatTimestamp, isTimestamp, parseTimestamp, prepareDetections } from '../../src-shared/frames.js';

const options = { imageWidth: 100, imageHeight: 50, sanitize: true, classIds: null, minScore: 0 };

describe('prepareDetections', () => {
  it('swaps inverted edges and keeps a box that crosses the edge as the detector gave it', () => {
    const b = new DetectionsBuilder();
    b.add(120, 60, -5, -10, 0.9, 0);
    const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
    const d = prepareDetections(b.finish(), options, stats);
    expect(Array.from(d.boxes)).toEqual([-5, -10, 120, 60]);
    expect(stats.outsideImage).toBe(0);
  });

  it('drops and counts boxes with no pixel inside the image, whichever edge they are beyond', () => {
    const b = new DetectionsBuilder();
    b.add(100, 10, 130, 20, 0.9, 0); // left = width
    b.add(-30, 10, 0, 20, 0.9, 0); // right = 0
    b.add(10, 50, 20, 70, 0.9, 0); // top = height
    b.add(10, -20, 20, 0, 0.9, 0); // bottom = 0
    b.add(150, 10, 120, 20, 0.9, 0); // inverted, beyond the right edge
    b.add(99, 49, 140, 80, 0.9, 0, 7); // one pixel inside: kept
    const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
    const d = prepareDetections(b.finish(), options, stats);
    expect(stats).toEqual({ nonFinite: 0, filtered: 0, outsideImage: 5 });
    expect(d.count).toBe(1);
    expect(Array.from(d.boxes)).toEqual([99, 49, 140, 80]);
    expect(Array.from(d.trackIds)).toEqual([7]);
  });

  it('keeps boxes outside the image when not sanitising (legacy counting)', () => {
    const b = new DetectionsBuilder();
    b.add(300, 10, 330, 20, 0.9, 0);
    const input = b.finish();
    const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
    expect(prepareDetections(input, { ...options, sanitize: false }, stats)).toBe(input);
    expect(stats.outsideImage).toBe(0);
  });

  it('drops NaN and infinite boxes or scores and counts them', () => {
    const b = new DetectionsBuilder();
    b.add(Number.NaN, 0, 10, 10, 0.9, 0);
    b.add(0, 0, 10, 10, Number.POSITIVE_INFINITY, 0);
    b.add(1, 2, 3, 4, 0.5, 0);
    const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
    const d = prepareDetections(b.finish(), options, stats);
    expect(stats).toEqual({ nonFinite: 2, filtered: 0, outsideImage: 0 });
    expect(d.count).toBe(1);
    expect(Array.from(d.boxes)).toEqual([1, 2, 3, 4]);
  });

  it('filters by class ids and min score', () => {
    const b = new DetectionsBuilder();
    b.add(1, 1, 2, 2, 0.9, 0);
    b.add(1, 1, 2, 2, 0.9, 3);
    b.add(1, 1, 2, 2, 0.2, 0);
    const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
    const d = prepareDetections(b.finish(), { ...options, classIds: [0], minScore: 0.5 }, stats);
    expect(d.count).toBe(1);
    expect(stats.filtered).toBe(2);
  });

  it('keeps raw coordinates when not sanitising (legacy counting)', () => {
    const b = new DetectionsBuilder();
    b.add(-10, -10, 500, 500, 0.9, 0);
    const input = b.finish();
    const d = prepareDetections(input, { ...options, sanitize: false }, { nonFinite: 0, filtered: 0, outsideImage: 0 });
    expect(d).toBe(input);
  });

  it('grows past its initial capacity', () => {
    const b = new DetectionsBuilder();
    for (let i = 0; i < 100; i++) b.add(i, i, i + 1, i + 1, 1, i);
    const d = b.finish();
    expect(d.count).toBe(100);
    expect(d.boxes[4 * 99]).toBe(99);
    expect(d.classIds[99]).toBe(99);
  });
});

describe('T timestamps', () => {
  it('parse and format as UTC milliseconds', () => {
    expect(parseTimestamp('20230412140023098')).toBe(Date.UTC(2023, 3, 12, 14, 0, 23, 98));
    expect(formatTimestamp(Date.UTC(2023, 3, 12, 14, 0, 23, 98))).toBe('20230412140023098');
  });

  it('reject anything that is not a real 17-digit moment', () => {
    expect(isTimestamp('2023041214002309')).toBe(false);
    expect(isTimestamp('20230231140023098')).toBe(false);
    expect(isTimestamp('20230412250023098')).toBe(false);
    expect(isTimestamp('2023041214002309x')).toBe(false);
    expect(isTimestamp('20230412140023098')).toBe(true);
  });
});
