import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../src-shared/frames.js';
import { GLYPH_ROWS } from '../../src-shared/render/font.js';
import { drawText, measureText, textScale, type PixelBox } from '../../src-shared/render/text.js';
import { colorbarTicks, drawColorbar, formatTick } from '../../src-shared/render/colorbar.js';
import { frameLabel } from '../../src-shared/render/label.js';

function filledImage(width: number, height: number, value: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3).fill(value) };
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return Array.from(image.data.subarray(o, o + 3));
}

function inside(box: PixelBox, x: number, y: number): boolean {
  return x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
}

/** Pixels that differ from `value`, split by whether they lie in `box`. */
function changedPixels(image: RgbImage, value: number, box: PixelBox): { inBox: number; outside: number; white: number } {
  const counts = { inBox: 0, outside: 0, white: 0 };
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const [r, g, b] = pixel(image, x, y);
      if (r === value && g === value && b === value) continue;
      if (inside(box, x, y)) counts.inBox += 1;
      else counts.outside += 1;
      if (r === 255 && g === 255 && b === 255) counts.white += 1;
    }
  }
  return counts;
}

/** A table whose row i is (i, 255 - i, 7), so every colour names its row. */
function rampTable(): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set([i, 255 - i, 7], i * 3);
  return table;
}

describe('font', () => {
  it('has a distinct 5×7 glyph for every printable ASCII character', () => {
    expect(GLYPH_ROWS).toHaveLength(95);
    for (const rows of GLYPH_ROWS) {
      expect(rows).toMatch(/^[0-9a-f]{14}$/);
      for (let r = 0; r < 7; r++) expect(parseInt(rows.slice(r * 2, r * 2 + 2), 16)).toBeLessThan(32);
    }
    expect(new Set(GLYPH_ROWS).size).toBe(95);
  });
});

describe('drawText', () => {
  it('changes pixels inside its box and none outside', () => {
    const image = filledImage(200, 100, 128);
    const box = drawText(image, 'number of detects : 7', 10, 20, { scale: 1 });
    expect(box).toEqual({ x: 10, y: 20, width: 129, height: 11 });
    const changed = changedPixels(image, 128, box);
    expect(changed.outside).toBe(0);
    expect(changed.inBox).toBe(box.width * box.height);
    expect(changed.white).toBeGreaterThan(100);
  });

  it('draws each glyph pixel as a scale × scale white square on a darkened box', () => {
    const image = filledImage(40, 40, 200);
    const box = drawText(image, '.', 0, 0, { scale: 3 });
    // '.' lights columns 1–2 of rows 5–6; with padding 2 and scale 3 that is x 9..14, y 21..26.
    expect(box).toEqual({ x: 0, y: 0, width: 27, height: 33 });
    expect(pixel(image, 9, 21)).toEqual([255, 255, 255]);
    expect(pixel(image, 14, 26)).toEqual([255, 255, 255]);
    expect(pixel(image, 8, 21)).toEqual([70, 70, 70]);
    expect(pixel(image, 15, 26)).toEqual([70, 70, 70]);
    expect(changedPixels(image, 200, box).white).toBe(36);
  });

  it('right alignment ends the box at x', () => {
    const image = filledImage(100, 30, 0);
    const box = drawText(image, '15', 90, 5, { scale: 1, align: 'right' });
    expect(box.x + box.width).toBe(90);
  });

  it('clips at the picture’s edges', () => {
    const image = filledImage(50, 20, 10);
    const box = drawText(image, 'a long line of text', 30, 12, { scale: 2 });
    expect(box).toEqual({ x: 30, y: 12, width: 20, height: 8 });
    expect(changedPixels(image, 10, box).outside).toBe(0);
  });

  it('fits the two-line frame label in every picture size from 160×120 to 3840×2160', () => {
    const label = frameLabel(999, '20230412140023098');
    for (const [width, height] of [[160, 120], [320, 240], [300, 300], [640, 480], [1280, 720], [1920, 1080], [3840, 2160], [1080, 1920]]) {
      const scale = textScale(width, height);
      const size = measureText(label, scale);
      expect(size.width + 8 * scale, `${width}×${height}`).toBeLessThanOrEqual(width);
      expect(size.height, `${width}×${height}`).toBeLessThan(height / 4);
      // at least 7 pixels of glyph height, growing with the picture
      expect(7 * scale).toBeGreaterThanOrEqual(Math.max(7, Math.floor(height / 400)));
    }
    expect([textScale(160, 120), textScale(1920, 1080), textScale(3840, 2160)]).toEqual([1, 4, 8]);
  });
});

describe('frameLabel', () => {
  it('says the number of detections and, when known, the time', () => {
    expect(frameLabel(7)).toBe('number of detects : 7');
    expect(frameLabel(0, '20230412140023098')).toBe('number of detects : 0\n2023-04-12 14:00:23.098Z');
    expect(frameLabel(3, 'frame-12')).toBe('number of detects : 3\nframe-12');
  });
});

describe('colorbar', () => {
  it('spans max colour at the top to min colour at the bottom, in order', () => {
    const image = filledImage(320, 240, 0);
    const table = rampTable();
    const bar = drawColorbar(image, table, 0, 15, { scale: 1 });
    expect(bar.x + bar.width).toBeLessThanOrEqual(320);
    expect(bar.x).toBeGreaterThan(320 - 30);
    expect(bar.height).toBeGreaterThan(200);
    const x = bar.x + (bar.width >> 1);
    expect(pixel(image, x, bar.y)).toEqual([255, 0, 7]);
    expect(pixel(image, x, bar.y + bar.height - 1)).toEqual([0, 255, 7]);
    let previous = 256;
    for (let y = bar.y; y < bar.y + bar.height; y++) {
      const [row, rest, blue] = pixel(image, x, y);
      expect(rest).toBe(255 - row);
      expect(blue).toBe(7);
      expect(row).toBeLessThanOrEqual(previous);
      previous = row;
      // every row of the bar has one colour
      expect(pixel(image, bar.x, y)).toEqual(pixel(image, bar.x + bar.width - 1, y));
    }
  });

  it('writes tick labels to the left of the bar and nothing on the left half', () => {
    const image = filledImage(320, 240, 0);
    const bar = drawColorbar(image, rampTable(), 0, 15, { scale: 1 });
    let labelPixels = 0;
    for (let y = 0; y < 240; y++) {
      for (let x = 0; x < bar.x; x++) {
        const [r, g, b] = pixel(image, x, y);
        if (r === 255 && g === 255 && b === 255) {
          expect(x).toBeGreaterThan(160);
          labelPixels += 1;
        }
      }
    }
    expect(labelPixels).toBeGreaterThan(4 * 20);
  });

  it('starts below `top`', () => {
    const image = filledImage(300, 300, 0);
    const bar = drawColorbar(image, rampTable(), 0, 15, { scale: 1, top: 40 });
    expect(bar.y).toBeGreaterThan(40);
    expect(image.data.subarray(0, 300 * 40 * 3).every((value) => value === 0)).toBe(true);
  });

  it('is drawn legibly at the smallest and largest sizes', () => {
    for (const [width, height] of [[160, 120], [3840, 2160]]) {
      const image = filledImage(width, height, 30);
      const bar = drawColorbar(image, rampTable(), 0, 15);
      expect(bar.height).toBeGreaterThan(height * 0.8);
      expect(bar.width).toBe(8 * textScale(width, height));
    }
  });

  it('ticks run from min to max with nice steps between', () => {
    expect(colorbarTicks(0, 15, 400, 44)).toEqual([0, 5, 10, 15]);
    expect(colorbarTicks(0, 7, 100, 11)).toEqual([0, 2, 4, 7]);
    expect(colorbarTicks(0, 15, 960, 44)).toEqual([0, 5, 10, 15]);
    expect(colorbarTicks(0, 100, 2000, 11)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(colorbarTicks(0, 9, 90, 11)).toEqual([0, 2, 4, 6, 9]);
    expect(colorbarTicks(0, 1, 200, 11)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(colorbarTicks(3, 40, 30, 11)).toEqual([3, 40]);
    expect(formatTick(2.5)).toBe('2.5');
    expect(formatTick(1 / 3)).toBe('0.33');
    expect(formatTick(-0)).toBe('0');
  });
});
