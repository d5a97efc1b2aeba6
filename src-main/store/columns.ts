/**
 * A result chunk's numeric columns as typed arrays over DuckDB's own memory: one native call a
 * column, where `DuckDBVector.getItem` costs one call (and a validity check) a value. Reading the
 * 5 M detections of a week of one camera this way costs about a third of reading them value by
 * value (bench/app-views.mjs).
 *
 * The arrays are views of the chunk's memory (DuckDB C API `duckdb_vector_get_data`, through
 * `@duckdb/node-bindings`, the binding `@duckdb/node-api` itself uses, pinned to the same
 * version): they are valid while `chunk` is, so copy what must outlive it. Only columns without
 * NULLs may be read so: the validity mask is checked and a column holding a NULL is refused.
 *
 * ```ts
 * const result = await connection.stream('SELECT frame_index, score FROM detections');
 * expectColumnTypes(result, [DuckDBTypeId.INTEGER, DuckDBTypeId.DOUBLE]);
 * for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
 *   const frames = integerColumn(chunk, 0); // Int32Array of chunk.rowCount
 * }
 * ```
 */
import bindings from '@duckdb/node-bindings';
import { DuckDBTypeId, type DuckDBDataChunk, type DuckDBResult } from '@duckdb/node-api';
import { InputError } from '../../src-shared/errors.js';

/**
 * Checks the result's column types before its columns are read as typed arrays.
 *
 * @throws InputError naming the first column whose type differs (a store changed outside crowdheat).
 */
export function expectColumnTypes(result: DuckDBResult, types: readonly (DuckDBTypeId | readonly DuckDBTypeId[])[]): void {
  types.forEach((expected, column) => {
    const allowed: readonly DuckDBTypeId[] = typeof expected === 'number' ? [expected] : expected;
    const actual = result.columnTypeId(column);
    if (!allowed.includes(actual)) {
      throw new InputError(
        `the analysis store's column ${column} (${result.columnName(column)}) is ${DuckDBTypeId[actual]}, not ${listed(allowed.map((type) => DuckDBTypeId[type]))}: was the store changed outside crowdheat? Run the analysis again`,
      );
    }
  });
}

/** `["A"]` → "A", `["A", "B", "C"]` → "A, B or C". */
function listed(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** A numeric column as read by `numberColumn`. */
export type NumberColumn = Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * Column `column` of `chunk`, of type `type` (SMALLINT, INTEGER, FLOAT or DOUBLE, checked by
 * `expectColumnTypes`), as `chunk.rowCount` numbers in the matching typed array; `name` is the
 * column's, for errors.
 *
 * @throws Error for another type (a caller's mistake); InputError for a NULL.
 */
export function numberColumn(chunk: DuckDBDataChunk, column: number, type: DuckDBTypeId, name?: string): NumberColumn {
  const rows = chunk.rowCount;
  switch (type) {
    case DuckDBTypeId.SMALLINT: {
      const bytes = columnBytes(chunk, column, 2, name);
      return new Int16Array(bytes.buffer, bytes.byteOffset, rows);
    }
    case DuckDBTypeId.INTEGER:
      return integerColumn(chunk, column, name);
    case DuckDBTypeId.FLOAT: {
      const bytes = columnBytes(chunk, column, 4, name);
      return new Float32Array(bytes.buffer, bytes.byteOffset, rows);
    }
    case DuckDBTypeId.DOUBLE:
      return doubleColumn(chunk, column, name);
    default:
      throw new Error(`numberColumn: column ${column} of type ${DuckDBTypeId[type]} is not read as numbers`);
  }
}

/** Column `column` of `chunk` (checked DOUBLE by `expectColumnTypes`) as `chunk.rowCount` numbers; `name` is the column's, for errors. */
export function doubleColumn(chunk: DuckDBDataChunk, column: number, name?: string): Float64Array {
  const bytes = columnBytes(chunk, column, Float64Array.BYTES_PER_ELEMENT, name);
  return new Float64Array(bytes.buffer, bytes.byteOffset, chunk.rowCount);
}

/** Column `column` of `chunk` (checked INTEGER by `expectColumnTypes`) as `chunk.rowCount` numbers; `name` is the column's, for errors. */
export function integerColumn(chunk: DuckDBDataChunk, column: number, name?: string): Int32Array {
  const bytes = columnBytes(chunk, column, Int32Array.BYTES_PER_ELEMENT, name);
  return new Int32Array(bytes.buffer, bytes.byteOffset, chunk.rowCount);
}

/** @throws InputError naming the column (by `name` when given) when it holds a NULL (a store changed outside crowdheat). */
function columnBytes(chunk: DuckDBDataChunk, column: number, width: number, name?: string): Uint8Array {
  const rows = chunk.rowCount;
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  // No mask at all (a null pointer, read as an empty or missing array) means every row is valid.
  const validity = bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null | undefined;
  if (validity && validity.length > 0 && !allValid(validity, rows)) {
    throw new InputError(`the analysis store's column ${column}${name === undefined ? '' : ` (${name})`} holds a NULL where crowdheat writes none: was the store changed outside crowdheat? Run the analysis again`);
  }
  return bindings.vector_get_data(vector, rows * width);
}

/** Whether the first `rows` bits of a DuckDB validity mask (bit set = valid, least significant first) are all set. */
function allValid(mask: Uint8Array, rows: number): boolean {
  const full = rows >> 3;
  for (let i = 0; i < full; i++) if (mask[i] !== 0xff) return false;
  const rest = rows & 7;
  return rest === 0 || (mask[full] & ((1 << rest) - 1)) === (1 << rest) - 1;
}
