import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dump } from 'js-yaml';
import { openConsoleSource } from '../../src-main/console/source.js';
import { Diagnostics, type Warning } from '../../src-main/pipeline/diagnostics.js';
import { ConsoleApiError } from '../../src-shared/console/errors.js';
import { InputError, SettingsError } from '../../src-shared/errors.js';
import { formatTimestamp, parseTimestamp, type Detections, type Frame } from '../../src-shared/frames.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import type { EncodableDetection } from '../../src-shared/flatbuffers/index.js';
import {
  API_PREFIX,
  defaultDetections,
  FakeConsole,
  IMAGE_COLORS,
  type FakeDevice,
  type FakeRecord,
} from '../fake-console.js';

const DEVICE_ID = 'cam-1';
const START = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
const t = (offsetMs: number): string => formatTimestamp(START + offsetMs);

let dir: string;
let fake: FakeConsole | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-console-'));
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
  settings.output_settings.output_video_width = 30;
  settings.output_settings.output_video_height = 20;
  return settings;
}

const FAST = { attempts: 3, baseMs: 1, capMs: 2, timeoutMs: 5000 };

async function collect(settings: Settings, warnings: Warning[] = []): Promise<Frame[]> {
  const source = await openConsoleSource(settings, new Diagnostics((w) => warnings.push(w)), dir, {
    delays: FAST,
    env: {},
  });
  const frames: Frame[] = [];
  for await (const frame of source.frames(new AbortController().signal)) frames.push(frame);
  return frames;
}

function boxesOf(detections: Detections): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < detections.count; i++) rows.push([...detections.boxes.subarray(i * 4, i * 4 + 4)]);
  return rows;
}

function expectedBoxes(detections: EncodableDetection[]): number[][] {
  return detections.map((d) => [d.left, d.top, d.right, d.bottom]);
}

function inferenceRequests(server: FakeConsole) {
  return server.apiRequests().filter((request) => request.path.endsWith('/inferenceresults'));
}

describe('Console Case 2 (metadata only)', () => {
  const records: FakeRecord[] = [
    { id: 'a', inferences: [0, 100, 200, 300].map((ms) => ({ T: t(ms) })) },
    { id: 'b', inferences: [400, 500].map((ms) => ({ T: t(ms) })) },
    { id: 'c', inferences: [600, 700, 800, 900].map((ms) => ({ T: t(ms) })) },
    { id: 'd', inferences: [1000].map((ms) => ({ T: t(ms) })) },
  ];

  it('keeps the inferences of straddling records that lie in the range, oldest first', async () => {
    const server = await startFake({ records });
    const frames = await collect(consoleSettings({ first_timestamp: t(200), last_timestamp: t(700) }));
    expect(frames.map((frame) => frame.timestamp)).toEqual([t(200), t(300), t(400), t(500), t(600), t(700)]);
    expect(frames.map((frame) => frame.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(boxesOf(frames[0].detections)).toEqual(expectedBoxes(defaultDetections(t(200))));
    expect(inferenceRequests(server).map((request) => request.query)).toEqual([
      {
        NumberOfInferenceresults: '20',
        filter: `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T >= "${t(200)}" AND i.T <= "${t(700)}")`,
        raw: '1',
      },
    ]);
  });

  it('takes the newest N records when no timestamp is set', async () => {
    const server = await startFake({ records });
    const frames = await collect(consoleSettings({ number_of_inference_results: 2 }));
    expect(frames.map((frame) => frame.timestamp)).toEqual([t(600), t(700), t(800), t(900), t(1000)]);
    expect(inferenceRequests(server)[0].query).toEqual({ NumberOfInferenceresults: '2', raw: '1' });
  });

  it('takes everything up to last_timestamp, or from first_timestamp on', async () => {
    await startFake({ records });
    const upTo = await collect(consoleSettings({ last_timestamp: t(150) }));
    expect(upTo.map((frame) => frame.timestamp)).toEqual([t(0), t(100)]);
    const from = await collect(consoleSettings({ first_timestamp: t(850) }));
    expect(from.map((frame) => frame.timestamp)).toEqual([t(900), t(1000)]);
  });

  it('skips a corrupt inference with a warning and keeps the rest', async () => {
    await startFake({
      records: [{ id: 'x', inferences: [{ T: t(0) }, { T: t(100), rawO: 'AAAA' }, { T: t(200) }] }],
    });
    const warnings: Warning[] = [];
    const frames = await collect(consoleSettings({}), warnings);
    expect(frames.map((frame) => frame.timestamp)).toEqual([t(0), t(200)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message.startsWith(`Console ${DEVICE_ID} record x, inference 2 (T ${t(100)}): skipped: `)).toBe(true);
  });

  it('pages 25,000 records by narrowing the T range, losing and repeating nothing', async () => {
    // 25,003 records of one or two inferences, 100 ms apart; every fifth record holds two.
    const many: FakeRecord[] = [];
    let ms = 0;
    for (let i = 0; i < 25_003; i++) {
      const size = i % 5 === 0 ? 2 : 1;
      many.push({ id: `r${i}`, inferences: Array.from({ length: size }, () => ({ T: t((ms += 100)) })) });
    }
    const server = await startFake({ records: many });
    const frames = await collect(consoleSettings({ number_of_inference_results: 25_000 }));

    const expected = many.slice(3).flatMap((record) => record.inferences.map((inference) => inference.T));
    expect(frames.length).toBe(expected.length);
    // One string compare: a deep equality over 30,000 entries costs seconds.
    expect(frames.map((frame) => frame.timestamp).join()).toBe(expected.join());
    const requests = inferenceRequests(server);
    expect(requests.map((request) => request.query.NumberOfInferenceresults)).toEqual(['10000', '10000', '5000']);
    // Each page asks for what lies strictly before the oldest inference of the page before.
    const oldestOfFirstPage = many[25_003 - 10_000].inferences[0].T;
    expect(requests[1].query.filter).toBe(
      `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T <= "${formatTimestamp(parseTimestamp(oldestOfFirstPage) - 1)}")`,
    );
  });
});

describe('Console Case 1 (images and metadata)', () => {
  it('pages 1,000 images 256 at a time, pairs them by T, and leaves unmatched images empty', async () => {
    const names: string[] = [];
    const records: FakeRecord[] = [];
    for (let i = 0; i < 1000; i++) {
      names.push(`${t(i * 1000)}.jpg`);
      // Every seventh image has no metadata; the others one record each, a few with two inferences.
      if (i % 7 !== 3) records.push({ id: `r${i}`, inferences: [{ T: t(i * 1000) }, { T: t(i * 1000 + 500) }] });
    }
    const server = await startFake({ records, directories: { dir1: names } });
    const source = await openConsoleSource(
      consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0), number_of_images: 1000 }),
      new Diagnostics(),
      dir,
      { delays: FAST, env: {} },
    );
    expect(source.name).toBe('dir1');
    expect(source.hasImages).toBe(true);

    // Checked frame by frame but asserted once: the source must not need all 1,000 pictures at a time.
    const timestamps: string[] = [];
    const wrongBoxes: number[] = [];
    const wrongPictures: number[] = [];
    for await (const frame of source.frames(new AbortController().signal)) {
      const i = timestamps.length;
      timestamps.push(`${frame.index}:${frame.timestamp}`);
      const expected = i % 7 === 3 ? [] : expectedBoxes(defaultDetections(t(i * 1000)));
      if (JSON.stringify(boxesOf(frame.detections)) !== JSON.stringify(expected)) wrongBoxes.push(i);
      const image = frame.image;
      const centre = (10 * 30 + 15) * 3;
      const colourMatches = IMAGE_COLORS[i % 4].every(
        (channel, c) => image !== undefined && Math.abs(image.data[centre + c] - channel) <= 4,
      );
      if (image?.width !== 30 || image.height !== 20 || image.data.length !== 30 * 20 * 3 || !colourMatches) {
        wrongPictures.push(i);
      }
    }
    expect(timestamps).toEqual(Array.from({ length: 1000 }, (_, i) => `${i}:${t(i * 1000)}`));
    expect(wrongBoxes).toEqual([]);
    expect(wrongPictures).toEqual([]);

    const imageRequests = server.apiRequests().filter((request) => request.path.includes('/images/directories/'));
    expect(imageRequests.map((request) => request.query)).toEqual(
      [0, 256, 512, 768].map((skip) => ({ number_of_images: '256', skip: String(skip), order_by: 'ASC' })),
    );
    expect(imageRequests[0].path).toBe(`${API_PREFIX}/devices/${DEVICE_ID}/images/directories/dir1`);
    // One metadata request per page of images, over that page's span, each from just after the one before.
    expect(inferenceRequests(server).map((request) => request.query.filter)).toEqual(
      [
        [0, 255_000],
        [255_001, 511_000],
        [511_001, 767_000],
        [767_001, 999_000],
      ].map(([a, b]) => `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T >= "${t(a)}" AND i.T <= "${t(b)}")`),
    );
  });

  it('keeps images inside the range, at most number_of_images, and stops paging past its end', async () => {
    const names = Array.from({ length: 600 }, (_, i) => `${t(i * 1000)}.jpg`);
    const server = await startFake({ records: [], directories: { dir1: [...names, 'thumbnail.png'] } });
    const warnings: Warning[] = [];
    const frames = await collect(
      consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(5000), last_timestamp: t(9000) }),
      warnings,
    );
    expect(frames.map((frame) => frame.timestamp)).toEqual([t(5000), t(6000), t(7000), t(8000), t(9000)]);
    expect(server.apiRequests().filter((request) => request.path.includes('/images/'))).toHaveLength(1);

    const limited = await collect(
      consoleSettings({ sub_directory_name: 'dir1', last_timestamp: t(599_000), number_of_images: 3 }),
    );
    expect(limited.map((frame) => frame.timestamp)).toEqual([t(0), t(1000), t(2000)]);
    expect(warnings).toEqual([]);
  });

  it('skips an image whose name is not a timestamp', async () => {
    await startFake({ records: [], directories: { dir1: [`${t(0)}.jpg`, 'snapshot.jpg'] } });
    const warnings: Warning[] = [];
    const frames = await collect(consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0) }), warnings);
    expect(frames.map((frame) => frame.timestamp)).toEqual([t(0)]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      'Console image dir1/snapshot.jpg: skipped: name is not <yyyyMMddHHmmssfff>.jpg',
    ]);
  });

  it('pairs with the nearest metadata within match_tolerance_ms', async () => {
    const names = [0, 1000, 2000].map((ms) => `${t(ms)}.jpg`);
    const records = [{ id: 'm', inferences: [40, 1060, 1950].map((ms) => ({ T: t(ms) })) }];
    await startFake({ records, directories: { dir1: names } });
    const exact = await collect(consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0) }));
    expect(exact.map((frame) => frame.detections.count)).toEqual([0, 0, 0]);
    const near = await collect(
      consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0), match_tolerance_ms: 50 }),
    );
    expect(near.map((frame) => boxesOf(frame.detections))).toEqual([
      expectedBoxes(defaultDetections(t(40))),
      [],
      expectedBoxes(defaultDetections(t(1950))),
    ]);
  });
});

describe('Console source settings', () => {
  it('refuses Case 1 without any timestamp', async () => {
    await startFake({});
    await expect(collect(consoleSettings({ sub_directory_name: 'dir1' }))).rejects.toThrow(
      new SettingsError(
        'data_source_settings.console_data_settings: first_timestamp and last_timestamp are both empty; ' +
          'with sub_directory_name set, give at least one of them (yyyyMMddHHmmssfff)',
      ),
    );
  });

  it('refuses a timestamp that is not 17 digits', async () => {
    await startFake({});
    await expect(collect(consoleSettings({ first_timestamp: '2024050112000000' }))).rejects.toThrow(
      'data_source_settings.console_data_settings.first_timestamp: "2024050112000000" has 16 digits; ' +
        'a T string has 17 (yyyyMMddHHmmssfff, UTC)',
    );
  });

  it('reads a range written in ISO 8601 with offsets as the same T range', async () => {
    const server = await startFake({
      records: [0, 1000, 2000, 3000].map((ms, r) => ({ id: `r${r}`, inferences: [{ T: t(ms), detections: [] }] })),
    });
    // START is 12:00 UTC: 21:00 in Tokyo (+09:00), 08:00 in New York (EDT, -04:00).
    const frames = await collect(
      consoleSettings({ first_timestamp: '2024-05-01T21:00:01+09:00', last_timestamp: '2024-05-01T08:00:02.000-04:00' }),
    );
    expect(frames.map((frame) => frame.timestamp)).toEqual([t(1000), t(2000)]);
    expect(inferenceRequests(server)[0].query.filter).toBe(
      `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T >= "${t(1000)}" AND i.T <= "${t(2000)}")`,
    );
  });

  it('no inference in the range is an error naming the device and the range, not an empty analysis', async () => {
    await startFake({ records: [{ id: 'r0', inferences: [{ T: t(0), detections: [] }] }] });
    await expect(collect(consoleSettings({ first_timestamp: t(1), last_timestamp: t(60_000) }))).rejects.toThrow(
      new InputError('no data for device cam-1 between 2024-05-01T12:00:00.001Z and 2024-05-01T12:01:00.000Z on the Console'),
    );
    await expect(collect(consoleSettings({ first_timestamp: t(1) }))).rejects.toThrow(
      'no data for device cam-1 since 2024-05-01T12:00:00.001Z on the Console',
    );
    await fake?.stop();
    await startFake({ records: [] });
    await expect(collect(consoleSettings({}))).rejects.toThrow('no data for device cam-1 at all on the Console');
  });

  it('no image in the range is an error naming the folder, the device and the range', async () => {
    await startFake({ records: [], directories: { dir1: [`${t(0)}.jpg`], empty: [] } });
    await expect(
      collect(consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(1), last_timestamp: t(1000) })),
    ).rejects.toThrow(
      new InputError(
        'no images in folder dir1 of device cam-1 between 2024-05-01T12:00:00.001Z and 2024-05-01T12:00:01.000Z on the Console',
      ),
    );
    await expect(collect(consoleSettings({ sub_directory_name: 'empty', last_timestamp: t(1000) }))).rejects.toThrow(
      'no images in folder empty of device cam-1 until 2024-05-01T12:00:01.000Z on the Console',
    );
  });

  it('asks for 10 hours of images from first_timestamp alone', async () => {
    const names = [0, 36_000_000, 36_000_001].map((ms) => `${t(ms)}.jpg`);
    await startFake({ records: [], directories: { dir1: names } });
    const frames = await collect(consoleSettings({ sub_directory_name: 'dir1', first_timestamp: t(0) }));
    expect(frames.map((frame) => frame.timestamp)).toEqual([t(0), t(36_000_000)]);
  });

  it('reports an unknown device as one line from the Console', async () => {
    await startFake({});
    const error = await collect(consoleSettings({ device_id: 'ghost' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConsoleApiError);
    expect((error as Error).message).toBe(
      'Console: E_DEVICE_NOT_FOUND: device ghost not found (HTTP 404, GET /devices/ghost/inferenceresults)',
    );
  });
});
