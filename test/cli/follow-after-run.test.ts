/**
 * `crowdheat follow` continuing the store a Console `crowdheat run` finished (schema 3: its
 * columns as narrow as its values allowed), through the built command line against the loopback
 * fake Console: the device then adds detections those narrow types cannot hold. The followed
 * store and its recount must equal, to the bit, a fresh run over the same records.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreReader } from '../../src-main/store/store.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { FakeConsole, type FakeRecord } from '../fake-console.js';
import { writeFollowSettings } from './follow-fixture.js';
import { detectionColumnTypes, detectionRows } from '../store/store-fixture.js';

const CLI = join(import.meta.dirname, '../../bin/crowdheat');
const BUILT = existsSync(join(import.meta.dirname, '../../dist/src-main/cli.js'));
const START = Date.UTC(2026, 10, 29, 9, 0, 0, 0);

/** Record `second`: pixel boxes within SMALLINT, or (`wide`) edges and ids that need DOUBLE and INTEGER. */
function record(second: number, wide: boolean): FakeRecord {
  const T = formatTimestamp(START + second * 1000);
  const detections = wide
    ? [
        { left: 16777217, top: 40, right: 16777300, bottom: 90, score: 0.1, class_id: 0 },
        { left: 100, top: -40000, right: 140, bottom: 200, score: 0.7, class_id: 70000 },
        { left: 10 + second, top: 20, right: 60, bottom: 80, score: 0.9, class_id: 0 },
      ]
    : [{ left: 10 + second, top: 20, right: 60 + second, bottom: 80, score: 1, class_id: 0 }];
  return { id: `r${second}`, inferences: [{ T, detections }] };
}

let dir: string;
let fake: FakeConsole;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-follow-run-'));
  fake = await FakeConsole.start({ devices: [{ device_id: 'cam-1', records: [0, 1, 2].map((s) => record(s, false)) }] });
  await writeFollowSettings(dir, fake);
});
afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI to its end (a deadline kills it) with Console cache folder `cache`; `stopAfterPoll` sends SIGINT after the first poll line. */
function cli(args: string[], stopAfterPoll = false, cache = 'cache'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, CROWDHEAT_DEBUG: '', CROWDHEAT_CACHE_DIR: join(dir, cache) } });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stopAfterPoll && !stopped && / poll 1: /.test(stdout)) {
        stopped = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(deadline);
      done({ code, stderr });
    });
  });
}

/** Every detection of the store in `folder`, as [frame, left, top, right, bottom, score, class, track]. */
async function rowsOf(folder: string): Promise<number[][]> {
  const store = await StoreReader.open(folder);
  try {
    return await detectionRows(store);
  } finally {
    store.close();
  }
}

describe.skipIf(!BUILT)('crowdheat follow into the store of a finished Console run', () => {
  it('stores the wider detections the device adds exactly, and its recount equals a fresh run\'s to the byte', async () => {
    expect(await cli(['run', '--config_path', 'heat_map_app.yaml', '-q'])).toEqual({ code: 0, stderr: '' });
    expect(await detectionColumnTypes(join(dir, 'out', 'crowdheat.duckdb'))).toMatchObject({ left: 'SMALLINT', score: 'SMALLINT', class_id: 'SMALLINT' });
    fake.appendRecords('cam-1', [3, 4].map((s) => record(s, true)));
    expect(await cli(['follow', '--config_path', 'heat_map_app.yaml', '--interval', '1'], true)).toMatchObject({ code: 0 });
    expect(await cli(['recount', 'out', '--out', 'out/recount'])).toMatchObject({ code: 0 });

    expect(await cli(['run', '--config_path', 'heat_map_app.yaml', '--output_dir', 'fresh', '-q'], false, 'fresh-cache')).toEqual({ code: 0, stderr: '' });
    expect(await detectionColumnTypes(join(dir, 'fresh', 'crowdheat.duckdb'))).toMatchObject({ left: 'DOUBLE', top: 'FLOAT', score: 'FLOAT', class_id: 'INTEGER' });
    expect(await cli(['recount', 'fresh', '--out', 'fresh/recount'])).toMatchObject({ code: 0 });

    const followed = await rowsOf(join(dir, 'out'));
    const fresh = await rowsOf(join(dir, 'fresh'));
    expect(followed.length).toBe(3 + 6);
    expect(followed.map((row) => row.map((value) => (Object.is(value, -0) ? '-0' : value)))).toEqual(fresh.map((row) => row.map((value) => (Object.is(value, -0) ? '-0' : value))));
    for (const file of ['heatmap_period.npy']) {
      expect(Buffer.compare(await readFile(join(dir, 'out', 'recount', file)), await readFile(join(dir, 'fresh', 'recount', file)))).toBe(0);
    }
  }, 120_000);
});
