/**
 * The analysis store of a followed device (`crowdheat follow`, the app's Follow): the run's
 * `crowdheat.duckdb` in output_dir, opened read-write and appended to poll after poll.
 *
 * Each poll's new inferences go in with one transaction (frames, detections and the counts in
 * `meta`), so the store always holds whole polls. Frames keep `frame_index` = their position in
 * T order: an inference uploaded late (older than the newest stored) renumbers the frames in the
 * same transaction. While following, `meta.complete` is 'false' and `duration_ms` is NULL (a
 * frame's duration depends on the next frame); `finish` writes the durations and marks the store
 * complete, so a follow killed without finishing leaves a store that readers refuse and the next
 * follow continues.
 */
import { stat } from 'node:fs/promises';
import { blobValue, DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../src-shared/errors.js';
import { parseTimestamp, type Detections } from '../../src-shared/frames.js';
import { oneLine, showValue } from '../../src-shared/messages.js';
import { resolveTimeBase, timeBaseOfTimes, type TimeBase } from '../../src-shared/periods/time-base.js';
import { CREATE_TABLES, createDetectionsSql, STORE_SCHEMA_VERSION, WIDE_DETECTION_TYPES } from '../store/schema.js';
import { recountSettings } from '../store/settings.js';
import { appendFrames, DUCKDB_OPTIONS, streamDetections, type DetectionStream, type StoredFrames } from '../store/store.js';
import { lowerBound } from '../../src-shared/sorted.js';
import type { TimedDetections } from './source.js';

/**
 * The images of a followed folder (Case 1): every name the follow has passed, in name order, its
 * T (NULL for a name that is not `<yyyyMMddHHmmssfff>.jpg`), the T of the inference paired with it
 * (nearest within `match_tolerance_ms` among those stored when it came, NULL for none) and the JPEG
 * of the newest image only (the rolling outputs' background; NULL for every other row).
 */
const CREATE_FOLLOW_IMAGES =
  'CREATE TABLE IF NOT EXISTS follow_images (name VARCHAR PRIMARY KEY, t VARCHAR, inference_t VARCHAR, jpeg BLOB)';

/** An image of the followed folder as `commitImages` stores it. */
export interface FollowedImage {
  name: string;
  /** Its T, or null when its name is not `<T>.jpg`. */
  t: string | null;
  /** The T of the inference paired with it, or null. */
  inferenceT: string | null;
  jpeg: Uint8Array;
}

/** What a followed store records about its analysis besides frames and detections. */
export interface FollowFacts {
  /** The Console device followed; a store of another device is refused. */
  deviceId: string;
  /** The settings as crowdheat's settings YAML. */
  settings: string;
  sourceName: string;
}

/** A store being followed: appended to one poll at a time, read by the rolling outputs. */
export class FollowStore implements DetectionStream {
  /** Every stored T, ascending; position = frame_index. */
  private times: string[];
  private readonly known: Set<string>;
  private detectionCount: number;
  private closed = false;
  /** The lowest position a frame was stored at since `takeChangedFrom` last ran (all frames at first). */
  private changedFrom = 0;
  /** Each stored T parsed (ms), positions 0..parsed-1 valid; the time base of the frames as they are, or null. */
  private timesMs = new Float64Array(0);
  private parsed = 0;
  private base: TimeBase | null = null;
  private stored: StoredFrames | null = null;
  /** Rows of follow_images (names passed in the folder) and the newest image's name and T. */
  private imageRows = 0;
  private readonly imageNames = new Set<string>();
  private lastImageName: string | null = null;
  private newestImageT: string | null = null;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    times: string[],
    detections: number,
  ) {
    this.times = times;
    this.known = new Set(times);
    this.detectionCount = detections;
  }

  /**
   * Opens the store at `path` to follow `facts.deviceId`: a new one, the store of an earlier
   * follow of the same device (finished or not), or a finished Console run's store of it.
   *
   * @throws InputError naming the file when it is not a store, is of a newer schema, holds
   *   another device's or a local source's analysis, or holds frames without T.
   */
  static async open(path: string, facts: FollowFacts): Promise<FollowStore> {
    const exists = await stat(path).then(() => true, () => false);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, DUCKDB_OPTIONS);
    } catch (error) {
      throw new InputError(oneLine(`${showValue(path)}: cannot open the store to follow into (${error instanceof Error ? error.message : String(error)})`));
    }
    const connection = await instance.connect();
    const fail = (message: string): never => {
      connection.closeSync();
      instance.closeSync();
      throw new InputError(oneLine(`${showValue(path)}: ${message}; choose another output_dir`));
    };
    if (!exists) {
      for (const statement of [...CREATE_TABLES, createDetectionsSql(WIDE_DETECTION_TYPES)]) await connection.run(statement);
      const meta: Array<[string, string]> = [
        ['schema_version', String(STORE_SCHEMA_VERSION)],
        ['complete', 'false'],
        ['time_base', 'T'],
        ['fps', '0'],
        ['frames', '0'],
        ['detections', '0'],
        ['settings', facts.settings],
        ['source_name', facts.sourceName],
        ['device_id', facts.deviceId],
      ];
      for (const [key, value] of meta) await connection.run('INSERT INTO meta VALUES ($1, $2)', [key, value]);
      await connection.run(CREATE_FOLLOW_IMAGES);
      return new FollowStore(path, instance, connection, [], 0);
    }
    const values = new Map<string, string>();
    try {
      const result = await connection.runAndReadAll('SELECT key, value FROM meta');
      for (const [key, value] of result.getRows()) values.set(String(key), String(value));
    } catch {
      fail('not a crowdheat analysis store (it has no meta table)');
    }
    const version = Number(values.get('schema_version'));
    if (!Number.isInteger(version) || version < 1) fail('not a crowdheat analysis store (no schema_version)');
    if (version > STORE_SCHEMA_VERSION) fail(`written by a newer crowdheat (store schema ${version})`);
    const storedDevice = values.get('device_id') ?? deviceOfSettings(values.get('settings') ?? '');
    if (storedDevice !== facts.deviceId) {
      fail(storedDevice === null ? 'holds an analysis of local files, not of a Console device' : `holds the analysis of device ${storedDevice}, not ${facts.deviceId}`);
    }
    const rows = await connection.runAndReadAll('SELECT frame_index, t FROM frames ORDER BY frame_index');
    const times: string[] = [];
    let dense = true;
    for (const [index, t] of rows.getRows()) {
      if (t === null) fail('holds frames without a T timestamp');
      dense &&= Number(index) === times.length && (times.length === 0 || String(t) > times[times.length - 1]);
      times.push(String(t));
    }
    const counted = await connection.runAndReadAll('SELECT count(*) FROM detections');
    const detections = Number(counted.getRows()[0][0]);
    const store = new FollowStore(path, instance, connection, times, detections);
    await connection.run('BEGIN TRANSACTION');
    if (!dense) {
      await store.renumber();
      store.times = [...new Set(times)].sort();
    }
    await store.setMeta([['complete', 'false'], ['device_id', facts.deviceId], ['settings', facts.settings]]);
    await widenDetections(connection);
    await connection.run(CREATE_FOLLOW_IMAGES);
    await connection.run('COMMIT');
    const names = await connection.runAndReadAll('SELECT name FROM follow_images ORDER BY name');
    for (const [name] of names.getRows()) store.imageNames.add(String(name));
    const newestT = (await connection.runAndReadAll('SELECT max(t) FROM follow_images')).getRows()[0][0];
    store.imageRows = store.imageNames.size;
    store.lastImageName = store.imageRows === 0 ? null : String(names.getRows()[store.imageRows - 1][0]);
    store.newestImageT = newestT === null ? null : String(newestT);
    return store;
  }

  /** Frames stored. */
  get frameCount(): number {
    return this.times.length;
  }

  get detectionsStored(): number {
    return this.detectionCount;
  }

  /** The newest stored T (the follow's high-water mark), or null when empty. */
  get newest(): string | null {
    return this.times.length === 0 ? null : this.times[this.times.length - 1];
  }

  /**
   * The lowest frame position (index) stored since the last call, or `frameCount` when nothing
   * was; the first call after opening gives 0. Frames at and after it have moved or are new: a
   * view kept in memory must recount from there (src-main/console/follow-rolling.ts).
   */
  takeChangedFrom(): number {
    const from = Math.min(this.changedFrom, this.times.length);
    this.changedFrom = Number.POSITIVE_INFINITY;
    return from;
  }

  /** Names of the followed folder stored (the skip of the next image request). */
  get imageCount(): number {
    return this.imageRows;
  }

  /** Whether an image of that name is stored. */
  hasImage(name: string): boolean {
    return this.imageNames.has(name);
  }

  /** The last stored image name (name order), or null. */
  get lastImage(): string | null {
    return this.lastImageName;
  }

  /**
   * Stores the images of a page of the folder whose names are not stored yet, in one
   * transaction; the newest by T among them and the stored ones keeps its JPEG, the others none.
   * Returns the JPEG of the new newest image when it changed, else null.
   */
  async commitImages(images: readonly FollowedImage[]): Promise<Uint8Array | null> {
    const fresh = [...new Map(images.filter((image) => !this.imageNames.has(image.name)).map((image) => [image.name, image])).values()];
    if (fresh.length === 0) return null;
    let newest: FollowedImage | null = null;
    for (const image of fresh) {
      if (image.t !== null && (this.newestImageT === null || image.t > this.newestImageT) && (newest === null || image.t > (newest.t as string))) newest = image;
    }
    await this.connection.run('BEGIN TRANSACTION');
    try {
      if (newest !== null) await this.connection.run('UPDATE follow_images SET jpeg = NULL WHERE jpeg IS NOT NULL');
      for (const image of fresh) {
        await this.connection.run('INSERT INTO follow_images VALUES ($1, $2, $3, $4)', [
          image.name,
          image.t,
          image.inferenceT,
          image === newest ? blobValue(image.jpeg) : null,
        ]);
      }
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    this.imageRows += fresh.length;
    for (const image of fresh) {
      this.imageNames.add(image.name);
      if (this.lastImageName === null || image.name > this.lastImageName) this.lastImageName = image.name;
    }
    if (newest === null) return null;
    this.newestImageT = newest.t;
    return newest.jpeg;
  }

  /** The stored images' T's and paired inference T's, in T order (images with a T only). */
  async images(): Promise<Array<{ t: string; inferenceT: string | null }>> {
    const result = await this.connection.runAndReadAll('SELECT t, inference_t FROM follow_images WHERE t IS NOT NULL ORDER BY t');
    return result.getRows().map(([t, inferenceT]) => ({ t: String(t), inferenceT: inferenceT === null ? null : String(inferenceT) }));
  }

  /** The JPEG of the newest stored image (the background), or null when there is none. */
  async background(): Promise<Uint8Array | null> {
    const result = await this.connection.runAndReadAll('SELECT jpeg FROM follow_images WHERE jpeg IS NOT NULL ORDER BY t DESC LIMIT 1');
    const row = result.getRows()[0];
    return row === undefined ? null : (row[0] as { bytes: Uint8Array }).bytes;
  }

  /** Whether an inference at `t` is stored. */
  has(t: string): boolean {
    return this.known.has(t);
  }

  /**
   * Stores the inferences not stored yet (by T), in one transaction; returns how many were new.
   * On failure nothing of them is stored and the error is rethrown.
   */
  async commit(inferences: readonly TimedDetections[]): Promise<number> {
    const fresh = [...new Map(inferences.filter((i) => !this.known.has(i.timestamp)).map((i) => [i.timestamp, i])).values()].sort(
      (a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0),
    );
    if (fresh.length === 0) return 0;
    const newest = this.newest;
    const late = newest !== null && fresh[0].timestamp < newest;
    const start = this.times.length;
    let detections = 0;
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const frames = await this.connection.createAppender('frames');
      const boxes = await this.connection.createAppender('detections');
      try {
        for (let i = 0; i < fresh.length; i++) {
          const index = start + i;
          frames.appendInteger(index);
          frames.appendVarchar(fresh[i].timestamp);
          frames.appendDouble(parseTimestamp(fresh[i].timestamp));
          frames.appendNull();
          frames.endRow();
          detections += appendDetections(boxes, index, fresh[i].detections);
        }
      } finally {
        frames.closeSync();
        boxes.closeSync();
      }
      if (late) await this.renumber();
      await this.setMeta([['frames', String(start + fresh.length)], ['detections', String(this.detectionCount + detections)]]);
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    // The mark moves only now, after the commit.
    for (const inference of fresh) this.known.add(inference.timestamp);
    this.times = late ? [...this.times, ...fresh.map((i) => i.timestamp)].sort() : [...this.times, ...fresh.map((i) => i.timestamp)];
    const changed = late ? lowerBound(this.times, fresh[0].timestamp) : start;
    this.changedFrom = Math.min(this.changedFrom, changed);
    this.parsed = Math.min(this.parsed, changed);
    this.base = null;
    this.detectionCount += detections;
    return fresh.length;
  }

  /**
   * The time base of the stored frames (T), with durations as SPEC §8 defines them. Computed once
   * per change of the frames (each T parsed once while following); do not modify what it returns.
   */
  timeBase(): TimeBase {
    if (this.base !== null) return this.base;
    const n = this.times.length;
    if (this.parsed > n) this.parsed = 0;
    if (this.timesMs.length < n) {
      const grown = new Float64Array(Math.max(n, this.timesMs.length * 2, 1024));
      grown.set(this.timesMs.subarray(0, this.parsed));
      this.timesMs = grown;
    }
    for (let i = this.parsed; i < n; i++) this.timesMs[i] = parseTimestamp(this.times[i]);
    this.parsed = n;
    this.base =
      n === 0
        ? resolveTimeBase({ timestamps: [], frameIndexes: new Int32Array(0), metadataFps: 0, startMs: 0, videoFps: 0 })
        : timeBaseOfTimes('T', 0, this.timesMs.slice(0, n), positions(n));
    this.stored = null;
    return this.base;
  }

  /**
   * The stored frames as views read them, with their times and durations. Computed once per
   * change of the frames, like `timeBase`; do not modify what it returns.
   */
  frames(): StoredFrames {
    if (this.stored !== null && this.base !== null) return this.stored;
    const base = this.timeBase();
    this.stored = {
      index: positions(this.times.length),
      t: this.times,
      timeMs: base.timesMs ?? new Float64Array(0),
      durationMs: base.durationsMs ?? new Float64Array(0),
    };
    return this.stored;
  }

  forEachDetections(visit: (frameIndex: number, detections: Detections) => void, fromIndex?: number, toIndex?: number): Promise<void> {
    return streamDetections(this.connection, visit, { fromIndex, toIndex });
  }

  /** Detections in frame order (a frame may come in several runs); for the zones. */
  forEachDetectionsInOrder(visit: (frameIndex: number, detections: Detections) => void, fromIndex?: number, toIndex?: number): Promise<void> {
    return streamDetections(this.connection, visit, { fromIndex, toIndex, ordered: true });
  }

  /**
   * Writes every frame's time and duration, marks the store complete and closes it. Safe to call
   * once; later calls do nothing.
   */
  async finish(): Promise<void> {
    if (this.closed) return;
    const base = this.timeBase();
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.connection.run('DELETE FROM frames');
      await this.writeFrames(base);
      await this.setMeta([
        ['time_base', this.times.length === 0 ? 'none' : 'T'],
        ['fps', '0'],
        ['frames', String(this.times.length)],
        ['detections', String(this.detectionCount)],
        ['complete', 'true'],
      ]);
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      this.close();
      throw error;
    }
    await this.connection.run('CHECKPOINT');
    this.close();
  }

  /** Closes without finishing (the store stays marked incomplete). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async setMeta(entries: Array<[string, string]>): Promise<void> {
    for (const [key, value] of entries) await this.connection.run('INSERT OR REPLACE INTO meta VALUES ($1, $2)', [key, value]);
  }

  /** Gives frames (and their detections) the index of their place in T order. */
  private async renumber(): Promise<void> {
    await this.connection.run(
      'CREATE TEMP TABLE follow_renumber AS SELECT frame_index AS old_index, ' +
        'CAST(row_number() OVER (ORDER BY t) - 1 AS INTEGER) AS new_index FROM frames',
    );
    await this.connection.run(
      'UPDATE detections SET frame_index = r.new_index FROM follow_renumber r WHERE detections.frame_index = r.old_index',
    );
    await this.connection.run('UPDATE frames SET frame_index = r.new_index FROM follow_renumber r WHERE frames.frame_index = r.old_index');
    await this.connection.run('DROP TABLE follow_renumber');
  }

  private async writeFrames(base: TimeBase): Promise<void> {
    await appendFrames(this.connection, (i) => i, this.times, base);
  }
}

/** 0, 1, …, n − 1. */
function positions(n: number): Int32Array {
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  return index;
}

/** Appends a frame's detections as the source gave them; returns how many. */
function appendDetections(
  appender: Awaited<ReturnType<DuckDBConnection['createAppender']>>,
  frameIndex: number,
  d: Detections,
): number {
  for (let i = 0; i < d.count; i++) {
    appender.appendInteger(frameIndex);
    for (let e = 0; e < 4; e++) appender.appendDouble(d.boxes[i * 4 + e]);
    appender.appendDouble(d.scores[i]);
    appender.appendInteger(d.classIds[i]);
    if (d.trackIds[i] < 0) appender.appendNull();
    else appender.appendInteger(d.trackIds[i]);
    appender.endRow();
  }
  return d.count;
}

/** The Console device of a stored run's settings YAML, or null for a local run (or unreadable settings). */
function deviceOfSettings(yaml: string): string | null {
  try {
    const settings = recountSettings(yaml, []);
    const source = settings.data_source_settings;
    return source.mode === 'console' ? source.console_data_settings.device_id : null;
  } catch {
    return null;
  }
}

/**
 * Gives a store's `detections` the wide types a followed store appends (`WIDE_DETECTION_TYPES`):
 * a store a run finished holds them as narrow as its values allowed (schema 3), which the
 * detections to come may not fit.
 */
async function widenDetections(connection: DuckDBConnection): Promise<void> {
  const result = await connection.runAndReadAll(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'detections'",
  );
  const wide = new Map(Object.entries(WIDE_DETECTION_TYPES));
  for (const [column, type] of result.getRows()) {
    const wanted = wide.get(String(column));
    if (wanted !== undefined && String(type) !== wanted) await connection.run(`ALTER TABLE detections ALTER "${String(column)}" TYPE ${wanted}`);
  }
}
