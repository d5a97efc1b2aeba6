/**
 * A labelled colour scale at the right edge of a picture, like Matplotlib's colorbar: the top
 * of the bar is the colour of `max`, the bottom the colour of `min`, tick labels to its left.
 *
 * ```ts
 * const bar = drawColorbar(image, getColormap('Reds'), 0, 15);
 * // bar: the bar's own pixels; ticks 0, 5, 10, 15 are written beside it
 * ```
 */
import { colormapIndex } from '../colormaps/index.js';
import type { RgbImage } from '../frames.js';
import { drawText, measureText, textScale, type PixelBox } from './text.js';

export interface ColorbarOptions {
  /** Font and bar scale; defaults to `textScale` of the target. */
  scale?: number;
  /** First row the colorbar (with its labels) may use, e.g. below a label drawn at the top. */
  top?: number;
}

/** Font units (times the scale) of the bar's layout, from the picture's right edge leftwards. */
const EDGE_MARGIN = 4;
const BORDER_WIDTH = 1;
const BAR_WIDTH = 8;
const TICK_LENGTH = 2;
const LABEL_GAP = 3;
/** Font units the colorbar takes right of its tick labels' boxes. */
const BODY_WIDTH = EDGE_MARGIN + 2 * BORDER_WIDTH + BAR_WIDTH + TICK_LENGTH + LABEL_GAP;
const BORDER_VALUE = 0;
const TICK_VALUE = 255;
/** Target spacing of ticks, in label heights, before rounding the step to a nice number. */
const TICK_SPACING_IN_LABELS = 2.5;
/** An inner tick closer than this (in label heights) to an end tick is left out. */
const END_CLEARANCE_IN_LABELS = 1.5;
const MAX_INTERVALS = 5;

/**
 * Draws the colorbar for counts `min`…`max` and returns the box of the bar's colour rows.
 * Row j of that box (0 at the top) has the table row `colormapIndex(1 - j / (height - 1))`,
 * so the top row is the table's last colour and the bottom row its first.
 */
export function drawColorbar(target: RgbImage, table: Uint8Array, min: number, max: number, options: ColorbarOptions = {}): PixelBox {
  const scale = options.scale ?? textScale(target.width, target.height);
  const labelHeight = measureText('0', scale).height;
  const margin = EDGE_MARGIN * scale;
  const border = BORDER_WIDTH * scale;
  // Half a label above and below the bar, so the end labels centre on the end rows.
  const inset = margin + (labelHeight >> 1);
  const outer: PixelBox = {
    x: target.width - margin - BAR_WIDTH * scale - 2 * border,
    y: Math.max(options.top ?? 0, 0) + inset,
    width: BAR_WIDTH * scale + 2 * border,
    height: 0,
  };
  const outerHeight = target.height - inset - outer.y;
  if (outer.x < 0 || outerHeight < 2 * border + 2) return { x: 0, y: 0, width: 0, height: 0 };
  const bar: PixelBox = {
    x: outer.x + border,
    y: outer.y + border,
    width: BAR_WIDTH * scale,
    height: outerHeight - 2 * border,
  };

  fillBox(target, { ...outer, height: outerHeight }, BORDER_VALUE);
  paintGradient(target, bar, table);

  const ticks = colorbarTicks(min, max, bar.height, labelHeight);
  for (const tick of ticks) {
    const y = bar.y + Math.round((1 - (tick - min) / (max - min)) * (bar.height - 1));
    fillBox(target, { x: outer.x - TICK_LENGTH * scale, y: Math.max(y - (scale >> 1), 0), width: TICK_LENGTH * scale, height: scale }, TICK_VALUE);
    const labelTop = Math.min(Math.max(y - (labelHeight >> 1), 0), target.height - labelHeight);
    drawText(target, formatTick(tick), outer.x - (TICK_LENGTH + LABEL_GAP) * scale, labelTop, { scale, align: 'right' });
  }
  return bar;
}

/**
 * Pixels from the picture's right edge that a colorbar at `scale` covers when its widest tick
 * label is `widestTick`: the width of a strip that holds it whole.
 *
 * ```ts
 * colorbarWidth('15', 4) // 136: the label's box (60) and the bar with its margin, borders, tick and gap (76)
 * ```
 */
export function colorbarWidth(widestTick: string, scale: number): number {
  return measureText(widestTick, scale).width + BODY_WIDTH * scale;
}

/**
 * Tick values from `min` to `max`: both ends always, and in between the multiples of a nice
 * step (1, 2 or 5 × 10^k) that leave room for their labels on a bar `barHeight` pixels tall.
 *
 * ```ts
 * colorbarTicks(0, 15, 400, 44) // [0, 5, 10, 15]
 * colorbarTicks(0, 9, 90, 11)   // [0, 2, 4, 6, 9]  (8 would crowd the 9)
 * ```
 */
export function colorbarTicks(min: number, max: number, barHeight: number, labelHeight: number): number[] {
  const span = max - min;
  if (!(span > 0) || barHeight <= 0) return [min];
  const pixelsPerUnit = (barHeight - 1) / span;
  const wanted = Math.min(Math.max(Math.floor(barHeight / (labelHeight * TICK_SPACING_IN_LABELS)), 1), MAX_INTERVALS);
  const step = niceStep(span / wanted, span / MAX_INTERVALS);
  const clearance = labelHeight * END_CLEARANCE_IN_LABELS;
  const ticks = [min];
  for (let k = Math.ceil(min / step); k * step < max; k++) {
    const value = roundToStep(k * step, step);
    if (value <= min) continue;
    const clearOfMin = (value - min) * pixelsPerUnit >= clearance;
    const clearOfMax = (max - value) * pixelsPerUnit >= clearance;
    if (clearOfMin && clearOfMax) ticks.push(value);
  }
  ticks.push(max);
  return ticks;
}

/** A tick as text: integers as they are, other values with at most two decimals. */
export function formatTick(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/**
 * The 1, 2 or 5 × 10^k nearest to `rough` (by ratio), as in the usual axis tick series, but
 * not below `smallest` (which keeps the number of ticks bounded).
 */
function niceStep(rough: number, smallest: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const candidates = [1, 2, 5, 10, 20].map((factor) => factor * power).filter((step) => step >= smallest);
  let best = candidates[0];
  for (const step of candidates) {
    if (Math.abs(Math.log(step / rough)) < Math.abs(Math.log(best / rough))) best = step;
  }
  return best;
}

/** Removes float noise such as 0.30000000000000004 from a multiple of `step`. */
function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(decimals));
}

function paintGradient(target: RgbImage, bar: PixelBox, table: Uint8Array): void {
  const { data, width } = target;
  const entries = table.length / 3;
  const lastRow = Math.max(bar.height - 1, 1);
  for (let j = 0; j < bar.height; j++) {
    const row = colormapIndex(1 - j / lastRow, entries) * 3;
    const start = ((bar.y + j) * width + bar.x) * 3;
    for (let o = start; o < start + bar.width * 3; o += 3) {
      data[o] = table[row];
      data[o + 1] = table[row + 1];
      data[o + 2] = table[row + 2];
    }
  }
}

function fillBox(target: RgbImage, box: PixelBox, value: number): void {
  const { data, width } = target;
  const x0 = Math.max(box.x, 0);
  const x1 = Math.min(box.x + box.width, width);
  for (let y = Math.max(box.y, 0); y < Math.min(box.y + box.height, target.height); y++) {
    data.fill(value, (y * width + x0) * 3, (y * width + x1) * 3);
  }
}
