/**
 * The Console source with its cache, against the loopback fake Console: what a run fetched is
 * kept, a later run over an overlapping range asks only for what is missing, and a run that fails
 * half-way is carried on by the next one — checked against the fake's request log and its own
 * list of inferences and images.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dump } from 'js-yaml';
import { ConsoleCache } from '../../src-main/console/cache.js';
import { cacheFileIn } from '../../src-main/console/cache-dir.js';
import { openConsoleSource } from '../../src-main/console/source.js';
import { Diagnostics } from '../../src-main/pipeline/diagnostics.js';
import type { ConsoleCacheSummary } from '../../src-main/pipeline/types.js';
import { inferenceFilter } from '../../src-shared/console/range.js';
import { formatTimestamp, type Frame } from '../../src-shared/frames.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import { FakeConsole, type FakeDevice, type FakeRecord, type RecordedRequest } from '../fake-console.js';

const DEVICE_ID = 'cam-1';
const START = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
const t = (offsetMs: number): string => formatTimestamp(START + offsetMs);
/** The tests' clock: a day after the data, so all of it is settled. */
const NOW = START + 86_400_000;
const FAST = { attempts: 3, baseMs: 1, capMs: 2, timeoutMs: 5000 };

let dir: string;
let cacheDir: string;
let fake: FakeConsole | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-console-cache-'));
  cacheDir = join(dir, 'cache');
});
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function startFake(device: Omit<FakeDevice, 'device_id'>): Promise<FakeConsole> {
  fake = await FakeConsole.start({ devices: [{ device_id: DEVICE_ID, ...device }] });
  await writeFile(join(dir, 'console_access_settings.yaml'), dump({ console_access_settings: fake.credentials }));
  return fake;
}

function consoleSettings(overrides: Partial<Settings['data_source_settings']['console_data_settings']>): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.mode = 'console';
  Object.assign(settings.data_source_settings.console_data_settings, {
    setting_path: 'console_access_settings.yaml',
    device_id: DEVICE_ID,
    ...overrides,
  });
  settings.output_settings.output_video_width = 16;
  settings.output_settings.output_video_height = 12;
  return settings;
}

/** A frame as the tests compare it: T, boxes, whether it has a picture (and its first pixel). */
function shapeOf(frame: Frame): unknown {
  const d = frame.detections;
  return [frame.index, frame.timestamp, d.count, [...d.boxes], [...d.scores], frame.image === undefined ? null : [...frame.image.data.subarray(0, 3)]];
}

async function collect(settings: Settings, withCache = true): Promise<unknown[]> {
  return (await collectWithUse(settings, withCache)).frames;
}

/** The frames of a run, and what its source says came from the cache (`cacheSummary`). */
async function collectWithUse(settings: Settings, withCache = true): Promise<{ frames: unknown[]; use: ConsoleCacheSummary | undefined }> {
  const source = await openConsoleSource(settings, new Diagnostics(), dir, {
    delays: FAST,
    env: {},
    now: () => NOW,
    ...(withCache ? { cacheDir } : {}),
  });
  const frames: unknown[] = [];
  for await (const frame of source.frames(new AbortController().signal)) frames.push(shapeOf(frame));
  return { frames, use: source.cacheSummary?.() };
}

const inferenceRequests = (server: FakeConsole): RecordedRequest[] =>
  server.apiRequests().filter((request) => request.path.endsWith('/inferenceresults'));
const imageRequests = (server: FakeConsole): RecordedRequest[] =>
  server.apiRequests().filter((request) => request.path.includes('/images/directories/'));

/** Records of two inferences each, 1 s apart, the record at `i` s holding `i` s and `i` s + 500 ms. */
function recordsEverySecond(from: number, to: number): FakeRecord[] {
  const records: FakeRecord[] = [];
  for (let i = from; i < to; i++) records.push({ id: `r${i}`, inferences: [{ T: t(i * 1000) }, { T: t(i * 1000 + 500) }] });
  return records;
}

async function storedTimes(): Promise<string[]> {
  const cache = await ConsoleCache.open(cacheFileIn(cacheDir), { endpoint: fake?.credentials.console_endpoint ?? '' });
  return cache.inferenceTimes(DEVICE_ID);
}

describe('Case 2 with the cache', () => {
  it('a second run over the same range asks the Console nothing and yields the same frames', async () => {
    const server = await startFake({ records: recordsEverySecond(0, 100) });
    const settings = consoleSettings({ first_timestamp: t(10_000), last_timestamp: t(59_999), number_of_inference_results: 1000 });
    const first = await collect(settings);
    expect(first).toHaveLength(100);
    expect(inferenceRequests(server)).toHaveLength(1);
    const second = await collect(settings);
    expect(second).toEqual(first);
    expect(inferenceRequests(server)).toHaveLength(1);
    expect(await collect(settings, false)).toEqual(first);
  });

  it('an overlapping range fetches only the part not yet known, and yields what a run without the cache yields', async () => {
    const server = await startFake({ records: recordsEverySecond(0, 100) });
    await collect(consoleSettings({ first_timestamp: t(20_000), last_timestamp: t(59_999), number_of_inference_results: 1000 }));
    const before = inferenceRequests(server).length;
    const wider = consoleSettings({ first_timestamp: t(0), last_timestamp: t(79_999), number_of_inference_results: 1000 });
    const frames = await collect(wider);
    const asked = inferenceRequests(server).slice(before).map((request) => request.query.filter);
    // Newest first: the part above the known range, then the part below it; the known part from the cache.
    expect(asked).toEqual([
      inferenceFilter({ first: t(60_000), last: t(79_999) }),
      inferenceFilter({ first: t(0), last: t(19_999) }),
    ]);
    expect(frames).toHaveLength(160);
    const fresh = await collect(wider, false);
    expect(frames).toEqual(fresh);
  });

  it('the newest N records come out the same from the cache as from the Console', async () => {
    await startFake({ records: recordsEverySecond(0, 100) });
    await collect(consoleSettings({ first_timestamp: t(0), last_timestamp: t(99_999), number_of_inference_results: 1000 }));
    const newest = consoleSettings({ first_timestamp: t(0), last_timestamp: t(99_999), number_of_inference_results: 7 });
    const fromCache = await collect(newest);
    expect(fromCache).toHaveLength(14);
    expect(fromCache).toEqual(await collect(newest, false));
  });

  it('a run that fails on its second page keeps the first; the next run fetches only the rest, and the cache holds the Console\'s list exactly', async () => {
    // 20,500 records of one inference, 100 ms apart: pages of 10,000, 10,000 and 500.
    const records: FakeRecord[] = [];
    for (let i = 0; i < 20_500; i++) records.push({ id: `r${i}`, inferences: [{ T: t(i * 100), detections: [] }] });
    const server = await startFake({ records });
    const settings = consoleSettings({ number_of_inference_results: 20_500, last_timestamp: t(20_500 * 100) });
    // The second request fails three times over: the run gives up.
    server.injectAfter(1, { kind: 'status', status: 500 }, 3);
    await expect(collect(settings)).rejects.toThrow(/HTTP 500/);
    expect(await storedTimes()).toEqual(server.inferenceTimes(DEVICE_ID).slice(10_500));
    const failedRun = inferenceRequests(server).length;

    const frames = await collect(settings);
    expect(frames).toHaveLength(20_500);
    const asked = inferenceRequests(server).slice(failedRun).map((request) => [request.query.filter, request.query.NumberOfInferenceresults]);
    expect(asked).toEqual([
      [inferenceFilter({ first: null, last: t(10_500 * 100 - 1) }), '10000'],
      [inferenceFilter({ first: null, last: t(500 * 100 - 1) }), '500'],
    ]);
    expect(await storedTimes()).toEqual(server.inferenceTimes(DEVICE_ID));
  }, 120_000);

  it('inferences newer than five minutes before now are not marked complete: the next run asks again', async () => {
    const server = await startFake({ records: recordsEverySecond(0, 10) });
    const settings = consoleSettings({ number_of_inference_results: 100 });
    const source = async (): Promise<number> => {
      const opened = await openConsoleSource(settings, new Diagnostics(), dir, {
        delays: FAST, env: {}, cacheDir, now: () => START + 5_000,
      });
      let n = 0;
      for await (const frame of opened.frames(new AbortController().signal)) n += frame.index >= 0 ? 1 : 0;
      return n;
    };
    expect(await source()).toBe(20);
    const cache = await ConsoleCache.open(cacheFileIn(cacheDir), { endpoint: server.credentials.console_endpoint });
    expect(await cache.coveredIntervals(DEVICE_ID)).toEqual([{ first: null, last: formatTimestamp(START + 5_000 - 300_000) }]);
    expect(await source()).toBe(20);
    expect(inferenceRequests(server)).toHaveLength(2);
  });
});

describe('Case 1 with the cache', () => {
  const names = Array.from({ length: 600 }, (_, i) => `${t(i * 1000)}.jpg`);

  it('a second run over the same images asks the Console nothing; a wider one fetches only the rest, checking the last known image', async () => {
    const server = await startFake({ records: recordsEverySecond(0, 600), directories: { dir1: names } });
    const settings = consoleSettings({
      sub_directory_name: 'dir1', first_timestamp: t(100_000), last_timestamp: t(399_000), number_of_images: 1000,
    });
    const first = await collect(settings);
    expect(first).toHaveLength(300);
    expect(imageRequests(server).map((request) => request.query.skip)).toEqual(['0', '256']);
    const requestsAfterFirst = server.apiRequests().length;

    expect(await collect(settings)).toEqual(first);
    expect(server.apiRequests()).toHaveLength(requestsAfterFirst);

    const wider = consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(100_000), last_timestamp: t(599_000), number_of_images: 1000 });
    const frames = await collect(wider);
    expect(frames).toHaveLength(500);
    // The known prefix is 512 images: carry on from its last one (skip 511).
    expect(imageRequests(server).slice(2).map((request) => request.query.skip)).toEqual(['511']);
    expect(frames).toEqual(await collect(wider, false));
  }, 60_000);

  it('a run that fails on its second image page keeps the first; the next fetches from there, and nothing is lost', async () => {
    const server = await startFake({ records: recordsEverySecond(0, 600), directories: { dir1: names } });
    const settings = consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0), last_timestamp: t(599_000), number_of_images: 1000 });
    // Requests: image page 1, its inferences, image page 2 (fails three times).
    server.injectAfter(2, { kind: 'status', status: 500 }, 3);
    await expect(collect(settings)).rejects.toThrow(/HTTP 500/);
    const cache = await ConsoleCache.open(cacheFileIn(cacheDir), { endpoint: server.credentials.console_endpoint });
    expect(await cache.folderPrefix(DEVICE_ID, 'dir1')).toEqual({ count: 256, lastName: names[255] });
    const failedRun = server.apiRequests().length;

    const frames = await collect(settings);
    expect(frames).toHaveLength(600);
    expect(imageRequests(server).slice(-2).map((request) => request.query.skip)).toEqual(['255', '511']);
    const asked = inferenceRequests(server).filter((request) => server.apiRequests().indexOf(request) >= failedRun);
    // Only the inferences after the first page's are asked for: the pages now end at 510 s and 599 s.
    expect(asked.map((request) => request.query.filter)).toEqual([
      inferenceFilter({ first: t(255_001), last: t(510_000) }),
      inferenceFilter({ first: t(510_001), last: t(599_000) }),
    ]);
    const stored = await cache.imagesAfter(DEVICE_ID, 'dir1', null, null, 1000);
    expect(stored.map((image) => image.name)).toEqual(names);
    expect(frames).toEqual(await collect(settings, false));
  }, 60_000);

  it('a folder that changed before the known end is read again from its start', async () => {
    const server = await startFake({ records: [], directories: { dir1: names.slice(0, 300) } });
    const settings = consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0), last_timestamp: t(599_000), number_of_images: 1000 });
    expect(await collect(settings)).toHaveLength(300);
    // The Console dropped the oldest image and got new ones: position 299 is no longer the last known image.
    // (The same Console, changed: the cache is kept per Console endpoint.)
    const before = imageRequests(server).length;
    server.addDevice({ device_id: DEVICE_ID, records: [], directories: { dir1: [...names.slice(1, 300), ...names.slice(300, 400)] } });
    const frames = await collect(settings);
    expect(frames).toHaveLength(400);
    expect(imageRequests(server).slice(before).map((request) => request.query.skip)).toEqual(['299', '0', '256']);
  }, 60_000);
});

describe('secrets', () => {
  it('the cache file holds neither the client secret nor any token', async () => {
    const server = await startFake({ records: recordsEverySecond(0, 20), directories: { dir1: [`${t(0)}.jpg`] } });
    await collect(consoleSettings({ first_timestamp: t(0), last_timestamp: t(19_999) }));
    await collect(consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0), last_timestamp: t(1000) }));
    const bytes = (await readFile(cacheFileIn(cacheDir))).toString('latin1');
    expect(bytes).toContain('r1');
    for (const secret of [server.credentials.client_secret, ...server.issuedTokens]) expect(bytes).not.toContain(secret);
  });
});

describe('two Consoles with the same device ID', () => {
  it('each run gets exactly its own Console\'s frames, and clearing one Console\'s device leaves the other\'s', async () => {
    const stagingNames = Array.from({ length: 5 }, (_, i) => `${t(i * 1000)}.jpg`);
    const productionNames = Array.from({ length: 3 }, (_, i) => `${t(i * 1000 + 500)}.jpg`);
    const staging = await FakeConsole.start({
      devices: [{ device_id: DEVICE_ID, records: recordsEverySecond(0, 10), directories: { dir1: stagingNames } }],
    });
    const production = await FakeConsole.start({
      devices: [{ device_id: DEVICE_ID, records: recordsEverySecond(20, 26), directories: { dir1: productionNames } }],
    });
    try {
      await writeFile(join(dir, 'staging.yaml'), dump({ console_access_settings: staging.credentials }));
      await writeFile(join(dir, 'production.yaml'), dump({ console_access_settings: production.credentials }));
      const metadata = (path: string) => consoleSettings({ setting_path: path, first_timestamp: t(0), last_timestamp: t(99_999), number_of_inference_results: 100 });
      const images = (path: string) =>
        consoleSettings({ setting_path: path, sub_directory_name: 'dir1', first_timestamp: t(0), last_timestamp: t(99_999), number_of_images: 100 });
      const timesOf = (frames: unknown[]): string[] => frames.map((frame) => (frame as [number, string])[1]);

      // Staging first: its data is kept; production then must not be answered from it.
      const stagingFrames = await collect(metadata('staging.yaml'));
      expect(timesOf(stagingFrames)).toEqual(staging.inferenceTimes(DEVICE_ID));
      const productionFrames = await collect(metadata('production.yaml'));
      expect(timesOf(productionFrames)).toEqual(production.inferenceTimes(DEVICE_ID));
      expect(timesOf(productionFrames)).toHaveLength(12);
      expect(inferenceRequests(production)).toHaveLength(1);
      const stagingPictures = await collect(images('staging.yaml'));
      const productionPictures = await collect(images('production.yaml'));
      expect(timesOf(stagingPictures)).toEqual(stagingNames.map((name) => name.slice(0, 17)));
      expect(timesOf(productionPictures)).toEqual(productionNames.map((name) => name.slice(0, 17)));

      // Again, each from the cache: the same frames, and no inference asked again of either Console; the
      // folders' images come from the cache too, only one request each checks for images after the last known.
      const asked = [staging.apiRequests().length, production.apiRequests().length];
      expect(await collect(metadata('staging.yaml'))).toEqual(stagingFrames);
      expect(await collect(metadata('production.yaml'))).toEqual(productionFrames);
      expect([staging.apiRequests().length, production.apiRequests().length]).toEqual(asked);
      const imagesAsked = [imageRequests(staging).length, imageRequests(production).length];
      expect(await collect(images('staging.yaml'))).toEqual(stagingPictures);
      expect(await collect(images('production.yaml'))).toEqual(productionPictures);
      expect([staging.apiRequests().length, production.apiRequests().length]).toEqual([asked[0] + 1, asked[1] + 1]);
      expect([imageRequests(staging).length, imageRequests(production).length]).toEqual([imagesAsked[0] + 1, imagesAsked[1] + 1]);

      const cache = await ConsoleCache.open(cacheFileIn(cacheDir));
      expect((await cache.info()).devices.map((device) => [device.endpoint, device.device_id, device.inferences, device.images])).toEqual(
        [
          [production.credentials.console_endpoint, DEVICE_ID, 12, 3],
          [staging.credentials.console_endpoint, DEVICE_ID, 20, 5],
        ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
      );
      await cache.clearDevice(DEVICE_ID, staging.credentials.console_endpoint);
      expect((await cache.info()).devices.map((device) => [device.endpoint, device.inferences, device.images])).toEqual([
        [production.credentials.console_endpoint, 12, 3],
      ]);
      // Production is still answered from the cache; staging is fetched again.
      expect(await collect(metadata('production.yaml'))).toEqual(productionFrames);
      expect(production.apiRequests()).toHaveLength(asked[1] + 1);
      expect(await collect(metadata('staging.yaml'))).toEqual(stagingFrames);
      expect(staging.apiRequests().length).toBeGreaterThan(asked[0]);
    } finally {
      await staging.stop();
      await production.stop();
    }
  }, 60_000);
});

describe('how much came from the cache', () => {
  it('Case 2: a first run fetches all, a repeat reads all from the cache, an overlapping run reads the overlap and fetches the rest', async () => {
    await startFake({ records: recordsEverySecond(0, 100) });
    const file = cacheFileIn(cacheDir);
    const range = (first: number, last: number) =>
      consoleSettings({ first_timestamp: t(first), last_timestamp: t(last), number_of_inference_results: 1000 });
    const none = { images_from_cache: 0, images_fetched: 0 };
    expect((await collectWithUse(range(20_000, 59_999))).use).toEqual({ file, inferences_from_cache: 0, inferences_fetched: 80, ...none });
    expect((await collectWithUse(range(20_000, 59_999))).use).toEqual({ file, inferences_from_cache: 80, inferences_fetched: 0, ...none });
    // 10 s … 69.999 s: 20 s … 59.999 s (80 inferences) known, 10 s before and 10 s after it (20 each) not.
    expect((await collectWithUse(range(10_000, 69_999))).use).toEqual({ file, inferences_from_cache: 80, inferences_fetched: 40, ...none });
    expect((await collectWithUse(range(20_000, 59_999), false)).use).toBeUndefined();
  });

  it('Case 1: images and their inferences, on a repeat and on a run over more of the folder', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `${t(i * 1000)}.jpg`);
    await startFake({ records: recordsEverySecond(0, 300), directories: { dir1: names } });
    const file = cacheFileIn(cacheDir);
    const upTo = (last: number) =>
      consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0), last_timestamp: t(last), number_of_images: 1000, match_tolerance_ms: 0 });
    // 100 images, 0 s … 99 s; their inferences 0 s … 99 s (the record at 99 s holds 99.5 s, outside the span).
    expect((await collectWithUse(upTo(99_000))).use).toEqual({
      file, inferences_from_cache: 0, inferences_fetched: 199, images_from_cache: 0, images_fetched: 100,
    });
    expect((await collectWithUse(upTo(99_000))).use).toEqual({
      file, inferences_from_cache: 199, inferences_fetched: 0, images_from_cache: 100, images_fetched: 0,
    });
    // The first run kept its whole first page of images (256); up to 199 s all 200 images come from it.
    // Inferences: 99.5 s … 199 s are fetched, and with them 99 s (its record, r99, is fetched whole);
    // 0 s … 98.5 s come from the cache.
    expect((await collectWithUse(upTo(199_000))).use).toEqual({
      file, inferences_from_cache: 198, inferences_fetched: 201, images_from_cache: 200, images_fetched: 0,
    });
    // Up to 299 s: the 256 images kept, then 44 fetched after the last of them (which is asked again, as the check).
    expect((await collectWithUse(upTo(299_000))).use).toEqual({
      file, inferences_from_cache: 398, inferences_fetched: 201, images_from_cache: 256, images_fetched: 44,
    });
  }, 60_000);
});
