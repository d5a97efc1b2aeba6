import { describe, expect, it } from 'vitest';
import { getColormap } from '../../src-shared/colormaps/index.js';
import type { RgbImage } from '../../src-shared/frames.js';
import { FrameRenderer } from '../../src-shared/render/frame.js';
import { frameLabel } from '../../src-shared/render/label.js';
import { colorScale } from '../../src-shared/render/scale.js';

function pixel(image: RgbImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return Array.from(image.data.subarray(o, o + 3));
}

describe('FrameRenderer', () => {
  // 4×3 grid on a 400×300 picture: 100×100-pixel blocks.
  const grid = Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15);
  const table = getColormap('Reds');
  const scale = colorScale(0, 0, 15, 0);
  const image: RgbImage = { width: 400, height: 300, data: new Uint8Array(400 * 300 * 3).fill(50) };

  it('a cell’s block has exactly the blended colormap colour', () => {
    const renderer = new FrameRenderer({ width: 400, height: 300, table, interpolation: 'nearest', overlay: true, transparency: 0.4, colorbar: false, emptyCells: 'tinted' });
    const picture = renderer.render({ grid, columns: 4, rows: 3, scale, label: frameLabel(2), image });
    // cell (h 1, v 2) holds 9: row floor(9 / 15 * 256) = 153 of Reds, blended 40 % over grey 50.
    const row = 153;
    const expected = [0, 1, 2].map((c) => Math.round(50 + 0.4 * (table[row * 3 + c] - 50)));
    for (const [x, y] of [[100, 200], [199, 299], [150, 250], [100, 299]]) expect(pixel(picture, x, y)).toEqual(expected);
    // the cell holding 15 (max) takes the last colour, the one holding 0 the first (outside the label).
    expect(pixel(picture, 399, 299)).toEqual([0, 1, 2].map((c) => Math.round(50 + 0.4 * (table[255 * 3 + c] - 50))));
    expect(pixel(picture, 99, 99)).toEqual([0, 1, 2].map((c) => Math.round(50 + 0.4 * (table[c] - 50))));
  });

  it('without a picture (or with overlay off) shows the heat colours alone', () => {
    const renderer = new FrameRenderer({ width: 400, height: 300, table, interpolation: 'nearest', overlay: false, transparency: 0.4, colorbar: false, emptyCells: 'tinted' });
    const picture = renderer.render({ grid, columns: 4, rows: 3, scale, label: 'x', image });
    expect(pixel(picture, 150, 250)).toEqual(Array.from(table.subarray(153 * 3, 153 * 3 + 3)));
  });

  it('draws the label at the top left and the colorbar at the right edge', () => {
    const plain = new FrameRenderer({ width: 400, height: 300, table, interpolation: 'bilinear', overlay: true, transparency: 0.4, colorbar: false, emptyCells: 'tinted' });
    const withBar = new FrameRenderer({ width: 400, height: 300, table, interpolation: 'bilinear', overlay: true, transparency: 0.4, colorbar: true, emptyCells: 'tinted' });
    const input = { grid, columns: 4, rows: 3, scale, label: frameLabel(2, '20230412140023098'), image };
    const a = Uint8Array.from(plain.render(input).data);
    const b = withBar.render(input).data;
    let differingLeft = 0;
    let differingRight = 0;
    for (let y = 0; y < 300; y++) {
      for (let x = 0; x < 400; x++) {
        const o = (y * 400 + x) * 3;
        if (a[o] !== b[o] || a[o + 1] !== b[o + 1] || a[o + 2] !== b[o + 2]) {
          if (x < 300) differingLeft += 1;
          else differingRight += 1;
        }
      }
    }
    expect(differingLeft).toBe(0);
    expect(differingRight).toBeGreaterThan(8 * 200);
    expect(pixel({ width: 400, height: 300, data: a }, 10, 8)).not.toEqual(pixel(image, 10, 8));
  });

  it('rejects a picture of another size', () => {
    const renderer = new FrameRenderer({ width: 200, height: 100, table, interpolation: 'nearest', overlay: true, transparency: 0.4, colorbar: false, emptyCells: 'tinted' });
    expect(() => renderer.render({ grid, columns: 4, rows: 3, scale, label: '', image })).toThrow('picture is 400×300, output is 200×100');
  });
});
