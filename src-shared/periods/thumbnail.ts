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
 * ```
 *
 * The window paints each block over the cells it covers in the full grid (`paintThumbnail` in
 * src-renderer/logic/heat.ts), so a partial last block keeps its true width.
 */

/** The most columns a bucket thumbnail grid has (the strip paints thumbnails 120 px wide). */
export const THUMBNAIL_MAX_COLUMNS = 120;

/**
 * The most thumbnail cells one answer carries over all its buckets together. A week by hour at
 * 192×108 is 168 × 96 × 54 = 0.87 M; a week by 5 min (2,016 buckets) would be 10 M numbers of
 * JSON at the same block size, and 10,000 buckets 52 M: past this, blocks grow instead.
 */
export const THUMBNAIL_CELLS_BUDGET = 1_500_000;

/**
 * The block size (cells a side) that brings `columns` to at most `THUMBNAIL_MAX_COLUMNS` (1 when
 * it is already within), grown until `buckets` thumbnails of a `columns × rows` grid hold at most
 * `THUMBNAIL_CELLS_BUDGET` cells together.
 */
export function thumbnailFactor(columns: number, rows = 1, buckets = 1): number {
  let factor = Math.max(1, Math.ceil(columns / THUMBNAIL_MAX_COLUMNS));
  while (factor < Math.max(columns, rows) && buckets * Math.ceil(columns / factor) * Math.ceil(rows / factor) > THUMBNAIL_CELLS_BUDGET) factor += 1;
  return factor;
}

/** A grid's thumbnail among `buckets`: the block size and the size `blockMax` reduces a `rows × columns` grid to. */
export function thumbnailSize(columns: number, rows: number, buckets = 1): { factor: number; columns: number; rows: number } {
  const factor = thumbnailFactor(columns, rows, buckets);
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
