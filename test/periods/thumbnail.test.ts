import { describe, expect, it } from 'vitest';
import { blockMax, THUMBNAIL_CELLS_BUDGET, THUMBNAIL_MAX_COLUMNS, thumbnailFactor, thumbnailSize } from '../../src-shared/periods/thumbnail.js';

describe('bucket thumbnails', () => {
  it('keep the highest value of each block, partial blocks at the right and bottom edges included', () => {
    // 5 columns × 3 rows, blocks of 2: 3 × 2 cells out.
    const grid = [
      1, 9, 0, 0, 4,
      2, 3, 0, 7, 0,
      5, 0, 6, 0, 8,
    ];
    expect(blockMax(grid, 5, 3, 2)).toEqual({ columns: 3, rows: 2, grid: [9, 7, 4, 5, 6, 8] });
  });

  it('leave a grid of at most 120 columns whole, and bring any wider one to at most 120', () => {
    expect(THUMBNAIL_MAX_COLUMNS).toBe(120);
    expect([48, 120, 121, 192, 240, 241, 1920].map((columns) => thumbnailFactor(columns))).toEqual([1, 1, 2, 2, 2, 3, 16]);
    for (const columns of [121, 192, 241, 1000, 1920]) expect(Math.ceil(columns / thumbnailFactor(columns))).toBeLessThanOrEqual(120);
    const grid = Array.from({ length: 48 * 27 }, (_, i) => i % 7);
    expect(blockMax(grid, 48, 27, thumbnailFactor(48))).toEqual({ columns: 48, rows: 27, grid });
    // The size the window is told is the size blockMax makes.
    expect(thumbnailSize(192, 108)).toEqual({ factor: 2, columns: 96, rows: 54 });
    expect(thumbnailSize(241, 7)).toEqual({ factor: 3, columns: 81, rows: 3 });
    const wide = blockMax(new Array(241 * 7).fill(1), 241, 7, 3);
    expect([wide.columns, wide.rows]).toEqual([81, 3]);
  });

  it('grow the blocks with the number of buckets, so that all thumbnails of an answer hold at most 1.5 M cells', () => {
    expect(THUMBNAIL_CELLS_BUDGET).toBe(1_500_000);
    // A week by hour keeps its blocks of 2: 168 × 96 × 54 = 870,912 cells.
    expect(thumbnailSize(192, 108, 168)).toEqual({ factor: 2, columns: 96, rows: 54 });
    // A week by 5 min, 2,016 buckets: blocks of 6 (32 × 18 = 576 cells each, 1.16 M in all); 5 would be 2.2 M.
    expect(thumbnailSize(192, 108, 2016)).toEqual({ factor: 6, columns: 32, rows: 18 });
    // The most buckets a view allows: blocks of 12 (16 × 9 cells each, 1.44 M in all).
    expect(thumbnailSize(192, 108, 10_000)).toEqual({ factor: 12, columns: 16, rows: 9 });
    for (const [columns, rows, buckets] of [[192, 108, 168], [1920, 1080, 10_000], [2048, 2048, 500], [7, 3, 10_000]]) {
      const shape = thumbnailSize(columns, rows, buckets);
      expect(shape.columns).toBeLessThanOrEqual(THUMBNAIL_MAX_COLUMNS);
      expect(buckets * shape.columns * shape.rows <= THUMBNAIL_CELLS_BUDGET || shape.columns * shape.rows === 1).toBe(true);
    }
    // A grid too small to reduce further stays at one cell a thumbnail, never a block past its size.
    expect(thumbnailSize(7, 3, 10_000_000)).toEqual({ factor: 7, columns: 1, rows: 1 });
  });
});
