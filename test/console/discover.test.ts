/**
 * Range discovery against the fake Console over real HTTP: the oldest and newest T of a device
 * and an image folder's count and ends. Expected values come from how the fake is seeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../../src-shared/console/client.js';
import { findImageFolderRange, findInferenceRange } from '../../src-shared/console/discover.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { FakeConsole, type FakeRecord } from '../fake-console.js';

const START = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

/** `count` records, one every `everyMs` from `fromMs`, each holding two inferences 250 ms apart. */
function records(prefix: string, fromMs: number, everyMs: number, count: number): FakeRecord[] {
  return Array.from({ length: count }, (_, r) => ({
    id: `${prefix}-${r}`,
    inferences: [fromMs + r * everyMs, fromMs + r * everyMs + 250].map((ms) => ({ T: formatTimestamp(ms), detections: [] })),
  }));
}

// Three days at one record every 10 s, whose oldest inference is at 12:00:00.000 on day 0.
const BUSY = records('busy', START, 10_000, 3 * 8640);
// Two short bursts four years apart: the search must not stop at the gap.
const SPARSE = [...records('old', START - 4 * 365 * DAY + 123, 1000, 5), ...records('new', START, 1000, 5)];
// A record whose inferences are out of order inside it: the oldest is the record's second.
const SHUFFLED: FakeRecord[] = [
  { id: 's-0', inferences: [{ T: '20240501120000900', detections: [] }, { T: '20240501120000100', detections: [] }] },
  { id: 's-1', inferences: [{ T: '20240501120005000', detections: [] }] },
];

let fake: FakeConsole;
let client: ConsoleClient;
beforeAll(async () => {
  fake = await FakeConsole.start({
    devices: [
      { device_id: 'busy', records: BUSY },
      { device_id: 'sparse', records: SPARSE },
      { device_id: 'shuffled', records: SHUFFLED },
      { device_id: 'single', records: records('single', START + 7, 1, 1) },
      {
        device_id: 'empty',
        directories: {
          shots: Array.from({ length: 600 }, (_, i) => `${formatTimestamp(START + i * 1000)}.jpg`),
          // Names that are not T strings sort before and after the pictures in ASC order.
          mixed: ['00-readme.txt', '20240501120000000.jpg', '20240501120500000.jpg', 'zz-thumbs.db'],
          junk: ['a.txt', 'b.txt'],
          none: [],
        },
      },
    ],
  });
  client = new ConsoleClient(fake.credentials);
});
afterAll(async () => {
  await fake.stop();
});

describe('findInferenceRange', () => {
  it('finds the oldest and newest T of three days of records in a handful of requests', async () => {
    const before = fake.apiRequests().length;
    const found = await findInferenceRange(client, 'busy');
    expect(found.oldest).toBe('20240501120000000');
    expect(found.newest).toBe(formatTimestamp(START + (3 * 8640 - 1) * 10_000 + 250));
    expect(found.requests).toBe(fake.apiRequests().length - before);
    // One for the newest, three strides back (1 h, 16 h, 11 days), then halving down to a window of under 100 records.
    expect(found.requests).toBeLessThanOrEqual(20);
  });

  it('does not stop at a four-year gap', async () => {
    const found = await findInferenceRange(client, 'sparse');
    expect(found.oldest).toBe(formatTimestamp(START - 4 * 365 * DAY + 123));
    expect(found.newest).toBe(formatTimestamp(START + 4 * 1000 + 250));
  });

  it('takes the oldest inference inside a record, whatever its position', async () => {
    expect(await findInferenceRange(client, 'shuffled')).toMatchObject({ oldest: '20240501120000100', newest: '20240501120005000' });
  });

  it('reports a device with a single record', async () => {
    expect(await findInferenceRange(client, 'single')).toMatchObject({
      oldest: formatTimestamp(START + 7),
      newest: formatTimestamp(START + 257),
    });
  });

  it('says null, null for a device without inference results, after one request', async () => {
    expect(await findInferenceRange(client, 'empty')).toEqual({ oldest: null, newest: null, requests: 1 });
  });

  it('asks with the Console filter the API documents', async () => {
    const before = fake.apiRequests().length;
    await findInferenceRange(client, 'single');
    const filters = fake
      .apiRequests()
      .slice(before)
      .map((request) => request.query.filter);
    expect(filters[0]).toBeUndefined();
    expect(filters[1]).toBe(`EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T <= "${formatTimestamp(START + 257 + 1 - 3_600_000 - 1)}")`);
  });
});

describe('findImageFolderRange', () => {
  it('gives the count and the first and last image with one image from each end', async () => {
    const before = fake.apiRequests().length;
    expect(await findImageFolderRange(client, 'empty', 'shots')).toEqual({
      count: 600,
      first: formatTimestamp(START),
      last: formatTimestamp(START + 599_000),
      requests: 2,
    });
    const asked = fake.apiRequests().slice(before).map((request) => request.query);
    expect(asked.map((query) => [query.order_by, query.number_of_images, query.skip])).toEqual([
      ['ASC', '1', '0'],
      ['DESC', '1', '0'],
    ]);
  });

  it('skips names that are not <T>.jpg at either end', async () => {
    expect(await findImageFolderRange(client, 'empty', 'mixed')).toEqual({
      count: 4,
      first: '20240501120000000',
      last: '20240501120500000',
      requests: 4,
    });
  });

  it('a folder without pictures named by T, and an empty one', async () => {
    expect(await findImageFolderRange(client, 'empty', 'junk')).toEqual({ count: 2, first: null, last: null, requests: 2 });
    expect(await findImageFolderRange(client, 'empty', 'none')).toEqual({ count: 0, first: null, last: null, requests: 1 });
  });

  it('names the folder the Console does not know', async () => {
    await expect(findImageFolderRange(client, 'empty', 'gone')).rejects.toThrow(/^Console: E_DIRECTORY_NOT_FOUND: directory gone not found/);
  });
});
