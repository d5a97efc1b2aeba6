/**
 * The heat overlay of the timeline, with the math of the video (SPEC §4): a cell's count
 * normalised by min/max and clipped, looked up in the Matplotlib table, each cell expanded to
 * its block of pixels (nearest), blended as `(1-transparency)*image + transparency*heat`.
 */
import { colormapIndex } from '../../src-shared/colormaps/index.js';
import type { GridParams, OutputSettings } from '../../src-shared/settings/types.js';

export interface ColourScale {
  min: number;
  max: number;
}

/** `max: 0` means W when W > 0, else the running maximum up to this frame. */
export function colourScaleOf(output: OutputSettings, params: GridParams, runningMax: number): ColourScale {
  if (output.max > 0) return { min: output.min, max: output.max };
  return { min: output.min, max: params.last_valid_frame > 0 ? params.last_valid_frame : runningMax };
}

/** The table row of `count`: min maps to the first row, max and above to the last. */
export function colourRow(count: number, scale: ColourScale, entries: number): number {
  const span = scale.max - scale.min;
  const fraction = span > 0 ? (count - scale.min) / span : 0;
  return colormapIndex(fraction, entries);
}

/** The cell under pixel (x, y) of a picture `width × height` showing a `columns × rows` grid, or null outside it. */
export function cellAt(
  x: number,
  y: number,
  width: number,
  height: number,
  columns: number,
  rows: number,
): { h: number; v: number } | null {
  if (!(x >= 0 && y >= 0 && x < width && y < height)) return null;
  return {
    h: Math.min(columns - 1, Math.floor((x * columns) / width)),
    v: Math.min(rows - 1, Math.floor((y * rows) / height)),
  };
}

export interface HeatPicture {
  grid: ArrayLike<number>;
  columns: number;
  rows: number;
  scale: ColourScale;
  /** RGB table, 3 bytes a row. */
  table: Uint8Array;
  /** RGBA pixels of the frame picture, or null to draw the heat colours alone. */
  image: Uint8ClampedArray | null;
  transparency: number;
}

/** RGBA pixels `width × height` of the heat (over the image when given). */
export function paintHeat(picture: HeatPicture, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const { grid, columns, rows, scale, table, image, transparency } = picture;
  const entries = table.length / 3;
  const cellRgb = new Uint8Array(columns * rows * 3);
  for (let cell = 0; cell < columns * rows; cell++) {
    const row = colourRow(grid[cell], scale, entries) * 3;
    cellRgb[cell * 3] = table[row];
    cellRgb[cell * 3 + 1] = table[row + 1];
    cellRgb[cell * 3 + 2] = table[row + 2];
  }
  const columnOf = new Int32Array(width);
  for (let x = 0; x < width; x++) columnOf[x] = Math.min(columns - 1, Math.floor((x * columns) / width));
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const rowBase = Math.min(rows - 1, Math.floor((y * rows) / height)) * columns;
    for (let x = 0; x < width; x++) {
      const source = (rowBase + columnOf[x]) * 3;
      const target = (y * width + x) * 4;
      for (let channel = 0; channel < 3; channel++) {
        const heat = cellRgb[source + channel];
        out[target + channel] =
          image === null ? heat : Math.round((1 - transparency) * image[target + channel] + transparency * heat);
      }
      out[target + 3] = 255;
    }
  }
  return out;
}
