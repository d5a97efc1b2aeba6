import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { DetectionsBuilder, formatTimestamp, type Frame } from '../../src-shared/frames.js';
import { DEFAULT_GRID_PARAMS, defaultSettings, type GridParams } from '../../src-shared/settings/types.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { StoreReader } from '../../src-main/store/store.js';
import { storeOf as storeWith } from './store-fixture.js';
import { periodView, windowAt, type PeriodView } from '../../src-main/store/views.js';
import { RunVisitor } from '../../src-main/store/blocks.js';
import { detectionCacheBytes } from '../../src-main/store/detection-cache.js';
import { OpenedRun } from '../../src-main/app/opened-run.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-attacks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const storeOf = (frames: Frame[]): Promise<StoreReader> => storeWith(dir, frames);

const PARAMS: GridParams = { ...DEFAULT_GRID_PARAMS, image_size_h: 640, image_size_v: 480, grid_num_h: 16, grid_num_v: 12, number_of_add_grid: 0, class_ids: null, min_score: 0 };

/** Frames of 37–41 stacked boxes (one grid column, consecutive rows: their rectangles merge) at irregular times. */
function stackedFrames(count: number): Frame[] {
  const frames: Frame[] = [];
  let t = Date.parse('2026-11-23T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const builder = new DetectionsBuilder();
    for (let k = 0; k < 37 + (i % 5); k++) {
      const row = (k + i) % 12;
      const column = i % 3;
      builder.add(column * 40, row * 40, column * 40 + 39, row * 40 + 39, 0.9, 0, -1);
    }
    frames.push({ index: i, detections: builder.finish(), timestamp: formatTimestamp(t) });
    t += 100 + ((i * 37) % 900) + 0.5;
  }
  return frames;
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((value, i) => Object.is(value, b[i]));

describe('runs of one frame do not depend on where a reader cuts blocks', () => {
  it('RunVisitor gives one run per stretch of a frame\'s rows whatever the block size', () => {
    const frames = [3, 3, 3, 4, 4, 4, 4, 4, 5, 3, 3, 6];
    const runsFor = (size: number): string[] => {
      const runs: string[] = [];
      const visitor = new RunVisitor((frame, d) => runs.push(`${frame}:${Array.from(d.scores).join(',')}`));
      for (let start = 0; start < frames.length; start += size) {
        const part = frames.slice(start, start + size);
        const values = Float64Array.from(part, (_, i) => start + i);
        visitor.block({ rows: part.length, frames: part, left: values, top: values, right: values, bottom: values, scores: values, classIds: new Int32Array(part.length), trackIds: new Int32Array(part.length) });
      }
      visitor.finish();
      return runs;
    };
    const expected = ['3:0,1,2', '4:3,4,5,6,7', '5:8', '3:9,10', '6:11'];
    for (const size of [1, 2, 3, 5, 7, 12, 100]) expect(runsFor(size)).toEqual(expected);
  });

  it('person-seconds views of a warmed store equal the cold store\'s to the bit over ranges starting anywhere', async () => {
    // Before: the cache cut blocks from the range's first row, DuckDB from the table's, so a frame
    // across a cut was visited in other parts; its merged rectangles then added the same weights in
    // another order, and 13 of these 40 ranges differed in the last bits.
    const store = await storeOf(stackedFrames(400));
    try {
      const frames = await store.frames();
      const times = frames.timeMs ?? new Float64Array(0);
      const ranges: Array<number | undefined> = [undefined, ...Array.from({ length: 39 }, (_, k) => times[(k + 1) * 7])];
      const view = (fromMs: number | undefined): ReturnType<typeof periodView> =>
        periodView(store, frames, { params: PARAMS, period: { kind: 'minutes', minutes: 1 }, timeZone: 'UTC', fromMs });
      const cold = [];
      for (const fromMs of ranges) cold.push(await view(fromMs));
      await store.warm();
      for (let r = 0; r < ranges.length; r++) {
        const warm = await view(ranges[r]);
        expect(sameBits(warm.whole, cold[r].whole)).toBe(true);
        expect(sameBits(warm.buckets?.grids ?? [], cold[r].buckets?.grids ?? [])).toBe(true);
        expect(sameBits(warm.buckets?.personSeconds ?? [], cold[r].buckets?.personSeconds ?? [])).toBe(true);
      }
    } finally {
      store.close();
    }
  });
});

/** Runs `statements` on the store file at `path` as another program would (read-write, outside crowdheat). */
async function changeStore(path: string, statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const statement of statements) await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Frames of 0–3 pixel boxes with float32 scores (20 bytes a detection in the cache), 1 s apart: person-seconds are whole numbers. */
const START_MS = Date.parse('2026-11-23T00:00:00Z');

function pixelFrames(count: number): Frame[] {
  return Array.from({ length: count }, (_, i): Frame => {
    const builder = new DetectionsBuilder();
    for (let k = 0; k < i % 4; k++) builder.add((i * 13 + k * 97) % 600, (i * 7 + k * 41) % 440, ((i * 13 + k * 97) % 600) + 35, ((i * 7 + k * 41) % 440) + 30, Math.fround(0.5 + k / 8), k, -1);
    return { index: i, detections: builder.finish(), timestamp: formatTimestamp(START_MS + i * 1000) };
  });
}

describe('stores changed outside crowdheat', () => {
  it('a NULL or another column type gives the one-line InputError naming the store and the column, warm or not', async () => {
    const frames = pixelFrames(3000);
    const options = { params: PARAMS, period: { kind: 'none' as const }, timeZone: 'UTC' };
    const path = join(dir, STORE_FILE);
    const again = 'was the store changed outside crowdheat? Run the analysis again';
    for (const [change, message] of [
      [['ALTER TABLE detections ALTER COLUMN top DROP NOT NULL', 'UPDATE detections SET top = NULL WHERE frame_index = 2501'], `${path}: the analysis store's column 2 (top) holds a NULL where crowdheat writes none: ${again}`],
      [['ALTER TABLE detections ALTER score TYPE BIGINT'], `${path}: the analysis store's column 5 (score) is BIGINT, not SMALLINT, FLOAT or DOUBLE: ${again}`],
      [['ALTER TABLE detections ALTER class_id TYPE VARCHAR'], `${path}: the analysis store's column 6 (class_id) is VARCHAR, not SMALLINT or INTEGER: ${again}`],
      [['ALTER TABLE detections ALTER track_id TYPE DOUBLE'], `${path}: the analysis store's column 7 (track_id) is DOUBLE, not SMALLINT or INTEGER: ${again}`],
    ] as const) {
      await storeOf(frames).then((store) => store.close());
      await changeStore(path, [...change]);
      const before = detectionCacheBytes();
      const store = await StoreReader.open(dir);
      try {
        const storeFrames = await store.frames();
        const warming = store.warm();
        // Asked while warm reads (it waits for warm, which fails), then after.
        await expect(periodView(store, storeFrames, options)).rejects.toThrow(message);
        await warming;
        await expect(periodView(store, storeFrames, options)).rejects.toThrow(message);
        await expect(periodView(store, storeFrames, { ...options, fromMs: START_MS + 2400_000 })).rejects.toThrow(message);
        expect(detectionCacheBytes()).toBe(before);
      } finally {
        store.close();
      }
      await rm(path, { force: true });
    }
  });

  it('a store lacking a table or a column that the reads select is refused at open in one line naming it', async () => {
    const path = join(dir, STORE_FILE);
    const again = 'was the store changed outside crowdheat? Run the analysis again';
    for (const [change, message] of [
      ['DROP TABLE detections', `${path}: it has no table detections: ${again}`],
      ['ALTER TABLE detections DROP COLUMN score', `${path}: its table detections has no column score: ${again}`],
      ['ALTER TABLE detections RENAME COLUMN track_id TO track', `${path}: its table detections has no column track_id: ${again}`],
      ['ALTER TABLE frames DROP COLUMN duration_ms', `${path}: its table frames has no column duration_ms: ${again}`],
    ] as const) {
      await storeOf(pixelFrames(3)).then((store) => store.close());
      await changeStore(path, [change]);
      await expect(StoreReader.open(dir)).rejects.toThrow(message);
      await rm(path, { force: true });
    }
  });

  it('a store whose meta detections count was changed warms into a cache of the rows it holds', async () => {
    // Before: the cache was sized by meta: 20,000,000 reserved (and allocated) 360 MB and was given
    // up after the read; 10 was given up as well.
    const frames = pixelFrames(3000);
    const rows = frames.reduce((sum, frame) => sum + frame.detections.count, 0);
    const reference = await storeOf(frames);
    const expected = await periodView(reference, await reference.frames(), { params: PARAMS, period: { kind: 'none' }, timeZone: 'UTC' });
    reference.close();
    for (const claimed of ['20000000', '10']) {
      await changeStore(join(dir, STORE_FILE), [`UPDATE meta SET value = '${claimed}' WHERE key = 'detections'`]);
      const store = await StoreReader.open(dir);
      const before = detectionCacheBytes();
      try {
        await store.warm();
        expect(detectionCacheBytes() - before).toBe(rows * 20);
        const view = await periodView(store, await store.frames(), { params: PARAMS, period: { kind: 'none' }, timeZone: 'UTC' });
        expect(sameBits(view.whole, expected.whole)).toBe(true);
        expect(view.detections).toBe(rows);
      } finally {
        store.close();
      }
      expect(detectionCacheBytes()).toBe(before);
    }
  });

  it('rows out of frame order and frames in many runs: warm, cold and a store in order give the same views', async () => {
    const frames = pixelFrames(1500);
    const ordered = await storeOf(frames);
    const orderedFrames = await ordered.frames();
    const ranges: Array<[number, number]> = [[0, 1499], [0, 0], [700, 703], [1, 1498], [1200, 1499]];
    const view = (store: StoreReader, [from, to]: [number, number]): ReturnType<typeof periodView> =>
      // Every frame weighs 1 s: integer sums, exact whatever the order.
      periodView(store, orderedFrames, { params: { ...PARAMS, number_of_add_grid: 2 }, period: { kind: 'minutes', minutes: 5 }, timeZone: 'UTC', fromMs: START_MS + from * 1000, toMs: START_MS + (to + 1) * 1000 });
    const expected: PeriodView[] = [];
    for (const range of ranges) expected.push(await view(ordered, range));
    ordered.close();
    // Rewritten in another order: odd frames first, then even, each frame's rows split apart by k.
    await changeStore(join(dir, STORE_FILE), [
      'CREATE TABLE shuffled AS SELECT * FROM detections',
      'DELETE FROM detections',
      'INSERT INTO detections SELECT * EXCLUDE (k) FROM (SELECT *, row_number() OVER (PARTITION BY frame_index) AS k FROM shuffled) ORDER BY frame_index % 2 DESC, k, frame_index DESC',
      'DROP TABLE shuffled',
    ]);
    const store = await StoreReader.open(dir);
    try {
      const storeFrames = await store.frames();
      expect(Array.from(storeFrames.index)).toEqual(Array.from(orderedFrames.index));
      const cold = [];
      for (const range of ranges) cold.push(await view(store, range));
      // Handed out one at a time, a bucket's rows out of time order make the view start over: the
      // last grid handed for each bucket is its whole sum.
      const cells = PARAMS.grid_num_h * PARAMS.grid_num_v;
      const handed: number[][] = [];
      const calls: number[] = [];
      await periodView(store, orderedFrames, {
        params: { ...PARAMS, number_of_add_grid: 2 },
        period: { kind: 'minutes', minutes: 5 },
        timeZone: 'UTC',
        eachBucketGrid: (bucket, grid) => {
          calls.push(bucket);
          handed[bucket] = Array.from(grid);
        },
      });
      expect(handed).toEqual(Array.from({ length: 5 }, (_, b) => Array.from(expected[0].buckets?.grids.subarray(b * cells, (b + 1) * cells) ?? [])));
      expect(calls.slice(-5)).toEqual([0, 1, 2, 3, 4]);
      expect(calls.length).toBeGreaterThan(5);
      await store.warm();
      for (let r = 0; r < ranges.length; r++) {
        const warm = await view(store, ranges[r]);
        for (const got of [cold[r], warm]) {
          expect(Array.from(got.whole)).toEqual(Array.from(expected[r].whole));
          expect(Array.from(got.buckets?.grids ?? [])).toEqual(Array.from(expected[r].buckets?.grids ?? []));
          expect(got.frames).toBe(expected[r].frames);
          expect(got.detections).toBe(expected[r].detections);
          expect(got.busiestMoment).toEqual(expected[r].busiestMoment);
        }
      }
    } finally {
      store.close();
    }
  });
});

describe('hostile values read from memory', () => {
  it('−0, NaN, ±Infinity, subnormals, 1e308, 0.1, 2^24+1 and int32 ids: warm visits and views equal cold ones to the bit', async () => {
    const edges = [-0, NaN, Infinity, -Infinity, 5e-324, 1e-45, 1e308, -1e308, 0.1, 16777217, 2 ** 31, -32769, 32767.5];
    const frames: Frame[] = [];
    for (let i = 0; i < 3000; i++) {
      const builder = new DetectionsBuilder();
      for (let k = 0; k < 1 + (i % 3); k++) {
        const left = (i * 13 + k * 97) % 600;
        const top = (i * 7 + k * 41) % 440;
        const box = [left, top, left + 30, top + 40];
        if (i % 50 === 0) box[(i / 50 + k) % 4] = edges[(i / 50 + k) % edges.length];
        const score = i % 70 === 0 ? edges[(i / 70) % edges.length] : 0.25 + k / 4;
        const classId = [0, 1, -2147483648, 2147483647, 40000, -1][(i + k) % 6];
        const track = i % 9 === 0 ? 2147483647 : i % 4 === 0 ? -1 : i * 3 + k;
        builder.add(box[0], box[1], box[2], box[3], score, classId, track);
      }
      frames.push({ index: i, detections: builder.finish(), timestamp: formatTimestamp(START_MS + i * 333) });
    }
    const store = await storeOf(frames);
    type Visit = number[];
    const visits = async (): Promise<Visit[]> => {
      const rows: Visit[] = [];
      await store.forEachDetections((frame, d) => {
        for (let k = 0; k < d.count; k++) rows.push([frame, ...d.boxes.subarray(k * 4, k * 4 + 4), d.scores[k], d.classIds[k], d.trackIds[k]]);
      });
      return rows;
    };
    const settings: GridParams[] = [
      { ...PARAMS, class_ids: null, min_score: 0 },
      { ...PARAMS, counting: 'exact', class_ids: [0, 2147483647, -2147483648], min_score: 0.3 },
      { ...PARAMS, bbox2pix: true, number_of_add_grid: 0, point_ratio: 0.9 },
      { ...PARAMS, bbox2pix: true, counting: 'legacy', number_of_add_grid: 2 },
    ];
    try {
      const storeFrames = await store.frames();
      const views = async (): Promise<unknown[]> => {
        const out: unknown[] = [];
        for (const params of settings) {
          const view = await periodView(store, storeFrames, { params, period: { kind: 'minutes', minutes: 3 }, timeZone: 'UTC', fromMs: START_MS + 200 * 333 });
          out.push(Array.from(view.whole, (v) => Object.is(v, -0) ? '-0' : String(v)), Array.from(view.buckets?.grids ?? [], String), view.detections, view.filtered, view.droppedOutsideGrid, view.busiestMoment, view.busiestPlace);
          out.push(await windowAt(store, storeFrames, { ...params, last_valid_frame: 40 }, 2050));
        }
        return out;
      };
      const coldVisits = await visits();
      const coldViews = await views();
      await store.warm();
      const warmVisits = await visits();
      expect(warmVisits.length).toBe(coldVisits.length);
      expect(warmVisits.every((row, i) => row.every((value, c) => Object.is(value, coldVisits[i][c])))).toBe(true);
      expect(await views()).toEqual(coldViews);
    } finally {
      store.close();
    }
  });
});

describe('an opened analysis in the app (OpenedRun)', () => {
  it('gives every byte of its cache back when closed, however many were opened and whether warm had ended', async () => {
    await storeOf(pixelFrames(6000)).then((store) => store.close());
    const before = detectionCacheBytes();
    const opened: OpenedRun[] = [];
    for (let i = 0; i < 5; i++) opened.push(await OpenedRun.open(dir, PARAMS));
    // Closed at once: some are still warming.
    await Promise.all(opened.map((run) => run.close()));
    expect(detectionCacheBytes()).toBe(before);
  });

  it('answers views asked concurrently with warm, and after it was closed, with the same figures', async () => {
    // Before: a view asked once the run was closed (evicted as the least recently used just after
    // a request got it) failed with DuckDB's "connection disconnected".
    await storeOf(pixelFrames(6000)).then((store) => store.close());
    const options = { params: PARAMS, period: { kind: 'hour' as const }, timeZone: 'UTC' };
    const reference = await StoreReader.open(dir);
    const referenceFrames = await reference.frames();
    const expectedWhole = await periodView(reference, referenceFrames, options);
    const expectedRange = await periodView(reference, referenceFrames, { ...options, fromMs: START_MS + 4321_000 });
    const expectedSeek = await windowAt(reference, referenceFrames, PARAMS, 5000);
    reference.close();
    const before = detectionCacheBytes();
    const run = await OpenedRun.open(dir, PARAMS);
    // A view's bucket grids lie in memory the next view reuses: each is copied in its turn.
    const copied = (view: PeriodView): { whole: Float64Array; grids: Float64Array; detections: number } => ({
      whole: view.whole.slice(),
      grids: view.buckets?.grids.slice() ?? new Float64Array(0),
      detections: view.detections,
    });
    const [seek, whole, range] = await Promise.all([
      run.windowGrid(5000, PARAMS),
      run.periodView(options, copied),
      run.periodView({ ...options, fromMs: START_MS + 4321_000 }, copied),
    ]);
    const closing = run.close();
    const [asked, askedSeek] = await Promise.all([run.periodView(options, copied), run.windowGrid(5000, PARAMS)]);
    await closing;
    const late = await run.periodView({ ...options, fromMs: START_MS + 4321_000 }, copied);
    expect(detectionCacheBytes()).toBe(before);
    for (const [got, expected] of [[whole, expectedWhole], [range, expectedRange], [asked, expectedWhole], [late, expectedRange]] as const) {
      expect(sameBits(got.whole, expected.whole)).toBe(true);
      expect(sameBits(got.grids, expected.buckets?.grids ?? [])).toBe(true);
      expect(got.detections).toBe(expected.detections);
    }
    expect(Array.from(seek)).toEqual(Array.from(expectedSeek?.grid ?? []));
    expect(Array.from(askedSeek)).toEqual(Array.from(expectedSeek?.grid ?? []));
  });
});

describe('the whole range does not depend on buckets', () => {
  it('a view by buckets gives the whole grid and busiest place of the view without, to the bit', async () => {
    // Before: with buckets the whole grid was the sum of the bucket grids, which rounds otherwise
    // than one sum: most cells differed in the last bits, so the app (which shows a by-hour answer's
    // whole as the whole period's) and `period` in the CLI changed the whole-period figures.
    // Pixel boxes at irregular times (durations of 0.1–1 s plus 0.5 ms: weights that round).
    const boxes = pixelFrames(1500);
    const store = await storeOf(stackedFrames(1500).map((frame, i) => ({ ...frame, detections: boxes[i].detections })));
    try {
      const frames = await store.frames();
      const times = frames.timeMs ?? new Float64Array(0);
      for (const params of [{ ...PARAMS, number_of_add_grid: 1 }, { ...PARAMS, bbox2pix: true, number_of_add_grid: 2 }]) {
        for (const fromMs of [undefined, times[333] + 1]) {
          const none = await periodView(store, frames, { params, period: { kind: 'none' }, timeZone: 'UTC', fromMs });
          for (const period of [{ kind: 'hour' as const }, { kind: 'minutes' as const, minutes: 5 }, { kind: 'day' as const }]) {
            const bucketed = await periodView(store, frames, { params, period, timeZone: 'Asia/Kolkata', fromMs });
            expect(sameBits(bucketed.whole, none.whole)).toBe(true);
            expect(bucketed.busiestPlace).toEqual(none.busiestPlace);
            expect(bucketed.detections).toBe(none.detections);
            // And each bucket's grid is the whole of a view of its own range (what a click on a bucket shows).
            const cells = PARAMS.grid_num_h * PARAMS.grid_num_v;
            const starts = bucketed.buckets?.starts ?? new Float64Array(0);
            for (let b = 0; b < starts.length; b += Math.max(1, Math.floor(starts.length / 4))) {
              const own = await periodView(store, frames, { params, period: { kind: 'none' }, timeZone: 'UTC', fromMs: Math.max(starts[b], fromMs ?? -Infinity), toMs: bucketed.buckets?.ends[b] });
              expect(sameBits(bucketed.buckets?.grids.subarray(b * cells, (b + 1) * cells) ?? [], own.whole)).toBe(true);
            }
          }
        }
      }
    } finally {
      store.close();
    }
  });
});

describe('the real AITRIOS sample', () => {
  it('the CLI\'s whole-period grid (written by minute buckets) equals the app\'s whole-period view, cold and warm, to the bit', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = '/work/shared/data/aitrios-sample.csv';
    // 3 fps: frames of 1/3 s, weights that round; 600 frames make 4 one-minute buckets.
    settings.data_source_settings.local_data_settings.metadata_fps = 3;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T09:00:00+09:00';
    settings.output_settings.output_dir = join(dir, 'out');
    settings.output_settings.period = '1min';
    settings.output_settings.timezone = 'Asia/Tokyo';
    const params = { ...settings.heat_map_settings.params, grid_num_h: 48, grid_num_v: 27, number_of_add_grid: 1 };
    settings.heat_map_settings.params = params;
    await runPipeline(settings);
    const npy = await readFile(join(dir, 'out', 'heatmap_period.npy'));
    const written = new Float64Array(npy.buffer.slice(npy.byteOffset + 128, npy.byteOffset + npy.length));
    const store = await StoreReader.open(join(dir, 'out'));
    try {
      const frames = await store.frames();
      const options = { params, period: { kind: 'none' as const }, timeZone: 'Asia/Tokyo' };
      const cold = await periodView(store, frames, options);
      await store.warm();
      const warm = await periodView(store, frames, options);
      const warmByMinute = await periodView(store, frames, { ...options, period: { kind: 'minutes', minutes: 1 } });
      expect(warmByMinute.buckets?.starts.length).toBe(4);
      for (const grid of [cold.whole, warm.whole, warmByMinute.whole]) expect(sameBits(grid, written)).toBe(true);
    } finally {
      store.close();
    }
  });
});
