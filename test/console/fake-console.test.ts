/**
 * The fake Console's means for follow tests: records and images added while it runs, faults
 * that fire after a number of requests, and its own list of what it holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../../src-shared/console/client.js';
import { ConsoleApiError } from '../../src-shared/console/errors.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { FakeConsole, type FakeRecord } from '../fake-console.js';

const START = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
const t = (k: number): string => formatTimestamp(START + k * 1000);
const record = (k: number): FakeRecord => ({ id: `r${k}`, inferences: [{ T: t(k), detections: [] }] });
const FAST = { attempts: 1, baseMs: 1, capMs: 1 };

/** The T of each record an answer holds, in the order given. */
function timesOf(records: unknown[]): string[] {
  return records.map((entry) => (entry as { inference_result: { Inferences: { T: string }[] } }).inference_result.Inferences[0].T);
}

let fake: FakeConsole;
let client: ConsoleClient;
beforeEach(async () => {
  fake = await FakeConsole.start({ devices: [{ device_id: 'cam', records: [record(0), record(1)], directories: { d: [`${t(0)}.jpg`] } }] });
  client = new ConsoleClient(fake.credentials, { delays: FAST });
});
afterEach(async () => {
  await fake.stop();
});

describe('the fake Console over time', () => {
  it('serves records appended while it runs, newest first as the Console does', async () => {
    expect(timesOf(await client.getInferenceResults({ deviceId: 'cam', count: 10 }))).toEqual([t(1), t(0)]);
    fake.appendRecords('cam', [record(3), record(2)]);
    expect(timesOf(await client.getInferenceResults({ deviceId: 'cam', count: 10 }))).toEqual([t(3), t(2), t(1), t(0)]);
    expect(fake.inferenceTimes('cam')).toEqual([t(0), t(1), t(2), t(3)]);
  });

  it('serves images appended to a folder, and a folder made by appending', async () => {
    fake.appendImages('cam', 'd', [`${t(2)}.jpg`, `${t(1)}.jpg`]);
    fake.appendImages('cam', 'new', [`${t(5)}.jpg`]);
    const page = await client.getImages({ deviceId: 'cam', subDirectory: 'd', count: 10 });
    expect([page.total_image_count, page.images.map((image) => image.name)]).toEqual([3, [`${t(0)}.jpg`, `${t(1)}.jpg`, `${t(2)}.jpg`]]);
    expect((await client.getImages({ deviceId: 'cam', subDirectory: 'new', count: 10 })).total_image_count).toBe(1);
  });

  it('fails the request after the ones let through, and only that one', async () => {
    fake.injectAfter(2, { kind: 'status', status: 500 });
    await client.getInferenceResults({ deviceId: 'cam', count: 1 });
    await client.getInferenceResults({ deviceId: 'cam', count: 1 });
    const third = await client.getInferenceResults({ deviceId: 'cam', count: 1 }).catch((error: unknown) => error);
    expect(third).toBeInstanceOf(ConsoleApiError);
    expect((third as ConsoleApiError).status).toBe(500);
    expect(timesOf(await client.getInferenceResults({ deviceId: 'cam', count: 1 }))).toEqual([t(1)]);
  });

  it('refuses to add to a device it does not have', () => {
    expect(() => fake.appendRecords('ghost', [record(9)])).toThrow('fake Console: no device ghost');
  });
});
