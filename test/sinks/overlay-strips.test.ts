import { describe, expect, it } from 'vitest';
import { colorbarStrip, stripLayout, WIDEST_TICK } from '../../src-main/sinks/overlay-strips.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { colorbarWidth, drawColorbar, formatTick } from '../../src-shared/render/colorbar.js';

const GREY = 200;
const table = getColormap('Reds');

/** Columns from the right edge that differ anywhere from the plain grey picture. */
function coveredColumns(data: Uint8Array, width: number, height: number): number {
  let leftmost = width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < leftmost; x++) {
      const o = (y * width + x) * 3;
      if (data[o] !== GREY || data[o + 1] !== GREY || data[o + 2] !== GREY) leftmost = x;
    }
  }
  return width - leftmost;
}

describe('colorbar strip of the video', () => {
  it('leaves room for the tick label it was sized for', () => {
    expect(formatTick(-9999.99)).toBe(WIDEST_TICK);
  });

  it.each([
    [640, 360],
    [1920, 1080],
    [300, 300],
  ])('at %i×%i is exactly as wide as the colorbar drawn with its widest tick label', (width, height) => {
    const layout = stripLayout(width, height);
    const picture = { width, height, data: new Uint8Array(width * height * 3).fill(GREY) };
    drawColorbar(picture, table, -9999.99, 0, { scale: layout.fontScale, top: layout.colorbarTop });
    const covered = coveredColumns(picture.data, width, height);
    expect(covered).toBeGreaterThan(0);
    expect(layout.colorbar).toEqual({ x: width - covered, y: 0, width: covered, height });
  });

  it('as RGBA, the widest tick label\'s box starts at the strip\'s left edge', () => {
    const layout = stripLayout(640, 360);
    const { width, height } = layout.colorbar;
    const rgba = colorbarStrip(layout, table, { min: -9999.99, max: 0 });
    expect(rgba).toHaveLength(width * height * 4);
    const leftColumnAlpha = Array.from({ length: height }, (_, y) => rgba[y * width * 4 + 3]);
    expect(Math.max(...leftColumnAlpha)).toBeGreaterThan(0);
  });
});

describe('colorbarWidth', () => {
  it('is the label box and the bar beside it, in font units times the scale', () => {
    expect(colorbarWidth('15', 4)).toBe(136);
    expect(colorbarWidth('15', 1)).toBe(34);
  });
});
