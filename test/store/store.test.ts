import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { DetectionsBuilder, type Frame } from '../../src-shared/frames.js';
import { resolveTimeBase } from '../../src-shared/periods/time-base.js';
import { StoreReader, StoreWriter } from '../../src-main/store/store.js';
import { STORE_FILE, STORE_SCHEMA_VERSION } from '../../src-main/store/schema.js';
import { removeLeftoverPartials } from '../../src-main/sinks/leftovers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function frame(index: number, timestamp: string | undefined, boxes: Array<[number, number, number, number, number, number, number]>): Frame {
  const builder = new DetectionsBuilder();
  for (const [l, t, r, b, s, c, id] of boxes) builder.add(l, t, r, b, s, c, id);
  return { index, detections: builder.finish(), ...(timestamp === undefined ? {} : { timestamp }) };
}

async function writeStore(path: string, frames: Frame[]): Promise<void> {
  const writer = await StoreWriter.create(path);
  for (const f of frames) writer.addFrame(f);
  const timeBase = resolveTimeBase({ timestamps: writer.timestamps(), frameIndexes: writer.frameIndexes(), metadataFps: 0, startMs: 0, videoFps: 0 });
  await writer.finish(timeBase, { settings: '{}', source_name: 'heatmap' });
}


/**
 * Runs a real process (the built store) that writes `frames` frames of one detection into a store
 * at `path` and kills itself with SIGKILL, so no cleanup runs; returns the signal it ended by.
 */
function killedWriter(path: string, frames: number): NodeJS.Signals | null {
  const built = fileURLToPath(new URL('../../dist/src-main/store/store.js', import.meta.url));
  const shared = fileURLToPath(new URL('../../dist/src-shared/frames.js', import.meta.url));
  const script = [
    `const { StoreWriter } = await import(${JSON.stringify(pathToFileURL(built).href)});`,
    `const { DetectionsBuilder } = await import(${JSON.stringify(pathToFileURL(shared).href)});`,
    `const writer = await StoreWriter.create(${JSON.stringify(path)});`,
    `for (let i = 0; i < ${frames}; i++) { const b = new DetectionsBuilder(); b.add(1, 2, 3, 4, 0.5, 0, -1); writer.addFrame({ index: i, detections: b.finish() }); }`,
    "process.kill(process.pid, 'SIGKILL');",
  ].join('\n');
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }).signal;
}

describe('analysis store', () => {
  it('keeps frames and detections as the source gave them, track id -1 as NULL', async () => {
    const path = join(dir, STORE_FILE);
    await writeStore(path, [
      frame(0, '20260101000000000', [[-5, 10, 30.5, 40, 0.9, 0, 7]]),
      frame(1, '20260101000001000', []),
      frame(2, '20260101000003000', [[50, 60, 40, 70, 0.5, 2, -1], [1, 2, 3, 4, 0.25, 0, 3]]),
    ]);
    const store = await StoreReader.open(dir);
    expect(store.meta).toMatchObject({ schema_version: STORE_SCHEMA_VERSION, complete: true, time_base: 'T', frames: 3, detections: 3 });
    const frames = await store.frames();
    expect(Array.from(frames.index)).toEqual([0, 1, 2]);
    expect(frames.t).toEqual(['20260101000000000', '20260101000001000', '20260101000003000']);
    expect(Array.from(frames.timeMs ?? [])).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 3)]);
    // Intervals 1 s and 2 s: median 1.5 s, cap 4.5 s; the last frame gets the median.
    expect(Array.from(frames.durationMs ?? [])).toEqual([1000, 2000, 1500]);
    const seen: Array<[number, number[], number[], number[]]> = [];
    await store.forEachDetections((index, d) => seen.push([index, Array.from(d.boxes), Array.from(d.classIds), Array.from(d.trackIds)]));
    expect(seen).toEqual([
      [0, [-5, 10, 30.5, 40], [0], [7]],
      [2, [50, 60, 40, 70, 1, 2, 3, 4], [2, 0], [-1, 3]],
    ]);
    store.close();
    const db = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const connection = await db.connect();
    const nulls = await connection.runAndReadAll('SELECT count(*) FROM detections WHERE track_id IS NULL');
    expect(Number(nulls.getRows()[0][0])).toBe(1);
    connection.closeSync();
    db.closeSync();
  });

  it('an interrupted write leaves no store under the real name', async () => {
    const writer = await StoreWriter.create(join(dir, STORE_FILE));
    writer.addFrame(frame(0, undefined, [[0, 0, 1, 1, 1, 0, -1]]));
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
    await expect(StoreReader.open(dir)).rejects.toThrow(/holds no crowdheat\.duckdb/);
  });

  it('a store whose complete flag is false is refused as incomplete', async () => {
    const path = join(dir, STORE_FILE);
    await writeStore(path, [frame(0, undefined, [])]);
    const db = await DuckDBInstance.create(path);
    const connection = await db.connect();
    await connection.run("UPDATE meta SET value = 'false' WHERE key = 'complete'");
    connection.closeSync();
    db.closeSync();
    await expect(StoreReader.open(path)).rejects.toThrow(/incomplete: the run that wrote it was interrupted/);
  });

  it('a store of a newer schema is refused with both versions named', async () => {
    const path = join(dir, STORE_FILE);
    await writeStore(path, [frame(0, undefined, [])]);
    const db = await DuckDBInstance.create(path);
    const connection = await db.connect();
    await connection.run("UPDATE meta SET value = '7' WHERE key = 'schema_version'");
    connection.closeSync();
    db.closeSync();
    await expect(StoreReader.open(path)).rejects.toThrow(`newer crowdheat (store schema 7); this one reads schema ${STORE_SCHEMA_VERSION}`);
  });

  it('a store of an older schema than any this build reads is refused, saying to run the analysis again', async () => {
    const path = join(dir, STORE_FILE);
    await writeStore(path, [frame(0, undefined, [])]);
    const db = await DuckDBInstance.create(path);
    const connection = await db.connect();
    await connection.run("UPDATE meta SET value = '0' WHERE key = 'schema_version'");
    connection.closeSync();
    db.closeSync();
    await expect(StoreReader.open(path)).rejects.toThrow(
      `${path}: store schema 0 is older than any this crowdheat reads; run the analysis again`,
    );
  });

  it('a store written by a process killed mid-run is never taken for a finished one', async () => {
    // A real process writes 3 frames into a store and is killed (SIGKILL: no cleanup runs).
    expect(killedWriter(join(dir, STORE_FILE), 3)).toBe('SIGKILL');
    const left = await readdir(dir);
    expect(left).not.toContain(STORE_FILE);
    await expect(StoreReader.open(dir)).rejects.toThrow(`${dir}: the folder holds no ${STORE_FILE} (run an analysis into it first)`);
    // Opened by its own name, the partial file is refused as well.
    const partial = left.find((name) => /^\.crowdheat\.duckdb\.\d+-[0-9a-f]{8}\.partial$/.test(name));
    expect(partial).toBeDefined();
    await expect(StoreReader.open(join(dir, partial ?? ''))).rejects.toThrow(/incomplete: the run that wrote it was interrupted; run the analysis again/);
  });

  it("a writer killed mid-run leaves its temporary store and its staging file under partial names, which the next run's tidying removes", async () => {
    // More than a chunk of 2,048 rows: the staging file holds detections when the process dies.
    expect(killedWriter(join(dir, STORE_FILE), 3000)).toBe('SIGKILL');
    const databases = (await readdir(dir)).filter((name) => !name.endsWith('.wal'));
    expect(databases.map((name) => name.replace(/\d+-[0-9a-f]{8}/, 'PID')).sort()).toEqual(['.crowdheat.duckdb.PID.partial', '.crowdheat.duckdb.staging.PID.partial']);
    await removeLeftoverPartials(dir);
    // DuckDB's write-ahead logs beside them (`….partial.wal`) go too.
    expect(await readdir(dir)).toEqual([]);
  });

  it('a file that is not a store is refused with its path', async () => {
    const path = join(dir, 'not-a-store.duckdb');
    await writeFile(path, 'hello');
    await expect(StoreReader.open(path)).rejects.toThrow(/not-a-store\.duckdb.*not a crowdheat analysis store/);
  });

  it('without a time base, times and durations are NULL', async () => {
    await writeStore(join(dir, STORE_FILE), [frame(0, undefined, []), frame(1, undefined, [])]);
    const store = await StoreReader.open(dir);
    expect(store.meta.time_base).toBe('none');
    const frames = await store.frames();
    expect(frames.timeMs).toBeNull();
    expect(frames.t).toEqual([null, null]);
    store.close();
  });

  it('exports frames and detections as Parquet that DuckDB reads back', async () => {
    await writeStore(join(dir, STORE_FILE), [frame(0, '20260101000000000', [[1, 2, 3, 4, 0.5, 1, -1]]), frame(1, '20260101000001000', [])]);
    const store = await StoreReader.open(dir);
    const out = join(dir, 'parquet');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    const files = await store.exportParquet(out);
    store.close();
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['frames.parquet', 'detections.parquet']);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const frames = await connection.runAndReadAll(`SELECT frame_index, t, duration_ms FROM '${join(out, 'frames.parquet')}' ORDER BY frame_index`);
    expect(frames.getRowsJson()).toEqual([[0, '20260101000000000', 1000], [1, '20260101000001000', 1000]]);
    const detections = await connection.runAndReadAll(`SELECT "left", bottom, class_id, track_id FROM '${join(out, 'detections.parquet')}'`);
    expect(detections.getRowsJson()).toEqual([[1, 4, 1, null]]);
    connection.closeSync();
    db.closeSync();
  });
});
