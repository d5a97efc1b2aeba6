/**
 * Grid counts to colours: the only per-frame colour work, one lookup per grid cell.
 *
 * ```ts
 * const grid = Int32Array.from([0, 5, 15, 20]);          // 2×2 grid
 * heatColors(grid, { min: 0, max: 15 }, getColormap('viridis'));
 * // 12 bytes: viridis rows 0, 85, 255, 255 (20 is clipped to max)
 * ```
 */
import { colormapIndex } from '../colormaps/index.js';
import type { ColorScale } from './scale.js';
import type { EmptyCells } from '../settings/types.js';

/**
 * RGB of every cell (3 bytes a cell, in grid order) into `out` (allocated when absent).
 * A count c takes the table row `colormapIndex((c - min) / (max - min), rows)`: the same
 * arithmetic, in the same order, as Matplotlib's `cmap(Normalize(min, max)(c))`.
 */
export function heatColors(grid: ArrayLike<number>, scale: ColorScale, table: Uint8Array, out?: Uint8Array): Uint8Array {
  const colors = out ?? new Uint8Array(grid.length * 3);
  const entries = table.length / 3;
  const range = scale.max - scale.min;
  for (let cell = 0, o = 0; cell < grid.length; cell++, o += 3) {
    const row = colormapIndex((grid[cell] - scale.min) / range, entries) * 3;
    colors[o] = table[row];
    colors[o + 1] = table[row + 1];
    colors[o + 2] = table[row + 2];
  }
  return colors;
}

/**
 * RGBA of every cell (4 bytes a cell, in grid order) into `out` (allocated when absent): the
 * colours of `heatColors`, alpha 255 where the heat is drawn and 0 where a cell's count is 0
 * and `emptyCells` is `clear`, so the picture under an empty cell stays untouched.
 *
 * ```ts
 * heatColorsRgba(Int32Array.of(0, 15), { min: 0, max: 15 }, getColormap('Reds'), 'clear');
 * // [Reds row 0 RGB, 0,  Reds row 255 RGB, 255]
 * ```
 */
export function heatColorsRgba(
  grid: Int32Array,
  scale: ColorScale,
  table: Uint8Array,
  emptyCells: EmptyCells,
  out?: Uint8Array,
): Uint8Array {
  const colors = out ?? new Uint8Array(grid.length * 4);
  const entries = table.length / 3;
  const range = scale.max - scale.min;
  const clear = emptyCells === 'clear';
  for (let cell = 0, o = 0; cell < grid.length; cell++, o += 4) {
    const row = colormapIndex((grid[cell] - scale.min) / range, entries) * 3;
    colors[o] = table[row];
    colors[o + 1] = table[row + 1];
    colors[o + 2] = table[row + 2];
    colors[o + 3] = clear && grid[cell] <= 0 ? 0 : 255;
  }
  return colors;
}

/**
 * The coverage of each cell as an RGB "colour" (0,0,0 for a clear empty cell, else
 * 255,255,255): stretched with the same `Upscale` as the colours, it says per output byte how
 * much of the heat to blend (`blendCovered`), so edges soften under bilinear as in the video.
 */
export function heatCoverage(grid: ArrayLike<number>, emptyCells: EmptyCells, out?: Uint8Array): Uint8Array {
  const coverage = out ?? new Uint8Array(grid.length * 3);
  const clear = emptyCells === 'clear';
  for (let cell = 0, o = 0; cell < grid.length; cell++, o += 3) {
    const value = clear && grid[cell] <= 0 ? 0 : 255;
    coverage[o] = value;
    coverage[o + 1] = value;
    coverage[o + 2] = value;
  }
  return coverage;
}
