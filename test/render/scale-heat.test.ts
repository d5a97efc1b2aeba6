import { describe, expect, it } from 'vitest';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { SettingsError } from '../../src-shared/errors.js';
import { colorScale } from '../../src-shared/render/scale.js';
import { heatColors } from '../../src-shared/render/heat.js';

/** A table whose row i is (i, 255 - i, 7), so every colour names its row. */
function rampTable(): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set([i, 255 - i, 7], i * 3);
  return table;
}

describe('colorScale', () => {
  it('keeps an explicit max', () => {
    expect(colorScale(0, 15, 30, 99)).toEqual({ min: 0, max: 15 });
    expect(colorScale(2, 3.5, 0, 0)).toEqual({ min: 2, max: 3.5 });
  });

  it('max 0 means W when W > 0, whatever the running maximum', () => {
    expect(colorScale(0, 0, 15, 3)).toEqual({ min: 0, max: 15 });
    expect(colorScale(0, 0, 15, 40)).toEqual({ min: 0, max: 15 });
  });

  it('max 0 with W = 0 means the running maximum', () => {
    expect(colorScale(0, 0, 0, 42)).toEqual({ min: 0, max: 42 });
  });

  it('max 0 never resolves below min + 1', () => {
    expect(colorScale(0, 0, 0, 0)).toEqual({ min: 0, max: 1 });
    expect(colorScale(5, 0, 3, 0)).toEqual({ min: 5, max: 6 });
    expect(colorScale(5, 0, 0, 2)).toEqual({ min: 5, max: 6 });
  });

  it('an explicit max not above min is a SettingsError naming the keys', () => {
    expect(() => colorScale(5, 5, 15, 0)).toThrow(SettingsError);
    expect(() => colorScale(5, 3, 15, 0)).toThrow('output_settings.max: 3 must be greater than output_settings.min (5)');
  });
});

describe('heatColors', () => {
  const table = rampTable();

  it('maps counts linearly from min to max onto the table rows', () => {
    const colours = heatColors(Int32Array.of(0, 5, 10, 15), { min: 0, max: 15 }, table);
    // rows floor(c / 15 * 256): 0, 85, 170, and 256 → the last row
    expect(Array.from(colours)).toEqual([0, 255, 7, 85, 170, 7, 170, 85, 7, 255, 0, 7]);
  });

  it('clips counts below min to the first colour and above max to the last', () => {
    const colours = heatColors(Int32Array.of(-4, 2, 3, 99), { min: 3, max: 10 }, table);
    expect(Array.from(colours)).toEqual([0, 255, 7, 0, 255, 7, 0, 255, 7, 255, 0, 7]);
  });

  it('writes into the buffer it is given', () => {
    const out = new Uint8Array(6).fill(1);
    const result = heatColors(Int32Array.of(15, 0), { min: 0, max: 15 }, getColormap('viridis'), out);
    expect(result).toBe(out);
    expect(Array.from(out.subarray(3))).toEqual([68, 1, 84]);
  });

  it('works with short qualitative tables', () => {
    const tab10 = getColormap('tab10');
    const colours = heatColors(Int32Array.of(0, 9, 10), { min: 0, max: 10 }, tab10);
    expect(Array.from(colours.subarray(0, 3))).toEqual(Array.from(tab10.subarray(0, 3)));
    expect(Array.from(colours.subarray(3, 6))).toEqual(Array.from(tab10.subarray(27, 30)));
    expect(Array.from(colours.subarray(6, 9))).toEqual(Array.from(tab10.subarray(27, 30)));
  });
});
