/**
 * The heat overlay of the timeline, drawn with the video's own functions (src-shared/render):
 * the same colour scale, the same table rows, the same blocks of pixels and the same blend, so
 * a frame in the app looks as it does in the MP4.
 */
import { blendCovered, colorScale, heatColors, heatCoverage, upscaleBilinear, upscaleNearest, type ColorScale } from '../../src-shared/render/index.js';
import type { GridParams, OutputSettings } from '../../src-shared/settings/types.js';

/** The colour scale of a frame whose running maximum (highest count so far) is `runningMax`. */
export function colourScaleOf(output: OutputSettings, params: GridParams, runningMax: number): ColorScale {
  return colorScale(output.min, output.max, params.last_valid_frame, runningMax);
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
  scale: ColorScale;
  /** RGB table, 3 bytes a row. */
  table: Uint8Array;
  interpolation: OutputSettings['interpolation'];
  /** RGBA pixels of the frame picture (as a canvas gives them), or null to draw the heat colours alone. */
  image: Uint8ClampedArray | null;
  transparency: number;
  /** What cells with count 0 draw over the picture (`output_settings.empty_cells`), as in the video and heatmap.png. */
  emptyCells: OutputSettings['empty_cells'];
}

/** RGBA pixels `width × height` for a canvas: the heat, over the picture when given. */
export function paintHeat(picture: HeatPicture, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const { columns, rows, table, image } = picture;
  // Float: period grids hold person-seconds (fractions of a second count); window grids are whole counts either way.
  const grid = Float64Array.from(picture.grid);
  const cells = heatColors(grid, picture.scale, table);
  const upscale = picture.interpolation === 'bilinear' ? upscaleBilinear : upscaleNearest;
  const heat = upscale(cells, columns, rows, width, height);
  const coverage = image === null ? null : upscale(heatCoverage(grid, picture.emptyCells), columns, rows, width, height);
  const rgb = image === null || coverage === null ? heat : blendCovered(rgbOf(image), heat, coverage, picture.transparency);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel++) {
    rgba[pixel * 4] = rgb[pixel * 3];
    rgba[pixel * 4 + 1] = rgb[pixel * 3 + 1];
    rgba[pixel * 4 + 2] = rgb[pixel * 3 + 2];
    rgba[pixel * 4 + 3] = 255;
  }
  return rgba;
}

function rgbOf(rgba: Uint8ClampedArray): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let pixel = 0; pixel < rgba.length / 4; pixel++) {
    rgb[pixel * 3] = rgba[pixel * 4];
    rgb[pixel * 3 + 1] = rgba[pixel * 4 + 1];
    rgb[pixel * 3 + 2] = rgba[pixel * 4 + 2];
  }
  return rgb;
}

/**
 * A CSS gradient of the colormap from the scale's min (left) to its max (right), sampled at
 * `stops` evenly spaced table rows: the timeline's legend, in the colours the cells use.
 */
export function legendGradient(table: Uint8Array, stops = 16): string {
  const rows = table.length / 3;
  const colours: string[] = [];
  for (let stop = 0; stop < stops; stop++) {
    const row = Math.round((stop / (stops - 1)) * (rows - 1)) * 3;
    colours.push(`rgb(${table[row]}, ${table[row + 1]}, ${table[row + 2]}) ${((stop / (stops - 1)) * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${colours.join(', ')})`;
}

/**
 * The RGBA pixels (`width × height`) of a bucket thumbnail: the heat alone, each block of the
 * thumbnail grid drawn over the cells it covers in the `columns × rows` grid (cell (h, v) takes
 * block (⌊h/factor⌋, ⌊v/factor⌋)), so the picture keeps the grid's proportions when the grid is
 * not a multiple of `factor`. The pixels are those of `paintHeat` over that spread grid (a cell's colour
 * depends on its value alone); the colours are looked up once a block, not once a cell, as a strip
 * paints 168 thumbnails of a week by hour at once.
 *
 * @throws RangeError when `thumbnail` is not the size `blockMax` makes for these arguments.
 */
export function paintThumbnail(
  thumbnail: readonly number[],
  columns: number,
  rows: number,
  factor: number,
  colours: Pick<HeatPicture, 'scale' | 'table' | 'interpolation'>,
  width: number,
  height: number,
): Uint8ClampedArray<ArrayBuffer> {
  const thumbColumns = Math.ceil(columns / factor);
  const thumbRows = Math.ceil(rows / factor);
  if (thumbnail.length !== thumbColumns * thumbRows) {
    throw new RangeError(`a thumbnail of ${thumbnail.length} cells is not ${thumbColumns} × ${thumbRows} (blocks of ${factor} over ${columns} × ${rows})`);
  }
  const blockColours = heatColors(thumbnail, colours.scale, colours.table);
  const rgba = new Uint8ClampedArray(width * height * 4);
  if (colours.interpolation === 'nearest') {
    // Pixel (x, y) shows cell (⌊x·columns/width⌋, ⌊y·rows/height⌋), as upscaleNearest draws it, and so that cell's block.
    const blockColumn = Int32Array.from({ length: width }, (_, x) => Math.floor(Math.floor((x * columns) / width) / factor));
    for (let y = 0, o = 0; y < height; y++) {
      const rowStart = Math.floor(Math.floor((y * rows) / height) / factor) * thumbColumns;
      for (let x = 0; x < width; x++, o += 4) {
        const from = (rowStart + blockColumn[x]) * 3;
        rgba[o] = blockColours[from];
        rgba[o + 1] = blockColours[from + 1];
        rgba[o + 2] = blockColours[from + 2];
        rgba[o + 3] = 255;
      }
    }
    return rgba;
  }
  // Bilinear blends neighbouring cells: every cell takes its block's colour, and the cells are stretched.
  // A row of cells is built once a block row and copied to the block's other rows.
  const rowBytes = columns * 3;
  const cells = new Uint8Array(rows * rowBytes);
  for (let blockRow = 0; blockRow < thumbRows; blockRow++) {
    const firstRow = blockRow * factor;
    const start = firstRow * rowBytes;
    for (let h = 0; h < columns; h++) {
      const from = (blockRow * thumbColumns + Math.floor(h / factor)) * 3;
      cells[start + h * 3] = blockColours[from];
      cells[start + h * 3 + 1] = blockColours[from + 1];
      cells[start + h * 3 + 2] = blockColours[from + 2];
    }
    for (let v = firstRow + 1; v < Math.min(firstRow + factor, rows); v++) cells.copyWithin(v * rowBytes, start, start + rowBytes);
  }
  const heat = upscaleBilinear(cells, columns, rows, width, height);
  for (let pixel = 0, o = 0; pixel < width * height * 3; pixel += 3, o += 4) {
    rgba[o] = heat[pixel];
    rgba[o + 1] = heat[pixel + 1];
    rgba[o + 2] = heat[pixel + 2];
    rgba[o + 3] = 255;
  }
  return rgba;
}
