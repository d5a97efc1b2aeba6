/**
 * Cell colours (3 bytes a cell, `columns` × `rows`) stretched to a `width` × `height` RGB
 * picture.
 *
 * ```ts
 * const cells = heatColors(grid, scale, table);          // grid 192 × 108
 * const heat = upscaleNearest(cells, 192, 108, 1920, 1080);
 * ```
 */

/** Stretches `columns` × `rows` cell colours to a `width` × `height` RGB picture in `out` (allocated when not given). */
export type Upscale = (
  cells: Uint8Array,
  columns: number,
  rows: number,
  width: number,
  height: number,
  out?: Uint8Array,
) => Uint8Array;

/**
 * Nearest: output pixel (x, y) takes cell (floor(x * columns / width), floor(y * rows / height)),
 * the same rule SPEC §3 uses to put a detection's pixel in a cell, so a cell's block here is
 * exactly the pixels that count into it when the picture has the metadata's size. Sizes need
 * not divide: blocks then differ in size by one pixel.
 *
 * Each output row is built once per cell row and copied to the other rows of its block.
 */
export const upscaleNearest: Upscale = sizeChecked((cells, columns, rows, width, height, out) => {
  const rowBytes = width * 3;
  for (let cellRow = 0; cellRow < rows; cellRow++) {
    const firstY = blockStart(cellRow, height, rows);
    const endY = blockStart(cellRow + 1, height, rows);
    if (firstY === endY) continue;
    const rowStart = firstY * rowBytes;
    for (let column = 0; column < columns; column++) {
      const cell = (cellRow * columns + column) * 3;
      const red = cells[cell];
      const green = cells[cell + 1];
      const blue = cells[cell + 2];
      const endX = blockStart(column + 1, width, columns);
      for (let o = rowStart + blockStart(column, width, columns) * 3; o < rowStart + endX * 3; o += 3) {
        out[o] = red;
        out[o + 1] = green;
        out[o + 2] = blue;
      }
    }
    for (let y = firstY + 1; y < endY; y++) out.copyWithin(y * rowBytes, rowStart, rowStart + rowBytes);
  }
});

/**
 * Bilinear: cell centres sit at pixel centres `(c + 0.5) * width / columns` and colours blend
 * linearly between neighbouring centres (clamped at the edges, so border half-cells keep the
 * border colour). A pixel whose centre is a cell centre has exactly that cell's colour.
 * Weights are 8-bit fixed point; each cell row is interpolated horizontally once, then each
 * output row mixes two of those rows.
 */
export const upscaleBilinear: Upscale = sizeChecked((cells, columns, rows, width, height, out) => {
  const xSamples = samplePositions(width, columns);
  const rowBytes = width * 3;
  // Horizontally interpolated cell rows, scaled by 256 (max 255 * 256 fits 16 bits).
  const stretched = new Uint16Array(rows * rowBytes);
  for (let cellRow = 0; cellRow < rows; cellRow++) {
    const cellBase = cellRow * columns * 3;
    const base = cellRow * rowBytes;
    for (let x = 0; x < width; x++) {
      const left = cellBase + xSamples.first[x] * 3;
      const right = cellBase + xSamples.second[x] * 3;
      const weight = xSamples.weight[x];
      const o = base + x * 3;
      stretched[o] = cells[left] * (256 - weight) + cells[right] * weight;
      stretched[o + 1] = cells[left + 1] * (256 - weight) + cells[right + 1] * weight;
      stretched[o + 2] = cells[left + 2] * (256 - weight) + cells[right + 2] * weight;
    }
  }
  const ySamples = samplePositions(height, rows);
  for (let y = 0; y < height; y++) {
    const upper = ySamples.first[y] * rowBytes;
    const lower = ySamples.second[y] * rowBytes;
    const weight = ySamples.weight[y];
    const o = y * rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      out[o + i] = (stretched[upper + i] * (256 - weight) + stretched[lower + i] * weight + 32768) >>> 16;
    }
  }
});

/** First output pixel of block `index` when `cellCount` cells span `pixels` pixels: ceil(index * pixels / cellCount). */
function blockStart(index: number, pixels: number, cellCount: number): number {
  return Math.floor((index * pixels + cellCount - 1) / cellCount);
}

/** For each output pixel: the two cells it lies between and the 8-bit weight of the second. */
function samplePositions(pixels: number, cellCount: number): { first: Int32Array; second: Int32Array; weight: Uint16Array } {
  const first = new Int32Array(pixels);
  const second = new Int32Array(pixels);
  const weight = new Uint16Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const position = Math.min(Math.max(((p + 0.5) * cellCount) / pixels - 0.5, 0), cellCount - 1);
    const cell = Math.floor(position);
    first[p] = cell;
    second[p] = Math.min(cell + 1, cellCount - 1);
    weight[p] = Math.round((position - cell) * 256);
  }
  return { first, second, weight };
}

/**
 * `fill` as an `Upscale`: the output buffer allocated when not given, and both buffers' sizes
 * checked against the grid and the picture before `fill` writes every byte of `out`.
 */
function sizeChecked(
  fill: (cells: Uint8Array, columns: number, rows: number, width: number, height: number, out: Uint8Array) => void,
): Upscale {
  return (cells, columns, rows, width, height, out = new Uint8Array(width * height * 3)) => {
    if (cells.length !== columns * rows * 3) {
      throw new RangeError(`upscale: ${cells.length} bytes of cell colours for a ${columns}×${rows} grid`);
    }
    if (out.length !== width * height * 3) {
      throw new RangeError(`upscale: output buffer of ${out.length} bytes for a ${width}×${height} picture`);
    }
    fill(cells, columns, rows, width, height, out);
    return out;
  };
}
