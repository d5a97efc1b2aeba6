/**
 * The analysis store (DuckDB): written once while the source is read, then read by every view.
 *
 * Writing streams: detections go to DuckDB in data chunks of up to 2,048 rows as frames arrive,
 * so memory does not grow with detections, into a staging file of their own, copied into the
 * store at the end in the narrowest column types their values allow (schema.ts); frames (one
 * index, T and time each) are kept until the end, when their durations are known. The file is
 * written under a temporary name with `complete = 'false'` and renamed into place after
 * `complete` is set, so a store from an interrupted run is never taken for a finished one.
 */
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, DuckDBTypeId, INTEGER, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Detections, Frame, PrepareOptions } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import { positionLookup } from '../../src-shared/sorted.js';
import { oneLine, showValue } from '../../src-shared/messages.js';
import { isTimeBaseKind, type TimeBase } from '../../src-shared/periods/time-base.js';
import { temporaryPathFor } from '../sinks/atomic.js';
import { expectColumnTypes, integerColumn, numberColumn, type NumberColumn } from './columns.js';
import { RunVisitor, type DetectionBlock } from './blocks.js';
import { DETECTION_CACHE_BUDGET_BYTES, DetectionCache } from './detection-cache.js';
import { copyDetectionsSql, CREATE_TABLES, createDetectionsSql, DETECTION_COLUMN_NAMES, narrowestTypes, narrowestTypesSql, STORE_FILE, STORE_SCHEMA_VERSION, WIDE_DETECTION_COLUMNS, WIDE_DETECTION_TYPES, type StoreMeta } from './schema.js';

/**
 * A read waits for `warm` to finish, rather than stream beside it, when the rows `warm` has left
 * are fewer than the read's (estimated from its frames) divided by this: on the week
 * (bench/README.md) filling costs about 0.2 s a million rows, a view from memory 0.09 s and a
 * view streamed 0.16 s (pixel boxes as SMALLINT): waiting pays when rows left × 0.2 < rows read × 0.07.
 */
const WAIT_FOR_WARM_RATIO = 3;

/** Rows in one DuckDB data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/** Bytes a detection takes in DuckDB's buffers at most (every column DOUBLE or INTEGER, before compression). */
const MAX_BYTES_PER_DETECTION = 4 + 5 * 8 + 2 * 4;

/** The catalog name of the run's staging file, where detections are appended before their types are known. */
const STAGING = 'staging';

/** `text` as an SQL string literal. */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Removes a writer's staging file and its write-ahead log. */
async function removeStaging(stagingPath: string): Promise<void> {
  await rm(stagingPath, { force: true });
  await rm(`${stagingPath}.wal`, { force: true });
}

/** DuckDB's own settings for a store: the CLI and the app share 2 cores with other work. */
export const DUCKDB_OPTIONS = { threads: '2', memory_limit: '256MB' };

/** The run's facts a store keeps beside frames and detections. */
export interface StoreFacts {
  settings: string;
  source_name: string;
  /**
   * The filters the people counts given to `addFrame` were kept under; when given and every
   * frame had its count, they are written to `frame_people` for `peopleByFrameIndex`.
   */
  peopleFilter?: PrepareOptions;
}

/** The filters of people counts as the store's meta `people_filter` keeps them: JSON in a fixed key order. */
export function peopleFilterKey(filter: PrepareOptions): string {
  const { imageWidth, imageHeight, sanitize, classIds, minScore } = filter;
  return JSON.stringify({ imageWidth, imageHeight, sanitize, classIds, minScore });
}

/**
 * Writes one analysis into a new store at `path`.
 *
 * ```ts
 * const writer = await StoreWriter.create('out/crowdheat.duckdb');
 * for (const frame of frames) writer.addFrame(frame);
 * await writer.finish(resolveTimeBase({...writer.timeInput(), ...}), facts);
 * ```
 */
export class StoreWriter {
  private readonly indexes: number[] = [];
  private readonly stamps: (string | null)[] = [];
  /** People per added frame under the run's filters; null once a frame came without its count. */
  private people: number[] | null = [];
  private detectionsWritten = 0;
  private readonly rowFrame = new Int32Array(CHUNK_ROWS);
  private readonly rowBox = new Float64Array(CHUNK_ROWS * 4);
  private readonly rowScore = new Float64Array(CHUNK_ROWS);
  private readonly rowClass = new Int32Array(CHUNK_ROWS);
  private readonly rowTrack = new Int32Array(CHUNK_ROWS);
  private pending = 0;

  private constructor(
    readonly path: string,
    private readonly temporaryPath: string,
    /** The staging file detections are appended to until `finish`. */
    private readonly stagingPath: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly appender: DuckDBAppender,
  ) {}

  /**
   * Creates the store's temporary file, its staging file beside it, and their tables. Both are
   * named as atomic writers name their temporary files (`.<name>.<pid>-<hex>.partial`), so that
   * the next run into the folder removes them when this one is killed (sinks/leftovers.ts).
   */
  static async create(path: string): Promise<StoreWriter> {
    const temporaryPath = temporaryPathFor(path);
    const stagingPath = temporaryPathFor(`${path}.${STAGING}`);
    const instance = await DuckDBInstance.create(temporaryPath, DUCKDB_OPTIONS);
    const connection = await instance.connect();
    for (const statement of CREATE_TABLES) await connection.run(statement);
    await connection.run('INSERT INTO meta VALUES ($1, $2), ($3, $4)', [
      'schema_version', String(STORE_SCHEMA_VERSION), 'complete', 'false',
    ]);
    await connection.run(`ATTACH ${sqlString(stagingPath)} AS ${STAGING}`);
    await connection.run(createDetectionsSql(WIDE_DETECTION_TYPES, STAGING));
    const appender = await connection.createAppender('detections', 'main', STAGING);
    return new StoreWriter(path, temporaryPath, stagingPath, instance, connection, appender);
  }

  /** Frames added so far. */
  get frameCount(): number {
    return this.indexes.length;
  }

  /** Each added frame's source index, in order. */
  frameIndexes(): Int32Array {
    return Int32Array.from(this.indexes);
  }

  /** Each added frame's `T`, or null. */
  timestamps(): readonly (string | null)[] {
    return this.stamps;
  }

  /**
   * Adds one frame and its detections as the source gave them (before sanitising or filters),
   * with `people`, the detections the run's filters keep (`StoreFacts.peopleFilter`), if known.
   */
  addFrame(frame: Frame, people?: number): void {
    this.indexes.push(frame.index);
    this.stamps.push(frame.timestamp ?? null);
    if (people === undefined) this.people = null;
    else this.people?.push(people);
    const d = frame.detections;
    for (let i = 0; i < d.count; i++) {
      const row = this.pending;
      this.rowFrame[row] = frame.index;
      this.rowBox.set(d.boxes.subarray(i * 4, i * 4 + 4), row * 4);
      this.rowScore[row] = d.scores[i];
      this.rowClass[row] = d.classIds[i];
      this.rowTrack[row] = d.trackIds[i];
      this.pending += 1;
      if (this.pending === CHUNK_ROWS) this.flushDetections();
    }
  }

  /**
   * Writes the frames with their times and durations, marks the store complete and moves it
   * into place. `timeBase` covers the added frames, in order.
   */
  async finish(timeBase: TimeBase, facts: StoreFacts): Promise<void> {
    this.flushDetections();
    this.appender.closeSync();
    await this.copyDetections();
    await this.writeFrames(timeBase);
    const meta: Array<[string, string]> = [];
    if (facts.peopleFilter !== undefined && this.people !== null) {
      await this.writePeople(this.people);
      meta.push(['people_filter', peopleFilterKey(facts.peopleFilter)]);
    }
    meta.push(
      ['time_base', timeBase.kind],
      ['fps', String(timeBase.fps)],
      ['frames', String(this.indexes.length)],
      ['detections', String(this.detectionsWritten)],
      ['settings', facts.settings],
      ['source_name', facts.source_name],
    );
    for (const [key, value] of meta) await this.connection.run('INSERT INTO meta VALUES ($1, $2)', [key, value]);
    await this.connection.run("UPDATE meta SET value = 'true' WHERE key = 'complete'");
    await this.connection.run('CHECKPOINT');
    this.close();
    await removeStaging(this.stagingPath);
    await rm(`${this.path}.wal`, { force: true });
    await rename(this.temporaryPath, this.path);
  }

  /** Closes and removes the temporary store. */
  async abort(): Promise<void> {
    try {
      this.appender.closeSync();
    } catch {
      // Already closed by a failed finish: the file is removed below either way.
    }
    this.close();
    await removeStaging(this.stagingPath);
    await rm(this.temporaryPath, { force: true });
    await rm(`${this.temporaryPath}.wal`, { force: true });
  }

  private close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private flushDetections(): void {
    const rows = this.pending;
    if (rows === 0) return;
    const chunk = DuckDBDataChunk.create([INTEGER, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, INTEGER, INTEGER], rows);
    const frame = chunk.getColumnVector(0);
    const edges = [1, 2, 3, 4].map((column) => chunk.getColumnVector(column));
    const score = chunk.getColumnVector(5);
    const classId = chunk.getColumnVector(6);
    const track = chunk.getColumnVector(7);
    for (let row = 0; row < rows; row++) {
      frame.setItem(row, this.rowFrame[row]);
      for (let e = 0; e < 4; e++) edges[e].setItem(row, this.rowBox[row * 4 + e]);
      score.setItem(row, this.rowScore[row]);
      classId.setItem(row, this.rowClass[row]);
      track.setItem(row, this.rowTrack[row] < 0 ? null : this.rowTrack[row]);
    }
    for (const vector of [frame, ...edges, score, classId, track]) vector.flush();
    this.appender.appendDataChunk(chunk);
    this.detectionsWritten += rows;
    this.pending = 0;
  }

  /**
   * Copies the staged detections into the store's `detections`, each column in the narrowest
   * type that holds all its values (schema.ts), and lets the staging file go.
   */
  private async copyDetections(): Promise<void> {
    const [fits] = (await this.connection.runAndReadAll(narrowestTypesSql(STAGING))).getRows();
    const types = narrowestTypes(fits.map((fit) => fit === true));
    await this.connection.run(createDetectionsSql(types));
    await this.connection.run(copyDetectionsSql(types, STAGING));
    await this.connection.run(`DETACH ${STAGING}`);
  }

  private async writePeople(people: readonly number[]): Promise<void> {
    const appender = await this.connection.createAppender('frame_people');
    for (let from = 0; from < people.length; from += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, people.length - from);
      const chunk = DuckDBDataChunk.create([INTEGER, INTEGER], rows);
      const [index, count] = [0, 1].map((column) => chunk.getColumnVector(column));
      for (let row = 0; row < rows; row++) {
        index.setItem(row, this.indexes[from + row]);
        count.setItem(row, people[from + row]);
      }
      index.flush();
      count.flush();
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }

  private async writeFrames(timeBase: TimeBase): Promise<void> {
    await appendFrames(this.connection, (i) => this.indexes[i], this.stamps, timeBase);
  }
}

/**
 * Appends `stamps.length` rows to the `frames` table of the store open on `connection`: row i is
 * frame `indexOf(i)` with T `stamps[i]` and the time and duration (ms) of `timeBase` at i (NULL
 * without a time base). Shared by the run's store writer and `crowdheat follow`'s store.
 */
export async function appendFrames(
  connection: DuckDBConnection,
  indexOf: (i: number) => number,
  stamps: readonly (string | null)[],
  timeBase: TimeBase,
): Promise<void> {
  const appender = await connection.createAppender('frames');
  const n = stamps.length;
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - from);
    const chunk = DuckDBDataChunk.create([INTEGER, VARCHAR, DOUBLE, DOUBLE], rows);
    const [index, t, time, duration] = [0, 1, 2, 3].map((column) => chunk.getColumnVector(column));
    for (let row = 0; row < rows; row++) {
      const i = from + row;
      index.setItem(row, indexOf(i));
      t.setItem(row, stamps[i]);
      time.setItem(row, timeBase.timesMs === null ? null : timeBase.timesMs[i]);
      duration.setItem(row, timeBase.durationsMs === null ? null : timeBase.durationsMs[i]);
    }
    for (const vector of [index, t, time, duration]) vector.flush();
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** A store's frames, in frame order, as typed arrays. */
export interface StoredFrames {
  index: Int32Array;
  t: (string | null)[];
  /** Null when the analysis has no time base. */
  timeMs: Float64Array | null;
  durationMs: Float64Array | null;
}

/**
 * A finished store, opened read-only.
 *
 * @throws InputError when the path holds no store, a store from an interrupted run, or a store
 *   of a newer schema than this build reads.
 */
export class StoreReader {
  /** The detections in memory once `warm` has read them (null before, or when they did not fit the budget). */
  private cache: DetectionCache | null = null;
  /** Reads streaming from DuckDB now, and how `warm`, paused for them, is resumed. */
  private streaming = 0;
  private resumeWarm: (() => void) | null = null;
  /** `warm` while it reads; reads of long ranges wait for it when it is nearly done (`WAIT_FOR_WARM_RATIO`). */
  private warming: Promise<void> | null = null;
  /** Rows `warm` has read, and the rows it reads in all. */
  private warmedRows = 0;
  private warmRows = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly meta: StoreMeta,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens `path`: a store file, or an output folder holding `crowdheat.duckdb`. */
  static async open(path: string): Promise<StoreReader> {
    const file = await storeFileOf(path);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, { ...DUCKDB_OPTIONS, access_mode: 'READ_ONLY' });
    } catch (error) {
      throw new InputError(oneLine(`${showValue(file)}: not a crowdheat analysis store (${error instanceof Error ? error.message : String(error)})`));
    }
    const connection = await instance.connect();
    const fail = (message: string): never => {
      connection.closeSync();
      instance.closeSync();
      throw new InputError(oneLine(`${showValue(file)}: ${message}`));
    };
    const values = new Map<string, string>();
    try {
      const result = await connection.runAndReadAll('SELECT key, value FROM meta');
      for (const [key, value] of result.getRows()) values.set(String(key), String(value));
    } catch {
      fail('not a crowdheat analysis store (it has no meta table)');
    }
    const version = Number(values.get('schema_version'));
    if (!Number.isInteger(version)) fail('not a crowdheat analysis store (no schema_version)');
    if (version > STORE_SCHEMA_VERSION) {
      fail(`written by a newer crowdheat (store schema ${version}); this one reads schema ${STORE_SCHEMA_VERSION}: update crowdheat`);
    }
    if (version < 1) fail(`store schema ${version} is older than any this crowdheat reads; run the analysis again`);
    if (values.get('complete') !== 'true') {
      fail('incomplete: the run that wrote it was interrupted; run the analysis again');
    }
    const missing = await missingColumn(connection);
    if (missing !== null) fail(`${missing}: was the store changed outside crowdheat? Run the analysis again`);
    const timeBase = values.get('time_base');
    const meta: StoreMeta = {
      schema_version: version,
      complete: true,
      time_base: isTimeBaseKind(timeBase) ? timeBase : 'none',
      fps: Number(values.get('fps') ?? 0),
      frames: Number(values.get('frames') ?? 0),
      detections: Number(values.get('detections') ?? 0),
      settings: values.get('settings') ?? '{}',
      source_name: values.get('source_name') ?? 'heatmap',
      people_filter: values.get('people_filter') ?? null,
    };
    return new StoreReader(file, meta, instance, connection);
  }

  /**
   * Every frame, ordered by frame index. Numbers are read a chunk at a time; the T strings (a
   * native read and a decode each when read one by one) are read in blocks of up to 4,096 frames
   * joined into one string per block by DuckDB, on a second connection at the same time.
   */
  async frames(): Promise<StoredFrames> {
    const n = this.meta.frames;
    const index = new Int32Array(n);
    const timeMs = this.meta.time_base === 'none' ? null : new Float64Array(n);
    const durationMs = timeMs === null ? null : new Float64Array(n);
    // The store writes frames in frame order and DuckDB scans a table in the order it was
    // written, so the rows are read unsorted (a sort costs more than the read) and checked: rows
    // out of order are read again sorted.
    const readNumbers = async (sorted: boolean): Promise<boolean> => {
      const columns = `frame_index${timeMs === null ? '' : ', time_ms, duration_ms'}`;
      const result = await this.connection.stream(`SELECT ${columns} FROM frames${sorted ? ' ORDER BY frame_index' : ''}`);
      let row = 0;
      let ordered = true;
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const rows = chunk.rowCount;
        const vIndex = chunk.getColumnVector(0);
        for (let i = 0; i < rows; i++) {
          const frameIndex = vIndex.getItem(i) as number;
          if (row + i > 0 && frameIndex <= index[row + i - 1]) ordered = false;
          index[row + i] = frameIndex;
        }
        if (timeMs !== null && durationMs !== null) {
          const vTime = chunk.getColumnVector(1);
          const vDuration = chunk.getColumnVector(2);
          for (let i = 0; i < rows; i++) {
            timeMs[row + i] = vTime.getItem(i) as number;
            durationMs[row + i] = vDuration.getItem(i) as number;
          }
        }
        row += rows;
      }
      return ordered;
    };
    const read = async (): Promise<void> => {
      if (!(await readNumbers(false))) await readNumbers(true);
    };
    const [t] = await bothSettled(this.withConnection((connection) => readStamps(connection, n)), read());
    return { index, t, timeMs, durationMs };
  }

  /**
   * Streams the detections of frames `fromIndex ≤ frame_index ≤ toIndex` (all when omitted), as
   * the source gave them, in runs of one frame each: every stretch of consecutive rows of one
   * frame (among those in the range) is one run, wherever the reads break blocks, so the runs and
   * the figures summed from them are the same from DuckDB and from the cache; a frame whose rows
   * lie apart comes in several runs. Memory stays one chunk (2,048 detections) and the largest frame.
   */
  async forEachDetections(
    visit: (frameIndex: number, detections: Detections) => void,
    fromIndex = -2147483648,
    toIndex = 2147483647,
  ): Promise<void> {
    // `warm` pauses while a read streams, so a read asked during it streams at once, unless
    // `warm` is so nearly done that waiting for it and reading from memory is sooner.
    if (this.cache === null && this.warming !== null) {
      const frames = Math.min(toIndex, this.meta.frames) - Math.max(fromIndex, 0) + 1;
      const rows = this.meta.frames > 0 ? (this.warmRows * frames) / this.meta.frames : 0;
      if (this.warmRows - this.warmedRows < rows / WAIT_FOR_WARM_RATIO) await this.warming;
    }
    if (this.cache !== null) return this.cache.forEachDetections(visit, fromIndex, toIndex);
    // While it streams, `warm` pauses between its chunks: a seek does not share the cores with it.
    this.streaming += 1;
    try {
      // On a connection of its own: reads may run at once (DuckDB runs one query at a time per connection).
      await this.withConnection((connection) => streamDetections(connection, visit, { fromIndex, toIndex }));
    } catch (error) {
      throw this.named(error);
    } finally {
      this.streaming -= 1;
      if (this.streaming === 0) {
        const resume = this.resumeWarm;
        this.resumeWarm = null;
        resume?.();
      }
    }
  }

  /** Null when `warm` may read on, else a promise of the moment no read streams any more (one `warm` runs at a time). */
  private warmTurn(): Promise<void> | null {
    if (this.streaming === 0) return null;
    return new Promise((resolve) => {
      this.resumeWarm = resolve;
    });
  }

  /** An input error about this store's contents, its message led by the store's path. */
  private named(error: unknown): unknown {
    return error instanceof InputError ? new InputError(oneLine(`${showValue(this.path)}: ${error.message}`)) : error;
  }

  /**
   * Streams a read-only query over the store chunk by chunk (views kept in their own modules,
   * e.g. store/zones.ts): `visit` receives each chunk of at most 2,048 rows.
   */
  async forEachChunk(sql: string, values: DuckDBValue[], visit: (chunk: DuckDBDataChunk) => void): Promise<void> {
    const result = await this.connection.stream(sql, values);
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) visit(chunk);
  }

  /**
   * People per frame under the run's filters (SPEC §1: finite values; with `sanitize`, a box with
   * a pixel inside the `imageWidth × imageHeight` image; `minScore`, `classIds`), by one SQL
   * GROUP BY: the count `prepareDetections` keeps for each frame, at the position the frame has
   * in `frames` (frames without detections count 0).
   *
   * @returns an Int32Array as long as `frames.index`.
   */
  async peoplePerFrame(frames: StoredFrames, filter: PrepareOptions): Promise<Int32Array> {
    return countsAtPositions(frames, await this.peopleByFrameIndex(filter));
  }

  /**
   * The counts of `peoplePerFrame` keyed by frame index (frames with at least one person kept; a
   * frame index may repeat, its counts add up): from `frame_people` when the store was written
   * under the same filters, else by the GROUP BY; read on a connection of its own so it can run while `frames()` reads: pass both to
   * `countsAtPositions`.
   */
  async peopleByFrameIndex(filter: PrepareOptions): Promise<PeopleByFrame> {
    const conditions = ['isfinite("left")', 'isfinite(top)', 'isfinite("right")', 'isfinite(bottom)', 'isfinite(score)', 'score >= $1'];
    if (filter.sanitize) {
      conditions.push('greatest("left", "right") > 0', 'least("left", "right") < $2', 'greatest(top, bottom) > 0', 'least(top, bottom) < $3');
    }
    if (filter.classIds !== null) {
      const ids = filter.classIds.filter((id) => Number.isInteger(id));
      conditions.push(ids.length === 0 ? 'false' : `class_id IN (${ids.join(', ')})`);
    }
    const values = filter.sanitize ? [filter.minScore, filter.imageWidth, filter.imageHeight] : [filter.minScore];
    // Counted when the store was written under the same filters: read, not counted again.
    const kept = this.meta.people_filter === peopleFilterKey(filter);
    return this.withConnection(async (connection) => {
      const result = kept
        ? await connection.stream('SELECT frame_index, people FROM frame_people WHERE people > 0')
        : await connection.stream(
            `SELECT frame_index, CAST(count(*) AS INTEGER) FROM (SELECT ${WIDE_DETECTION_COLUMNS} FROM detections) WHERE ${conditions.join(' AND ')} GROUP BY frame_index`,
            values,
          );
      expectColumnTypes(result, [DuckDBTypeId.INTEGER, DuckDBTypeId.INTEGER]);
      const frameIndex: Int32Array[] = [];
      const count: Int32Array[] = [];
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        frameIndex.push(integerColumn(chunk, 0).slice());
        count.push(integerColumn(chunk, 1).slice());
      }
      return { frameIndex: joined(frameIndex), count: joined(count) };
    }).catch((error: unknown) => {
      throw this.named(error);
    });
  }

  /**
   * Reads the detections once into memory (`DetectionCache`), on a connection of its own, while
   * the window shows the timeline: every later read of detections (seek, period views, zones)
   * comes from there. A week of 5 M detections: 1.4–1.5 s once (bench/README.md), then a
   * whole-week view reads them without DuckDB's streamed chunks (0.4–0.5 s of them with schema
   * 3's narrow columns). Pauses while a read streams from DuckDB. Left to DuckDB when they pass
   * the cache's budget. Resolves when done; never rejects.
   */
  async warm(): Promise<void> {
    if (this.cache !== null) return;
    this.warming ??= this.withConnection(async (connection) => {
      // Sized by the rows the table holds, not by meta `detections`: a store changed outside
      // crowdheat may say more (the cache would reserve, and allocate, up to its whole budget for
      // rows that are not there) or fewer (it would be given up after reading every row).
      const [[rows]] = (await connection.runAndReadAll('SELECT count(*) FROM detections')).getRows();
      this.warmRows = Number(rows);
      const counted = (visit: (block: DetectionBlock) => void) => (block: DetectionBlock) => {
        this.warmedRows += block.rows;
        visit(block);
      };
      return DetectionCache.fill((visit) => streamDetectionBlocks(connection, counted(visit), { turn: () => this.warmTurn() }), this.warmRows);
    }).then(
      (cache) => {
        if (cache !== null && this.closed) cache.release();
        else this.cache = cache;
        this.warming = null;
      },
      () => {
        this.warming = null;
      },
    );
    await this.warming;
  }

  /**
   * Has DuckDB read every block of `detections` into its buffers, by one parallel scan on its
   * threads (about 0.2 s for the week's 53 MB on 2 cores), so that the reads after an open —
   * `warm`, and a view streamed while `warm` has not ended — find them there: a streamed read
   * loads blocks one chunk at a time, at about four times that. Skipped when the detections, at
   * their widest uncompressed size (`MAX_BYTES_PER_DETECTION`), would pass the cache's budget.
   * Never rejects.
   */
  async loadDetectionBlocks(): Promise<void> {
    if (this.meta.detections * MAX_BYTES_PER_DETECTION > DETECTION_CACHE_BUDGET_BYTES) return;
    await this.withConnection((connection) =>
      // An expression over every column: no column can be skipped, no zone map answers it.
      connection.run('SELECT count(*) FROM detections WHERE frame_index + "left" + top + "right" + bottom + score + class_id + coalesce(track_id, 0) < -1e300'),
    ).catch(() => undefined);
  }

  /** Runs `work` on a new connection to the store (DuckDB runs one query at a time per connection). */
  private async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Writes `frames.parquet` and `detections.parquet` into `directory` (which exists), in the column types of schema 2 whatever the store's. */
  async exportParquet(directory: string): Promise<string[]> {
    const written: string[] = [];
    for (const table of ['frames', 'detections']) {
      const target = join(directory, `${table}.parquet`);
      const temporary = temporaryPathFor(target);
      try {
        await this.connection.run(`COPY (SELECT ${table === 'detections' ? WIDE_DETECTION_COLUMNS : '*'} FROM ${table} ORDER BY frame_index) TO ${sqlString(temporary)} (FORMAT parquet)`);
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      written.push(target);
    }
    return written;
  }

  close(): void {
    this.closed = true;
    this.cache?.release();
    this.cache = null;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The columns every store schema has, by table: those the reads of frames and detections select. */
const REQUIRED_COLUMNS: ReadonlyArray<[string, readonly string[]]> = [
  ['frames', ['frame_index', 't', 'time_ms', 'duration_ms']],
  ['detections', DETECTION_COLUMN_NAMES],
];

/**
 * The first table or column of `REQUIRED_COLUMNS` the store open on `connection` lacks, in words
 * ("it has no table detections", "its table detections has no column score"), or null: found
 * at open, so that a store changed outside crowdheat is refused in one line rather than failing
 * later in the middle of a query.
 */
async function missingColumn(connection: DuckDBConnection): Promise<string | null> {
  const result = await connection.runAndReadAll(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name IN ('frames', 'detections')",
  );
  const present = new Set(result.getRows().map(([table, column]) => `${String(table)}.${String(column)}`));
  for (const [table, columns] of REQUIRED_COLUMNS) {
    if (!columns.some((column) => present.has(`${table}.${column}`))) return `it has no table ${table}`;
    const absent = columns.find((column) => !present.has(`${table}.${column}`));
    if (absent !== undefined) return `its table ${table} has no column ${absent}`;
  }
  return null;
}

/** The store file a path names: the path itself, or `crowdheat.duckdb` inside a folder. */
export async function storeFileOf(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(oneLine(`${showValue(path)}: no such store or output folder`));
  }
  if (!info.isDirectory()) return path;
  const file = join(path, STORE_FILE);
  try {
    await stat(file);
  } catch {
    throw new InputError(oneLine(`${showValue(path)}: the folder holds no ${STORE_FILE} (run an analysis into it first)`));
  }
  return file;
}

/** The arrays one after another in one array. */
function joined(parts: Int32Array[]): Int32Array {
  const all = new Int32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** What views read detections through: a finished store (StoreReader) or one being followed. */
export interface DetectionStream {
  forEachDetections(visit: (frameIndex: number, detections: Detections) => void, fromIndex?: number, toIndex?: number): Promise<void>;
}

/** Which detections `streamDetectionBlocks` and `streamDetections` read, and how. */
export interface DetectionRead {
  /** Frames `fromIndex ≤ frame_index ≤ toIndex` (all when omitted). */
  fromIndex?: number;
  toIndex?: number;
  /** Rows in frame order (else in the order the store holds them, the source's). */
  ordered?: boolean;
  /** Called before each chunk after the first is asked of DuckDB: a promise to wait for, or null (a reader that yields to others). */
  turn?: () => Promise<void> | null;
}

/** The types each column of `detections` may have (schema.ts): INTEGER frame indexes, the rest as narrow as the values allowed. */
const { INTEGER: I, SMALLINT: S, FLOAT: F, DOUBLE: D } = DuckDBTypeId;
const DETECTION_TYPES = [[I], [S, F, D], [S, F, D], [S, F, D], [S, F, D], [S, F, D], [S, I], [S, I]];

/**
 * Blocks of 2,048 rows at most, reused: a narrow column (Int16Array, Float32Array) is widened into
 * them natively, so that every block a reader gets holds Int32Array frame indexes and ids and
 * Float64Array boxes and scores whichever table it comes from (one shape for `RunVisitor`).
 */
class WideBlock {
  private readonly doubles = Array.from({ length: 5 }, () => new Float64Array(CHUNK_ROWS));
  private readonly integers = Array.from({ length: 3 }, () => new Int32Array(CHUNK_ROWS));

  /** Column `c` (0–7, `DETECTION_TYPES`' order) of a chunk as Float64Array (real columns) or Int32Array. */
  widen(values: NumberColumn, c: number): Float64Array | Int32Array {
    const real = c >= 1 && c <= 5;
    if (real ? values instanceof Float64Array : values instanceof Int32Array) return values as Float64Array | Int32Array;
    const target = real ? this.doubles[c - 1] : this.integers[c === 0 ? 0 : c - 5];
    target.set(values);
    return target.subarray(0, values.length);
  }
}

/**
 * Streams the detections of the store open on `connection` (`read`: which frames, in what order),
 * as the source gave them, in blocks of at most 2,048 rows (DuckDB's chunks,
 * the arrays views of its memory or of reused arrays: valid until `visit` returns).
 *
 * @throws InputError when a column has another type or holds a NULL (a store changed outside crowdheat).
 */
export async function streamDetectionBlocks(connection: DuckDBConnection, visit: (block: DetectionBlock) => void, read: DetectionRead = {}): Promise<void> {
  const { fromIndex = -2147483648, toIndex = 2147483647, ordered = false, turn = () => null } = read;
  // Stored track ids are ≥ 0 or NULL (none): NULL comes back as -1, so no column has NULLs and
  // reading a value needs no look at a validity mask.
  const result = await connection.stream(
    'SELECT frame_index, "left", top, "right", bottom, score, class_id, coalesce(track_id, -1) AS track_id FROM detections ' +
      `WHERE frame_index BETWEEN $1 AND $2${ordered ? ' ORDER BY frame_index' : ''}`,
    [fromIndex, toIndex],
  );
  expectColumnTypes(result, DETECTION_TYPES);
  const types = DETECTION_TYPES.map((_, c) => result.columnTypeId(c));
  const wide = new WideBlock();
  const column = (chunk: DuckDBDataChunk, c: number): Float64Array | Int32Array => wide.widen(numberColumn(chunk, c, types[c], DETECTION_COLUMN_NAMES[c]), c);
  // The next chunk is fetched (on DuckDB's threads) while this one is visited.
  let next = result.fetchChunk();
  try {
    for (let chunk = await next; chunk !== null && chunk.rowCount > 0; chunk = await next) {
      const wait = turn();
      if (wait !== null) await wait;
      next = result.fetchChunk();
      visit({
        rows: chunk.rowCount,
        frames: column(chunk, 0),
        left: column(chunk, 1),
        top: column(chunk, 2),
        right: column(chunk, 3),
        bottom: column(chunk, 4),
        scores: column(chunk, 5),
        classIds: column(chunk, 6),
        trackIds: column(chunk, 7),
      });
    }
  } finally {
    // Never leave a fetch running on the connection (the caller may close it next).
    await next.catch(() => null);
  }
}

/**
 * Streams the detections of the store open on `connection` (`read`, as `streamDetectionBlocks`),
 * as the source gave them, in runs of one frame each: `visit(frameIndex, detections)` sees each
 * stretch of consecutive rows of one frame as one run (a frame whose rows are apart in the store
 * comes in several runs). With `ordered`, runs come in frame order. Memory stays one chunk (2,048
 * detections) and the largest frame; the arrays passed to `visit` are reused.
 */
export async function streamDetections(
  connection: DuckDBConnection,
  visit: (frameIndex: number, detections: Detections) => void,
  read: DetectionRead = {},
): Promise<void> {
  const runs = new RunVisitor(visit);
  await streamDetectionBlocks(connection, (block) => runs.block(block), read);
  runs.finish();
}

/** People per frame keyed by frame index: `count[i]` people in frame `frameIndex[i]`. */
export interface PeopleByFrame {
  frameIndex: Int32Array;
  count: Int32Array;
}

/**
 * Spreads `people` over the positions of `frames` (frames it does not name count 0).
 *
 * @returns an Int32Array as long as `frames.index`.
 */
export function countsAtPositions(frames: StoredFrames, people: PeopleByFrame): Int32Array {
  const counts = new Int32Array(frames.index.length);
  const positionOf = positionLookup(frames.index);
  for (let i = 0; i < people.frameIndex.length; i++) {
    const position = positionOf(people.frameIndex[i]);
    // Added up: `frame_people` has one row per frame, and a source may repeat a frame index.
    if (position >= 0) counts[position] += people.count[i];
  }
  return counts;
}

/** Frames per block of T strings joined by DuckDB in `readStamps`. */
const STAMP_BLOCK = 4096;
/** Joins the T strings of a block: the unit separator, checked to be in no T of the store. */
const STAMP_SEPARATOR = '\u001f';

/**
 * The T column of `frames` (`n` rows) in frame order: all nulls when no frame has a T (a seed CSV
 * or MOT file); else read as one string per block of frames, each T marked `s…` and each null
 * `n`, joined by the unit separator; one by one only when some T holds that separator.
 *
 * @throws Error when the store's frames table does not hold `n` rows (a damaged store).
 */
async function readStamps(connection: DuckDBConnection, n: number): Promise<(string | null)[]> {
  const t = new Array<string | null>(n).fill(null);
  const [stamped, separated] = (await connection.runAndReadAll('SELECT count(t), count(*) FILTER (WHERE contains(t, chr(31))) FROM frames')).getRows()[0];
  if (Number(stamped) === 0) return t;
  let row = 0;
  if (Number(separated) > 0) {
    const result = await connection.stream('SELECT t FROM frames ORDER BY frame_index');
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const column = chunk.getColumnVector(0);
      for (let i = 0; i < chunk.rowCount; i++, row++) {
        const stamp = column.getItem(i);
        t[row] = stamp === null ? null : String(stamp);
      }
    }
  } else {
    const result = await connection.stream(
      `SELECT string_agg(coalesce('s' || t, 'n'), chr(31) ORDER BY frame_index) FROM frames GROUP BY frame_index // ${STAMP_BLOCK} ORDER BY frame_index // ${STAMP_BLOCK}`,
    );
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const column = chunk.getColumnVector(0);
      for (let i = 0; i < chunk.rowCount; i++) {
        for (const piece of String(column.getItem(i)).split(STAMP_SEPARATOR)) t[row++] = piece.startsWith('s') ? piece.slice(1) : null;
      }
    }
  }
  if (row !== n) throw new Error(`store frames: read ${row} T values for ${n} frames`);
  return t;
}

/**
 * Both results once both have settled, so that no read is still running on the store when a
 * caller closes it after the other failed.
 *
 * @throws the first rejection, after both settled.
 */
export async function bothSettled<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}
