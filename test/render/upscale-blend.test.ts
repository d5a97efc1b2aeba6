import { describe, expect, it } from 'vitest';
import { blend } from '../../src-shared/render/blend.js';
import { upscaleBilinear, upscaleNearest } from '../../src-shared/render/upscale.js';
import { SettingsError } from '../../src-shared/errors.js';

/** Distinct colours for a grid (up to 65536 cells): cell k is (k mod 256, k div 256, 7). */
function distinctCells(columns: number, rows: number): Uint8Array {
  const cells = new Uint8Array(columns * rows * 3);
  for (let k = 0; k < columns * rows; k++) cells.set([k & 255, k >> 8, 7], k * 3);
  return cells;
}

function pixel(image: Uint8Array, width: number, x: number, y: number): number[] {
  const o = (y * width + x) * 3;
  return Array.from(image.subarray(o, o + 3));
}

describe('upscaleNearest', () => {
  it('blocks do not need to divide: 3 columns over 10 pixels are 4, 3, 3 wide', () => {
    const cells = Uint8Array.of(10, 10, 10, 20, 20, 20, 30, 30, 30);
    const out = upscaleNearest(cells, 3, 1, 10, 1);
    expect(Array.from({ length: 10 }, (_, x) => out[x * 3])).toEqual([10, 10, 10, 10, 20, 20, 20, 30, 30, 30]);
  });

  it.each([
    [3, 2, 10, 7],
    [7, 5, 16, 9],
    [192, 108, 300, 300],
    [5, 4, 5, 4],
    [4, 3, 2, 2],
  ])('%i×%i cells to %i×%i: pixel (x, y) has cell (floor(x·C/W), floor(y·R/H))', (columns, rows, width, height) => {
    const cells = distinctCells(columns, rows);
    const expected = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const cell = Math.floor((y * rows) / height) * columns + Math.floor((x * columns) / width);
        expected.set(cells.subarray(cell * 3, cell * 3 + 3), (y * width + x) * 3);
      }
    }
    expect(Buffer.from(upscaleNearest(cells, columns, rows, width, height)).equals(Buffer.from(expected))).toBe(true);
  });

});

describe.each([
  ['upscaleNearest', upscaleNearest],
  ['upscaleBilinear', upscaleBilinear],
])('%s', (_name, upscale) => {
  it('rejects buffers of the wrong size', () => {
    expect(() => upscale(new Uint8Array(5), 2, 1, 4, 4)).toThrow(new RangeError('upscale: 5 bytes of cell colours for a 2×1 grid'));
    expect(() => upscale(new Uint8Array(6), 2, 1, 4, 4, new Uint8Array(3))).toThrow(
      new RangeError('upscale: output buffer of 3 bytes for a 4×4 picture'),
    );
  });

  it('writes into the buffer it is given and returns it', () => {
    const out = new Uint8Array(4 * 2 * 3);
    expect(upscale(new Uint8Array(6).fill(9), 2, 1, 4, 2, out)).toBe(out);
    expect(out.every((value) => value === 9)).toBe(true);
  });
});

describe('upscaleBilinear', () => {
  it('a pixel centred on a cell centre has exactly that cell’s colour', () => {
    const columns = 4;
    const rows = 3;
    const cells = distinctCells(columns, rows);
    // 3 pixels a cell: the middle pixel of each block is centred on the cell's centre.
    const out = upscaleBilinear(cells, columns, rows, columns * 3, rows * 3);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const cell = row * columns + column;
        expect(pixel(out, columns * 3, column * 3 + 1, row * 3 + 1)).toEqual(Array.from(cells.subarray(cell * 3, cell * 3 + 3)));
      }
    }
  });

  it('blends linearly between centres and keeps edge colours beyond the outer centres', () => {
    const cells = Uint8Array.of(0, 0, 0, 200, 100, 40);
    const out = upscaleBilinear(cells, 2, 1, 4, 1);
    // centres at x = 0.5 and 2.5 (pixel units): pixels 1 and 2 are a quarter and three quarters along.
    expect(Array.from(out)).toEqual([0, 0, 0, 50, 25, 10, 150, 75, 30, 200, 100, 40]);
  });

  it('a uniform grid stays uniform at any size', () => {
    const cells = new Uint8Array(5 * 3 * 3).fill(77);
    const out = upscaleBilinear(cells, 5, 3, 17, 11);
    expect(out.every((value) => value === 77)).toBe(true);
  });
});

describe('blend', () => {
  it('computes round((1 - t) * image + t * heat) for every byte', () => {
    const image = Uint8Array.of(100, 0, 255, 10, 3);
    const heat = Uint8Array.of(200, 255, 0, 10, 4);
    expect(Array.from(blend(image, heat, 0.4))).toEqual([140, 102, 153, 10, 3]);
    expect(Array.from(blend(image, heat, 0.5))).toEqual([150, 128, 128, 10, 4]);
  });

  it('transparency 0 is the picture and 1 the heat', () => {
    const image = Uint8Array.of(1, 2, 3, 250);
    const heat = Uint8Array.of(9, 8, 7, 0);
    expect(Array.from(blend(image, heat, 0))).toEqual([1, 2, 3, 250]);
    expect(Array.from(blend(image, heat, 1))).toEqual([9, 8, 7, 0]);
  });

  it('agrees with the float formula on every byte pair', () => {
    const image = new Uint8Array(256 * 256);
    const heat = new Uint8Array(256 * 256);
    for (let i = 0; i < 256 * 256; i++) {
      image[i] = i >> 8;
      heat[i] = i & 255;
    }
    for (const t of [0.3, 0.4, 0.75]) {
      const out = blend(image, heat, t);
      let mismatches = 0;
      for (let i = 0; i < out.length; i++) {
        if (out[i] !== Math.round(image[i] + t * (heat[i] - image[i]))) mismatches += 1;
      }
      expect(mismatches).toBe(0);
    }
  });

  it('gives the same bytes at any alignment and length', () => {
    const backing = new Uint8Array(64);
    for (let i = 0; i < 64; i++) backing[i] = (i * 37) & 255;
    const heat = Uint8Array.from({ length: 64 }, (_, i) => (i * 91) & 255);
    for (const [offset, length] of [[0, 64], [1, 30], [4, 27], [3, 5]]) {
      const image = backing.subarray(offset, offset + length);
      const expected = Array.from(image, (value, i) => Math.round(value + 0.4 * (heat[offset + i] - value)));
      expect(Array.from(blend(image, heat.subarray(offset, offset + length), 0.4))).toEqual(expected);
    }
  });

  it('can write over the picture in place', () => {
    const image = Uint8Array.of(0, 100);
    blend(image, Uint8Array.of(100, 0), 0.25, image);
    expect(Array.from(image)).toEqual([25, 75]);
  });

  it('rejects a transparency outside 0–1 and buffers of different sizes', () => {
    expect(() => blend(new Uint8Array(3), new Uint8Array(3), 1.5)).toThrow(SettingsError);
    expect(() => blend(new Uint8Array(3), new Uint8Array(3), Number.NaN)).toThrow('output_settings.transparency');
    expect(() => blend(new Uint8Array(3), new Uint8Array(6), 0.5)).toThrow(RangeError);
    expect(() => blend(new Uint8Array(3), new Uint8Array(3), 0.5, new Uint8Array(4))).toThrow(RangeError);
  });
});
