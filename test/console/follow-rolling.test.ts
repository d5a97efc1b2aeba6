/**
 * The follow's rolling figures (src-main/console/follow-rolling.ts) kept in memory and updated
 * with only the new frames equal a from-scratch recount of the store after every poll, late
 * uploads and gap-cap changes included. Real DuckDB store files; durations are multiples of
 * 0.5 s so every sum is exact in float64 and the comparison is exact whatever the order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollingFigures } from '../../src-main/console/follow-rolling.js';
import { FollowStore } from '../../src-main/console/follow-store.js';
import type { TimedDetections } from '../../src-main/console/source.js';
import { periodView } from '../../src-main/store/views.js';
import { EMPTY_DETECTIONS, formatTimestamp, prepareDetections, type Detections } from '../../src-shared/frames.js';
import { prepareOptionsFor } from '../../src-shared/periods/accumulate.js';
import type { Period } from '../../src-shared/periods/buckets.js';
import { defaultSettings } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { compileZones, OccupancyRecorder } from '../../src-shared/zones/occupancy.js';

const START = Date.UTC(2026, 10, 29, 8, 58, 0, 0);
const ZONES: ZoneDefinition[] = [
  { name: 'left', points: [[0, 0], [160, 0], [160, 320], [0, 320]] },
  { name: 'right', points: [[160, 0], [320, 0], [320, 320], [160, 320]] },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-rolling-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An inference at START + ms with 1–3 boxes that depend on ms, tracked. */
function inference(ms: number): TimedDetections {
  const seed = Math.round(ms / 500) + 1000;
  const count = 1 + (seed % 3);
  const boxes = new Float64Array(count * 4);
  for (let k = 0; k < count; k++) {
    const left = (seed * 37 + k * 90) % 260;
    const top = (seed * 13 + k * 50) % 250;
    boxes.set([left, top, left + 40, top + 60], k * 4);
  }
  const detections: Detections = {
    count,
    boxes,
    scores: new Float64Array(count).fill(0.9),
    classIds: new Int32Array(count),
    trackIds: Int32Array.from({ length: count }, (_, k) => k + 1),
  };
  return { timestamp: formatTimestamp(START + ms), detections };
}

function params() {
  const value = defaultSettings().heat_map_settings.params;
  return { ...value, image_size_h: 320, image_size_v: 320, grid_num_h: 8, grid_num_v: 8 };
}

/** The zones' occupancy and track entries recounted from the whole store, as a run counts them. */
async function recountZones(store: FollowStore): Promise<{ occupancy: Int32Array; entries: string[] }> {
  const p = params();
  const recorder = new OccupancyRecorder(compileZones(ZONES), p.point_ratio);
  const byFrame = new Map<number, Detections>();
  await store.forEachDetectionsInOrder((frame, d) => {
    // A frame may come in several parts: join them.
    const before = byFrame.get(frame);
    const join = <T extends Float64Array | Int32Array>(a: T | undefined, b: T, make: (n: number) => T): T => {
      const out = make((a?.length ?? 0) + b.length);
      if (a !== undefined) out.set(a);
      out.set(b, a?.length ?? 0);
      return out;
    };
    byFrame.set(frame, {
      count: (before?.count ?? 0) + d.count,
      boxes: join(before?.boxes, d.boxes.slice(0, d.count * 4), (n) => new Float64Array(n)),
      scores: join(before?.scores, d.scores.slice(0, d.count), (n) => new Float64Array(n)),
      classIds: join(before?.classIds, d.classIds.slice(0, d.count), (n) => new Int32Array(n)),
      trackIds: join(before?.trackIds, d.trackIds.slice(0, d.count), (n) => new Int32Array(n)),
    });
  });
  const stats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
  for (let f = 0; f < store.frameCount; f++) {
    const d = byFrame.get(f);
    recorder.add(d === undefined ? EMPTY_DETECTIONS : prepareDetections(d, prepareOptionsFor(p), stats));
  }
  return { occupancy: recorder.occupancy().slice(), entries: entryList(recorder) };
}

/** A recorder's track entries as sorted "frame zone track" lines (the order inside a frame is the store's). */
function entryList(recorder: OccupancyRecorder): string[] {
  const { frames, zones, tracks } = recorder.trackEntries();
  return Array.from(frames, (f, i) => `${String(f).padStart(6, '0')} ${zones[i]} ${tracks[i]}`).sort();
}

async function check(store: FollowStore, rolling: RollingFigures, period: Period): Promise<void> {
  const update = await rolling.update(store, store.takeChangedFrom());
  const recount = await periodView(store, store.frames(), { params: params(), period, timeZone: 'Asia/Tokyo' });
  expect(update.view).toEqual(recount);
  const zones = await recountZones(store);
  expect(rolling.occupancy?.occupancy()).toEqual(zones.occupancy);
  expect(rolling.occupancy === null ? null : entryList(rolling.occupancy)).toEqual(zones.entries);
}

describe('rolling figures of a follow', () => {
  it('equal a recount of the store after every poll, with late uploads, gaps and a changing median', async () => {
    const period: Period = { kind: 'minutes', minutes: 1 };
    const store = await FollowStore.open(join(dir, 'crowdheat.duckdb'), { deviceId: 'dev', settings: '', sourceName: 'heatmap' });
    const rolling = new RollingFigures({ params: params(), period, timeZone: 'Asia/Tokyo', zones: ZONES });
    try {
      const polls: number[][] = [
        [0, 1000, 2000, 3000],
        [4000, 5000, 6000],
        [2500, 7000], // late: lands between kept frames
        [8000, 30_000], // a gap: capped at 3 medians
        Array.from({ length: 13 }, (_, k) => 31_000 + k * 500), // the median falls to 0.5 s: the cap on 8000's gap moves
        [-1000], // late before the first frame
        [90_000, 91_000], // a new bucket two minutes on, an empty one between
        [92_000],
        [93_000], // the median moves to 0.75 s: only deferred frames (gap edges) change weight
        Array.from({ length: 40 }, (_, k) => 94_000 + k * 250), // the median falls to 0.25 s: kept 1 s frames get capped
        [60_500], // late, in an earlier bucket
      ];
      const rebuilt: boolean[] = [];
      for (const poll of polls) {
        await store.commit(poll.map(inference));
        const before = rolling.rebuilds;
        await check(store, rolling, period);
        rebuilt.push(rolling.rebuilds > before);
      }
      // Recounted: the first poll, late uploads before kept frames, and the poll whose median
      // (0.25 s) caps frames kept with 1 s; the median's smaller moves (1 s → 0.5 s → 0.75 s) only
      // change deferred frames, added afresh at every update.
      expect(rebuilt).toEqual([true, false, true, false, false, true, false, false, false, true, true]);
    } finally {
      store.close();
    }
  });

  it('read only the new frames and the newest one again when frames come in order', async () => {
    const period: Period = { kind: 'hour' };
    const store = await FollowStore.open(join(dir, 'crowdheat.duckdb'), { deviceId: 'dev', settings: '', sourceName: 'heatmap' });
    const rolling = new RollingFigures({ params: params(), period, timeZone: 'Asia/Tokyo', zones: [] });
    try {
      const polls = 10;
      for (let poll = 0; poll < polls; poll++) {
        await store.commit(Array.from({ length: 5 }, (_, k) => inference((poll * 5 + k) * 1000)));
        const update = await rolling.update(store, store.takeChangedFrom());
        expect(update.rebuilt).toBe(poll === 0);
        expect(update.view).toEqual(await periodView(store, store.frames(), { params: params(), period, timeZone: 'Asia/Tokyo' }));
      }
      expect(rolling.rebuilds).toBe(1);
      // Poll 1 reads its 5 frames; each later poll its 5 new frames and the newest of the poll before.
      expect(rolling.framesRead).toBe(5 + 6 * (polls - 1));
    } finally {
      store.close();
    }
  });

  it('name only the buckets that changed when the colour scale stays', async () => {
    const period: Period = { kind: 'minutes', minutes: 1 };
    const store = await FollowStore.open(join(dir, 'crowdheat.duckdb'), { deviceId: 'dev', settings: '', sourceName: 'heatmap' });
    const rolling = new RollingFigures({ params: params(), period, timeZone: 'Asia/Tokyo', zones: [] });
    try {
      // Two busy minutes, then a quiet frame in a third minute: the shared maximum stays.
      await store.commit(Array.from({ length: 120 }, (_, k) => inference(k * 1000)));
      expect((await rolling.update(store, store.takeChangedFrom())).changedBuckets).toBeNull();
      await store.commit([inference(120_000)]);
      const second = await rolling.update(store, store.takeChangedFrom());
      expect(second.view.buckets?.starts.length).toBe(3);
      // Bucket 1 holds the frame that was the newest (its weight is now kept); bucket 2 the new one.
      expect(second.changedBuckets === null ? null : [...second.changedBuckets].sort()).toEqual([1, 2]);
    } finally {
      store.close();
    }
  });
});
