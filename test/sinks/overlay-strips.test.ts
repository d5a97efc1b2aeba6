import { describe, expect, it } from 'vitest';
import { colorbarStrip, grayAlpha, labelStrip, LabelStrips, paintRgba, stripLayout, WIDEST_TICK } from '../../src-main/sinks/overlay-strips.js';
import { drawText } from '../../src-shared/render/text.js';
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

/** paintRgba as it was first written: every pixel through the alpha recovery, no shortcut. */
function referenceRgba(width: number, height: number, paint: (target: { width: number; height: number; data: Uint8Array }) => void): Uint8Array {
  const onBlack = { width, height, data: new Uint8Array(width * height * 3) };
  const onWhite = { width, height, data: new Uint8Array(width * height * 3).fill(255) };
  paint(onBlack);
  paint(onWhite);
  const rgba = new Uint8Array(width * height * 4);
  for (let pixel = 0, i = 0, o = 0; pixel < width * height; pixel++, i += 3, o += 4) {
    const alpha = 255 - Math.max(onWhite.data[i] - onBlack.data[i], onWhite.data[i + 1] - onBlack.data[i + 1], onWhite.data[i + 2] - onBlack.data[i + 2]);
    rgba[o + 3] = alpha;
    if (alpha === 0) continue;
    for (let c = 0; c < 3; c++) rgba[o + c] = Math.min(255, Math.round((onBlack.data[i + c] * 255) / alpha));
  }
  return rgba;
}

describe('label strips', () => {
  const layout = stripLayout(1920, 1080);
  const text = 'number of detects : 12\n2023-04-12 14:00:23.098Z';

  it('paintRgba skips untouched pixels and gives the same bytes as the full recovery', () => {
    const { width, height } = layout.label;
    const paint = (target: { width: number; height: number; data: Uint8Array }) =>
      drawText(target, text, layout.margin, layout.margin, { scale: layout.fontScale });
    const fast = paintRgba(width, height, paint);
    expect(Buffer.from(fast).equals(Buffer.from(referenceRgba(width, height, paint)))).toBe(true);
    // Both kinds of pixel are there: clear ones (skipped) and drawn ones.
    let clear = 0;
    for (let o = 3; o < fast.length; o += 4) if (fast[o] === 0) clear += 1;
    expect(clear).toBeGreaterThan(0);
    expect(clear).toBeLessThan(width * height);
  });

  it('draws each text once and hands out labelStrip\'s pixels as gray and alpha', () => {
    const strips = new LabelStrips(layout);
    const first = strips.strip('number of detects : 7');
    expect(Buffer.from(first).equals(Buffer.from(grayAlpha(labelStrip(layout, 'number of detects : 7'))))).toBe(true);
    expect(first.length).toBe(layout.label.width * layout.label.height * 2);
    expect(strips.strip('number of detects : 7')).toBe(first);
    expect(strips.strip('number of detects : 8')).not.toBe(first);
  });

  it('keeps at most 64 texts, dropping the oldest', () => {
    const strips = new LabelStrips(stripLayout(320, 180));
    const oldest = strips.strip('number of detects : 0');
    for (let count = 1; count <= 64; count++) strips.strip(`number of detects : ${count}`);
    const newest = strips.strip('number of detects : 64');
    expect(strips.strip('number of detects : 64')).toBe(newest);
    expect(strips.strip('number of detects : 0')).not.toBe(oldest);
  });
});

describe('grayAlpha', () => {
  it('keeps each pixel\'s gray and alpha, two bytes a pixel', () => {
    const rgba = Uint8Array.of(0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 166, 255, 255, 255, 3);
    expect([...grayAlpha(rgba)]).toEqual([0, 0, 255, 255, 0, 166, 255, 3]);
  });

  it('gives a real label strip, one and two lines, without loss: every pixel is black or white', () => {
    const layout = stripLayout(1920, 1080);
    for (const text of ['number of detects : 9', 'number of detects : 12\n2024-06-01 08:00:00.000Z']) {
      const rgba = labelStrip(layout, text);
      const gray = grayAlpha(rgba);
      for (let p = 0; p < gray.length / 2; p++) {
        expect([rgba[p * 4], rgba[p * 4 + 3]]).toEqual([gray[p * 2], gray[p * 2 + 1]]);
      }
    }
  });

  it('refuses a pixel that is neither black nor white, and bytes that are not whole pixels', () => {
    expect(() => grayAlpha(Uint8Array.of(0, 0, 0, 9, 128, 128, 128, 255))).toThrow('grayAlpha: pixel 1 is (128, 128, 128), neither black nor white');
    expect(() => grayAlpha(Uint8Array.of(255, 255, 0, 255))).toThrow('grayAlpha: pixel 0 is (255, 255, 0), neither black nor white');
    expect(() => grayAlpha(new Uint8Array(6))).toThrow('grayAlpha: 6 bytes are not whole RGBA pixels');
  });
});
