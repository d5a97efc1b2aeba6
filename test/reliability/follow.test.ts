/**
 * Following a device through faults (issue 14, Reliability): ten minutes of simulated time
 * against the loopback fake Console, which gains a record every simulated second, some uploaded
 * late, while it answers 429 and 503 in bursts, drops connections, expires and revokes tokens,
 * fails the token endpoint, hangs and refuses connections for half a minute. The follow's clock and its waits are simulated, so the test
 * takes seconds; the hang is a real one, ended by the client's real per-attempt deadline.
 * Afterwards the store's frames are the fake's own list: nothing lost, nothing twice.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dump } from 'js-yaml';
import { followConsole, type FaultReport, type PollReport } from '../../src-main/console/follow.js';
import { FollowStore } from '../../src-main/console/follow-store.js';
import { StoreReader } from '../../src-main/store/store.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { npyFloat64 } from '../../src-main/sinks/period-outputs.js';
import { periodView } from '../../src-main/store/views.js';
import { formatTimestamp, parseTimestamp } from '../../src-shared/frames.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import sharp from 'sharp';
import { defaultDetections, FakeConsole, IMAGE_COLORS, type FakeRecord } from '../fake-console.js';

const START = Date.UTC(2026, 10, 29, 8, 0, 0, 0);
const SIMULATED_MS = 10 * 60 * 1000;
const INTERVAL_MS = 10_000;
const t = (ms: number): string => formatTimestamp(ms);

/** The record a device uploads for simulated second `second` (from START): two inferences. */
function recordOf(second: number): FakeRecord {
  const at = START + second * 1000;
  return { id: `r${second}`, inferences: [{ T: t(at) }, { T: t(at + 500) }] };
}

let dir: string;
let fake: FakeConsole;
let simulatedNow = START;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-follow-'));
  simulatedNow = START;
  // Half a minute of history before the follow starts.
  const history = Array.from({ length: 30 }, (_, i) => recordOf(i - 30));
  fake = await FakeConsole.start({ devices: [{ device_id: 'cam-1', records: history }], tokenLifetimeS: 240, now: () => simulatedNow });
  await writeFile(join(dir, 'console_access_settings.yaml'), dump({ console_access_settings: fake.credentials }));
});
afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

function settings(): Settings {
  const value = defaultSettings();
  value.data_source_settings.mode = 'console';
  Object.assign(value.data_source_settings.console_data_settings, {
    setting_path: 'console_access_settings.yaml',
    device_id: 'cam-1',
    sub_directory_name: '',
    number_of_inference_results: 10_000,
  });
  Object.assign(value.heat_map_settings.params, { image_size_h: 320, image_size_v: 320, grid_num_h: 16, grid_num_v: 16 });
  Object.assign(value.output_settings, { output_dir: 'out', output_video_width: 64, output_video_height: 48, period: '5min', timezone: 'UTC' });
  value.zones = [{ name: 'left half', points: [[0, 0], [160, 0], [160, 320], [0, 320]] }];
  return value;
}

/** Faults, late uploads and token events at simulated seconds (from START), each applied once. */
function schedule(): Array<{ second: number; apply: () => void | Promise<void> }> {
  return [
    { second: 60, apply: () => fake.inject({ kind: 'status', status: 429, retryAfter: '0' }, 3) },
    // Longer than one request's five tries: the poll fails and the follow backs off.
    { second: 120, apply: () => fake.inject({ kind: 'status', status: 503 }, 8) },
    { second: 180, apply: () => fake.inject({ kind: 'drop' }, 2) },
    { second: 200, apply: () => fake.appendRecords('cam-1', [{ id: 'late-1', inferences: [{ T: t(START + 180_250) }] }]) },
    { second: 240, apply: () => fake.expireTokens() },
    { second: 300, apply: () => fake.revokeTokens() },
    { second: 330, apply: () => fake.injectAfter(1, { kind: 'status', status: 503 }, 6) },
    { second: 360, apply: () => fake.inject({ kind: 'hang' }, 1) },
    { second: 400, apply: () => fake.appendRecords('cam-1', [{ id: 'late-2', inferences: [{ T: t(START + 355_750) }, { T: t(START + 399_900) }] }]) },
    {
      second: 450,
      apply: () => {
        // An outage of the token endpoint while the token is refused: polls fail for a while.
        fake.revokeTokens();
        fake.inject({ kind: 'status', status: 500 }, 12, 'token');
      },
    },
    { second: 520, apply: () => fake.inject({ kind: 'drop' }, 7) },
    // The Console is down: connections are refused for half a minute.
    { second: 550, apply: () => fake.refuseConnections() },
    { second: 580, apply: () => fake.acceptConnections() },
  ];
}

describe('crowdheat follow through Console faults', () => {
  it('stores exactly the fake Console\'s inferences after ten simulated minutes of faults', async () => {
    const controller = new AbortController();
    const events = schedule();
    let uploaded = 0;
    const advance = async (ms: number): Promise<void> => {
      simulatedNow += ms;
      const upTo = Math.min(simulatedNow, START + SIMULATED_MS);
      const records: FakeRecord[] = [];
      while (START + uploaded * 1000 <= upTo) records.push(recordOf(uploaded++));
      if (records.length > 0) fake.appendRecords('cam-1', records);
      for (const event of events) {
        if (event.second >= 0 && START + event.second * 1000 <= simulatedNow) {
          event.second = -1;
          await event.apply();
        }
      }
      // Uploads end at ten minutes; three more polls collect the last of them.
      if (simulatedNow > START + SIMULATED_MS + 3 * INTERVAL_MS) controller.abort();
    };
    const polls: PollReport[] = [];
    const faults: FaultReport[] = [];
    const result = await followConsole(settings(), {
      signal: controller.signal,
      cwd: dir,
      intervalMs: INTERVAL_MS,
      now: () => simulatedNow,
      sleep: (ms) => advance(ms),
      // The client's own waits cost no real time; its per-attempt deadline is real and short.
      delays: { sleep: async () => undefined, random: () => 0.5, timeoutMs: 1000, budgetMs: 10_000 },
      onPoll: (report) => polls.push(report),
      onFault: (report) => faults.push(report),
    });

    const expected = fake.inferenceTimes('cam-1');
    expect(expected.length).toBe(60 + 1202 + 3);
    const store = await StoreReader.open(join(dir, 'out'));
    try {
      const frames = await store.frames();
      expect(frames.t).toEqual(expected);
      expect(Array.from(frames.index)).toEqual(expected.map((_, i) => i));
      let detections = 0;
      await store.forEachDetections((_, d) => (detections += d.count));
      const expectedDetections = expected.reduce((sum, T) => sum + defaultDetections(T).length, 0);
      expect(detections).toBe(expectedDetections);
      expect(store.meta.detections).toBe(expectedDetections);
      expect(store.meta.time_base).toBe('T');
      expect(frames.durationMs?.every((d) => d > 0)).toBe(true);
      // The rolling outputs, kept up to date poll after poll (late uploads included), are what a
      // recount of the whole finished store gives.
      const recount = await periodView(store, frames, { params: settings().heat_map_settings.params, period: { kind: 'minutes', minutes: 5 }, timeZone: 'UTC' });
      expect(await readFile(join(dir, 'out', 'heatmap_period.npy'))).toEqual(Buffer.from(npyFloat64(recount.whole, [16, 16])));
      const buckets = recount.buckets?.grids ?? new Float64Array(0);
      expect(await readFile(join(dir, 'out', 'heatmap_buckets.npy'))).toEqual(Buffer.from(npyFloat64(buckets, [buckets.length / 256, 16, 16])));
    } finally {
      store.close();
    }
    expect(result.frames).toBe(expected.length);
    expect(result.lastT).toBe(expected[expected.length - 1]);
    // The 503 runs, the token outage (two polls in a row: the backoff doubles) and the dropped
    // connections each failed polls, then the gap was fetched.
    const messages = faults.map((fault) => fault.message);
    expect(messages).toContain('Console: E503: injected fault (HTTP 503, GET /devices/cam-1/inferenceresults)');
    expect(faults).toContainEqual(
      expect.objectContaining({ message: 'Console: E500: injected fault (HTTP 500, POST /oauth2/default/v1/token)', failures: 2, retryInMs: 2 * INTERVAL_MS }),
    );
    expect(messages.some((message) => message.startsWith(`cannot reach ${fake.credentials.console_endpoint}`) && message.includes('other side closed'))).toBe(true);
    expect(messages.some((message) => message.includes('ECONNREFUSED'))).toBe(true);
    for (const fault of faults) {
      expect(fault.message).not.toMatch(/\n/);
      expect(fault.message).not.toContain(fake.credentials.client_secret);
      for (const token of fake.issuedTokens) expect(fault.message).not.toContain(token);
    }
    expect(polls.reduce((sum, poll) => sum + poll.newFrames, 0)).toBe(expected.length);
    const summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as {
      frames: number;
      follow: { following: boolean; polls: number; faults: number };
      zones: { zones: unknown[] };
    };
    expect(summary.frames).toBe(expected.length);
    expect(summary.follow.following).toBe(false);
    expect(summary.follow.faults).toBe(faults.length);
    expect(summary.zones.zones.length).toBe(1);
    const zonesCsv = await readFile(join(dir, 'out', 'zones.csv'), 'utf8');
    expect(zonesCsv.split('\n')[0]).toMatch(/^zone/);
  }, 120_000);

  it('a poll of inferences already stored adds nothing, and a late one takes its place in T order', async () => {
    const path = join(dir, 'follow.duckdb');
    const store = await FollowStore.open(path, { deviceId: 'cam-1', settings: '{}', sourceName: 'heatmap' });
    const inference = (ms: number) => ({ timestamp: t(START + ms), detections: { count: 1, boxes: Float64Array.of(1, 2, 3, 4), scores: Float64Array.of(0.9), classIds: Int32Array.of(0), trackIds: Int32Array.of(-1) } });
    expect(await store.commit([inference(0), inference(1000), inference(2000)])).toBe(3);
    expect(await store.commit([inference(1000), inference(2000)])).toBe(0);
    expect(await store.commit([inference(500), inference(3000), inference(3000)])).toBe(2);
    expect(store.newest).toBe(t(START + 3000));
    await store.finish();
    const reader = await StoreReader.open(path);
    try {
      const frames = await reader.frames();
      expect(frames.t).toEqual([0, 500, 1000, 2000, 3000].map((ms) => t(START + ms)));
      const byFrame: number[] = [];
      await reader.forEachDetections((index, d) => (byFrame[index] = (byFrame[index] ?? 0) + d.count));
      expect(byFrame).toEqual([1, 1, 1, 1, 1]);
      expect(reader.meta.frames).toBe(5);
      // The last frame gets the median interval: of 500, 500, 1000, 1000, the mean of the middle two.
      expect(Array.from(frames.durationMs ?? [])).toEqual([500, 500, 1000, 1000, 750]);
    } finally {
      reader.close();
    }
  });
  it('continues the store a Console run wrote into the same output_dir, and refuses one of another device', async () => {
    const value = settings();
    value.zones = [];
    value.output_settings.period = 'none';
    await runPipeline(value, { cwd: dir });
    fake.appendRecords('cam-1', [0, 1, 2].map(recordOf));
    const controller = new AbortController();
    let polls = 0;
    const result = await followConsole(value, {
      signal: controller.signal,
      cwd: dir,
      now: () => simulatedNow,
      sleep: async () => {
        polls += 1;
        if (polls === 2) controller.abort();
      },
    });
    expect(result.frames).toBe(66);
    const store = await StoreReader.open(join(dir, 'out'));
    try {
      expect((await store.frames()).t).toEqual(fake.inferenceTimes('cam-1'));
    } finally {
      store.close();
    }
    const other = settings();
    other.data_source_settings.console_data_settings.device_id = 'cam-2';
    await expect(followConsole(other, { signal: new AbortController().signal, cwd: dir })).rejects.toThrow(
      `${join(dir, 'out', 'crowdheat.duckdb')}: holds the analysis of device cam-1, not cam-2; choose another output_dir`,
    );
  }, 60_000);

  it('Case 1: after three simulated minutes of image uploads, faults mid-paging and a restart, the stored image T\'s are the fake folder\'s list, each paired as a run pairs', async () => {
    const FOLDER = 'snapshots';
    // 300 images before the start (two pages of 256), one every 10 ms from 20 s before START: the
    // ones on a whole second pair with that second's inference, the others are more than 100 ms from any.
    const imageName = (ms: number): string => `${t(ms)}.jpg`;
    const names = Array.from({ length: 300 }, (_, i) => imageName(START - 20_000 + i * 10));
    fake.appendImages('cam-1', FOLDER, names);
    const value = settings();
    value.zones = [];
    value.output_settings.period = 'none';
    value.data_source_settings.console_data_settings.sub_directory_name = FOLDER;
    value.data_source_settings.console_data_settings.match_tolerance_ms = 100;
    const SIMULATED = 3 * 60 * 1000;
    let uploaded = 0;
    let imagesUploaded = 0;
    const events = [
      // The first poll: its inference request and first image page pass, the second page fails
      // past the client's five tries; the first page stays stored and the next poll carries on.
      { second: -1000, apply: () => fake.injectAfter(2, { kind: 'status', status: 503 }, 6) },
      { second: 45, apply: () => fake.injectAfter(1, { kind: 'drop' }, 6) },
      { second: 90, apply: () => fake.expireTokens() },
      { second: 130, apply: () => fake.injectAfter(1, { kind: 'status', status: 500 }, 6) },
      // An image uploaded late: its name sorts before images already followed.
      {
        second: 100,
        apply: () => {
          fake.appendImages('cam-1', FOLDER, [imageName(START + 50_250)]);
          names.push(imageName(START + 50_250));
        },
      },
    ];
    const followFor = async (untilMs: number, polls: PollReport[], faults: FaultReport[]): Promise<void> => {
      const controller = new AbortController();
      const advance = async (ms: number): Promise<void> => {
        simulatedNow += ms;
        const upTo = Math.min(simulatedNow, START + SIMULATED);
        const records: FakeRecord[] = [];
        while (START + uploaded * 1000 <= upTo) records.push(recordOf(uploaded++));
        if (records.length > 0) fake.appendRecords('cam-1', records);
        // An image every 5 s, on the second (paired) and, every other one, 250 ms after it (unpaired).
        const fresh: string[] = [];
        while (START + imagesUploaded * 5000 <= upTo) {
          const at = START + imagesUploaded * 5000;
          fresh.push(imageName(at));
          if (imagesUploaded % 2 === 1) fresh.push(imageName(at + 250));
          imagesUploaded += 1;
        }
        if (fresh.length > 0) {
          fake.appendImages('cam-1', FOLDER, fresh);
          names.push(...fresh);
        }
        for (const event of events) {
          if (event.second !== -2000 && START + event.second * 1000 <= simulatedNow) {
            event.second = -2000;
            event.apply();
          }
        }
        if (simulatedNow > untilMs) controller.abort();
      };
      await advance(0);
      await followConsole(value, {
        signal: controller.signal,
        cwd: dir,
        intervalMs: INTERVAL_MS,
        now: () => simulatedNow,
        sleep: (ms) => advance(ms),
        delays: { sleep: async () => undefined, random: () => 0.5, timeoutMs: 1000, budgetMs: 10_000 },
        onPoll: (report) => polls.push(report),
        onFault: (report) => faults.push(report),
      });
    };
    const polls: PollReport[] = [];
    const faults: FaultReport[] = [];
    // Stopped at half time and started again: the second follow goes on from the stored images.
    await followFor(START + SIMULATED / 2, polls, faults);
    const storedAtRestart = polls[polls.length - 1].images;
    const requestsBefore = fake.requests.length;
    await followFor(START + SIMULATED + 3 * INTERVAL_MS, polls, faults);
    const firstImageRequest = fake.requests.slice(requestsBefore).find((request) => request.path.endsWith(`/images/directories/${FOLDER}`));
    // It asks from the last stored name (to check the folder is unchanged up to there), not from the start.
    expect(firstImageRequest?.query.skip).toBe(String(storedAtRestart - 1));

    expect(faults.length).toBeGreaterThanOrEqual(3);
    expect(faults.map((fault) => fault.message)).toContain(`Console: E503: injected fault (HTTP 503, GET /devices/cam-1/images/directories/${FOLDER})`);
    const sorted = [...names].sort();
    expect(sorted.length).toBe(300 + 37 + 18 + 1);
    // The first page (256) was stored by the poll that failed on the second; the polls after it added the rest.
    expect(polls.reduce((sum, poll) => sum + poll.newImages, 0)).toBe(sorted.length - 256);
    expect(polls[polls.length - 1].images).toBe(sorted.length);
    const store = await FollowStore.open(join(dir, 'out', 'crowdheat.duckdb'), { deviceId: 'cam-1', settings: '{}', sourceName: 'heatmap' });
    try {
      const images = await store.images();
      expect(images.map((image) => `${image.t}.jpg`)).toEqual(sorted);
      // Paired as a run pairs: the nearest inference (the earlier on a tie) within 100 ms, found here by brute force.
      const inferenceMs = fake.inferenceTimes('cam-1').map((T) => ({ T, ms: parseTimestamp(T) }));
      const pairOf = (T: string): string | null => {
        let best: { T: string; ms: number } | null = null;
        for (const candidate of inferenceMs) {
          const distance = Math.abs(candidate.ms - parseTimestamp(T));
          if (distance <= 100 && (best === null || distance < Math.abs(best.ms - parseTimestamp(T)))) best = candidate;
        }
        return best?.T ?? null;
      };
      const expectedPairs = images.map((image) => pairOf(image.t));
      expect(images.map((image) => image.inferenceT)).toEqual(expectedPairs);
      // Of the history images (every 10 ms, −20 s to −17.01 s) those within 100 ms of an inference
      // (every 500 ms): 11 after −20 s, 21 around each of 5 inside, 10 before −17 s; then the 37 on whole seconds.
      expect(expectedPairs.filter((pair) => pair !== null).length).toBe(11 + 5 * 21 + 10 + 37);
      // The background is the newest image, the colour the fake gave it.
      const background = await store.background();
      expect(background).not.toBeNull();
      const stats = await sharp(background as Uint8Array).stats();
      const colour = IMAGE_COLORS[(sorted.length - 1) % IMAGE_COLORS.length];
      for (let channel = 0; channel < 3; channel++) expect(Math.abs(stats.channels[channel].mean - colour[channel])).toBeLessThan(8);
    } finally {
      store.close();
    }
  }, 120_000);
});
