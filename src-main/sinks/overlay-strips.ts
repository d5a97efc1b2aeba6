/**
 * The label and the colorbar as RGBA strips for ffmpeg to lay over the video, drawn by the same
 * renderer functions (and at the same places) as `FrameRenderer`, so the video, heatmap.png and
 * the app's preview look alike.
 *
 * The renderer draws onto RGB pictures (its text box darkens what is under it), so a strip is
 * drawn twice, onto black and onto white: where both agree the strip is opaque, where they
 * differ by d the picture shows through with weight d/255, and that weight is the alpha.
 */
import type { RgbImage } from '../../src-shared/frames.js';
import { colorbarWidth, drawColorbar, drawText, measureText, textScale } from '../../src-shared/render/index.js';
import type { ColorScale } from '../../src-shared/render/index.js';
import type { StripSpec } from '../ffmpeg/encoder.js';

/** Font units between the picture's edge and the label, as in `FrameRenderer`. */
const LABEL_MARGIN = 4;
/** The widest label a strip leaves room for: seven-digit counts and a timestamp line. */
const WIDEST_LABEL = 'number of detects : 9999999\n0000-00-00 00:00:00.000Z';
/** The widest tick label a colorbar strip leaves room for. */
export const WIDEST_TICK = '-9999.99';

export interface StripLayout {
  label: StripSpec;
  colorbar: StripSpec;
  fontScale: number;
  /** The label's top-left corner inside its strip (and in the picture). */
  margin: number;
  /** First row the colorbar may use, below a two-line label. */
  colorbarTop: number;
}

export function stripLayout(width: number, height: number): StripLayout {
  const fontScale = textScale(width, height);
  const margin = LABEL_MARGIN * fontScale;
  const label = measureText(WIDEST_LABEL, fontScale);
  const colorbarStripWidth = Math.min(width, colorbarWidth(WIDEST_TICK, fontScale));
  return {
    fontScale,
    margin,
    colorbarTop: margin + measureText('\n', fontScale).height,
    label: { x: 0, y: 0, width: Math.min(width, margin + label.width), height: Math.min(height, margin + label.height) },
    colorbar: { x: width - colorbarStripWidth, y: 0, width: colorbarStripWidth, height },
  };
}

/** RGBA of what `paint` draws on a `width`×`height` picture, with alpha recovered as described above. */
export function paintRgba(width: number, height: number, paint: (target: RgbImage) => void): Uint8Array {
  const onBlack: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  const onWhite: RgbImage = { width, height, data: new Uint8Array(width * height * 3).fill(255) };
  paint(onBlack);
  paint(onWhite);
  const rgba = new Uint8Array(width * height * 4);
  const black = onBlack.data;
  const white = onWhite.data;
  for (let pixel = 0, i = 0, o = 0; pixel < width * height; pixel++, i += 3, o += 4) {
    const b0 = black[i];
    const b1 = black[i + 1];
    const b2 = black[i + 2];
    const w0 = white[i];
    const w1 = white[i + 1];
    const w2 = white[i + 2];
    // Most of a strip is untouched: black on black, white on white, fully clear (alpha and colour stay 0).
    if ((b0 | b1 | b2) === 0 && (w0 & w1 & w2) === 255) continue;
    // The channel with the most contrast gives the best estimate; all three agree up to rounding.
    const showThrough = Math.max(w0 - b0, w1 - b1, w2 - b2);
    const alpha = 255 - showThrough;
    rgba[o + 3] = alpha;
    if (alpha === 0) continue;
    // On black the result is alpha × colour; undo the premultiplication.
    rgba[o] = Math.min(255, Math.round((b0 * 255) / alpha));
    rgba[o + 1] = Math.min(255, Math.round((b1 * 255) / alpha));
    rgba[o + 2] = Math.min(255, Math.round((b2 * 255) / alpha));
  }
  return rgba;
}

/** Label strips kept by their text: counts repeat from frame to frame when frames carry no timestamp. */
const KEPT_LABELS = 64;

/**
 * The label strips of one run as gray and alpha (`grayAlpha` of `labelStrip`), each text drawn
 * once: a run without timestamps shows a few dozen distinct counts over thousands of frames. A
 * strip handed out is never written to again, so the same bytes may sit in a pipe more than once.
 */
export class LabelStrips {
  private readonly kept = new Map<string, Uint8Array>();
  constructor(private readonly layout: StripLayout) {}

  /** The gray-and-alpha strip of `text`: `grayAlpha(labelStrip(layout, text))`, 2 bytes a pixel. */
  strip(text: string): Uint8Array {
    const known = this.kept.get(text);
    if (known !== undefined) return known;
    const drawn = grayAlpha(labelStrip(this.layout, text));
    // Oldest first out: a Map iterates in insertion order.
    if (this.kept.size >= KEPT_LABELS) this.kept.delete(this.kept.keys().next().value as string);
    this.kept.set(text, drawn);
    return drawn;
  }
}

/**
 * An RGBA strip (4 bytes a pixel, from `paintRgba`) whose every pixel is black or white, as gray
 * and alpha (ffmpeg's `ya8`: 2 bytes a pixel, the gray then the alpha). The label is such a strip
 * (white text on a translucent black box). Laid over a yuv420p picture by `overlay`, the ya8 strip
 * gives the very same bytes as the RGBA one: ffmpeg converts black and white to the same Y (16,
 * 235) from gray as from RGB, and the chroma of both is exactly 128, with any alpha
 * (test/video/compositing.test.ts compares the composited frames). Other grays do not round
 * alike (a few values differ by one), so any other colour is refused: RangeError naming the
 * first such pixel, and when `rgba` is not whole pixels.
 */
export function grayAlpha(rgba: Uint8Array): Uint8Array {
  if (rgba.length % 4 !== 0) throw new RangeError(`grayAlpha: ${rgba.length} bytes are not whole RGBA pixels`);
  const out = new Uint8Array(rgba.length / 2);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 2) {
    const red = rgba[i];
    if ((red !== 0 && red !== 255) || rgba[i + 1] !== red || rgba[i + 2] !== red) {
      throw new RangeError(`grayAlpha: pixel ${i / 4} is (${red}, ${rgba[i + 1]}, ${rgba[i + 2]}), neither black nor white`);
    }
    out[o] = red;
    out[o + 1] = rgba[i + 3];
  }
  return out;
}

/** RGBA of `text` drawn as the label (white on a translucent black box) on the label strip, 4 bytes a pixel. */
export function labelStrip(layout: StripLayout, text: string): Uint8Array {
  const { label } = layout;
  return paintRgba(label.width, label.height, (target) => {
    drawText(target, text, layout.margin, layout.margin, { scale: layout.fontScale });
  });
}

export function colorbarStrip(layout: StripLayout, table: Uint8Array, scale: ColorScale): Uint8Array {
  const { colorbar } = layout;
  return paintRgba(colorbar.width, colorbar.height, (target) => {
    drawColorbar(target, table, scale.min, scale.max, { scale: layout.fontScale, top: layout.colorbarTop });
  });
}

/** A strip cut down to the part of it that is drawn: where it goes in the picture, and its RGBA. */
export interface TrimmedStrip {
  spec: StripSpec;
  rgba: Uint8Array;
}

/**
 * Clear pixels kept around the drawn part of a trimmed strip. ffmpeg converts a strip's RGBA to
 * yuva420p with a scaler whose chroma filter reads a few pixels either side (bicubic, 2:1: up to
 * four); with this many clear pixels inside the cut, what it reads past the cut's edge (the
 * edge repeated) is what it read there before (clear pixels), so every converted value is the same.
 */
const TRIM_PADDING = 8;

/**
 * `rgba` (the strip at `spec`, from `paintRgba`) cut down to the box around its pixels with any
 * alpha, widened by TRIM_PADDING clear pixels on each side and to even coordinates and sizes (in
 * the picture), within the strip. Laid over a yuv420p picture by ffmpeg's `overlay`, the trimmed
 * strip gives the very same picture, byte for byte, while `overlay` blends only its rectangle:
 * outside the box every pixel is fully clear, and a clear pixel leaves the picture as it was (the
 * blend rounds `d·255/255` back to `d`); even edges keep each 2×2 chroma block wholly in or out
 * (test/video/compositing.test.ts checks the encoded bytes). For the static colorbar, drawn once a
 * run: its tick labels and bar take about 40 % of the strip's full-height rectangle, which
 * `overlay` would otherwise blend on every frame. A strip with nothing drawn keeps its first
 * 2×2 pixels (clear). Throws RangeError when `rgba` is not `spec`'s size.
 */
export function trimStrip(spec: StripSpec, rgba: Uint8Array): TrimmedStrip {
  const { width, height } = spec;
  if (rgba.length !== width * height * 4) throw new RangeError(`trimStrip: ${rgba.length} bytes for a ${width}×${height} RGBA strip`);
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < width; x++) {
      if (rgba[row + x * 4 + 3] === 0) continue;
      if (y < top) top = y;
      bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  if (bottom < 0) {
    const corner: StripSpec = { x: spec.x, y: spec.y, width: Math.min(2, width), height: Math.min(2, height) };
    return { spec: corner, rgba: new Uint8Array(corner.width * corner.height * 4) };
  }
  // In picture coordinates: even start and even end (exclusive), clamped to the strip.
  const evenDown = (value: number): number => value - (value & 1);
  const evenUp = (value: number): number => value + (value & 1);
  const x0 = Math.max(spec.x, evenDown(spec.x + left - TRIM_PADDING));
  const y0 = Math.max(spec.y, evenDown(spec.y + top - TRIM_PADDING));
  const x1 = Math.min(spec.x + width, evenUp(spec.x + right + 1 + TRIM_PADDING));
  const y1 = Math.min(spec.y + height, evenUp(spec.y + bottom + 1 + TRIM_PADDING));
  const cut: StripSpec = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const out = new Uint8Array(cut.width * cut.height * 4);
  for (let y = 0; y < cut.height; y++) {
    const from = ((y0 - spec.y + y) * width + (x0 - spec.x)) * 4;
    out.set(rgba.subarray(from, from + cut.width * 4), y * cut.width * 4);
  }
  return { spec: cut, rgba: out };
}
