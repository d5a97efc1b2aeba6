/**
 * What the timeline's colour legend says: the scale's ends, whether the top end saturates (a
 * cell on screen counts more than the scale's max, so the top colour means "max or more"), and
 * the unit of the counts.
 *
 * ```ts
 * legendText({ min: 0, max: 15 }, 45, 15)
 * // { low: '0', high: '15+', saturated: true, unit: 'people in the last 15 frames' }
 * ```
 */
import type { ColorScale } from '../../src-shared/render/index.js';
import { formatFigure } from './figure.js';

export interface LegendText {
  low: string;
  /** The top of the scale, with `+` when a count on screen is above it. */
  high: string;
  saturated: boolean;
  /** What a count is: people summed over the window. */
  unit: string;
}

/**
 * The legend of a frame whose highest cell counts `frameMax`, with a window of `windowFrames`
 * frames (`last_valid_frame`; 0 sums every frame so far).
 */
export function legendText(scale: ColorScale, frameMax: number, windowFrames: number): LegendText {
  const saturated = frameMax > scale.max;
  return {
    low: formatFigure(scale.min),
    high: `${formatFigure(scale.max)}${saturated ? '+' : ''}`,
    saturated,
    unit: windowUnit(windowFrames),
  };
}

/** The unit of a window's counts, as the legend and its tooltip say it. */
export function windowUnit(windowFrames: number): string {
  if (windowFrames === 0) return 'people counted so far (all frames)';
  return windowFrames === 1 ? 'people in this frame' : `people in the last ${windowFrames} frames`;
}

/** The highest count of a grid (0 for an empty one). */
export function gridMax(grid: ArrayLike<number>): number {
  let highest = 0;
  for (let i = 0; i < grid.length; i++) if (grid[i] > highest) highest = grid[i];
  return highest;
}

/**
 * The `max` that fits the scale to the data: the run's real peak (its highest cell count in any
 * frame), at least `min + 1` so the scale never collapses; null when that is already the max.
 */
export function fittedMax(scale: ColorScale, runPeak: number): number | null {
  const fitted = Math.max(runPeak, scale.min + 1);
  return fitted === scale.max ? null : fitted;
}
