/**
 * Views computed from a store, never from the source: the window grid at a frame, the period
 * grid over a time range, per-bucket grids, busiest moment and place — for the run's grid
 * settings or any others (a re-count). The math is src-shared/periods/accumulate.ts.
 */
import { busiestCell, PeriodAccumulator } from '../../src-shared/periods/accumulate.js';
import { assignBuckets, LocalClock, type Period } from '../../src-shared/periods/buckets.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { NO_SCRATCH, type Scratch } from '../../src-shared/periods/scratch.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { positionLookup } from '../../src-shared/sorted.js';
import type { DetectionStream, StoredFrames, StoreReader } from './store.js';

/** Thrown inside a period view's read when a row belongs to a bucket already finished (rows out of time order). */
const OUT_OF_ORDER = new Error('a row of a finished bucket');

export type PeriodUnit = 'person-seconds' | 'person-frames';

export interface BucketFigures {
  /** Start and end ([start, end)) of each bucket, ms since the epoch. */
  starts: Float64Array;
  ends: Float64Array;
  /**
   * The grids, buckets × grid_num_v × grid_num_h; empty (length 0) when `eachBucketGrid` was
   * given and took them one at a time.
   */
  grids: Float64Array;
  /** Frames, counted detections, person-seconds (Σ detections × duration) of each bucket. */
  frames: Int32Array;
  detections: Int32Array;
  personSeconds: Float64Array;
  /** Frame index of the frame with the most detections in each bucket (earliest on ties), -1 when empty. */
  peakFrame: Int32Array;
}

export interface BusiestMoment {
  frame: number;
  t: string | null;
  /** ISO 8601 with the view's time zone offset; null without a time base. */
  time: string | null;
  count: number;
}

export interface PeriodView {
  unit: PeriodUnit;
  columns: number;
  rows: number;
  /** The whole range's grid, grid_num_v × grid_num_h. */
  whole: Float64Array;
  /** Per-bucket figures; null when `period` is none or there is no time base. */
  buckets: BucketFigures | null;
  frames: number;
  detections: number;
  busiestMoment: BusiestMoment | null;
  busiestPlace: { h: number; v: number; value: number } | null;
  /** Points dropped outside the grid (legacy point mode, n = 0), detections left out by filters. */
  droppedOutsideGrid: number;
  filtered: number;
}

export interface PeriodViewOptions {
  params: GridParams;
  period: Period;
  /** IANA time zone of the buckets and of the ISO times. */
  timeZone: string;
  /** Range of times (ms since the epoch), from inclusive, to exclusive; the whole analysis when omitted. */
  fromMs?: number;
  toMs?: number;
  /**
   * Where the view's large arrays are kept (src-shared/periods/scratch.ts): `buckets.grids` then
   * lies in its memory and is valid until the next view on it. New arrays when omitted.
   */
  scratch?: Scratch;
  /**
   * Takes each bucket's grid (grid_num_v × grid_num_h, valid during the call only; `buckets` is how many there are) as soon as
   * the bucket is complete, in bucket order, instead of `buckets.grids` holding them all: the
   * view then keeps one bucket grid in memory, not all (168 of a week by hour: 28 MB at 192×108).
   * When the store's rows turn out not to be in time order (a store changed outside crowdheat)
   * the view starts over and hands every grid again, from bucket 0, at the end.
   */
  eachBucketGrid?: (bucket: number, grid: Float64Array, buckets: number) => void;
}

/**
 * The period grid (person-seconds with a time base, else person-frames) over the frames whose
 * time lies in [fromMs, toMs), and per bucket of `period`. Reads the store's detections once.
 */
export async function periodView(store: DetectionStream, frames: StoredFrames, options: PeriodViewOptions): Promise<PeriodView> {
  const { params } = options;
  const n = frames.index.length;
  const times = frames.timeMs;
  const durations = frames.durationMs;
  const unit: PeriodUnit = times === null ? 'person-frames' : 'person-seconds';

  // Which frames are in the range: a contiguous run of positions, as times do not go backwards.
  let first = 0;
  let last = n; // exclusive
  if (times !== null) {
    if (options.fromMs !== undefined) while (first < n && times[first] < options.fromMs) first += 1;
    if (options.toMs !== undefined) while (last > first && times[last - 1] >= options.toMs) last -= 1;
  }
  const selected = Math.max(last - first, 0);

  const scratch = options.scratch ?? NO_SCRATCH;
  const bucketOf = scratch.int32s('bucketOf', n, -1);
  let starts: Float64Array = new Float64Array(0);
  let ends: Float64Array = new Float64Array(0);
  const bucketed = times !== null && options.period.kind !== 'none' && selected > 0;
  if (bucketed) {
    const assigned = assignBuckets(times.subarray(first, last), options.period, options.timeZone);
    bucketOf.set(assigned.bucketOf, first);
    starts = assigned.starts;
    ends = assigned.ends;
  } else {
    bucketOf.fill(0, first, last);
  }
  const bucketCount = bucketed ? starts.length : 1;
  // With buckets the whole range is summed into a grid of its own, in the same order as a view
  // without buckets sums it: the whole grid is the same to the bit whether buckets were asked
  // (the app shows a by-hour answer's whole as the whole period's; `period` must not change
  // the whole-period outputs).
  const positionOf = positionLookup(frames.index);
  const weights = scratch.float64s('weights', n);
  for (let p = 0; p < n; p++) weights[p] = durations === null ? 1 : durations[p] / 1000;
  const cells = params.grid_num_h * params.grid_num_v;
  const take = options.eachBucketGrid;

  // Buckets come in time order, and a store crowdheat wrote holds its rows in frame order: each
  // bucket is finished as the first frame of a later one arrives, so only the open bucket's sums
  // are in memory. A store whose rows were reordered outside crowdheat sends a frame of a
  // finished bucket: the sums start over, every bucket kept open to the end.
  const sum = async (inOrder: boolean): Promise<{ accumulator: PeriodAccumulator; grids: Float64Array; whole: Float64Array }> => {
    const accumulator = new PeriodAccumulator(params, bucketCount, n, scratch, bucketed);
    const grids = bucketed && take === undefined ? scratch.float64s('grids', bucketCount * cells) : new Float64Array(0);
    let finished = 0;
    const finishBefore = (bucket: number): void => {
      for (; finished < bucket; finished++) {
        const grid = accumulator.finish(finished);
        if (take === undefined) grids.set(grid, finished * cells);
        else take(finished, grid, bucketCount);
      }
    };
    if (selected > 0) {
      await store.forEachDetections(
        (frameIndex, detections) => {
          const p = positionOf(frameIndex);
          if (p < first || p >= last) return;
          const bucket = bucketOf[p];
          if (inOrder && bucket !== finished && bucketed) {
            if (bucket < finished) throw OUT_OF_ORDER;
            finishBefore(bucket);
          }
          accumulator.addFrame(p, detections, bucket, weights[p]);
        },
        frames.index[first],
        frames.index[last - 1],
      );
    }
    if (!bucketed) return { accumulator, grids, whole: accumulator.finish(0, new Float64Array(cells)) };
    finishBefore(bucketCount);
    return { accumulator, grids, whole: accumulator.finish(accumulator.slots - 1, new Float64Array(cells)) };
  };
  let summed;
  try {
    summed = await sum(true);
  } catch (error) {
    if (error !== OUT_OF_ORDER) throw error;
    summed = await sum(false);
  }
  const { accumulator, grids, whole } = summed;

  const counts = accumulator.counts;
  let detections = 0;
  let busiest = -1;
  for (let p = first; p < last; p++) {
    detections += counts[p];
    if (counts[p] > 0 && (busiest < 0 || counts[p] > counts[busiest])) busiest = p;
  }
  const clock = times === null ? null : new LocalClock(options.timeZone);
  const busiestMoment: BusiestMoment | null =
    busiest < 0
      ? null
      : {
          frame: frames.index[busiest],
          t: frames.t[busiest] ?? (times === null ? null : formatTimestamp(times[busiest])),
          time: clock === null || times === null ? null : clock.iso(times[busiest]),
          count: counts[busiest],
        };

  let buckets: BucketFigures | null = null;
  if (bucketed) {
    buckets = { starts, ends, grids, ...bucketTotals(bucketCount, bucketOf, counts, weights, frames.index, first, last) };
  }

  return {
    unit,
    columns: params.grid_num_h,
    rows: params.grid_num_v,
    whole,
    buckets,
    frames: selected,
    detections,
    busiestMoment,
    busiestPlace: busiestCell(whole, params.grid_num_h),
    droppedOutsideGrid: accumulator.droppedOutsideGrid,
    filtered: accumulator.stats.filtered,
  };
}

/**
 * The window grid at `frameIndex` (SPEC §3: the footprints of the last `last_valid_frame`
 * frames up to it, all frames so far when W = 0), computed from the store: what the per-frame
 * run's griddata holds for that frame. Null when the store has no such frame.
 */
export async function windowGridAt(
  store: StoreReader,
  frames: StoredFrames,
  params: GridParams,
  frameIndex: number,
  scratch: Scratch = NO_SCRATCH,
): Promise<Int32Array | null> {
  return (await windowAt(store, frames, params, frameIndex, scratch))?.grid ?? null;
}

/**
 * `windowGridAt` and the frame's own count of detections (after `class_ids` and `min_score`):
 * what the timeline shows of a frame re-counted with other settings. Null when the store has no
 * such frame.
 */
export async function windowAt(
  store: StoreReader,
  frames: StoredFrames,
  params: GridParams,
  frameIndex: number,
  scratch: Scratch = NO_SCRATCH,
): Promise<{ grid: Int32Array; count: number } | null> {
  // One lookup for the frame and its window (for indexes that are not 0…n-1 it builds a map of every frame).
  const positionOf = positionLookup(frames.index);
  const position = positionOf(frameIndex);
  if (position < 0) return null;
  const W = params.last_valid_frame;
  const firstPosition = W > 0 ? Math.max(position - W + 1, 0) : 0;
  const accumulator = new PeriodAccumulator(params, 1, frames.index.length, scratch);
  await store.forEachDetections(
    (index, detections) => {
      const p = positionOf(index);
      if (p >= firstPosition && p <= position) accumulator.addFrame(p, detections, 0, 1);
    },
    frames.index[firstPosition],
    frameIndex,
  );
  return { grid: Int32Array.from(accumulator.grids()), count: accumulator.counts[position] };
}

/**
 * Per-bucket totals of the frames at positions `first ≤ p < last`: frames, people (Σ `counts`),
 * person-seconds (Σ `counts` × `weights`, weights in seconds) and the frame index of each bucket's
 * first frame with the most people (-1 for a bucket without frames). `bucketOf[p]` is position p's
 * bucket, `frameIndex[p]` its frame index.
 */
export function bucketTotals(
  bucketCount: number,
  bucketOf: ArrayLike<number>,
  counts: ArrayLike<number>,
  weights: ArrayLike<number>,
  frameIndex: ArrayLike<number>,
  first: number,
  last: number,
): Pick<BucketFigures, 'frames' | 'detections' | 'personSeconds' | 'peakFrame'> {
  const frameCounts = new Int32Array(bucketCount);
  const detectionCounts = new Int32Array(bucketCount);
  const personSeconds = new Float64Array(bucketCount);
  const peakFrame = new Int32Array(bucketCount).fill(-1);
  const peakCount = new Int32Array(bucketCount).fill(-1);
  for (let p = first; p < last; p++) {
    const b = bucketOf[p];
    frameCounts[b] += 1;
    detectionCounts[b] += counts[p];
    personSeconds[b] += counts[p] * weights[p];
    if (counts[p] > peakCount[b]) {
      peakCount[b] = counts[p];
      peakFrame[b] = frameIndex[p];
    }
  }
  return { frames: frameCounts, detections: detectionCounts, personSeconds, peakFrame };
}
