import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  CACHE_SCHEMA_VERSION,
  ConsoleCache,
  ConsoleCacheError,
  deleteCacheFile,
  mergeIntervals,
  normaliseEndpoint,
} from '../../src-main/console/cache.js';
import { cacheFileIn, defaultCacheDir } from '../../src-main/console/cache-dir.js';

/** The Console the tests' caches are opened for (nothing listens there: the cache never calls it). */
const EP = 'http://127.0.0.1:9/api/v1';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function record(id: string, ts: string[]): unknown {
  return {
    id,
    device_id: 'cam-1',
    model_id: 'm',
    inference_result: { DeviceID: 'cam-1', ModelID: 'm', Image: false, Inferences: ts.map((T) => ({ T, O: `o-${T}`, F: 0 })) },
  };
}

describe('where the cache lives', () => {
  it('CROWDHEAT_CACHE_DIR wins over the platform folder', () => {
    expect(defaultCacheDir({ CROWDHEAT_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' }, 'linux', '/home/u')).toBe('/x/y');
  });
  it('Linux uses XDG_CACHE_HOME, else ~/.cache; a relative XDG_CACHE_HOME is ignored', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux', '/home/u')).toBe('/c/crowdheat');
    expect(defaultCacheDir({}, 'linux', '/home/u')).toBe('/home/u/.cache/crowdheat');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'rel' }, 'linux', '/home/u')).toBe('/home/u/.cache/crowdheat');
  });
  it('macOS uses ~/Library/Caches, Windows %LOCALAPPDATA%\\crowdheat\\Cache', () => {
    expect(defaultCacheDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/crowdheat');
    expect(defaultCacheDir({ LOCALAPPDATA: '/L' }, 'win32', '/h')).toBe(join('/L', 'crowdheat', 'Cache'));
  });
});

describe('covered intervals', () => {
  it('merge when they overlap or touch at the next millisecond, and stay apart otherwise', () => {
    expect(
      mergeIntervals([
        { first: '20240501120000001', last: '20240501130000000' },
        { first: null, last: '20240501120000000' },
        { first: '20240501130000002', last: '20240501140000000' },
      ]),
    ).toEqual([
      { first: null, last: '20240501130000000' },
      { first: '20240501130000002', last: '20240501140000000' },
    ]);
  });
});

describe('ConsoleCache', () => {
  it('stores records once per device and T, and rebuilds the newest records of a range', async () => {
    const cache = await ConsoleCache.open(cacheFileIn(dir), { endpoint: EP });
    const a = record('a', ['20240501120000000', '20240501120001000']);
    const b = record('b', ['20240501120002000', '20240501120003000']);
    expect(await cache.storeRecords('cam-1', [b, a])).toBe(4);
    expect(await cache.storeRecords('cam-1', [b, a])).toBe(0);
    expect(await cache.storeRecords('cam-2', [a])).toBe(2);
    expect(await cache.inferenceTimes('cam-1')).toEqual([
      '20240501120000000', '20240501120001000', '20240501120002000', '20240501120003000',
    ]);
    const newest = await cache.recordsBetween('cam-1', { first: null, last: null }, 1);
    expect(newest).toEqual([
      {
        id: 'b',
        device_id: 'cam-1',
        inference_result: {
          DeviceID: 'cam-1',
          Inferences: [
            { T: '20240501120002000', O: 'o-20240501120002000', F: 0 },
            { T: '20240501120003000', O: 'o-20240501120003000', F: 0 },
          ],
        },
      },
    ]);
    const ids = (await cache.recordsBetween('cam-1', { first: '20240501120001000', last: '20240501120002000' }, 10)).map(
      (r) => (r as { id: string }).id,
    );
    expect(ids).toEqual(['b', 'a']);
    cache.close();
  });

  it('marks covered intervals in the same transaction and merges them', async () => {
    const cache = await ConsoleCache.open(cacheFileIn(dir), { endpoint: EP });
    await cache.storeRecords('cam-1', [record('a', ['20240501120000000'])], { first: '20240501110000000', last: '20240501120000000' });
    await cache.markCovered('cam-1', { first: '20240501120000001', last: '20240501130000000' });
    expect(await cache.coveredIntervals('cam-1')).toEqual([{ first: '20240501110000000', last: '20240501130000000' }]);
    expect(await cache.coveredIntervals('cam-2')).toEqual([]);
  });

  it('keeps image pages with their T and grows the folder prefix only when pages join up', async () => {
    const cache = await ConsoleCache.open(cacheFileIn(dir), { endpoint: EP });
    const jpeg = (n: number): Uint8Array => new Uint8Array([0xff, 0xd8, n, 0]);
    expect(await cache.storeImagePage('cam-1', 'F', 0, [
      { name: '20240501120000000.jpg', jpeg: jpeg(1) },
      { name: 'odd.jpg', jpeg: jpeg(2) },
    ])).toBe(2);
    expect(await cache.folderPrefix('cam-1', 'F')).toEqual({ count: 2, lastName: 'odd.jpg' });
    await cache.storeImagePage('cam-1', 'F', 5, [{ name: 'z.jpg', jpeg: jpeg(3) }]);
    expect(await cache.folderPrefix('cam-1', 'F')).toEqual({ count: 2, lastName: 'odd.jpg' });
    await cache.storeImagePage('cam-1', 'F', 1, [{ name: 'odd.jpg', jpeg: jpeg(2) }, { name: 'p.jpg', jpeg: jpeg(4) }]);
    expect(await cache.folderPrefix('cam-1', 'F')).toEqual({ count: 3, lastName: 'p.jpg' });
    const images = await cache.imagesAfter('cam-1', 'F', null, '20240501120000000', 10);
    expect(images.map((image) => [image.name, image.t, [...image.jpeg]])).toEqual([
      ['20240501120000000.jpg', '20240501120000000', [0xff, 0xd8, 1, 0]],
      ['odd.jpg', null, [0xff, 0xd8, 2, 0]],
      ['p.jpg', null, [0xff, 0xd8, 4, 0]],
      ['z.jpg', null, [0xff, 0xd8, 3, 0]],
    ]);
    const info = await cache.info();
    expect(info.devices.map((d) => [d.device_id, d.inferences, d.images])).toEqual([['cam-1', 0, 4]]);
    await cache.clearDevice('cam-1', EP);
    expect((await cache.info()).devices).toEqual([]);
  });

  it('reports sizes per device', async () => {
    const cache = await ConsoleCache.open(cacheFileIn(dir), { endpoint: EP });
    await cache.storeRecords('cam-1', [record('a', ['20240501120000000', '20240501120001000'])]);
    const info = await cache.info();
    expect(info.file).toBe(cacheFileIn(dir));
    expect(info.file_bytes).toBeGreaterThan(0);
    expect(info.devices).toHaveLength(1);
    expect(info.devices[0]).toMatchObject({
      device_id: 'cam-1', inferences: 2, images: 0, first_t: '20240501120000000', last_t: '20240501120001000',
    });
    expect(info.devices[0].bytes).toBe(2 * (JSON.stringify({ T: '20240501120000000', O: 'o-20240501120000000', F: 0 }).length + 1 + 34));
  });

  it('refuses a cache of a newer schema, naming the file and the way out, and rebuilds an older one', async () => {
    const file = cacheFileIn(dir);
    const cache = await ConsoleCache.open(file, { endpoint: EP });
    await cache.storeRecords('cam-1', [record('a', ['20240501120000000'])]);
    await setSchemaVersion(file, CACHE_SCHEMA_VERSION + 1);
    await expect(ConsoleCache.open(file, { endpoint: EP })).rejects.toThrow(
      new RegExp(`console-cache.duckdb was written by a newer crowdheat \\(cache schema ${CACHE_SCHEMA_VERSION + 1}.*console cache --clear`),
    );
    await setSchemaVersion(file, 0);
    const rebuilt = await ConsoleCache.open(file, { endpoint: EP });
    expect(await rebuilt.inferenceTimes('cam-1')).toEqual([]);
  });

  it('refuses a file that is not a DuckDB database, and deleteCacheFile removes it', async () => {
    const file = cacheFileIn(dir);
    await writeFile(file, 'not a database at all, just text '.repeat(200));
    const error = await ConsoleCache.open(file, { endpoint: EP }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleCacheError);
    expect((error as Error).message).toMatch(/console-cache\.duckdb: cannot open it .*console cache --clear/);
    await deleteCacheFile(file);
    const fresh = await ConsoleCache.open(file, { endpoint: EP });
    expect(await fresh.inferenceTimes('cam-1')).toEqual([]);
  });
});

describe('a cache folder that is no folder', () => {
  it('deleteCacheFile refuses, naming the file, when CROWDHEAT_CACHE_DIR names a file', async () => {
    const notFolder = join(dir, 'a-file');
    await writeFile(notFolder, 'x');
    const error = await deleteCacheFile(cacheFileIn(notFolder)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleCacheError);
    expect((error as Error).message).toBe(`Console cache ${cacheFileIn(notFolder)}: cannot remove it (ENOTDIR: not a directory, lstat '${cacheFileIn(notFolder)}')`);
  });
});

describe('one cache, several Consoles', () => {
  it('normalises an endpoint: scheme and host case, default port, user info, query and trailing slashes do not matter', () => {
    expect(normaliseEndpoint(' HTTPS://user:pw@Console.Example.com:443/api/v1/?x=1#f ')).toBe('https://console.example.com/api/v1');
    expect(normaliseEndpoint('http://127.0.0.1:8080/api/v1')).toBe('http://127.0.0.1:8080/api/v1');
    expect(normaliseEndpoint('http://127.0.0.1:8081/api/v1')).not.toBe(normaliseEndpoint('http://127.0.0.1:8080/api/v1'));
  });

  it('keeps the same device ID of two Consoles apart, and clearing one leaves the other', async () => {
    const file = cacheFileIn(dir);
    const staging = await ConsoleCache.open(file, { endpoint: 'http://staging.example:8080/api/v1' });
    const production = await ConsoleCache.open(file, { endpoint: 'HTTP://Production.example/api/v1/' });
    const jpeg = new Uint8Array([0xff, 0xd8, 7, 0]);
    await staging.storeRecords('cam-1', [record('s', ['20240501120000000'])], { first: null, last: '20240501120000000' });
    await staging.storeImagePage('cam-1', 'F', 0, [{ name: '20240501120000000.jpg', jpeg }]);
    await production.storeRecords('cam-1', [record('p', ['20240501130000000', '20240501130001000'])]);
    expect(await staging.inferenceTimes('cam-1')).toEqual(['20240501120000000']);
    expect(await production.inferenceTimes('cam-1')).toEqual(['20240501130000000', '20240501130001000']);
    expect(await staging.coveredIntervals('cam-1')).toEqual([{ first: null, last: '20240501120000000' }]);
    expect(await production.coveredIntervals('cam-1')).toEqual([]);
    expect(await staging.folderPrefix('cam-1', 'F')).toEqual({ count: 1, lastName: '20240501120000000.jpg' });
    expect(await production.folderPrefix('cam-1', 'F')).toBeNull();
    expect(await production.imagesAfter('cam-1', 'F', null, null, 10)).toEqual([]);
    expect((await production.recordsBetween('cam-1', { first: null, last: null }, 10)).map((r) => (r as { id: string }).id)).toEqual(['p']);
    const listed = (await staging.info()).devices.map((d) => [d.endpoint, d.device_id, d.inferences, d.images]);
    expect(listed).toEqual([
      ['http://production.example/api/v1', 'cam-1', 2, 0],
      ['http://staging.example:8080/api/v1', 'cam-1', 1, 1],
    ]);
    expect(await staging.clearDevice('cam-1', 'http://STAGING.example:8080/api/v1/')).toBe(2);
    expect((await staging.info()).devices.map((d) => [d.endpoint, d.device_id, d.inferences])).toEqual([
      ['http://production.example/api/v1', 'cam-1', 2],
    ]);
    expect(await staging.coveredIntervals('cam-1')).toEqual([]);
    expect(await production.inferenceTimes('cam-1')).toEqual(['20240501130000000', '20240501130001000']);
    // Without an endpoint, the device's part of every Console goes.
    await staging.storeRecords('cam-1', [record('s', ['20240501120000000'])]);
    expect(await staging.clearDevice('cam-1', null)).toBe(3);
    expect((await staging.info()).devices).toEqual([]);
  });

  it('a cache opened without an endpoint lists and clears but refuses to read or store a device', async () => {
    const cache = await ConsoleCache.open(cacheFileIn(dir));
    await expect(cache.inferenceTimes('cam-1')).rejects.toThrow('opened without a Console endpoint');
    expect((await cache.info()).devices).toEqual([]);
  });

  it('rebuilds a cache of schema 1 (keyed by device only): what it held is not answered for any Console', async () => {
    const file = cacheFileIn(dir);
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)');
    await connection.run("INSERT INTO meta VALUES ('schema_version', '1')");
    await connection.run(
      'CREATE TABLE inferences (device_id VARCHAR NOT NULL, t VARCHAR NOT NULL, record_id VARCHAR NOT NULL, ' +
        'record_newest_t VARCHAR NOT NULL, inference VARCHAR NOT NULL, PRIMARY KEY (device_id, t))',
    );
    await connection.run("INSERT INTO inferences VALUES ('cam-1', '20240501120000000', 'a', '20240501120000000', '{}')");
    await connection.run('CREATE TABLE covered (device_id VARCHAR NOT NULL, first_t VARCHAR, last_t VARCHAR NOT NULL)');
    await connection.run("INSERT INTO covered VALUES ('cam-1', NULL, '20240501120000000')");
    connection.closeSync();
    instance.closeSync();
    const cache = await ConsoleCache.open(file, { endpoint: EP });
    expect(await cache.inferenceTimes('cam-1')).toEqual([]);
    expect(await cache.coveredIntervals('cam-1')).toEqual([]);
    expect(await cache.storeRecords('cam-1', [record('a', ['20240501120000000'])])).toBe(1);
    expect((await cache.info()).devices.map((d) => [d.endpoint, d.device_id])).toEqual([[EP, 'cam-1']]);
  });

  it('clearing a device leaves nothing in the log, gives back the file\'s free end, and its space is used again by what is stored next', async () => {
    const file = cacheFileIn(dir);
    const cache = await ConsoleCache.open(file, { endpoint: EP });
    const noise = (seed: number): Uint8Array => {
      const bytes = new Uint8Array(200_000);
      let x = seed;
      for (let i = 0; i < bytes.length; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        bytes[i] = x >>> 24;
      }
      return bytes;
    };
    const page = (seed: number) => Array.from({ length: 20 }, (_, i) => ({ name: `${seed}-${String(i).padStart(3, '0')}.jpg`, jpeg: noise(seed * 100 + i) }));
    await cache.storeImagePage('cam-1', 'F', 0, page(1));
    const full = (await stat(file)).size;
    await cache.clearDevice('cam-1', EP);
    // Nothing is left in the log: the deletion is in the file itself.
    await expect(stat(`${file}.wal`)).rejects.toThrow();
    // The only device's blocks were the file's end: the file is cut back to well under half.
    expect((await stat(file)).size).toBeLessThan(full / 2);
    await cache.storeImagePage('cam-2', 'F', 0, page(2));
    // As much again fits in the blocks the clearing freed: the file does not grow by another 4 MB.
    expect((await stat(file)).size).toBeLessThan(full + 1_000_000);
  });
});

/** A separate process that opens `file` with DuckDB and holds it until killed; resolves once it holds it. */
async function holdInAnotherProcess(file: string): Promise<ChildProcess> {
  const script =
    `import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {` +
    ` const i = await DuckDBInstance.create(${JSON.stringify(file)}); await i.connect(); process.stdout.write('held\\n');` +
    ` setInterval(() => {}, 1000); })`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the holding process did not start within 30 s')), 30_000);
    child.stdout?.on('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.on('exit', () => reject(new Error('the holding process ended')));
  });
  return child;
}

describe('two processes', () => {
  it('an operation waits for another process to let go of the file, and fails with the PID at its deadline', async () => {
    const file = cacheFileIn(dir);
    const cache = await ConsoleCache.open(file, { endpoint: EP });
    cache.close();
    const holder = await holdInAnotherProcess(file);
    try {
      const error = await ConsoleCache.open(file, { lockTimeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConsoleCacheError);
      expect((error as Error).message).toBe(
        `Console cache ${file} is in use by another crowdheat process (PID ${holder.pid}) and was not released within 0.3 s; ` +
          'wait for it to finish, or set CROWDHEAT_CACHE_DIR to another folder',
      );
      const waiting = ConsoleCache.open(file, { lockTimeoutMs: 60_000, endpoint: EP });
      setTimeout(() => holder.kill('SIGKILL'), 500);
      const opened = await waiting;
      expect(await opened.inferenceTimes('cam-1')).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 60_000);
});

async function setSchemaVersion(file: string, version: number): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run("UPDATE meta SET value = $1 WHERE key = 'schema_version'", [String(version)]);
  connection.closeSync();
  instance.closeSync();
}
