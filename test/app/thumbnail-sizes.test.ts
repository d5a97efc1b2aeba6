import { describe, expect, it } from 'vitest';
import { paintHeat, paintThumbnail } from '../../src-renderer/logic/heat.js';
import { blockMax, thumbnailSize } from '../../src-shared/periods/thumbnail.js';
import { getColormap } from '../../src-shared/colormaps/index.js';

function spreadBlocks(thumbnail: readonly number[], columns: number, rows: number, factor: number): number[] {
  const thumbColumns = Math.ceil(columns / factor);
  return Array.from({ length: columns * rows }, (_, cell) => thumbnail[Math.floor(Math.floor(cell / columns) / factor) * thumbColumns + Math.floor((cell % columns) / factor)]);
}
/**
 * Hostile sizes for bucket thumbnails: 1×1 grids, one row or column, more columns than the strip's
 * 120 px, fewer, rows not a multiple of the block, pictures 1 px high; nearest and bilinear.
 */
describe('thumbnails of odd sizes', () => {
  it('paint the pixels paintHeat paints over the spread grid at every size', () => {
    const table = getColormap('jet');
    let seed = 7;
    const rnd = (k: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
    const sizes: number[][] = [[1, 1, 120, 1], [1, 1, 120, 120], [1, 500, 120, 7], [500, 1, 120, 1], [361, 3, 120, 1], [241, 241, 120, 120], [121, 1, 120, 1], [2, 2, 120, 120], [3, 7, 120, 280], [1000, 999, 120, 120], [130, 5, 120, 5]];
    for (let i = 0; i < 12; i++) sizes.push([1 + rnd(400), 1 + rnd(300), 1 + rnd(200), 1 + rnd(150)]);
    for (const [columns, rows, width, height] of sizes) {
      const shape = thumbnailSize(columns, rows);
      const grid = Array.from({ length: columns * rows }, () => rnd(5) === 0 ? 0 : rnd(100000) / 777);
      const thumbnail = blockMax(grid, columns, rows, shape.factor).grid;
      for (const interpolation of ['nearest', 'bilinear'] as const) {
        const colours = { scale: { min: 0, max: 120 }, table, interpolation };
        const expected = paintHeat({ grid: spreadBlocks(thumbnail, columns, rows, shape.factor), columns, rows, ...colours, image: null, transparency: 1, emptyCells: 'tinted' }, width, height);
        const got = paintThumbnail(thumbnail, columns, rows, shape.factor, colours, width, height);
        expect(Buffer.from(got).equals(Buffer.from(expected)), `${columns}x${rows} -> ${width}x${height} ${interpolation}`).toBe(true);
      }
    }
  });
});
