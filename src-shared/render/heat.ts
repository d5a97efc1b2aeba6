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
