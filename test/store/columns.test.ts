import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doubleColumn, expectColumnTypes, integerColumn } from '../../src-main/store/columns.js';
import { InputError } from '../../src-shared/errors.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('store columns read as typed arrays', () => {
  it('reads every INTEGER and DOUBLE exactly as the value-by-value reader does, over several chunks', async () => {
    const specials = ['NaN', 'Infinity', '-Infinity', '-0.0', '5e-324', '1.7976931348623157e308', '0.1', '-2147483648'];
    await connection.run('CREATE TABLE t (i INTEGER NOT NULL, d DOUBLE NOT NULL)');
    await connection.run(
      `INSERT INTO t SELECT CAST(range * 7919 % 2147483647 - 1073741824 AS INTEGER), ` +
        `CASE WHEN range < ${specials.length} THEN CAST([${specials.map((x) => `'${x}'`).join(', ')}][range + 1] AS DOUBLE) ELSE range / 3.0 END FROM range(5000)`,
    );
    const fast = await connection.stream('SELECT i, d FROM t ORDER BY rowid');
    expectColumnTypes(fast, [DuckDBTypeId.INTEGER, DuckDBTypeId.DOUBLE]);
    const integers: number[] = [];
    const doubles: number[] = [];
    let chunks = 0;
    for (let chunk = await fast.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await fast.fetchChunk()) {
      integers.push(...integerColumn(chunk, 0));
      doubles.push(...doubleColumn(chunk, 1));
      chunks += 1;
    }
    const slow = (await connection.runAndReadAll('SELECT i, d FROM t ORDER BY rowid')).getRows();
    expect(chunks).toBeGreaterThan(1);
    expect(integers).toEqual(slow.map((row) => row[0]));
    // Object.is tells -0 from 0 and NaN from NaN.
    expect(doubles.map((value, i) => Object.is(value, slow[i][1]))).toEqual(slow.map(() => true));
    expect(Object.is(doubles[3], -0)).toBe(true);
    expect(doubles[4]).toBe(5e-324);
  });

  it('refuses a column that holds a NULL instead of reading it as a number', async () => {
    const result = await connection.stream('SELECT CASE WHEN range = 70 THEN NULL ELSE range END::INTEGER AS i FROM range(100)');
    const chunk = await result.fetchChunk();
    if (chunk === null) throw new Error('no chunk');
    expect(() => integerColumn(chunk, 0)).toThrow(InputError);
    expect(() => integerColumn(chunk, 0)).toThrow("the analysis store's column 0 holds a NULL where crowdheat writes none");
  });

  it('reads a chunk of all-valid rows whose count is not a multiple of 8', async () => {
    const result = await connection.stream('SELECT range::DOUBLE AS d FROM range(13)');
    const chunk = await result.fetchChunk();
    if (chunk === null) throw new Error('no chunk');
    expect(Array.from(doubleColumn(chunk, 0))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('names the column whose type is not the one asked for', async () => {
    const result = await connection.stream('SELECT 1::INTEGER AS frame_index, 2::BIGINT AS people');
    expect(() => expectColumnTypes(result, [DuckDBTypeId.INTEGER, DuckDBTypeId.INTEGER])).toThrow("the analysis store's column 1 (people) is BIGINT, not INTEGER: was the store changed outside crowdheat?");
  });
});
