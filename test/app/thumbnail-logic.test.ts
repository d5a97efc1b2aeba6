import { describe, expect, it } from 'vitest';
import { paintHeat, paintThumbnail } from '../../src-renderer/logic/heat.js';
import { blockMax, thumbnailSize } from '../../src-shared/periods/thumbnail.js';
import { getColormap } from '../../src-shared/colormaps/index.js';

/** The oracle: a thumbnail back at its grid's size, each cell holding the value of the block that covers it. */
function spreadBlocks(thumbnail: readonly number[], columns: number, rows: number, factor: number): number[] {
  const thumbColumns = Math.ceil(columns / factor);
  return Array.from({ length: columns * rows }, (_, cell) => thumbnail[Math.floor(Math.floor(cell / columns) / factor) * thumbColumns + Math.floor((cell % columns) / factor)]);
}

/** Table row i is (i, i, i): a pixel's red is the value painted there (scale 0 … 256). */
const IDENTITY = new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3));
const COLOURS = { scale: { min: 0, max: 256 }, table: IDENTITY, interpolation: 'nearest' as const };

function reds(pixels: Uint8ClampedArray, width: number, height: number): number[][] {
  return Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => pixels[(y * width + x) * 4]));
}

describe('bucket thumbnails drawn at the grid’s true aspect', () => {
  it('spreads each block back over the cells it covers, partial edge blocks as narrow as they are', () => {
    // 5 × 3 cells in blocks of 2: blocks 2, 2, 1 cells wide and 2, 1 cells high.
    expect(spreadBlocks([10, 20, 30, 40, 50, 60], 5, 3, 2)).toEqual([
      10, 10, 20, 20, 30,
      10, 10, 20, 20, 30,
      40, 40, 50, 50, 60,
    ]);
    expect(spreadBlocks([9, 4], 3, 1, 2)).toEqual([9, 9, 4]);
    // Factor 1 is the grid itself.
    expect(spreadBlocks([1, 2, 3, 4], 2, 2, 1)).toEqual([1, 2, 3, 4]);
  });

  /** paintThumbnail of `grid`'s thumbnail equals paintHeat over the spread thumbnail, nearest and bilinear. */
  function expectSamePixels(grid: number[], columns: number, rows: number, width: number, height: number): void {
    const table = getColormap('jet');
    const shape = thumbnailSize(columns, rows);
    const thumbnail = blockMax(grid, columns, rows, shape.factor).grid;
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const colours = { scale: { min: 0, max: 120 }, table, interpolation };
      const expected = paintHeat({ grid: spreadBlocks(thumbnail, columns, rows, shape.factor), columns, rows, ...colours, image: null, transparency: 1, emptyCells: 'tinted' }, width, height);
      const got = paintThumbnail(thumbnail, columns, rows, shape.factor, colours, width, height);
      expect(Buffer.from(got).equals(Buffer.from(expected)), `${columns}x${rows} -> ${width}x${height} ${interpolation}`).toBe(true);
    }
  }

  it('paints the pixels paintHeat paints over the spread grid, nearest and bilinear, whole and partial blocks', () => {
    for (const [columns, rows, width, height] of [[192, 108, 120, 68], [250, 7, 120, 4], [5, 3, 10, 6], [96, 54, 120, 68], [121, 40, 120, 40]]) {
      expectSamePixels(Array.from({ length: columns * rows }, (_, i) => ((i * 7919) % 1000) / 7 - (i % 13 === 0 ? 30 : 0)), columns, rows, width, height);
    }
    expect(() => paintThumbnail([1, 2, 3], 5, 3, 2, COLOURS, 10, 6)).toThrow('a thumbnail of 3 cells is not 3 × 2 (blocks of 2 over 5 × 3)');
  });

  it('paints the same pixels at odd sizes: 1×1 grids, one row or column, over and under 120 columns, rows not a multiple of the block, pictures 1 px high', () => {
    let seed = 7;
    const rnd = (k: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const sizes: number[][] = [[1, 1, 120, 1], [1, 1, 120, 120], [1, 500, 120, 7], [500, 1, 120, 1], [361, 3, 120, 1], [241, 241, 120, 120], [121, 1, 120, 1], [2, 2, 120, 120], [3, 7, 120, 280], [1000, 999, 120, 120], [130, 5, 120, 5]];
    for (let i = 0; i < 12; i++) sizes.push([1 + rnd(400), 1 + rnd(300), 1 + rnd(200), 1 + rnd(150)]);
    for (const [columns, rows, width, height] of sizes) {
      expectSamePixels(Array.from({ length: columns * rows }, () => (rnd(5) === 0 ? 0 : rnd(100000) / 777)), columns, rows, width, height);
    }
  });

  it('paints a 5 × 3 grid’s thumbnail with its last block column 2 px of 10 and its last block row 2 px of 6', () => {
    const pixels = paintThumbnail([10, 20, 30, 40, 50, 60], 5, 3, 2, COLOURS, 10, 6);
    const top = [10, 10, 10, 10, 20, 20, 20, 20, 30, 30];
    const bottom = [40, 40, 40, 40, 50, 50, 50, 50, 60, 60];
    expect(reds(pixels, 10, 6)).toEqual([top, top, top, top, bottom, bottom]);
  });

  it('gives a 250-column grid’s one-cell last block (blocks of 3) one pixel in 250, the full blocks three', () => {
    const columns = 250;
    const rows = 2;
    const grid = Array.from({ length: columns * rows }, (_, i) => Math.floor((i % columns) / 3) % 200);
    const shape = thumbnailSize(columns, rows);
    expect(shape).toEqual({ factor: 3, columns: 84, rows: 1 });
    const thumbnail = blockMax(grid, columns, rows, shape.factor);
    const row = reds(paintThumbnail(thumbnail.grid, columns, rows, shape.factor, COLOURS, 250, 2), 250, 2)[0];
    const widths = new Map<number, number>();
    for (const value of row) widths.set(value, (widths.get(value) ?? 0) + 1);
    expect(widths.get(83)).toBe(1);
    for (let block = 0; block < 83; block++) expect(widths.get(block)).toBe(3);
    expect(row.slice(243)).toEqual([81, 81, 81, 82, 82, 82, 83]);
  });
});
