import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DetectionsBuilder, type Frame, type PrepareOptions } from '../../src-shared/frames.js';
import { resolveTimeBase } from '../../src-shared/periods/time-base.js';
import { peopleFilterKey, StoreReader, StoreWriter } from '../../src-main/store/store.js';
import { STORE_FILE } from '../../src-main/store/schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-people-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Box = [number, number, number, number, number, number];

function frame(index: number, timestamp: string | null, boxes: Box[]): Frame {
  const builder = new DetectionsBuilder();
  for (const [l, t, r, b, s, c] of boxes) builder.add(l, t, r, b, s, c, -1);
  return { index, detections: builder.finish(), ...(timestamp === null ? {} : { timestamp }) };
}

/** Writes `frames` with `people` (one count per frame) kept under `filter`, or no counts when null. */
async function writeStore(frames: Frame[], people: number[] | null, filter?: PrepareOptions): Promise<StoreReader> {
  const writer = await StoreWriter.create(join(dir, STORE_FILE));
  frames.forEach((f, i) => writer.addFrame(f, people === null ? undefined : people[i]));
  // No time base: the T strings here are kept as written, not read as times.
  const timeBase = resolveTimeBase({ timestamps: writer.timestamps().map(() => null), frameIndexes: writer.frameIndexes(), metadataFps: 0, startMs: 0, videoFps: 0 });
  await writer.finish(timeBase, { settings: '{}', source_name: 'heatmap', ...(filter === undefined ? {} : { peopleFilter: filter }) });
  return StoreReader.open(dir);
}

const ok: Box = [0, 0, 10, 10, 0.9, 0];
// Kept by EXACT: score ≥ 0.3, class 0, a pixel inside 1920 × 1080. LOOSE keeps every class and boxes outside the image.
const EXACT: PrepareOptions = { imageWidth: 1920, imageHeight: 1080, sanitize: true, classIds: [0], minScore: 0.3 };
const LOOSE: PrepareOptions = { imageWidth: 1920, imageHeight: 1080, sanitize: false, classIds: null, minScore: 0.3 };
const FRAMES = [
  frame(0, null, [ok, [0, 0, 10, 10, 0.2, 0], [Number.NaN, 0, 10, 10, 0.9, 0]]),
  frame(1, null, []),
  frame(2, null, [ok, [0, 0, 10, 10, 0.5, 1]]),
  frame(3, null, [[2000, 2000, 2100, 2100, 0.9, 0]]),
];

describe('people per frame', () => {
  it('counted from the detections when the store keeps no counts: exact and loose filters', async () => {
    const store = await writeStore(FRAMES, null);
    expect(store.meta.people_filter).toBeNull();
    const frames = await store.frames();
    expect(Array.from(await store.peoplePerFrame(frames, EXACT))).toEqual([1, 0, 1, 0]);
    expect(Array.from(await store.peoplePerFrame(frames, LOOSE))).toEqual([1, 0, 2, 1]);
    store.close();
  });

  it('read from frame_people when the store was written under the same filters, not counted again', async () => {
    // Counts that the detections do not give, so the test tells a read from a count.
    const store = await writeStore(FRAMES, [7, 0, 5, 3], EXACT);
    expect(store.meta.people_filter).toBe(peopleFilterKey(EXACT));
    const frames = await store.frames();
    expect(Array.from(await store.peoplePerFrame(frames, EXACT))).toEqual([7, 0, 5, 3]);
    // Other filters: counted from the detections.
    expect(Array.from(await store.peoplePerFrame(frames, LOOSE))).toEqual([1, 0, 2, 1]);
    expect(Array.from(await store.peoplePerFrame(frames, { ...EXACT, minScore: 0.95 }))).toEqual([0, 0, 0, 0]);
    store.close();
  });

  it('kept counts equal the counted ones when a source repeats a frame index', async () => {
    const repeated = [frame(0, null, [ok]), frame(1, null, [ok, ok]), frame(1, null, [ok]), frame(2, null, [])];
    const counted = await writeStore(repeated, null);
    const expected = Array.from(await counted.peoplePerFrame(await counted.frames(), EXACT));
    counted.close();
    await rm(join(dir, STORE_FILE));
    const kept = await writeStore(repeated, [1, 2, 1, 0], EXACT);
    expect(Array.from(await kept.peoplePerFrame(await kept.frames(), EXACT))).toEqual(expected);
    kept.close();
  });

  it('a store with a frame added without its count keeps none', async () => {
    const writer = await StoreWriter.create(join(dir, STORE_FILE));
    writer.addFrame(FRAMES[0], 9);
    writer.addFrame(FRAMES[1]);
    const timeBase = resolveTimeBase({ timestamps: writer.timestamps(), frameIndexes: writer.frameIndexes(), metadataFps: 0, startMs: 0, videoFps: 0 });
    await writer.finish(timeBase, { settings: '{}', source_name: 'heatmap', peopleFilter: EXACT });
    const store = await StoreReader.open(dir);
    expect(store.meta.people_filter).toBeNull();
    expect(Array.from(await store.peoplePerFrame(await store.frames(), EXACT))).toEqual([1, 0]);
    store.close();
  });
});

describe('frames read a column at a time', () => {
  it('T of 10,000 frames, some missing, read in blocks in frame order', async () => {
    const stamps = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 3 ? null : `2026010100${String(i).padStart(7, '0')}`));
    const store = await writeStore(stamps.map((t, i) => frame(i, t, [])), null);
    const frames = await store.frames();
    expect(frames.t).toEqual(stamps);
    expect(frames.index[9_999]).toBe(9_999);
    store.close();
  });

  it('a T holding the unit separator, and an empty T, come back as written', async () => {
    const stamps = ['a\u001fb', '', null, 'n', 's'];
    const store = await writeStore(stamps.map((t, i) => frame(i, t, [])), null);
    expect((await store.frames()).t).toEqual(stamps);
    store.close();
  });

  it('frames written out of frame order are returned in frame order', async () => {
    const store = await writeStore([frame(5, 'e', [ok]), frame(3, 'c', []), frame(4, 'd', [ok, ok])], null);
    const frames = await store.frames();
    expect(Array.from(frames.index)).toEqual([3, 4, 5]);
    expect(frames.t).toEqual(['c', 'd', 'e']);
    expect(Array.from(await store.peoplePerFrame(frames, EXACT))).toEqual([0, 2, 1]);
    store.close();
  });
});
