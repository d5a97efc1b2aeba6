import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { DetectionsBuilder, formatTimestamp, type Frame } from '../../src-shared/frames.js';
import { DEFAULT_GRID_PARAMS, defaultSettings, type GridParams } from '../../src-shared/settings/types.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { StoreReader } from '../../src-main/store/store.js';
import { storeOf as storeWith } from './store-fixture.js';
import { periodView, windowGridAt } from '../../src-main/store/views.js';
import { ViewScratch } from '../../src-shared/periods/scratch.js';
import { exactCellMember, legacyCellMember } from '../counting/brute-force.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-views-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PARAMS: GridParams = { ...DEFAULT_GRID_PARAMS, image_size_h: 640, image_size_v: 480, grid_num_h: 16, grid_num_v: 12, number_of_add_grid: 1, last_valid_frame: 3 };

/** A small deterministic generator (mulberry32), so the frames are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomFrames(count: number, timesMs: number[] | null, seed = 1): Frame[] {
  const next = random(seed);
  const frames: Frame[] = [];
  for (let i = 0; i < count; i++) {
    const builder = new DetectionsBuilder();
    const people = Math.floor(next() * 5);
    for (let k = 0; k < people; k++) {
      const left = Math.floor(next() * 600);
      const top = Math.floor(next() * 440);
      builder.add(left, top, left + 5 + Math.floor(next() * 35), top + 5 + Math.floor(next() * 35), 0.5 + next() / 2, k % 2, k);
    }
    frames.push({ index: i, detections: builder.finish(), ...(timesMs === null ? {} : { timestamp: formatTimestamp(timesMs[i]) }) });
  }
  return frames;
}

const storeOf = (frames: Frame[]): Promise<StoreReader> => storeWith(dir, frames);

/** Each frame's own footprint grid, from the per-frame counter with a window of one frame. */
function footprintsByCounter(frames: Frame[], params: GridParams): Int32Array[] {
  const counter = new GridCounter({ ...params, last_valid_frame: 1 });
  return frames.map((frame) => {
    counter.push(frame.detections);
    return counter.grid.slice();
  });
}

describe('views from the store', () => {
  it('the period grid in person-frames equals the sum of the per-frame counter footprints', async () => {
    const frames = randomFrames(200, null);
    const store = await storeOf(frames);
    const view = await periodView(store, await store.frames(), { params: PARAMS, period: { kind: 'none' }, timeZone: 'UTC' });
    store.close();
    const expected = new Float64Array(PARAMS.grid_num_h * PARAMS.grid_num_v);
    for (const grid of footprintsByCounter(frames, PARAMS)) grid.forEach((value, cell) => (expected[cell] += value));
    expect(view.unit).toBe('person-frames');
    expect(Array.from(view.whole)).toEqual(Array.from(expected));
    expect(view.detections).toBe(frames.reduce((sum, f) => sum + f.detections.count, 0));
  });

  it('hourly buckets in person-seconds equal the counter footprints times durations, bucket by bucket', async () => {
    // Frames every 20 s from 09:50 UTC for 1 h 30 min, with one gap of 10 min (capped at 60 s).
    const start = Date.UTC(2026, 10, 23, 9, 50);
    const times: number[] = [];
    for (let i = 0; i < 240; i++) times.push(start + i * 20_000 + (i >= 100 ? 580_000 : 0));
    const frames = randomFrames(times.length, times, 7);
    const store = await storeOf(frames);
    const stored = await store.frames();
    const view = await periodView(store, stored, { params: PARAMS, period: { kind: 'hour' }, timeZone: 'Asia/Tokyo' });
    store.close();
    const durations = stored.durationMs as Float64Array;
    expect(durations[98]).toBe(20_000);
    expect(durations[99]).toBe(60_000); // 10 min to the next frame, capped at 3 × the 20 s median
    const buckets = view.buckets;
    if (buckets === null) throw new Error('no buckets');
    expect(Array.from(buckets.starts)).toEqual([Date.UTC(2026, 10, 23, 9), Date.UTC(2026, 10, 23, 10), Date.UTC(2026, 10, 23, 11)]);
    const cells = PARAMS.grid_num_h * PARAMS.grid_num_v;
    const expected = new Float64Array(3 * cells);
    const footprints = footprintsByCounter(frames, PARAMS);
    footprints.forEach((grid, i) => {
      const b = times[i] < Date.UTC(2026, 10, 23, 10) ? 0 : times[i] < Date.UTC(2026, 10, 23, 11) ? 1 : 2;
      grid.forEach((value, cell) => (expected[b * cells + cell] += (value * durations[i]) / 1000));
    });
    // Durations are whole seconds, so the sums are exact.
    expect(Array.from(buckets.grids)).toEqual(Array.from(expected));
    expect(Array.from(buckets.frames)).toEqual([
      times.filter((t) => t < Date.UTC(2026, 10, 23, 10)).length,
      times.filter((t) => t >= Date.UTC(2026, 10, 23, 10) && t < Date.UTC(2026, 10, 23, 11)).length,
      times.filter((t) => t >= Date.UTC(2026, 10, 23, 11)).length,
    ]);
    const whole = new Float64Array(cells);
    for (let b = 0; b < 3; b++) for (let c = 0; c < cells; c++) whole[c] += expected[b * cells + c];
    expect(Array.from(view.whole)).toEqual(Array.from(whole));
  });

  it('point mode with n = 0: a cell holds exactly the seconds people spent in it (brute force, with a gap)', async () => {
    // Times 0, 1, 2, 10, 11 s: median interval 1 s, so frame 2 (8 s to the next) lasts 3 s; the last lasts 1 s.
    const times = [0, 1000, 2000, 10_000, 11_000].map((t) => Date.UTC(2026, 0, 1) + t);
    const frames = randomFrames(times.length, times, 3);
    const params: GridParams = { ...PARAMS, bbox2pix: true, number_of_add_grid: 0, point_ratio: 0.5 };
    const store = await storeOf(frames);
    const view = await periodView(store, await store.frames(), { params, period: { kind: 'none' }, timeZone: 'UTC' });
    store.close();
    const durationsS = [1, 1, 3, 1, 1];
    const brute = new Float64Array(params.grid_num_h * params.grid_num_v);
    frames.forEach((frame, i) => {
      for (let k = 0; k < frame.detections.count; k++) {
        const box = Array.from(frame.detections.boxes.subarray(4 * k, 4 * k + 4)) as [number, number, number, number];
        for (let v = 0; v < params.grid_num_v; v++) {
          for (let h = 0; h < params.grid_num_h; h++) if (exactCellMember(params, box, h, v)) brute[v * params.grid_num_h + h] += durationsS[i];
        }
      }
    });
    expect(Array.from(view.whole)).toEqual(Array.from(brute));
    const people = frames.reduce((sum, f, i) => sum + f.detections.count * durationsS[i], 0);
    expect(view.whole.reduce((a, b) => a + b, 0)).toBe(people);
  });

  it('re-counts with other grid settings and filters without the source, equal to the counter on those settings', async () => {
    const frames = randomFrames(120, null, 11);
    const store = await storeOf(frames);
    const stored = await store.frames();
    const other: GridParams = { ...PARAMS, grid_num_h: 40, grid_num_v: 30, number_of_add_grid: 2, bbox2pix: true, point_ratio: 0.25, class_ids: [1], min_score: 0.7 };
    const view = await periodView(store, stored, { params: other, period: { kind: 'none' }, timeZone: 'UTC' });
    store.close();
    const filtered = frames.map((frame) => {
      const builder = new DetectionsBuilder();
      const d = frame.detections;
      for (let k = 0; k < d.count; k++) {
        if (d.classIds[k] === 1 && d.scores[k] >= 0.7) builder.add(d.boxes[4 * k], d.boxes[4 * k + 1], d.boxes[4 * k + 2], d.boxes[4 * k + 3], d.scores[k], 1, d.trackIds[k]);
      }
      return { ...frame, detections: builder.finish() };
    });
    const expected = new Float64Array(40 * 30);
    for (const grid of footprintsByCounter(filtered, other)) grid.forEach((value, cell) => (expected[cell] += value));
    expect(Array.from(view.whole)).toEqual(Array.from(expected));
    expect(view.filtered).toBe(frames.reduce((sum, f) => sum + f.detections.count, 0) - filtered.reduce((sum, f) => sum + f.detections.count, 0));
  });

  it('every counting mode and shape: the period grid equals the cells of SPEC §3 counted one by one', async () => {
    // Fractional boxes, some crossing the right or bottom edge of the 640×480 image.
    const next = random(23);
    const frames: Frame[] = [];
    for (let i = 0; i < 40; i++) {
      const builder = new DetectionsBuilder();
      for (let k = 0; k < 4; k++) {
        const left = next() * 630;
        const top = next() * 470;
        builder.add(left, top, left + 1 + next() * 80, top + 1 + next() * 80, 1, 0);
      }
      frames.push({ index: i, detections: builder.finish() });
    }
    const store = await storeOf(frames);
    const stored = await store.frames();
    const modes: Array<Pick<GridParams, 'counting' | 'bbox2pix' | 'number_of_add_grid'>> = [];
    for (const counting of ['exact', 'legacy'] as const) {
      for (const bbox2pix of [false, true]) for (const n of [0, 2]) modes.push({ counting, bbox2pix, number_of_add_grid: n });
    }
    for (const mode of modes) {
      const params: GridParams = { ...PARAMS, ...mode, point_ratio: 0.75 };
      const view = await periodView(store, stored, { params, period: { kind: 'none' }, timeZone: 'UTC' });
      const member = mode.counting === 'exact' ? exactCellMember : legacyCellMember;
      const brute = new Float64Array(params.grid_num_h * params.grid_num_v);
      for (const frame of frames) {
        const d = frame.detections;
        for (let k = 0; k < d.count; k++) {
          const box = Array.from(d.boxes.subarray(4 * k, 4 * k + 4)) as [number, number, number, number];
          for (let v = 0; v < params.grid_num_v; v++) {
            for (let h = 0; h < params.grid_num_h; h++) if (member(params, box, h, v)) brute[v * params.grid_num_h + h] += 1;
          }
        }
      }
      expect({ mode, grid: Array.from(view.whole) }).toEqual({ mode, grid: Array.from(brute) });
    }
    store.close();
  });

  it('the window grid at any frame equals the per-frame counter at that frame', async () => {
    const frames = randomFrames(60, null, 5);
    const store = await storeOf(frames);
    const stored = await store.frames();
    const counter = new GridCounter(PARAMS);
    const atFrame: Int32Array[] = frames.map((frame) => {
      counter.push(frame.detections);
      return counter.grid.slice();
    });
    for (const index of [0, 1, 2, 3, 17, 59]) {
      expect(Array.from((await windowGridAt(store, stored, PARAMS, index)) ?? [])).toEqual(Array.from(atFrame[index]));
    }
    expect(await windowGridAt(store, stored, PARAMS, 60)).toBeNull();
    store.close();
  });

  it('busiest moment is the earliest frame with the most detections, busiest place the highest cell', async () => {
    const make = (boxes: Array<[number, number, number, number]>): DetectionsBuilder => {
      const b = new DetectionsBuilder();
      for (const [l, t, r, bo] of boxes) b.add(l, t, r, bo, 1, 0);
      return b;
    };
    const frames: Frame[] = [
      { index: 0, detections: make([[0, 0, 10, 10]]).finish() },
      { index: 1, detections: make([[0, 0, 10, 10], [600, 400, 610, 410]]).finish() },
      { index: 2, detections: make([[600, 400, 610, 410], [0, 0, 10, 10]]).finish() },
    ];
    const store = await storeOf(frames);
    const view = await periodView(store, await store.frames(), { params: { ...PARAMS, number_of_add_grid: 0 }, period: { kind: 'none' }, timeZone: 'UTC' });
    store.close();
    expect(view.busiestMoment).toEqual({ frame: 1, t: null, time: null, count: 2 });
    expect(view.busiestPlace).toEqual({ h: 0, v: 0, value: 3 });
  });
});

describe('a run writes the store and views from it equal the run', () => {
  it('window grids from the store equal griddata.npy, and the period grid equals the per-frame footprints summed', async () => {
    const csv = (await readFile('/work/shared/data/aitrios-sample.csv', 'utf8')).split('\n').slice(0, 41).join('\n') + '\n';
    const meta = join(dir, 'sample.csv');
    await writeFile(meta, csv);
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = meta;
    settings.data_source_settings.local_data_settings.metadata_fps = 2;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T09:00:00+09:00';
    settings.output_settings.output_dir = join(dir, 'out');
    settings.output_settings.period = '10min';
    settings.output_settings.timezone = 'Asia/Tokyo';
    const params = { ...settings.heat_map_settings.params, grid_num_h: 48, grid_num_v: 27 };
    settings.heat_map_settings.params = params;
    const summary = await runPipeline(settings);
    expect(summary.frames).toBe(40);
    expect(summary.outputs).toEqual(expect.arrayContaining([STORE_FILE, 'heatmap_period.png', 'heatmap_period.npy', 'heatmap_buckets.npy', 'buckets.csv', 'periods/']));
    expect(summary.time_base).toMatchObject({ kind: 'metadata_fps', clock: 'wall', fps: 2, unit: 'person-seconds', first: '2026-11-23T09:00:00+09:00', last: '2026-11-23T09:00:19.500+09:00', covered_s: 20 });

    const npy = await readFile(join(dir, 'out', 'griddata.npy'));
    const cells = params.grid_num_h * params.grid_num_v;
    const rowOf = (frame: number): number[] => Array.from(new Int32Array(npy.buffer.slice(npy.byteOffset + 128 + frame * cells * 4, npy.byteOffset + 128 + (frame + 1) * cells * 4)));
    const store = await StoreReader.open(join(dir, 'out'));
    const stored = await store.frames();
    expect(Array.from(stored.timeMs ?? []).slice(0, 3)).toEqual([Date.UTC(2026, 10, 23, 0), Date.UTC(2026, 10, 23, 0, 0, 0, 500), Date.UTC(2026, 10, 23, 0, 0, 1)]);
    for (const frame of [0, 14, 15, 39]) expect(Array.from((await windowGridAt(store, stored, params, frame)) ?? [])).toEqual(rowOf(frame));
    const view = await periodView(store, stored, { params, period: { kind: 'none' }, timeZone: 'Asia/Tokyo' });
    // A window of one frame is that frame's footprint; each frame lasts 0.5 s at 2 fps.
    const single = { ...params, last_valid_frame: 1 };
    const perFrame = new Float64Array(cells);
    for (let frame = 0; frame < 40; frame++) {
      const grid = (await windowGridAt(store, stored, single, frame)) as Int32Array;
      grid.forEach((value, cell) => (perFrame[cell] += value * 0.5));
    }
    store.close();
    expect(Array.from(view.whole)).toEqual(Array.from(perFrame));
    const period = await readFile(join(dir, 'out', 'heatmap_period.npy'));
    expect(period.subarray(0, 128).toString('latin1')).toContain(`'descr': '<f8', 'fortran_order': False, 'shape': (27, 48), }`);
    expect(Array.from(new Float64Array(period.buffer.slice(period.byteOffset + 128, period.byteOffset + period.length)))).toEqual(Array.from(perFrame));
    expect(await readFile(join(dir, 'out', 'buckets.csv'), 'utf8')).toBe(
      'start,start_t,end,frames,detections,person_seconds,peak_frame\n' +
        `2026-11-23T09:00:00+09:00,20261123000000000,2026-11-23T09:10:00+09:00,40,${summary.detections},${summary.detections / 2},${summary.busiest_moment?.frame}\n`,
    );
  });
});

describe('bucket grids handed out one at a time (eachBucketGrid)', () => {
  it('each bucket grid equals the kept one, in bucket order, and the view opens two difference arrays however many buckets', async () => {
    // 600 frames 30 s apart: 5 hours, so buckets of 10 min are 30.
    const start = Date.UTC(2026, 10, 23, 9, 0);
    const times = Array.from({ length: 600 }, (_, i) => start + i * 30_000);
    const store = await storeOf(randomFrames(times.length, times, 11));
    const stored = await store.frames();
    const options = { params: PARAMS, period: { kind: 'minutes', minutes: 10 } as const, timeZone: 'UTC' };
    const kept = await periodView(store, stored, options);
    const names: string[] = [];
    const scratch = new ViewScratch();
    const handed: Array<[number, number[]]> = [];
    const streamed = await periodView(store, stored, {
      ...options,
      scratch: {
        float64s: (name, length, fill) => (names.push(name), scratch.float64s(name, length, fill)),
        int32s: (name, length, fill) => scratch.int32s(name, length, fill),
      },
      eachBucketGrid: (bucket, grid) => handed.push([bucket, Array.from(grid)]),
    });
    store.close();
    const cells = PARAMS.grid_num_h * PARAMS.grid_num_v;
    expect(kept.buckets?.starts.length).toBe(30);
    expect(handed.map(([bucket]) => bucket)).toEqual(Array.from({ length: 30 }, (_, b) => b));
    handed.forEach(([bucket, grid]) => expect(grid).toEqual(Array.from(kept.buckets?.grids.subarray(bucket * cells, (bucket + 1) * cells) ?? [])));
    expect(streamed.buckets?.grids.length).toBe(0);
    expect(Array.from(streamed.whole)).toEqual(Array.from(kept.whole));
    expect(Array.from(streamed.buckets?.personSeconds ?? [])).toEqual(Array.from(kept.buckets?.personSeconds ?? []));
    // The open bucket's and the whole range's sums, nothing per bucket.
    expect(new Set(names.filter((name) => name.startsWith('differences')))).toEqual(new Set(['differences 0', 'differences 1']));
    expect(names).not.toContain('grids');
  });
});
