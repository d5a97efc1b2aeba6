/**
 * Bucket thumbnails: the grids the small-multiples strip paints. A strip thumbnail is a few
 * dozen pixels wide, so a bucket's full grid (192×108 cells at the defaults; a week by hour is
 * 168 of them, 12 MB as JSON) carries far more than it can show. Each bucket goes to the window
 * reduced by whole blocks of cells to at most `THUMBNAIL_MAX_COLUMNS` columns, every thumbnail
 * cell holding the highest value of its block: peaks survive, so one colour scale over the
 * thumbnails still reaches the real maximum.
 *
 * ```ts
 * const factor = thumbnailFactor(192);                      // 2
 * const small = blockMax(grid, 192, 108, factor);           // 96 × 54 cells
 * const drawn = spreadBlocks(small.grid, 192, 108, factor); // 192 × 108 again, each cell its block's value
 * ```
 */

/** The most columns a bucket thumbnail grid has (the strip paints thumbnails 120 px wide). */
export const THUMBNAIL_MAX_COLUMNS = 120;

/** The block size (cells a side) that brings `columns` to at most `THUMBNAIL_MAX_COLUMNS`: 1 when it is already within. */
export function thumbnailFactor(columns: number): number {
  return Math.max(1, Math.ceil(columns / THUMBNAIL_MAX_COLUMNS));
}

/** A grid's thumbnail: the block size and the size `blockMax` reduces a `rows × columns` grid to. */
export function thumbnailSize(columns: number, rows: number): { factor: number; columns: number; rows: number } {
  const factor = thumbnailFactor(columns);
  return { factor, columns: Math.ceil(columns / factor), rows: Math.ceil(rows / factor) };
}

/**
 * The grid reduced by `factor × factor` blocks: cell (h, v) of the result is the highest of
 * cells h·factor … h·factor+factor−1, v·factor … v·factor+factor−1 of `grid` that exist (the
 * last blocks of a row or column may be partial).
 *
 * @param grid `rows × columns` values, row-major.
 * @returns the values (`⌈rows/factor⌉ × ⌈columns/factor⌉`, row-major) and their size.
 */
export function blockMax(grid: ArrayLike<number>, columns: number, rows: number, factor: number): { grid: number[]; columns: number; rows: number } {
  const outColumns = Math.ceil(columns / factor);
  const outRows = Math.ceil(rows / factor);
  const out = new Array<number>(outColumns * outRows).fill(-Infinity);
  for (let v = 0; v < rows; v++) {
    const outRow = Math.floor(v / factor) * outColumns;
    for (let h = 0; h < columns; h++) {
      const value = grid[v * columns + h];
      const at = outRow + Math.floor(h / factor);
      if (value > out[at]) out[at] = value;
    }
  }
  return { grid: out, columns: outColumns, rows: outRows };
}

/**
 * A `blockMax` thumbnail back at its grid's own size: cell (h, v) holds the value of the block
 * that covers it. Painted over a picture of the grid's aspect, every block then takes the width
 * and height of the cells it covers; painting the reduced grid itself would stretch a partial
 * last block (when `columns` or `rows` is not a multiple of `factor`) to a whole block's size,
 * and squeeze every other block to make room.
 *
 * @param thumbnail `⌈rows/factor⌉ × ⌈columns/factor⌉` values, row-major (what `blockMax` returns).
 * @param columns the full grid's columns; `rows` its rows; `factor` the block size `blockMax` used.
 * @returns `rows × columns` values, row-major.
 * @throws RangeError when `thumbnail` is not the size `blockMax` makes for these arguments.
 *
 * ```ts
 * spreadBlocks([9, 4], 3, 1, 2) // [9, 9, 4]: the partial block is one cell wide, as in the grid
 * ```
 */
export function spreadBlocks(thumbnail: ArrayLike<number>, columns: number, rows: number, factor: number): number[] {
  const thumbColumns = Math.ceil(columns / factor);
  const thumbRows = Math.ceil(rows / factor);
  if (thumbnail.length !== thumbColumns * thumbRows) {
    throw new RangeError(`a thumbnail of ${thumbnail.length} cells is not ${thumbColumns} × ${thumbRows} (blocks of ${factor} over ${columns} × ${rows})`);
  }
  const out = new Array<number>(columns * rows);
  for (let v = 0; v < rows; v++) {
    const from = Math.floor(v / factor) * thumbColumns;
    for (let h = 0; h < columns; h++) out[v * columns + h] = thumbnail[from + Math.floor(h / factor)];
  }
  return out;
}
