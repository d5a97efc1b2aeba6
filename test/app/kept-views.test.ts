/**
 * Period views kept beside an analysis (src-main/app/kept-views.ts): kept as the analysis
 * finishes and when asked, read back the same to the last figure after a restart of the host,
 * missed when the store changed, and never a reason for a request to fail.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodViewData } from '../../src-shared/api.js';
import { defaultSettings, type GridParams } from '../../src-shared/settings/types.js';
import { KEPT_VIEWS_DIR, KeptViews } from '../../src-main/app/kept-views.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { startTestHost, timedSampleSettings, type TestHost } from './web-host-fixture.js';
import { bucketPeriod, periodRequest, shownZoneOf, zoneOf } from '../../src-renderer/logic/period.js';

let cwd: string;
let dataDir: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'crowdheat-kept-cwd-'));
  dataDir = await mkdtemp(join(tmpdir(), 'crowdheat-kept-data-'));
});

afterAll(async () => {
  for (const dir of [cwd, dataDir]) await rm(dir, { recursive: true, force: true });
});

/** A web host on the shared data folder (a restart is a second one on the same folder). */
const startHost = (): Promise<TestHost> => startTestHost(120, { cwd, dataDir });

const viewsDirOf = (runId: string): string => join(dataDir, 'runs', runId, KEPT_VIEWS_DIR);
const keptFiles = async (runId: string): Promise<string[]> => (await readdir(viewsDirOf(runId)).catch(() => [])).sort();

/** Waits until the run's views folder holds `count` files and no write in flight (a view is kept after its answer goes out), and `also` holds of them. */
async function keptCount(runId: string, count: number, also: (files: string[]) => boolean = () => true): Promise<string[]> {
  for (let tries = 0; tries < 500; tries++) {
    const files = await keptFiles(runId);
    // A temporary file is a write in flight (on a busy machine it can be seen between two looks).
    if (files.length === count && !files.some((name) => name.endsWith('.partial')) && also(files)) return files;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return keptFiles(runId);
}

describe('period views kept beside an analysis', () => {
  it('keeps the whole period and its hours as the analysis finishes; a restart reads them back to the last figure', async () => {
    const first = await startHost();
    const settings = timedSampleSettings({ fps: 1, start: '2026-11-23T08:59:00+09:00', grid: [48, 27], timezone: 'Asia/Tokyo' });
    const { runId } = await first.client.call('analyse', { settings });
    expect(await first.finished(runId)).toEqual({ type: 'done', runId, frames: 120 });
    // Both first views are on disk before the analysis says it is done.
    const kept = await keptFiles(runId);
    expect(kept).toHaveLength(2);
    // Kept as first views: apart from other views, which never push them out.
    for (const name of kept) expect(name).toMatch(/^[0-9a-f]{64}\.first\.json$/);

    const whole = await first.client.call('periodView', { runId });
    const hourly = await first.client.call('periodView', { runId, period: 'hour' });
    expect(hourly.buckets.map((bucket) => [bucket.start, bucket.frames])).toEqual([
      ['2026-11-23T08:00:00+09:00', 60],
      ['2026-11-23T09:00:00+09:00', 60],
    ]);
    // The whole period kept from the hours' answer is the whole period's own answer.
    expect(await keptFiles(runId)).toEqual(kept);
    await first.close();

    // Computed anew (the kept files gone): the same answers to the bit.
    await rm(viewsDirOf(runId), { recursive: true });
    const second = await startHost();
    await second.client.call('openAnalysis', { runId });
    expect(await second.client.call('periodView', { runId })).toEqual(whole);
    expect(await second.client.call('periodView', { runId, period: 'hour' })).toEqual(hourly);
    expect(await keptCount(runId, 2)).toEqual(kept);
    await second.close();

    // After a restart the answer comes from its file: reading it marks it used (its time moves on).
    const old = new Date('2026-01-01T00:00:00Z');
    for (const name of kept) await utimes(join(viewsDirOf(runId), name), old, old);
    const third = await startHost();
    await third.client.call('openAnalysis', { runId });
    expect(await third.client.call('periodView', { runId, period: 'hour' })).toEqual(hourly);
    const touched = await Promise.all(kept.map(async (name) => (await stat(join(viewsDirOf(runId), name))).mtimeMs > old.getTime()));
    expect(touched.filter(Boolean)).toHaveLength(1);

    // A re-count is kept too, under its own name; asked again it is the same answer.
    const recount = await third.client.call('periodView', { runId, period: 'hour', params: { grid_num_h: 8, grid_num_v: 6, bbox2pix: true } });
    const three = await keptCount(runId, 3);
    expect(await third.client.call('periodView', { runId, period: 'hour', params: { grid_num_h: 8, grid_num_v: 6, bbox2pix: true } })).toEqual(recount);
    expect(recount).toMatchObject({ columns: 8, rows: 6, frames: 120 });

    // A store changed in any way (here only its time) is a miss: computed anew. While the store
    // is open it is counted from what the open read, so it is kept only once opened again.
    const storePath = join(dataDir, 'runs', runId, 'output', STORE_FILE);
    const later = new Date(Date.now() + 60_000);
    await utimes(storePath, later, later);
    expect(await third.client.call('periodView', { runId, period: 'hour' })).toEqual(hourly);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await keptFiles(runId)).toEqual(three);
    await third.close();
    const fourth = await startHost();
    await fourth.client.call('openAnalysis', { runId });
    expect(await fourth.client.call('periodView', { runId, period: 'hour' })).toEqual(hourly);
    // The new store's hours are a first view: the oldest first view of the old store (its whole
    // period, not read since) makes room for it.
    const four = await keptCount(runId, 3, (files) => files.some((name) => !three.includes(name)));
    expect(four.filter((name) => !three.includes(name))).toEqual([expect.stringMatching(/\.first\.json$/)]);
    expect(three.filter((name) => !four.includes(name))).toHaveLength(1);

    // A kept file that is not a whole answer is a miss and goes; the answer is computed again.
    for (const name of await keptFiles(runId)) await writeFile(join(viewsDirOf(runId), name), '{"format":1,"data":{"unit":"person-seconds"');
    expect(await fourth.client.call('periodView', { runId, period: 'hour' })).toEqual(hourly);
    const textsNow = async (): Promise<string[]> => Promise.all((await keptFiles(runId)).map((name) => readFile(join(viewsDirOf(runId), name), 'utf8').catch(() => '')));
    let texts = await textsNow();
    for (let tries = 0; tries < 500 && !texts.some((text) => text.endsWith('}}')); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      texts = await textsNow();
    }
    expect(texts).toHaveLength(3);
    expect(texts.filter((text) => text.endsWith('}}')).length).toBe(1);
    expect(JSON.parse(texts.find((text) => text.endsWith('}}')) as string)).toEqual({ format: 1, data: hourly });
    await fourth.close();
  }, 120_000);

  it('serves the views the window opens to from the first views, asked as the window asks them (period 60min, the machine\'s zone), also after 20 re-counts and a restart', async () => {
    const host = await startHost();
    const settings = timedSampleSettings({ fps: 1, start: '2026-11-23T08:59:00+09:00', grid: [24, 14], timezone: '' });
    settings.output_settings.period = '60min';
    const { runId } = await host.client.call('analyse', { settings });
    expect(await host.finished(runId)).toMatchObject({ type: 'done' });
    const firsts = await keptFiles(runId);
    expect(firsts).toEqual([expect.stringMatching(/\.first\.json$/), expect.stringMatching(/\.first\.json$/)]);
    // As the period bar asks: its bucket length and the zone named (this computer's for '').
    const zone = zoneOf('');
    const byBuckets = periodRequest(runId, { mode: 'buckets', period: bucketPeriod('60min'), timezone: zone });
    const whole = periodRequest(runId, { mode: 'whole', period: bucketPeriod('60min'), timezone: zone });
    const buckets = await host.client.call('periodView', byBuckets);
    expect(buckets.buckets).toHaveLength(2);
    expect(await host.client.call('periodView', whole)).toEqual({ ...buckets, buckets: [], bucketColumns: expect.any(Number), bucketRows: expect.any(Number) });
    // The analysis's own grid asked as a re-count, its keys in another order: the same first view.
    expect(await host.client.call('periodView', { ...byBuckets, params: { grid_num_v: 14, grid_num_h: 24 } })).toEqual(buckets);
    // All read back: nothing new was counted and kept.
    expect(await keptFiles(runId)).toEqual(firsts);
    for (let n = 1; n <= 20; n++) await host.client.call('periodView', { ...byBuckets, params: { grid_num_h: 24 + n } });
    await keptCount(runId, 2 + 16);
    await host.close();

    const again = await startHost();
    await again.client.call('openAnalysis', { runId });
    expect(await again.client.call('periodView', byBuckets)).toEqual(buckets);
    const after = await keptFiles(runId);
    expect(after.filter((name) => name.endsWith('.first.json'))).toEqual(firsts);
    expect(after).toHaveLength(2 + 16);
    await again.close();
  }, 120_000);

  it('serves the first views of an analysis whose times count from frame 0 (metadata_fps without start_time), asked in UTC as the window asks them', async () => {
    const host = await startHost();
    const settings = timedSampleSettings({ fps: 1, start: '', grid: [24, 14], timezone: 'Asia/Tokyo' });
    const { runId } = await host.client.call('analyse', { settings });
    expect(await host.finished(runId)).toMatchObject({ type: 'done' });
    const firsts = await keptFiles(runId);
    expect(firsts).toEqual([expect.stringMatching(/\.first\.json$/), expect.stringMatching(/\.first\.json$/)]);
    // The window shows such times on the ELAPSED clock and asks the store for them in UTC.
    const zone = shownZoneOf('elapsed', 'Asia/Tokyo');
    const byBuckets = periodRequest(runId, { mode: 'buckets', period: bucketPeriod(''), timezone: zone });
    expect(byBuckets.timezone).toBe('UTC');
    const buckets = await host.client.call('periodView', byBuckets);
    // 120 frames at 1 fps from 0 ms: one hour's bucket, starting at 0 ms (00:00 in UTC).
    expect(buckets.buckets.map((bucket) => bucket.start)).toEqual(['1970-01-01T00:00:00+00:00']);
    await host.client.call('periodView', periodRequest(runId, { mode: 'whole', period: bucketPeriod(''), timezone: zone }));
    // Both read back from the first views: nothing new was counted and kept.
    expect(await keptCount(runId, 2)).toEqual(firsts);
    await host.close();
  }, 120_000);

  it('keeps only the whole period of an analysis without a time base, and a deleted analysis leaves no folder behind', async () => {
    const host = await startHost();
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'sample.csv';
    const { runId } = await host.client.call('analyse', { settings });
    expect(await host.finished(runId)).toMatchObject({ type: 'done' });
    expect(await keptFiles(runId)).toHaveLength(1);
    const whole = await host.client.call('periodView', { runId });
    expect(whole).toMatchObject({ unit: 'person-frames', frames: 120, buckets: [] });
    // A view asked and the analysis deleted at once: its keeping is waited for, nothing is left.
    const asked = host.client.call('periodView', { runId, params: { grid_num_h: 4, grid_num_v: 3 } });
    await asked;
    await host.client.call('deleteAnalysis', { runId });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await readdir(join(dataDir, 'runs'))).not.toContain(runId);
    await host.close();
  }, 120_000);
});

describe('KeptViews', () => {
  const params: GridParams = defaultSettings().heat_map_settings.params;
  const answer = (value: number): PeriodViewData => ({
    unit: 'person-seconds',
    columns: 2,
    rows: 1,
    whole: [value, 0.1 + 0.2],
    frames: 3,
    detections: 4,
    buckets: [],
    bucketColumns: 2,
    bucketRows: 1,
    busiestMoment: null,
    busiestPlace: null,
    span: null,
  });

  it('names an answer by everything it depends on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crowdheat-kept-unit-'));
    const store = join(dir, 'store.duckdb');
    await writeFile(store, 'x');
    const kept = new KeptViews(join(dir, 'views'), '1.0.0');
    const question = { params, period: { kind: 'hour' as const }, timeZone: 'UTC' };
    const key = await kept.keyOf(store, question);
    expect(await kept.keyOf(store, { ...question })).toBe(key);
    // The same settings written in another order are the same question.
    const reordered = Object.fromEntries(Object.entries(params).reverse()) as unknown as GridParams;
    expect(await kept.keyOf(store, { ...question, params: reordered })).toBe(key);
    const others = [
      await new KeptViews(join(dir, 'views'), '1.0.1').keyOf(store, question),
      await kept.keyOf(store, { ...question, params: { ...params, grid_num_h: params.grid_num_h + 1 } }),
      await kept.keyOf(store, { ...question, period: { kind: 'minutes', minutes: 60 } }),
      await kept.keyOf(store, { ...question, timeZone: 'Asia/Tokyo' }),
      await kept.keyOf(store, { ...question, fromMs: 0 }),
      await kept.keyOf(store, { ...question, toMs: 1 }),
    ];
    await writeFile(`${store}.wal`, '');
    others.push(await kept.keyOf(store, question));
    await rm(`${store}.wal`);
    await writeFile(store, 'xy');
    others.push(await kept.keyOf(store, question));
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
    await rm(dir, { recursive: true });
  });

  it('reads back what it keeps exactly, keeps no answer JSON cannot carry, and drops the least recently used past its limits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crowdheat-kept-unit-'));
    const kept = new KeptViews(join(dir, 'views'), '1.0.0', { views: 3, bytes: 1_000_000 });
    const key = (n: number): string => n.toString(16).padStart(64, '0');
    expect(await kept.get(key(1))).toBeUndefined();
    await kept.put(key(1), answer(1 / 3));
    expect(await kept.get(key(1))).toEqual(answer(1 / 3));
    await kept.put(key(2), { ...answer(2), whole: [Number.NaN, 1] });
    expect(await kept.get(key(2))).toBeUndefined();

    // Reading an answer marks it used: past the limit of 3 views the least recently used goes.
    const at = (n: number, seconds: number): Promise<void> => utimes(join(dir, 'views', `${key(n)}.json`), seconds, seconds);
    for (const n of [2, 3]) {
      await kept.put(key(n), answer(n));
      await at(n, n * 1000);
    }
    await at(1, 500);
    expect(await kept.get(key(1))).toEqual(answer(1 / 3));
    await kept.put(key(4), answer(4));
    expect((await readdir(join(dir, 'views'))).sort()).toEqual([key(1), key(3), key(4)].map((name) => `${name}.json`));

    // By bytes: a limit of two and a half answers keeps the newest two.
    const bytes = JSON.stringify({ format: 1, data: answer(1) }).length;
    const small = new KeptViews(join(dir, 'small'), '1.0.0', { views: 10, bytes: bytes * 2.5 });
    await mkdir(join(dir, 'small'));
    for (const n of [1, 2, 3]) {
      await small.put(key(n), answer(n));
      await utimes(join(dir, 'small', `${key(n)}.json`), n * 1000, n * 1000);
    }
    expect((await readdir(join(dir, 'small'))).sort()).toEqual([key(2), key(3)].map((name) => `${name}.json`));
    // First views are kept apart: no number of other views pushes them out; the newest two stay.
    const firsts = new KeptViews(join(dir, 'firsts'), '1.0.0', { views: 2, bytes: 1_000_000 });
    await mkdir(join(dir, 'firsts'));
    const firstAt = (n: number, seconds: number): Promise<void> => utimes(join(dir, 'firsts', `${key(n)}.first.json`), seconds, seconds);
    await firsts.put(key(1), answer(1), true);
    await firstAt(1, 1000);
    await firsts.put(key(2), answer(2), true);
    await firstAt(2, 2000);
    for (const n of [3, 4, 5, 6]) await firsts.put(key(n), answer(n));
    expect((await readdir(join(dir, 'firsts'))).sort()).toEqual([`${key(1)}.first.json`, `${key(2)}.first.json`, `${key(5)}.json`, `${key(6)}.json`].sort());
    expect(await firsts.get(key(1))).toEqual(answer(1));
    await firstAt(1, 1000);
    await firsts.put(key(7), answer(7), true);
    expect((await readdir(join(dir, 'firsts'))).filter((name) => name.endsWith('.first.json')).sort()).toEqual([`${key(2)}.first.json`, `${key(7)}.first.json`].sort());

    // A folder whose analysis is gone is not made again.
    const gone = new KeptViews(join(dir, 'gone', 'views'), '1.0.0');
    await expect(gone.put(key(1), answer(1))).rejects.toThrow();
    await rm(dir, { recursive: true });
  });
});
