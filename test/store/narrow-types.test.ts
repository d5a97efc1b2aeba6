import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { DetectionsBuilder, type Frame } from '../../src-shared/frames.js';
import { resolveTimeBase } from '../../src-shared/periods/time-base.js';
import { DEFAULT_GRID_PARAMS, defaultSettings } from '../../src-shared/settings/types.js';
import { settingsToYaml } from '../../src-shared/settings/index.js';
import { FollowStore } from '../../src-main/console/follow-store.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { StoreReader, StoreWriter } from '../../src-main/store/store.js';
import { periodView } from '../../src-main/store/views.js';
import { detectionColumnTypes, detectionRows, storeOf } from './store-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-narrow-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One frame per row of `rows`: [left, top, right, bottom, score, class id, track id]. */
function framesOf(rows: number[][]): Frame[] {
  return rows.map((row, index) => {
    const builder = new DetectionsBuilder();
    builder.add(row[0], row[1], row[2], row[3], row[4], row[5], row[6]);
    return { index, detections: builder.finish() };
  });
}

const sameBits = (a: number[][], b: number[][]): boolean => a.length === b.length && a.every((row, i) => row.length === b[i].length && row.every((value, k) => Object.is(value, b[i][k])));

describe('detections are stored in the narrowest column types that hold them exactly (schema 3)', () => {
  it('pixel boxes and integer scores as SMALLINT, halves as FLOAT, tenths and 1e308 as DOUBLE, −0 and NaN as FLOAT, large ids as INTEGER; every value reads back to the bit', async () => {
    const cases: Array<{ rows: number[][]; types: Record<string, string> }> = [
      {
        rows: [[0, 10, 640, 480, 1, 0, -1], [-32768, 32767, 5, 6, 0, 3, 12]],
        types: { left: 'SMALLINT', top: 'SMALLINT', right: 'SMALLINT', bottom: 'SMALLINT', score: 'SMALLINT', class_id: 'SMALLINT', track_id: 'SMALLINT' },
      },
      {
        rows: [[0.5, 10, 640.25, 32768, 0.75, 70000, 40000], [-0, NaN, 1, 2, 0.5, 0, -1]],
        types: { left: 'FLOAT', top: 'FLOAT', right: 'FLOAT', bottom: 'FLOAT', score: 'FLOAT', class_id: 'INTEGER', track_id: 'INTEGER' },
      },
      {
        rows: [[0.1, 1e308, 2 ** 24 + 1, 5e-324, 0.3, 0, -1], [1, 2, 3, 4, 0.5, 0, 7]],
        types: { left: 'DOUBLE', top: 'DOUBLE', right: 'DOUBLE', bottom: 'DOUBLE', score: 'DOUBLE', class_id: 'SMALLINT', track_id: 'SMALLINT' },
      },
    ];
    for (const { rows, types } of cases) {
      const store = await storeOf(dir, framesOf(rows));
      try {
        const expected = rows.map((row, index) => [index, ...row]);
        expect(sameBits(await detectionRows(store), expected)).toBe(true);
        await store.warm();
        expect(sameBits(await detectionRows(store), expected)).toBe(true);
      } finally {
        store.close();
      }
      expect(await detectionColumnTypes(join(dir, STORE_FILE))).toEqual({ frame_index: 'INTEGER', ...types });
      await rm(join(dir, STORE_FILE));
    }
  });

  it('keeps the order the rows were written in over many row groups, and leaves only the store in its folder', async () => {
    // 300,000 detections (more than two of DuckDB's 122,880-row groups) in frames written out of
    // index order, with a pixel edge that says where each row was written.
    const frames: Frame[] = [];
    let written = 0;
    for (let f = 0; f < 3000; f++) {
      const builder = new DetectionsBuilder();
      for (let k = 0; k < 100; k++, written++) builder.add(written % 30000, Math.floor(written / 30000), 600, 400, 0.5, 0, -1);
      frames.push({ index: (f * 7919) % 3000, detections: builder.finish() });
    }
    const store = await storeOf(dir, frames);
    try {
      const rows = await detectionRows(store);
      expect(rows.length).toBe(300_000);
      expect(rows.every(([, left, top], i) => left + top * 30000 === i)).toBe(true);
      expect(rows.every(([frame], i) => frame === frames[Math.floor(i / 100)].index)).toBe(true);
    } finally {
      store.close();
    }
    expect(await readdir(dir)).toEqual([STORE_FILE]);
  });

  it('a run that stops before finish leaves nothing behind, staging file included', async () => {
    const writer = await StoreWriter.create(join(dir, STORE_FILE));
    for (const frame of framesOf([[1, 2, 3, 4, 0.5, 0, -1]])) writer.addFrame(frame);
    expect((await readdir(dir)).length).toBeGreaterThan(0);
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads a schema 2 store (DOUBLE and INTEGER columns) into the same views', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => [(i * 37) % 600, (i * 11) % 400, ((i * 37) % 600) + 30, ((i * 11) % 400) + 60, 0.25 + (i % 3) / 4, i % 2, i % 5 === 0 ? -1 : i]);
    const frames = framesOf(rows);
    const params = { ...DEFAULT_GRID_PARAMS, image_size_h: 640, image_size_v: 480, grid_num_h: 16, grid_num_v: 12, class_ids: [0], min_score: 0.3 };
    const narrow = await storeOf(dir, frames);
    const narrowFrames = await narrow.frames();
    const expected = await periodView(narrow, narrowFrames, { params, period: { kind: 'none' }, timeZone: 'UTC' });
    const expectedPeople = await narrow.peoplePerFrame(narrowFrames, { imageWidth: 640, imageHeight: 480, sanitize: true, classIds: [0], minScore: 0.3 });
    const expectedRows = await detectionRows(narrow);
    narrow.close();
    const instance = await DuckDBInstance.create(join(dir, STORE_FILE));
    const connection = await instance.connect();
    for (const [column, type] of [['"left"', 'DOUBLE'], ['top', 'DOUBLE'], ['"right"', 'DOUBLE'], ['bottom', 'DOUBLE'], ['score', 'DOUBLE'], ['class_id', 'INTEGER'], ['track_id', 'INTEGER']]) {
      await connection.run(`ALTER TABLE detections ALTER ${column} TYPE ${type}`);
    }
    await connection.run("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    connection.closeSync();
    instance.closeSync();
    expect(await detectionColumnTypes(join(dir, STORE_FILE))).toMatchObject({ left: 'DOUBLE', score: 'DOUBLE', class_id: 'INTEGER' });
    const wide = await StoreReader.open(dir);
    try {
      const wideFrames = await wide.frames();
      expect(wide.meta.schema_version).toBe(2);
      expect(sameBits(await detectionRows(wide), expectedRows)).toBe(true);
      const view = await periodView(wide, wideFrames, { params, period: { kind: 'none' }, timeZone: 'UTC' });
      expect(Array.from(view.whole)).toEqual(Array.from(expected.whole));
      expect(view.filtered).toBe(expected.filtered);
      expect(Array.from(await wide.peoplePerFrame(wideFrames, { imageWidth: 640, imageHeight: 480, sanitize: true, classIds: [0], minScore: 0.3 }))).toEqual(Array.from(expectedPeople));
    } finally {
      wide.close();
    }
  });

  it('compares a FLOAT score with the score threshold in DOUBLE: a score just under it is left out', async () => {
    // 0.3 as float32 is 0.30000001192…, above 0.3; the float32 just under it, 0.29999998…, is
    // below 0.3 in DOUBLE but would round up to 0.3's float32 if compared in FLOAT.
    const under = Math.fround(0.3) - 2 ** -25;
    expect(Math.fround(under)).toBe(under);
    const rows = [[10, 10, 50, 50, Math.fround(0.3), 0, -1], [10, 10, 50, 50, under, 0, -1], [10, 10, 50, 50, 0.75, 0, -1]];
    const store = await storeOf(dir, framesOf(rows));
    try {
      expect((await detectionColumnTypes(join(dir, STORE_FILE))).score).toBe('FLOAT');
      const frames = await store.frames();
      expect(Array.from(await store.peoplePerFrame(frames, { imageWidth: 640, imageHeight: 480, sanitize: true, classIds: null, minScore: 0.3 }))).toEqual([1, 0, 1]);
    } finally {
      store.close();
    }
  });
});

describe('a followed store appended to a run\'s store', () => {
  it('widens its narrow columns first, so detections the run\'s types cannot hold are stored exactly', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.mode = 'console';
    settings.data_source_settings.console_data_settings.device_id = 'cam-1';
    const path = join(dir, STORE_FILE);
    const writer = await StoreWriter.create(path);
    const first = framesOf([[10, 20, 30, 40, 1, 0, -1]])[0];
    writer.addFrame({ ...first, timestamp: '20261123000000000' });
    const timeBase = resolveTimeBase({ timestamps: writer.timestamps(), frameIndexes: writer.frameIndexes(), metadataFps: 0, startMs: 0, videoFps: 0 });
    await writer.finish(timeBase, { settings: settingsToYaml(settings), source_name: 'cam-1' });
    expect(await detectionColumnTypes(path)).toMatchObject({ left: 'SMALLINT', score: 'SMALLINT' });
    const follow = await FollowStore.open(path, { deviceId: 'cam-1', settings: settingsToYaml(settings), sourceName: 'cam-1' });
    try {
      const added = framesOf([[10.5, 20, 30, 40, 0.1, 70000, 3]])[0];
      expect(await follow.commit([{ timestamp: '20261123000001000', detections: added.detections }])).toBe(1);
      expect(sameBits(await detectionRows(follow), [[0, 10, 20, 30, 40, 1, 0, -1], [1, 10.5, 20, 30, 40, 0.1, 70000, 3]])).toBe(true);
    } finally {
      follow.close();
    }
    expect(await detectionColumnTypes(path)).toMatchObject({ left: 'DOUBLE', score: 'DOUBLE', class_id: 'INTEGER', track_id: 'INTEGER' });
  });
});
