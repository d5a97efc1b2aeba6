/**
 * Attacks on the period views kept beside an analysis (src-main/app/kept-views.ts): each asks
 * whether a kept answer can differ from the answer computed afresh on the store as it is now,
 * make a request fail, or leave files behind. Driven through the real web host on loopback.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodViewData, PeriodViewRequest } from '../../src-shared/api.js';
import type { Inference, InferenceResult } from '../../src-shared/console/inference.js';
import { encodeObjectDetectionTop } from '../../src-shared/flatbuffers/index.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import { codeFingerprintOf, KEPT_VIEWS_DIR, KeptViews, runningCodeFingerprint } from '../../src-main/app/kept-views.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { startTestHost, type TestHost } from './web-host-fixture.js';
import { deadPid } from '../video/processes.js';

let cwd: string;
let dataDir: string;

/** Inference times (ms since the epoch) with gaps: bursts of 3 frames 400 ms apart, bursts 17 min apart, across the 2026-11-01 DST end in New York. */
const GAPPY_TIMES = Array.from({ length: 30 }, (_, i) => Date.UTC(2026, 10, 1, 5, 10) + Math.floor(i / 3) * 17 * 60_000 + (i % 3) * 400);

/** `T` of an instant: yyyyMMddHHmmssSSS in UTC. */
function tOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:TZ.]/g, '');
}

/** An inference with `people` boxes spread over a 1920×1080 image, placed by `seed`. */
function inference(ms: number, people: number, seed: number): Inference {
  const detections = Array.from({ length: people }, (_, i) => {
    const left = (seed * 97 + i * 331) % 1700;
    const top = (seed * 53 + i * 211) % 900;
    return { left, top, right: left + 120 + i * 7, bottom: top + 150 + seed, score: 0.3 + ((seed + i) % 7) / 10, class_id: i % 2 };
  });
  return { T: tOf(ms), O: Buffer.from(encodeObjectDetectionTop(detections)).toString('base64') };
}

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'crowdheat-attack-cwd-'));
  dataDir = await mkdtemp(join(tmpdir(), 'crowdheat-attack-data-'));
  const record: InferenceResult = {
    DeviceID: 'Aid-00010001-0000-2000-9002-000000000000',
    ModelID: '0300009999990100',
    Image: false,
    Inferences: GAPPY_TIMES.map((ms, i) => inference(ms, 1 + (i % 4), i)),
  };
  await writeFile(join(cwd, 'gappy.json'), JSON.stringify(record));
  record.Inferences = GAPPY_TIMES.map((ms, i) => inference(ms, 1 + (i % 4), i + 5));
  await writeFile(join(cwd, 'gappy-other.json'), JSON.stringify(record));
  await copyFile('/work/shared/data/motchallenge/TUD-Stadtmitte-det.txt', join(cwd, 'mot.txt'));
});

afterAll(async () => {
  for (const dir of [cwd, dataDir]) await rm(dir, { recursive: true, force: true });
});

type Host = TestHost;

/** A web host on the shared data folder (a restart is a second one on the same folder; it writes the same sample.csv). */
const startHost = (): Promise<Host> => startTestHost(120, { cwd, dataDir });

const viewsDirOf = (runId: string): string => join(dataDir, 'runs', runId, KEPT_VIEWS_DIR);
const storeOf = (runId: string): string => join(dataDir, 'runs', runId, 'output', STORE_FILE);
const keptFiles = async (runId: string): Promise<string[]> => (await readdir(viewsDirOf(runId)).catch(() => [])).sort();

/** Waits until nothing is being kept: the views folder's listing is the same twice 100 ms apart. */
async function settled(runId: string): Promise<string[]> {
  let last = await keptFiles(runId);
  for (let tries = 0; tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await keptFiles(runId);
    // A temporary file is a write in flight (on a busy machine one can outlast 100 ms).
    if (now.join() === last.join() && !now.some((name) => name.endsWith('.partial'))) return now;
    last = now;
  }
  return last;
}

/** Analyses `settings` on `host` and waits for it to be done. */
async function analysed(host: Host, settings: Settings): Promise<string> {
  const { runId } = await host.client.call('analyse', { settings });
  expect(await host.finished(runId)).toMatchObject({ type: 'done', runId });
  return runId;
}

/** The answer to `request` computed afresh: every kept view of the run removed first (and again after). */
async function fresh(host: Host, request: PeriodViewRequest): Promise<PeriodViewData> {
  await settled(request.runId);
  await rm(viewsDirOf(request.runId), { recursive: true, force: true, maxRetries: 5 });
  const answer = await host.client.call('periodView', request);
  await settled(request.runId);
  await rm(viewsDirOf(request.runId), { recursive: true, force: true, maxRetries: 5 });
  return answer;
}

/**
 * Two analyses on `host` whose stores are files of one size: the gappy inferences, and as many
 * frames and boxes with the boxes elsewhere (`gappy-other.json`).
 */
async function twoOfOneSize(host: Host): Promise<{ runId: string; otherId: string }> {
  const runId = await analysed(host, gappySettings('none', 'UTC'));
  const other = gappySettings('none', 'UTC');
  other.data_source_settings.local_data_settings.meta_file = 'gappy-other.json';
  return { runId, otherId: await analysed(host, other) };
}

function gappySettings(period: string, timezone: string): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = 'gappy.json';
  settings.output_settings.period = period;
  settings.output_settings.timezone = timezone;
  settings.heat_map_settings.params = { ...settings.heat_map_settings.params, grid_num_h: 32, grid_num_v: 18 };
  return settings;
}

describe('kept period views under attack', () => {
  it('the whole period kept as an analysis finishes is the whole period computed afresh, for every kind of run', async () => {
    const host = await startHost();
    const kinds: [string, Settings][] = [];
    kinds.push(['T with gaps across a DST end, 15min', gappySettings('15min', 'America/New_York')]);
    {
      const settings = gappySettings('day', 'Asia/Kathmandu');
      settings.heat_map_settings.params = { ...settings.heat_map_settings.params, bbox2pix: true, number_of_add_grid: 2, point_ratio: 0.8, counting: 'legacy', class_ids: [1] };
      kinds.push(['T with gaps by day in a +05:45 zone, point mode, legacy counting, class filter', settings]);
    }
    {
      const settings = gappySettings('none', 'UTC');
      settings.heat_map_settings.params = { ...settings.heat_map_settings.params, min_score: 0.99 };
      kinds.push(['T with gaps, no detection passes the score filter', settings]);
    }
    {
      const settings = defaultSettings();
      settings.data_source_settings.local_data_settings.meta_file = 'sample.csv';
      settings.data_source_settings.local_data_settings.metadata_fps = 0.05;
      settings.data_source_settings.local_data_settings.start_time = '2026-03-29T00:30:00+01:00';
      settings.output_settings.timezone = 'Europe/Berlin';
      kinds.push(['seed CSV with metadata_fps across a DST start', settings]);
    }
    {
      const settings = defaultSettings();
      settings.data_source_settings.local_data_settings.meta_file = 'mot.txt';
      kinds.push(['MOT without a time base', settings]);
    }
    for (const [kind, settings] of kinds) {
      const runId = await analysed(host, settings);
      const firstViews = await settled(runId);
      expect(firstViews, kind).toHaveLength(kind.startsWith('MOT') ? 1 : 2);
      const inodes = async (): Promise<number[]> => Promise.all(firstViews.map(async (name) => (await stat(join(viewsDirOf(runId), name))).ino));
      const keptInodes = await inodes();
      const whole = await host.client.call('periodView', { runId, period: 'none' });
      const defaultView = await host.client.call('periodView', { runId });
      // Both answers were read from the files kept as the analysis finished (a file written again has a new inode).
      expect(await settled(runId), kind).toEqual(firstViews);
      expect(await inodes(), kind).toEqual(keptInodes);
      expect(whole, kind).toEqual(await fresh(host, { runId, period: 'none' }));
      expect(defaultView, kind).toEqual(await fresh(host, { runId }));
    }
    await host.close();
  }, 240_000);

  it('a store replaced in place by another of the same size, its modification time put back, is a miss', async () => {
    const first = await startHost();
    const { runId, otherId } = await twoOfOneSize(first);
    const before = await first.client.call('periodView', { runId, period: 'hour' });
    await settled(runId);
    await first.close();

    // `cp` writes into the file it replaces (the inode stays), and `touch -r` puts its time back.
    const store = storeOf(runId);
    const reference = join(cwd, 'reference-time');
    await writeFile(reference, '');
    execFileSync('touch', ['-r', store, reference]);
    expect((await stat(storeOf(otherId))).size).toBe((await stat(store)).size);
    execFileSync('cp', [storeOf(otherId), store]);
    execFileSync('touch', ['-r', reference, store]);

    const second = await startHost();
    await second.client.call('openAnalysis', { runId });
    const after = await second.client.call('periodView', { runId, period: 'hour' });
    const computed = await fresh(second, { runId, period: 'hour' });
    expect(computed.whole).not.toEqual(before.whole);
    expect(after).toEqual(computed);
    await second.close();
  }, 120_000);
});

describe('kept period views against a hostile client', () => {
  it('refuses odd requests in one line and keeps nothing for them; many views asked at once are each the answer computed alone', async () => {
    const host = await startHost();
    const runId = await analysed(host, gappySettings('none', 'UTC'));
    const firstViews = await settled(runId);
    const odd: [Record<string, unknown>, RegExp][] = [
      [{ fromMs: Number.NaN }, /^periodView: fromMs must be a number of ms since the epoch$/],
      [{ fromMs: '0' }, /^periodView: fromMs must be a number/],
      [{ fromMs: 5, toMs: 5 }, /^periodView: toMs \(5\) must be after fromMs \(5\)$/],
      [{ period: 'weekly' }, /period/],
      [{ period: '60min ' }, /period/],
      [{ timezone: 'Mars/Olympus' }, /timezone/],
      [{ params: { grid_num_h: Number.POSITIVE_INFINITY } }, /grid_num_h/],
      [{ params: { grid_num_h: -1 } }, /grid_num_h/],
      [{ params: { no_such_key: 1 } }, /no_such_key/],
      [{ params: { class_ids: 'all' } }, /class_ids/],
    ];
    for (const [fields, message] of odd) {
      const refused = await host.client.call('periodView', { runId, ...fields } as PeriodViewRequest).then(
        () => null,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(refused, JSON.stringify(fields)).toMatch(message);
      expect(refused, JSON.stringify(fields)).not.toMatch(/\n| {4}at /);
    }
    expect(await settled(runId)).toEqual(firstViews);

    // Each view alone, computed afresh, then all of them asked at once, twice each, on no kept view.
    const requests: PeriodViewRequest[] = [
      { runId, period: 'hour' },
      { runId, period: '60min' },
      { runId, period: 'none', fromMs: GAPPY_TIMES[3], toMs: GAPPY_TIMES[20] },
      { runId, period: '15min', params: { grid_num_h: 8, grid_num_v: 6 } },
      { runId, period: 'hour', params: { bbox2pix: true, number_of_add_grid: 1 } },
      { runId, period: 'day', timezone: 'Pacific/Chatham' },
    ];
    const alone: PeriodViewData[] = [];
    for (const request of requests) alone.push(await fresh(host, request));
    const together = await Promise.all([...requests, ...requests].map((request) => host.client.call('periodView', request)));
    expect(together).toEqual([...alone, ...alone]);
    const kept = await settled(runId);
    expect(kept).toHaveLength(requests.length);
    // And read back from the files, the same again.
    expect(await Promise.all(requests.map((request) => host.client.call('periodView', request)))).toEqual(alone);
    expect(await settled(runId)).toEqual(kept);
    await host.close();
  }, 120_000);
});

describe('KeptViews what it keeps', () => {
  const data: PeriodViewData = {
    unit: 'person-seconds',
    columns: 2,
    rows: 1,
    whole: [1.5, 0],
    frames: 2,
    detections: 1,
    buckets: [],
    bucketColumns: 2,
    bucketRows: 1,
    busiestMoment: { frame: 1, t: null, time: null, count: 1 },
    busiestPlace: { h: 0, v: 0, value: 1.5 },
    span: { fromMs: 0, toMs: 2000 },
  };
  const key = (n: number): string => n.toString(16).padStart(64, '0');

  it('keeps no answer with any figure its JSON would not read back the same, wherever the figure is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crowdheat-kept-json-'));
    const kept = new KeptViews(join(dir, 'views'), '1.0.0');
    const odd: PeriodViewData[] = [
      { ...data, busiestMoment: { frame: 1, t: null, time: null, count: Number.NaN } },
      { ...data, busiestPlace: { h: 0, v: 0, value: Number.POSITIVE_INFINITY } },
      { ...data, span: { fromMs: -0, toMs: 2000 } },
      { ...data, detections: undefined as unknown as number },
    ];
    for (const [n, answer] of odd.entries()) {
      await kept.put(key(n + 1), answer);
      expect(await kept.get(key(n + 1)), String(n)).toBeUndefined();
    }
    await kept.put(key(9), data);
    expect(await kept.get(key(9))).toEqual(data);
    await rm(dir, { recursive: true });
  });

  it('writes no view through a views folder that is a symbolic link, so deleting the analysis leaves nothing elsewhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crowdheat-kept-link-'));
    await mkdir(join(dir, 'elsewhere'));
    await mkdir(join(dir, 'run'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'run', 'views'));
    const kept = new KeptViews(join(dir, 'run', 'views'), '1.0.0');
    await expect(kept.put(key(1), data)).rejects.toThrow(/is not a folder/);
    expect(await readdir(join(dir, 'elsewhere'))).toEqual([]);
    await rm(dir, { recursive: true });
  });
});

describe('KeptViews left-overs', () => {
  it('removes a temporary file a killed writer left, but not one being written now', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crowdheat-kept-partial-'));
    const kept = new KeptViews(join(dir, 'views'), '1.0.0');
    const key = (n: number): string => n.toString(16).padStart(64, '0');
    const data: PeriodViewData = {
      unit: 'person-frames',
      columns: 1,
      rows: 1,
      whole: [1],
      frames: 1,
      detections: 1,
      buckets: [],
      bucketColumns: 1,
      bucketRows: 1,
      busiestMoment: null,
      busiestPlace: null,
      span: null,
    };
    await kept.put(key(1), data);
    // What `temporaryPathFor` names a view's temporary file: one left by a host killed mid-write
    // (its process is gone), one another host is writing now (its process runs: this one).
    const abandoned = join(dir, 'views', `.${key(2)}.json.${deadPid()}-0a0b0c0d.partial`);
    const inFlight = join(dir, 'views', `.${key(3)}.json.${process.pid}-0a0b0c0d.partial`);
    await writeFile(abandoned, '{"format":1,"data":{"un');
    await writeFile(inFlight, '{"format":1,"data":{"un');
    await kept.put(key(4), data);
    expect((await readdir(join(dir, 'views'))).sort()).toEqual([`.${key(3)}.json.${process.pid}-0a0b0c0d.partial`, `${key(1)}.json`, `${key(4)}.json`]);
    expect(await kept.get(key(2))).toBeUndefined();
    await rm(dir, { recursive: true });
  });
});

describe('kept period views and deleting an analysis', () => {
  it('an analysis deleted while a large view is computed or kept leaves no folder and no request fails untidily', async () => {
    const host = await startHost();
    for (const delayMs of [0, 30, 120]) {
      const settings = defaultSettings();
      settings.data_source_settings.local_data_settings.meta_file = 'sample.csv';
      const runId = await analysed(host, settings);
      const viewing = host.client
        .call('periodView', { runId, params: { grid_num_h: 960, grid_num_v: 540, number_of_add_grid: 2 } })
        .then(
          () => 'answered',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await host.client.call('deleteAnalysis', { runId });
      const viewed = await viewing;
      expect(viewed, `${delayMs} ms`).not.toMatch(/\n| {4}at /);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await readdir(join(dataDir, 'runs')), `${delayMs} ms: ${viewed}`).not.toContain(runId);
    }
    await host.close();
  }, 180_000);
});

describe('kept period views and deleting an analysis as it finishes', () => {
  it('an analysis deleted while its first views are kept ends cancelled and leaves no folder behind', async () => {
    const host = await startHost();
    const settings = gappySettings('none', 'UTC');
    settings.heat_map_settings.params = { ...settings.heat_map_settings.params, grid_num_h: 800, grid_num_v: 450 };
    let caught = 0;
    // The moment is caught when the analysis has not ended as it is deleted (a loaded machine may miss it: tried again).
    for (let attempt = 0; attempt < 4 && caught === 0; attempt++) {
      const { runId } = await host.client.call('analyse', { settings });
      // The first of the first views (by hour) is on disk: the whole period's is being kept.
      for (let tries = 0; tries < 6000 && (await keptFiles(runId)).length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 2));
      const endedBefore = host.events.some((event) => 'runId' in event && event.runId === runId && (event.type === 'done' || event.type === 'error'));
      await host.client.call('deleteAnalysis', { runId });
      const end = await host.finished(runId);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await readdir(join(dataDir, 'runs'))).not.toContain(runId);
      if (endedBefore) continue;
      caught += 1;
      expect(end).toEqual({ type: 'error', runId, message: 'cancelled', cancelled: true });
    }
    expect(caught).toBe(1);
    await host.close();
  }, 120_000);
});

describe('kept period views and the code that computed them', () => {
  it('fingerprints the code files, so that other code under the same version number is a miss', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crowdheat-kept-code-'));
    await mkdir(join(root, 'src-main', 'store'), { recursive: true });
    await mkdir(join(root, 'src-shared', 'periods'), { recursive: true });
    await writeFile(join(root, 'src-main', 'store', 'views.js'), 'export const weight = 1;\n');
    await writeFile(join(root, 'src-shared', 'periods', 'accumulate.js'), 'export const cap = 3;\n');
    const before = await codeFingerprintOf(root);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(await codeFingerprintOf(root)).toBe(before);
    // Not code: no change.
    await writeFile(join(root, 'src-main', 'store', 'views.js.map'), '{}');
    await writeFile(join(root, 'README.md'), 'notes');
    expect(await codeFingerprintOf(root)).toBe(before);
    // One figure of the counting code changed, deep in a folder: another fingerprint.
    await writeFile(join(root, 'src-shared', 'periods', 'accumulate.js'), 'export const cap = 4;\n');
    const after = await codeFingerprintOf(root);
    expect(after).not.toBe(before);
    // A file moved is other code too.
    await rename(join(root, 'src-shared', 'periods', 'accumulate.js'), join(root, 'src-shared', 'accumulate.js'));
    expect(await codeFingerprintOf(root)).not.toBe(after);
    // The running code's fingerprint is what a key is made with: the same for every key, and not empty.
    expect(await runningCodeFingerprint()).toMatch(/^[0-9a-f]{64}$/);
    await rm(root, { recursive: true });
  });
});

describe('kept period views in odd surroundings', () => {
  it('answers right when views/ is a file, when stores are closed and opened again past the open-store limit, and when the machine zone changes', async () => {
    const previousTz = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      const host = await startHost();
      // Five analyses (more than the three stores kept open), the machine's time zone for their buckets.
      const runIds: string[] = [];
      for (let i = 0; i < 5; i++) runIds.push(await analysed(host, gappySettings('none', '')));
      const requests = runIds.flatMap((runId): PeriodViewRequest[] => [
        { runId, period: 'hour' },
        { runId, period: '15min', params: { grid_num_h: 12, grid_num_v: 9 } },
      ]);
      const alone: PeriodViewData[] = [];
      for (const request of requests) alone.push(await fresh(host, request));
      expect(alone[0].buckets[0].start).toMatch(/\+09:00$/);
      // Asked round the analyses twice at once (stores closed and opened as they go), then again from the kept files.
      expect(await Promise.all([...requests, ...requests].map((request) => host.client.call('periodView', request)))).toEqual([...alone, ...alone]);
      for (const runId of runIds) expect(await settled(runId)).toHaveLength(2);
      expect(await Promise.all(requests.map((request) => host.client.call('periodView', request)))).toEqual(alone);

      // views/ replaced by a file: answered all the same, the file left alone.
      const [first] = runIds;
      await settled(first);
      await rm(viewsDirOf(first), { recursive: true, maxRetries: 5 });
      await writeFile(viewsDirOf(first), 'not a folder');
      expect(await host.client.call('periodView', requests[0])).toEqual(alone[0]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await readFile(viewsDirOf(first), 'utf8')).toBe('not a folder');
      await rm(viewsDirOf(first));
      await host.close();

      // The machine moves to another zone: the kept hours of Tokyo are not the hours of New York.
      process.env.TZ = 'America/New_York';
      const again = await startHost();
      const second = runIds[1];
      await again.client.call('openAnalysis', { runId: second });
      const hourly = await again.client.call('periodView', { runId: second, period: 'hour' });
      expect(hourly.buckets[0].start).toMatch(/-0[45]:00$/);
      expect(hourly).toEqual(await fresh(again, { runId: second, period: 'hour' }));
      await again.close();
    } finally {
      if (previousTz === undefined) delete process.env.TZ;
      else process.env.TZ = previousTz;
    }
  }, 180_000);
});

describe('kept period views of a store replaced while it is open', () => {
  it('a view computed from the store as it was opened is not kept under the name of the store that replaced it', async () => {
    const first = await startHost();
    const { runId, otherId } = await twoOfOneSize(first);
    await first.client.call('openAnalysis', { runId });
    await first.client.call('periodView', { runId, period: 'hour' });
    // Another store moved into place (a new file) while the analysis is open in the app.
    execFileSync('cp', [storeOf(otherId), `${storeOf(runId)}.new`]);
    execFileSync('mv', [`${storeOf(runId)}.new`, storeOf(runId)]);
    const request: PeriodViewRequest = { runId, period: '15min', params: { grid_num_h: 16, grid_num_v: 9 } };
    await first.client.call('periodView', request);
    await settled(runId);
    await first.close();

    const second = await startHost();
    await second.client.call('openAnalysis', { runId });
    const after = await second.client.call('periodView', request);
    expect(after).toEqual(await fresh(second, request));
    await second.close();
  }, 120_000);
});
