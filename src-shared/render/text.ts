/**
 * Text on RGB pictures with the built-in bitmap font: white glyphs on a darkened box, so a
 * label stays readable over any heat colour or camera picture.
 *
 * ```ts
 * const image = { width: 1920, height: 1080, data: new Uint8Array(1920 * 1080 * 3) };
 * const box = drawText(image, 'number of detects : 7', 16, 16, { scale: textScale(1920, 1080) });
 * // box = { x: 16, y: 16, width: 516, height: 44 }  (scale 4)
 * ```
 */
import type { RgbImage } from '../frames.js';
import { FIRST_GLYPH_CODE, GLYPH_HEIGHT, GLYPH_ROWS, GLYPH_WIDTH } from './font.js';

/** A rectangle of pixels: `x`, `y` are its top-left corner. */
export interface PixelBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface TextOptions {
  /** Integer magnification of the 5×7 font; defaults to `textScale` of the target. */
  scale?: number;
  /** `left` (default): `x` is the box's left edge; `right`: `x` is one past its right edge. */
  align?: 'left' | 'right';
}

/** Font units (before scaling) of the box around text. */
const GLYPH_ADVANCE = GLYPH_WIDTH + 1;
const LINE_ADVANCE = GLYPH_HEIGHT + 2;
const BOX_PADDING = 2;
/** The box keeps 90/256 of the picture under it: dark enough for white text, still see-through. */
const BOX_SHADE = 90;
const TEXT_VALUE = 255;
const REPLACEMENT_GLYPH = '?'.charCodeAt(0) - FIRST_GLYPH_CODE;

/**
 * The integer font scale for a picture: grows with the height (about one font pixel per 270
 * picture rows, so a label is ~2.6 % of the height) and never so big that
 * `number of detects : 999` overflows the width.
 *
 * ```ts
 * textScale(160, 120)   // 1
 * textScale(1920, 1080) // 4
 * textScale(3840, 2160) // 8
 * ```
 */
export function textScale(width: number, height: number): number {
  return Math.max(1, Math.min(Math.round(height / 270), Math.floor(width / 160)));
}

/** Width and height of the box `drawText` would draw (lines split at `\n`). */
export function measureText(text: string, scale: number): { width: number; height: number } {
  const lines = text.split('\n');
  const longest = Math.max(...lines.map((line) => line.length));
  return {
    width: (Math.max(longest * GLYPH_ADVANCE - 1, 0) + 2 * BOX_PADDING) * scale,
    height: (lines.length * LINE_ADVANCE - (LINE_ADVANCE - GLYPH_HEIGHT) + 2 * BOX_PADDING) * scale,
  };
}

/**
 * Draws `text` (lines split at `\n`; characters outside printable ASCII as `?`) into
 * `target` with its box's top-left corner at (`x`, `y`), and returns the box as drawn
 * (clipped to the picture). Nothing outside the returned box changes.
 */
export function drawText(target: RgbImage, text: string, x: number, y: number, options: TextOptions = {}): PixelBox {
  const scale = options.scale ?? textScale(target.width, target.height);
  const size = measureText(text, scale);
  const left = Math.round(options.align === 'right' ? x - size.width : x);
  const top = Math.round(y);
  const box = clipBox(left, top, size.width, size.height, target);
  if (box.width === 0 || box.height === 0) return box;

  shadeBox(target, box);
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const lineTop = top + (BOX_PADDING + line * LINE_ADVANCE) * scale;
    const content = lines[line];
    for (let i = 0; i < content.length; i++) {
      const glyphLeft = left + (BOX_PADDING + i * GLYPH_ADVANCE) * scale;
      drawGlyph(target, glyphIndex(content.charCodeAt(i)), glyphLeft, lineTop, scale, box);
    }
  }
  return box;
}

function glyphIndex(code: number): number {
  const index = code - FIRST_GLYPH_CODE;
  return index >= 0 && index < GLYPH_ROWS.length ? index : REPLACEMENT_GLYPH;
}

function clipBox(x: number, y: number, width: number, height: number, target: RgbImage): PixelBox {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  const right = Math.min(target.width, x + width);
  const bottom = Math.min(target.height, y + height);
  return { x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

function shadeBox(target: RgbImage, box: PixelBox): void {
  const { data, width } = target;
  for (let row = box.y; row < box.y + box.height; row++) {
    const start = (row * width + box.x) * 3;
    const end = start + box.width * 3;
    for (let i = start; i < end; i++) data[i] = (data[i] * BOX_SHADE) >> 8;
  }
}

function drawGlyph(target: RgbImage, glyph: number, left: number, top: number, scale: number, clip: PixelBox): void {
  const rows = GLYPH_ROWS[glyph];
  const { data, width } = target;
  const clipRight = clip.x + clip.width;
  const clipBottom = clip.y + clip.height;
  for (let glyphRow = 0; glyphRow < GLYPH_HEIGHT; glyphRow++) {
    const bits = parseInt(rows.slice(glyphRow * 2, glyphRow * 2 + 2), 16);
    if (bits === 0) continue;
    for (let glyphColumn = 0; glyphColumn < GLYPH_WIDTH; glyphColumn++) {
      if ((bits & (1 << (GLYPH_WIDTH - 1 - glyphColumn))) === 0) continue;
      const x0 = Math.max(left + glyphColumn * scale, clip.x);
      const x1 = Math.min(left + (glyphColumn + 1) * scale, clipRight);
      const y0 = Math.max(top + glyphRow * scale, clip.y);
      const y1 = Math.min(top + (glyphRow + 1) * scale, clipBottom);
      for (let y = y0; y < y1; y++) {
        data.fill(TEXT_VALUE, (y * width + x0) * 3, (y * width + x1) * 3);
      }
    }
  }
}
