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
 * The label strips of one run, each text drawn once: a run without timestamps shows a few dozen
 * distinct counts over thousands of frames. A strip handed out is never written to again, so
 * the same bytes may sit in a pipe more than once.
 */
export class LabelStrips {
  private readonly kept = new Map<string, Uint8Array>();
  constructor(private readonly layout: StripLayout) {}

  /** The RGBA strip of `text` (see `labelStrip`). */
  strip(text: string): Uint8Array {
    const known = this.kept.get(text);
    if (known !== undefined) return known;
    const drawn = labelStrip(this.layout, text);
    // Oldest first out: a Map iterates in insertion order.
    if (this.kept.size >= KEPT_LABELS) this.kept.delete(this.kept.keys().next().value as string);
    this.kept.set(text, drawn);
    return drawn;
  }
}

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
