/**
 * The Console cache: inference results and images fetched from the AITRIOS Console, kept in one
 * DuckDB file by Console endpoint, device and `T`, with what is known complete, so that a later run over an
 * overlapping range asks the Console only for what is missing (README: "The Console cache").
 *
 * Tables (schema `CACHE_SCHEMA_VERSION`):
 *
 * Every table but `meta` starts with `endpoint`, the Console's endpoint as `normaliseEndpoint`
 * keeps it, and is keyed by it and the device: two Consoles (staging, production) with the same
 * device ID never answer for each other. Schema 1 had no `endpoint`, and is rebuilt empty.
 *
 * - `meta(key, value)`: `schema_version`.
 * - `inferences(endpoint, device_id, t, record_id, record_newest_t, inference)`: one row per
 *   Console, device and `T`; `inference` is the inference as the Console sent it (`{"T", "O", "F"?}`, JSON text), and
 *   the record it came in is named by `record_id` and ordered by `record_newest_t` (its newest
 *   `T`), so the Console's "newest N records" can be answered the same way from here.
 * - `covered(endpoint, device_id, first_t, last_t)`: inclusive `T` intervals whose inferences are all here
 *   (`first_t` NULL: from the beginning); disjoint and not touching, per device.
 * - `images(endpoint, device_id, folder, name, t, jpeg)`: images as fetched (`t` NULL for a name that is
 *   not `<T>.jpg`).
 * - `image_folders(endpoint, device_id, folder, covered_count, last_name)`: the first `covered_count`
 *   names of the folder, in the Console's (name) order, are all in `images`; `last_name` is the
 *   last of them, to check the folder has not changed before carrying on from there.
 *
 * Access: DuckDB lets one process at a time open a file for writing, so every operation opens the
 * file, runs in one transaction, and closes it again; an operation that finds the file held by
 * another process waits for it up to `lockTimeoutMs` and then fails with a message naming the
 * file. Within one process, operations on one file run one after the other. Nothing secret is
 * ever written here: the tables hold what the Console answered and the normalised endpoint (no
 * user info or query), never a token or credential.
 *
 * ```ts
 * const cache = await ConsoleCache.open(cacheFileIn(defaultCacheDir()), { endpoint: credentials.console_endpoint });
 * await cache.storeRecords('cam-1', records, { first: '20240501120000000', last: '20240501125959999' });
 * const page = await cache.recordsBetween('cam-1', { first: null, last: '20240501125959999' }, 100);
 * cache.close();
 * ```
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { CACHE_DIR_ENV } from './cache-dir.js';
import { dirname } from 'node:path';
import { blobValue, DuckDBInstance, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { timestampOfImageName } from '../../src-shared/console/discover.js';
import { InputError } from '../../src-shared/errors.js';
import { formatTimestamp, isTimestamp, parseTimestamp } from '../../src-shared/frames.js';
import { oneLine, showValue } from '../../src-shared/messages.js';
import { isPlainObject } from '../../src-shared/objects.js';

/** The schema this build writes. An older cache is rebuilt (emptied); a newer one is refused. */
export const CACHE_SCHEMA_VERSION = 2;

/** How long an operation waits for another process to let go of the file. */
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/** Pause between tries while another process holds the file. */
const LOCK_RETRY_MS = 100;

/** DuckDB's settings for the cache: small, it shares 2 cores with the run that uses it. */
const DUCKDB_OPTIONS = { threads: '1', memory_limit: '256MB' };

const CREATE_TABLES = [
  'CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
  'CREATE TABLE inferences (endpoint VARCHAR NOT NULL, device_id VARCHAR NOT NULL, t VARCHAR NOT NULL, record_id VARCHAR NOT NULL, ' +
    'record_newest_t VARCHAR NOT NULL, inference VARCHAR NOT NULL, PRIMARY KEY (endpoint, device_id, t))',
  'CREATE TABLE covered (endpoint VARCHAR NOT NULL, device_id VARCHAR NOT NULL, first_t VARCHAR, last_t VARCHAR NOT NULL)',
  'CREATE TABLE images (endpoint VARCHAR NOT NULL, device_id VARCHAR NOT NULL, folder VARCHAR NOT NULL, name VARCHAR NOT NULL, ' +
    't VARCHAR, jpeg BLOB NOT NULL, PRIMARY KEY (endpoint, device_id, folder, name))',
  'CREATE TABLE image_folders (endpoint VARCHAR NOT NULL, device_id VARCHAR NOT NULL, folder VARCHAR NOT NULL, ' +
    'covered_count INTEGER NOT NULL, last_name VARCHAR NOT NULL, PRIMARY KEY (endpoint, device_id, folder))',
];
const TABLES = ['meta', 'inferences', 'covered', 'images', 'image_folders'];

/** Inclusive `T` bounds; `first` null = from the beginning. */
export interface CoveredInterval {
  first: string | null;
  last: string;
}

/** A query's inclusive `T` bounds; null = unbounded on that side. */
export interface TRange {
  first: string | null;
  last: string | null;
}

/** An image as kept: its name in the folder, its `T` (null when the name is not `<T>.jpg`), the JPEG bytes. */
export interface CachedImage {
  name: string;
  t: string | null;
  jpeg: Uint8Array;
}

/** The part of a folder known whole: its first `count` names, the last of them `lastName`. */
export interface FolderPrefix {
  count: number;
  lastName: string;
}

/** What the cache holds for one device of one Console. */
export interface CacheDeviceInfo {
  /** The Console's endpoint, as `normaliseEndpoint` keeps it. */
  endpoint: string;
  device_id: string;
  inferences: number;
  images: number;
  /** Bytes of the inference results and images as fetched (the file holds somewhat more). */
  bytes: number;
  /** Oldest and newest inference `T`, or null without inferences. */
  first_t: string | null;
  last_t: string | null;
  /** Intervals known complete. */
  covered: CoveredInterval[];
}

export interface CacheInfo {
  file: string;
  /** Size of the file on disk, 0 when there is none yet. */
  file_bytes: number;
  devices: CacheDeviceInfo[];
}

/** The cache file is held by another process past the deadline, or is not a cache this build can use. */
export class ConsoleCacheError extends InputError {
  constructor(
    message: string,
    /** True when another process held the file past the deadline (the file itself may be fine). */
    readonly held = false,
  ) {
    super(message);
  }
}

/** Operations on each file, chained so that one process never opens one file twice at once. */
const queues = new Map<string, Promise<unknown>>();

function serialised<T>(file: string, operation: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.then(operation, operation);
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}

/**
 * One Console cache file. Every method opens the file, works in one transaction and closes it,
 * so a method that resolves has committed and a run that fails later keeps what was stored.
 */
export class ConsoleCache {
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly lockTimeoutMs: number,
    /** The Console every per-device operation reads and writes (normalised), or null for info/clear only. */
    readonly endpoint: string | null,
  ) {}

  /**
   * Opens (creating when missing, with its folder) the cache file `file` and checks its schema: a
   * cache of an older schema is emptied and rebuilt (it is only a cache); one of a newer schema,
   * a file that is not a crowdheat cache, or a file held by another process for longer than
   * `lockTimeoutMs` (default 30 s) is refused with a `ConsoleCacheError` naming the file.
   * `endpoint` names the Console whose devices the per-device methods read and store (any
   * spelling `normaliseEndpoint` makes the same); without it only `info` and `clearDevice` work.
   */
  static async open(file: string, options: { lockTimeoutMs?: number; endpoint?: string } = {}): Promise<ConsoleCache> {
    const endpoint = options.endpoint === undefined ? null : normaliseEndpoint(options.endpoint);
    const cache = new ConsoleCache(file, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, endpoint);
    try {
      await mkdir(dirname(file), { recursive: true });
    } catch (error) {
      throw new ConsoleCacheError(oneLine(`Console cache: cannot create the folder of ${showValue(file, 120)}: ${(error as Error).message}`));
    }
    await cache.transaction(async () => undefined);
    return cache;
  }

  /** No further operations; the file is not held between operations, so nothing else is released. */
  close(): void {
    this.closed = true;
  }

  /**
   * Stores fetched records (as `GET …/inferenceresults` returned them, or bare inference results)
   * and, in the same transaction, marks `covered` complete (merged with what is already). An
   * inference whose device and `T` are already stored is left as it is (inserting twice is one
   * row); inferences without a valid `T` are not kept. Resolves with the number of new rows.
   */
  async storeRecords(deviceId: string, records: readonly unknown[], covered?: CoveredInterval): Promise<number> {
    const rows = inferenceRows(records);
    return this.transaction(async (connection) => {
      let added = 0;
      if (rows.t.length > 0) {
        const result = await connection.runAndReadAll(
          'INSERT INTO inferences SELECT $1, $2, unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), unnest($5::VARCHAR[]), ' +
            'unnest($6::VARCHAR[]) ON CONFLICT DO NOTHING',
          [this.console(), deviceId, listValue(rows.t), listValue(rows.recordId), listValue(rows.recordNewestT), listValue(rows.inference)],
        );
        added = Number(result.getRows()[0]?.[0] ?? 0);
      }
      if (covered !== undefined) await mergeCovered(connection, this.console(), deviceId, covered);
      return added;
    });
  }

  /** Marks `interval` of a device's inferences complete (merged with what is already). */
  async markCovered(deviceId: string, interval: CoveredInterval): Promise<void> {
    await this.transaction((connection) => mergeCovered(connection, this.console(), deviceId, interval));
  }

  /** The device's intervals known complete, oldest first. */
  async coveredIntervals(deviceId: string): Promise<CoveredInterval[]> {
    return this.transaction((connection) => readCovered(connection, this.console(), deviceId));
  }

  /**
   * What the Console would answer to "the newest `count` records of the device with an inference
   * in `range`", rebuilt from the stored inferences: records newest first (by their newest `T`),
   * each `{id, device_id, inference_result: {Inferences: [...]}}` with its stored inferences in
   * `T` order. Exact only where `range` lies inside covered intervals.
   */
  async recordsBetween(deviceId: string, range: TRange, count: number): Promise<unknown[]> {
    return this.transaction(async (connection) => {
      const result = await connection.runAndReadAll(
        'WITH hit AS (SELECT DISTINCT record_id, record_newest_t FROM inferences WHERE endpoint = $5 AND device_id = $1 ' +
          'AND t >= $2 AND t <= $3 ORDER BY record_newest_t DESC, record_id LIMIT $4) ' +
          'SELECT i.record_id, i.inference FROM inferences i JOIN hit USING (record_id) WHERE i.endpoint = $5 AND i.device_id = $1 ' +
          'ORDER BY hit.record_newest_t DESC, i.record_id, i.t',
        [deviceId, range.first ?? '', range.last ?? '~', count, this.console()],
      );
      const records: unknown[] = [];
      let current: { id: string; inferences: unknown[] } | null = null;
      for (const [recordId, inference] of result.getRows()) {
        const id = String(recordId);
        if (current === null || current.id !== id) {
          current = { id, inferences: [] };
          records.push({ id, device_id: deviceId, inference_result: { DeviceID: deviceId, Inferences: current.inferences } });
        }
        current.inferences.push(JSON.parse(String(inference)) as unknown);
      }
      return records;
    });
  }

  /** The stored `T`s of a device within `range`, oldest first. */
  async inferenceTimes(deviceId: string, range: TRange = { first: null, last: null }): Promise<string[]> {
    return this.transaction(async (connection) => {
      const result = await connection.runAndReadAll(
        'SELECT t FROM inferences WHERE endpoint = $4 AND device_id = $1 AND t >= $2 AND t <= $3 ORDER BY t',
        [deviceId, range.first ?? '', range.last ?? '~', this.console()],
      );
      return result.getRows().map(([t]) => String(t));
    });
  }

  /** The part of a folder known whole, or null when none is. */
  async folderPrefix(deviceId: string, folder: string): Promise<FolderPrefix | null> {
    return this.transaction(async (connection) => {
      const result = await connection.runAndReadAll(
        'SELECT covered_count, last_name FROM image_folders WHERE endpoint = $3 AND device_id = $1 AND folder = $2',
        [deviceId, folder, this.console()],
      );
      const row = result.getRows()[0];
      return row === undefined ? null : { count: Number(row[0]), lastName: String(row[1]) };
    });
  }

  /**
   * Stores a page of a folder's images as fetched: `images` are the folder's names from position
   * `skip` on (0-based, the Console's name order). When the page continues the folder's known
   * prefix (`skip` ≤ its count) the prefix grows to its end; `skip` 0 starts the prefix anew.
   * Images already stored are left as they are. Resolves with the number of new images.
   */
  async storeImagePage(
    deviceId: string,
    folder: string,
    skip: number,
    images: readonly { name: string; jpeg: Uint8Array }[],
  ): Promise<number> {
    return this.transaction(async (connection) => {
      let added = 0;
      if (images.length > 0) {
        const result = await connection.runAndReadAll(
          'INSERT INTO images SELECT $6, $1, $2, unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), unnest($5::BLOB[]) ON CONFLICT DO NOTHING',
          [
            deviceId,
            folder,
            listValue(images.map((image) => image.name)),
            listValue(images.map((image) => timestampOfImageName(image.name))),
            listValue(images.map((image) => blobValue(image.jpeg))),
            this.console(),
          ],
        );
        added = Number(result.getRows()[0]?.[0] ?? 0);
      }
      const prefix = await connection.runAndReadAll(
        'SELECT covered_count FROM image_folders WHERE endpoint = $3 AND device_id = $1 AND folder = $2',
        [deviceId, folder, this.console()],
      );
      const known = prefix.getRows().length === 0 ? 0 : Number(prefix.getRows()[0][0]);
      const end = skip + images.length;
      if (images.length > 0 && skip <= known && end > known) {
        await connection.run(
          'INSERT INTO image_folders VALUES ($5, $1, $2, $3, $4) ON CONFLICT DO UPDATE SET covered_count = excluded.covered_count, ' +
            'last_name = excluded.last_name',
          [deviceId, folder, end, images[images.length - 1].name, this.console()],
        );
      }
      return added;
    });
  }

  /** Forgets what is known whole of a folder (it changed on the Console); its images stay. */
  async resetFolder(deviceId: string, folder: string): Promise<void> {
    await this.transaction((connection) =>
      connection
        .run('DELETE FROM image_folders WHERE endpoint = $3 AND device_id = $1 AND folder = $2', [deviceId, folder, this.console()])
        .then(() => undefined),
    );
  }

  /**
   * Up to `limit` stored images of a folder named after `afterName` (all when null) and not
   * after `untilName` (no bound when null), in name order, leaving out those whose `T` is before
   * `firstT` (names that are not `<T>.jpg` stay).
   */
  async imagesAfter(
    deviceId: string,
    folder: string,
    afterName: string | null,
    firstT: string | null,
    limit: number,
    untilName: string | null = null,
  ): Promise<CachedImage[]> {
    return this.transaction(async (connection) => {
      const result = await connection.runAndReadAll(
        'SELECT name, t, jpeg FROM images WHERE endpoint = $7 AND device_id = $1 AND folder = $2 AND name > $3 ' +
          'AND (t IS NULL OR t >= $4) AND ($6::VARCHAR IS NULL OR name <= $6::VARCHAR) ORDER BY name LIMIT $5',
        [deviceId, folder, afterName ?? '', firstT ?? '', limit, untilName, this.console()],
      );
      return result.getRows().map(([name, t, jpeg]) => ({
        name: String(name),
        t: t === null ? null : String(t),
        jpeg: (jpeg as { bytes: Uint8Array }).bytes,
      }));
    });
  }

  /** The file's size and, per device, what is stored. */
  async info(): Promise<CacheInfo> {
    const devices = await this.transaction(async (connection) => {
      const byDevice = new Map<string, CacheDeviceInfo>();
      const entry = (endpoint: string, id: string): CacheDeviceInfo => {
        const key = JSON.stringify([endpoint, id]);
        let found = byDevice.get(key);
        if (found === undefined) {
          found = { endpoint, device_id: id, inferences: 0, images: 0, bytes: 0, first_t: null, last_t: null, covered: [] };
          byDevice.set(key, found);
        }
        return found;
      };
      const inferences = await connection.runAndReadAll(
        'SELECT endpoint, device_id, count(*), sum(strlen(inference) + strlen(record_id) + 34), min(t), max(t) FROM inferences GROUP BY 1, 2',
      );
      for (const [endpoint, id, count, bytes, first, last] of inferences.getRows()) {
        const device = entry(String(endpoint), String(id));
        device.inferences = Number(count);
        device.bytes += Number(bytes);
        device.first_t = first === null ? null : String(first);
        device.last_t = last === null ? null : String(last);
      }
      const images = await connection.runAndReadAll(
        'SELECT endpoint, device_id, count(*), sum(octet_length(jpeg) + strlen(name) + strlen(folder)) FROM images GROUP BY 1, 2',
      );
      for (const [endpoint, id, count, bytes] of images.getRows()) {
        const device = entry(String(endpoint), String(id));
        device.images = Number(count);
        device.bytes += Number(bytes);
      }
      for (const device of byDevice.values()) device.covered = await readCovered(connection, device.endpoint, device.device_id);
      const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
      return [...byDevice.values()].sort((a, b) => order(a.endpoint, b.endpoint) || order(a.device_id, b.device_id));
    });
    return { file: this.file, file_bytes: await fileSize(this.file), devices };
  }

  /**
   * Removes everything stored for one device of the Console at `endpoint` (any spelling
   * `normaliseEndpoint` makes the same), or with `endpoint` null of every Console: inferences,
   * intervals, images, folders. Then checkpoints the file (nothing is left in the `.wal`): the
   * space freed is reused by what is fetched next, and free space at the file's end is cut off.
   * DuckDB 1.x does not move the data still in use to shrink a file further (measured: of a
   * 15.5 MB file holding two devices, clearing the one stored last left 15.0 MB, clearing both
   * 1.8 MB); deleting the whole file (`deleteCacheFile`) gives everything back. Resolves with the
   * number of inferences and images removed.
   */
  async clearDevice(deviceId: string, endpoint: string | null): Promise<number> {
    const key = endpoint === null ? null : normaliseEndpoint(endpoint);
    const removed = await this.transaction(async (connection) => {
      let count = 0;
      for (const table of ['inferences', 'covered', 'images', 'image_folders']) {
        const result = await connection.runAndReadAll(
          `DELETE FROM ${table} WHERE device_id = $1 AND ($2::VARCHAR IS NULL OR endpoint = $2::VARCHAR)`,
          [deviceId, key],
        );
        if (table === 'inferences' || table === 'images') count += Number(result.getRows()[0]?.[0] ?? 0);
      }
      return count;
    });
    await this.checkpoint();
    return removed;
  }

  /** Writes the log into the file and marks the blocks no longer used free (FORCE CHECKPOINT). */
  private async checkpoint(): Promise<void> {
    await serialised(this.file, async () => {
      const instance = await openWithDeadline(this.file, this.lockTimeoutMs);
      const connection = await instance.connect();
      try {
        await connection.run('FORCE CHECKPOINT');
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    });
  }

  /** The normalised endpoint of the Console this cache was opened for; per-device operations need it. */
  private console(): string {
    if (this.endpoint === null) throw new Error('Console cache: opened without a Console endpoint, so it cannot read or store a device');
    return this.endpoint;
  }

  /**
   * Runs `work` in one transaction on the freshly opened file and closes it; waits (up to the
   * lock deadline) while another process holds the file.
   */
  private transaction<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('Console cache: used after close'));
    return serialised(this.file, async () => {
      const instance = await openWithDeadline(this.file, this.lockTimeoutMs);
      const connection = await instance.connect();
      try {
        await ensureSchema(connection, this.file);
        await connection.run('BEGIN TRANSACTION');
        try {
          const value = await work(connection);
          await connection.run('COMMIT');
          return value;
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    });
  }
}

/**
 * Removes the whole cache file (and its write-ahead log), whatever it holds: the way out of a
 * cache of a newer schema or a damaged file too. Waits for another process to let go of it first.
 *
 * @throws ConsoleCacheError naming the file when it is held past the deadline or cannot be removed.
 */
export async function deleteCacheFile(file: string, lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS): Promise<void> {
  await serialised(file, async () => {
    if ((await fileSize(file)) > 0) {
      try {
        (await openWithDeadline(file, lockTimeoutMs)).closeSync();
      } catch (error) {
        // A damaged file cannot be opened at all; it is removed all the same. A held one is not.
        if (error instanceof ConsoleCacheError && error.held) throw error;
      }
    }
    for (const path of [file, `${file}.wal`]) {
      try {
        await rm(path, { force: true });
      } catch (error) {
        // E.g. CROWDHEAT_CACHE_DIR names a file (ENOTDIR) or an unwritable folder (EACCES).
        throw new ConsoleCacheError(oneLine(`Console cache ${showValue(path, 120)}: cannot remove it (${(error as Error).message})`));
      }
    }
  });
}

async function openWithDeadline(file: string, lockTimeoutMs: number): Promise<DuckDBInstance> {
  const deadline = performance.now() + lockTimeoutMs;
  for (;;) {
    try {
      return await DuckDBInstance.create(file, DUCKDB_OPTIONS);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const held = /Could not set lock|Conflicting lock/i.exec(message) !== null;
      if (!held) {
        throw new ConsoleCacheError(
          oneLine(
            `Console cache ${showValue(file, 120)}: cannot open it (${message}); ` +
              'remove it with `crowdheat console cache --clear` (it is only a cache)',
          ),
        );
      }
      if (performance.now() + LOCK_RETRY_MS > deadline) {
        const pid = /PID (\d+)/.exec(message)?.[1];
        throw new ConsoleCacheError(
          oneLine(
            `Console cache ${showValue(file, 120)} is in use by another crowdheat process${pid === undefined ? '' : ` (PID ${pid})`} ` +
              `and was not released within ${Math.round(lockTimeoutMs / 100) / 10} s; wait for it to finish, ` +
              `or set ${CACHE_DIR_ENV} to another folder`,
          ),
          true,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }
}

/** Creates the tables of a new file, rebuilds an older schema's, refuses a newer or foreign one. */
async function ensureSchema(connection: DuckDBConnection, file: string): Promise<void> {
  const tables = (await connection.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"))
    .getRows()
    .map(([name]) => String(name));
  if (tables.length > 0) {
    if (!tables.includes('meta')) {
      throw new ConsoleCacheError(
        oneLine(`${showValue(file, 120)} is not a crowdheat Console cache (no meta table); move it away or choose another ${CACHE_DIR_ENV}`),
      );
    }
    const row = (await connection.runAndReadAll("SELECT value FROM meta WHERE key = 'schema_version'")).getRows()[0];
    const version = row === undefined ? Number.NaN : Number(row[0]);
    if (version === CACHE_SCHEMA_VERSION) return;
    if (version > CACHE_SCHEMA_VERSION) {
      throw new ConsoleCacheError(
        oneLine(
          `Console cache ${showValue(file, 120)} was written by a newer crowdheat (cache schema ${version}; this one uses ` +
            `${CACHE_SCHEMA_VERSION}): update crowdheat, or clear it with \`crowdheat console cache --clear\``,
        ),
      );
    }
    // An older (or unreadable) schema: only a cache, so it is emptied and made anew.
    for (const table of tables) if (TABLES.includes(table)) await connection.run(`DROP TABLE ${table}`);
  }
  await connection.run('BEGIN TRANSACTION');
  for (const statement of CREATE_TABLES) await connection.run(statement);
  await connection.run("INSERT INTO meta VALUES ('schema_version', $1)", [String(CACHE_SCHEMA_VERSION)]);
  await connection.run('COMMIT');
}

async function readCovered(connection: DuckDBConnection, endpoint: string, deviceId: string): Promise<CoveredInterval[]> {
  const result = await connection.runAndReadAll(
    'SELECT first_t, last_t FROM covered WHERE endpoint = $1 AND device_id = $2 ORDER BY first_t NULLS FIRST',
    [endpoint, deviceId],
  );
  return result.getRows().map(([first, last]) => ({ first: first === null ? null : String(first), last: String(last) }));
}

/** Adds `interval` to the device's covered intervals, merging those it overlaps or touches. */
async function mergeCovered(
  connection: DuckDBConnection,
  endpoint: string,
  deviceId: string,
  interval: CoveredInterval,
): Promise<void> {
  if (!isTimestamp(interval.last) || (interval.first !== null && !isTimestamp(interval.first))) {
    throw new RangeError(`covered interval needs T strings, got ${interval.first} … ${interval.last}`);
  }
  if (interval.first !== null && interval.first > interval.last) return;
  const merged = mergeIntervals([...(await readCovered(connection, endpoint, deviceId)), interval]);
  await connection.run('DELETE FROM covered WHERE endpoint = $1 AND device_id = $2', [endpoint, deviceId]);
  for (const { first, last } of merged) {
    await connection.run('INSERT INTO covered VALUES ($1, $2, $3, $4)', [endpoint, deviceId, first, last]);
  }
}

/**
 * The Console endpoint as the cache keys it: the URL with its scheme and host in lower case, no
 * default port, no user name or password, no query or fragment and no trailing `/`, so that
 * `HTTPS://Console.Example.com:443/api/v1/` and `https://console.example.com/api/v1` are one
 * Console. A string that is not a URL is kept trimmed, without trailing `/`.
 *
 * ```ts
 * normaliseEndpoint('HTTPS://Console.Example.com:443/api/v1/') // 'https://console.example.com/api/v1'
 * ```
 */
export function normaliseEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim();
  try {
    const url = new URL(trimmed);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return trimmed.replace(/\/+$/, '');
  }
}

/**
 * Intervals as the fewest disjoint ones covering the same `T`s, oldest first: two that overlap or
 * touch (the second starts 1 ms after the first ends) become one.
 *
 * ```ts
 * mergeIntervals([{ first: null, last: '20240501120000000' }, { first: '20240501120000001', last: '20240501130000000' }])
 * // [{ first: null, last: '20240501130000000' }]
 * ```
 */
export function mergeIntervals(intervals: readonly CoveredInterval[]): CoveredInterval[] {
  const sorted = [...intervals].sort((a, b) => compareFirst(a.first, b.first));
  const result: CoveredInterval[] = [];
  for (const interval of sorted) {
    const previous = result[result.length - 1];
    if (previous !== undefined && (interval.first === null || interval.first <= nextT(previous.last))) {
      if (interval.last > previous.last) previous.last = interval.last;
      continue;
    }
    result.push({ ...interval });
  }
  return result;
}

function compareFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The T string 1 ms after `t`. */
function nextT(t: string): string {
  return formatTimestamp(parseTimestamp(t) + 1);
}

interface InferenceRows {
  t: string[];
  recordId: string[];
  recordNewestT: string[];
  inference: string[];
}

/** The rows of `records`' inferences: one per valid `T` (the first when a batch repeats one). */
function inferenceRows(records: readonly unknown[]): InferenceRows {
  const rows: InferenceRows = { t: [], recordId: [], recordNewestT: [], inference: [] };
  const seen = new Set<string>();
  for (const record of records) {
    const body = isPlainObject(record) && 'inference_result' in record ? record.inference_result : record;
    if (!isPlainObject(body) || !Array.isArray(body.Inferences)) continue;
    const inferences = (body.Inferences as unknown[]).filter(
      (entry): entry is Record<string, unknown> & { T: string } =>
        isPlainObject(entry) && typeof entry.T === 'string' && isTimestamp(entry.T),
    );
    if (inferences.length === 0) continue;
    let newest = inferences[0].T;
    let oldest = inferences[0].T;
    for (const { T } of inferences) {
      if (T > newest) newest = T;
      if (T < oldest) oldest = T;
    }
    const id = recordIdOf(record, oldest, newest);
    for (const entry of inferences) {
      if (seen.has(entry.T)) continue;
      seen.add(entry.T);
      rows.t.push(entry.T);
      rows.recordId.push(id);
      rows.recordNewestT.push(newest);
      rows.inference.push(JSON.stringify(entry));
    }
  }
  return rows;
}

/**
 * The name a record is kept and told apart by: the Console's `id`, or for a record without one
 * `#<oldest T>-<newest T>` of its inferences.
 */
export function recordIdOf(record: unknown, oldestT: string, newestT: string): string {
  return isPlainObject(record) && typeof record.id === 'string' && record.id !== '' ? record.id : `#${oldestT}-${newestT}`;
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    let size = info.size;
    size += await stat(`${file}.wal`).then((wal) => wal.size, () => 0);
    return size;
  } catch {
    return 0;
  }
}
