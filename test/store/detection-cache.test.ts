import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionBlock } from '../../src-main/store/blocks.js';
import { DetectionCache, detectionCacheBytes } from '../../src-main/store/detection-cache.js';
import { StoreReader, StoreWriter } from '../../src-main/store/store.js';
import { periodView, windowGridAt } from '../../src-main/store/views.js';
import type { Detections } from '../../src-shared/frames.js';
import { ViewScratch } from '../../src-shared/periods/scratch.js';
import { resolveTimeBase } from '../../src-shared/periods/time-base.js';
import { DEFAULT_GRID_PARAMS } from '../../src-shared/settings/types.js';

/** One detection as a visit gives it: frame, box, score, class, track. */
type Row = [number, number, number, number, number, number, number, number];

/** Every detection `visit` is given, in order, with -0 and NaN kept (compared with Object.is). */
async function visitsOf(stream: { forEachDetections: (visit: (frame: number, d: Detections) => void, from?: number, to?: number) => Promise<void> }, from?: number, to?: number): Promise<Row[]> {
  const rows: Row[] = [];
  await stream.forEachDetections(
    (frame, d) => {
      for (let i = 0; i < d.count; i++) {
        rows.push([frame, d.boxes[i * 4], d.boxes[i * 4 + 1], d.boxes[i * 4 + 2], d.boxes[i * 4 + 3], d.scores[i], d.classIds[i], d.trackIds[i]]);
      }
    },
    from,
    to,
  );
  return rows;
}

/** A `read` that hands `rows` over in blocks of `size`, as DuckDB's chunks would. */
function blocksOf(rows: Row[], size: number): (visit: (block: DetectionBlock) => void) => Promise<void> {
  return async (visit) => {
    for (let start = 0; start < rows.length; start += size) {
      const part = rows.slice(start, start + size);
      const column = (c: number): Float64Array => Float64Array.from(part, (row) => row[c]);
      visit({
        rows: part.length,
        frames: Int32Array.from(part, (row) => row[0]),
        left: column(1),
        top: column(2),
        right: column(3),
        bottom: column(4),
        scores: column(5),
        classIds: Int32Array.from(part, (row) => row[6]),
        trackIds: Int32Array.from(part, (row) => row[7]),
      });
    }
  };
}

const same = (a: Row[], b: Row[]): boolean => a.length === b.length && a.every((row, i) => row.every((value, c) => Object.is(value, b[i][c])));

describe('DetectionCache', () => {
  it('gives back every value exactly, whatever column types it chose: pixels, floats, -0, NaN, ±Infinity, wide ids', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 5000; i++) {
      const frame = Math.floor(i / 3) * 7; // 40,000+ frames: past Int16
      rows.push([frame, i % 640, (i * 7) % 480, (i % 640) + 30, ((i * 7) % 480) + 60, 0.5 + (i % 100) / 256, i % 3, i % 5 === 0 ? -1 : i]);
    }
    // Values each column must widen for, late in the data so earlier rows are copied when it widens.
    rows[4000][1] = -0; // not Int16: comes back as +0 there
    rows[4001][2] = 0.1; // Float64 only
    rows[4002][3] = 1.5; // Float32
    rows[4003][4] = Infinity;
    rows[4004][1] = -Infinity;
    rows[4005][5] = NaN;
    rows[4006][5] = 0.9995220899581909; // a float32 exactly? (this AITRIOS score is: Math.fround keeps it)
    rows[4007][6] = 70000; // class id past Int16
    rows[4008][7] = 2 ** 31 - 1;
    const cache = await DetectionCache.fill(blocksOf(rows, 2048), rows.length);
    if (cache === null) throw new Error('no cache');
    try {
      expect(same(await visitsOf(cache), rows)).toBe(true);
      // frame 4; left 4 (−0, −∞: Float32), top 8 (0.1: Float64), right 4 (1.5), bottom 4 (∞); score 4; class 4; track 4
      expect(cache.bytesPerDetection).toBe(4 + 4 + 8 + 4 + 4 + 4 + 4 + 4);
    } finally {
      cache.release();
    }
  });

  it('keeps pixel boxes and float32 scores in 20 bytes a detection', async () => {
    const rows: Row[] = Array.from({ length: 3000 }, (_, i): Row => [i >> 2, i % 1920, i % 1080, (i % 1920) + 5, (i % 1080) + 9, Math.fround(0.4 + (i % 50) / 100), 0, -1]);
    const before = detectionCacheBytes();
    const cache = await DetectionCache.fill(blocksOf(rows, 1000), rows.length);
    if (cache === null) throw new Error('no cache');
    expect(cache.bytesPerDetection).toBe(4 + 8 + 4 + 2 + 2);
    expect(detectionCacheBytes() - before).toBe(cache.bytes);
    expect(same(await visitsOf(cache), rows)).toBe(true);
    cache.release();
    expect(detectionCacheBytes()).toBe(before);
  });

  it('keeps a −0 edge among pixel edges as −0 (an Int16Array would make it +0)', async () => {
    const rows: Row[] = Array.from({ length: 10 }, (_, i): Row => [i, i, i, i + 5, i + 5, 1, 0, -1]);
    rows[6][3] = -0;
    const cache = await DetectionCache.fill(blocksOf(rows, 4), rows.length);
    if (cache === null) throw new Error('no cache');
    const visits = await visitsOf(cache);
    cache.release();
    expect(Object.is(visits[6][3], -0)).toBe(true);
    expect(same(visits, rows)).toBe(true);
  });

  it('visits a frame range exactly as the rows in it, ordered or not', async () => {
    const ordered: Row[] = [];
    for (let frame = 0; frame < 900; frame++) for (let k = 0; k < frame % 4; k++) ordered.push([frame, k, k, k + 1, k + 1, 0.5, 0, -1]);
    // The same rows with their frames permuted: frame order no longer follows row order.
    const shuffled = ordered.map((row): Row => [(row[0] * 37) % 900, row[1], row[2], row[3], row[4], row[5], row[6], row[7]]);
    for (const rows of [ordered, shuffled]) {
      const cache = await DetectionCache.fill(blocksOf(rows, 100), rows.length);
      if (cache === null) throw new Error('no cache');
      for (const [from, to] of [
        [0, 899],
        [5, 5],
        [100, 450],
        [899, 2000],
        [-5, 3],
        [901, 1000],
      ]) {
        const inRange = rows.filter((row) => row[0] >= from && row[0] <= to);
        expect(same(await visitsOf(cache, from, to), inRange)).toBe(true);
      }
      cache.release();
    }
  });

  it('gives up, and gives its bytes back, when the detections are more or fewer than expected or pass the budget', async () => {
    const rows: Row[] = Array.from({ length: 1000 }, (_, i): Row => [i, 1, 2, 3, 4, 0.5, 0, -1]);
    const before = detectionCacheBytes();
    expect(await DetectionCache.fill(blocksOf(rows, 300), 999)).toBeNull();
    expect(await DetectionCache.fill(blocksOf(rows, 300), 1001)).toBeNull();
    // 18 bytes a detection at first (frame Int32, the rest Int16), 20 once the scores (0.5) are
    // Float32, 26 once the left edges (0.1) must be Float64.
    const wide = rows.map((row, i): Row => (i === 900 ? [row[0], 0.1, 2, 3, 4, 0.5, 0, -1] : row));
    expect(await DetectionCache.fill(blocksOf(wide, 300), 1000, 1000 * 25)).toBeNull();
    expect(await DetectionCache.fill(blocksOf(rows, 300), 1000, 1000 * 19)).toBeNull();
    expect(await DetectionCache.fill(blocksOf(rows, 300), 1000, 1000 * 17)).toBeNull();
    expect(detectionCacheBytes()).toBe(before);
    const fits = await DetectionCache.fill(blocksOf(wide, 300), 1000, 1000 * 26);
    expect(fits?.bytes).toBe(1000 * 26);
    fits?.release();
    expect(detectionCacheBytes()).toBe(before);
  });
});

describe('a warmed store reads its detections from memory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowdheat-cache-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same visits and the same period views before and after warm, and releases on close', async () => {
    const path = join(dir, 'crowdheat.duckdb');
    const writer = await StoreWriter.create(path);
    const frames = 5000;
    for (let index = 0; index < frames; index++) {
      const count = index % 5;
      const boxes = new Float64Array(count * 4);
      for (let k = 0; k < count; k++) boxes.set([(index * 13 + k * 101) % 300, (index * 7 + k * 37) % 200, ((index * 13 + k * 101) % 300) + 40.25, ((index * 7 + k * 37) % 200) + 80], k * 4);
      writer.addFrame({
        index,
        detections: { count, boxes, scores: Float64Array.from({ length: count }, (_, k) => 0.3 + k * 0.15), classIds: new Int32Array(count), trackIds: new Int32Array(count).fill(-1) },
      });
    }
    const timeBase = resolveTimeBase({
      timestamps: writer.timestamps().map(() => null),
      frameIndexes: writer.frameIndexes(),
      metadataFps: 2,
      startMs: Date.parse('2026-11-23T00:00:00Z'),
      videoFps: 0,
    });
    await writer.finish(timeBase, { settings: '{}', source_name: 'cache-test' });
    const store = await StoreReader.open(path);
    const before = detectionCacheBytes();
    try {
      const storeFrames = await store.frames();
      const params = { ...DEFAULT_GRID_PARAMS, image_size_h: 400, image_size_v: 300, grid_num_h: 40, grid_num_v: 30, class_ids: null, min_score: 0.5 };
      const options = { params, period: { kind: 'minutes' as const, minutes: 10 }, timeZone: 'UTC' };
      const streamed = await visitsOf(store);
      const streamedRange = await visitsOf(store, 1200, 3400);
      const streamedView = await periodView(store, storeFrames, options);
      // Reads asked while warm reads (each streams on a connection of its own while warm pauses) see the same rows.
      const warming = store.warm();
      const [during, duringShort] = await Promise.all([visitsOf(store), visitsOf(store, 2000, 2010)]);
      await warming;
      expect(same(during, streamed)).toBe(true);
      expect(same(duringShort, streamed.filter((row) => row[0] >= 2000 && row[0] <= 2010))).toBe(true);
      expect(detectionCacheBytes()).toBeGreaterThan(before);
      expect(same(await visitsOf(store), streamed)).toBe(true);
      expect(same(await visitsOf(store, 1200, 3400), streamedRange)).toBe(true);
      const cachedView = await periodView(store, storeFrames, options);
      expect(Array.from(cachedView.whole)).toEqual(Array.from(streamedView.whole));
      expect(Array.from(cachedView.buckets?.grids ?? [])).toEqual(Array.from(streamedView.buckets?.grids ?? []));
      expect(cachedView.detections).toBe(streamedView.detections);
      expect(cachedView.filtered).toBe(streamedView.filtered);
      // Views one after another on one scratch (as an opened analysis asks them) equal fresh ones.
      const scratch = new ViewScratch();
      const point = { ...params, bbox2pix: true, number_of_add_grid: 2, grid_num_h: 24, grid_num_v: 18 };
      for (const asked of [options, { ...options, period: { kind: 'none' as const } }, { ...options, params: point }, options]) {
        const fresh = await periodView(store, storeFrames, asked);
        const reused = await periodView(store, storeFrames, { ...asked, scratch });
        expect(Array.from(reused.whole)).toEqual(Array.from(fresh.whole));
        expect(Array.from(reused.buckets?.grids ?? [])).toEqual(Array.from(fresh.buckets?.grids ?? []));
        expect(reused.busiestMoment).toEqual(fresh.busiestMoment);
        expect(reused.detections).toBe(fresh.detections);
        const frame = storeFrames.index[4321];
        expect(Array.from((await windowGridAt(store, storeFrames, asked.params, frame, scratch)) ?? [])).toEqual(
          Array.from((await windowGridAt(store, storeFrames, asked.params, frame)) ?? []),
        );
      }
    } finally {
      store.close();
    }
    expect(detectionCacheBytes()).toBe(before);
  });
});
