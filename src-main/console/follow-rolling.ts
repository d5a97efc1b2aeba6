/**
 * The rolling figures of a follow, kept in memory and brought up to date poll after poll by
 * adding only what changed (issue 14 follow-up): the whole-period and per-bucket grids (one
 * PeriodAccumulator per bucket), the per-frame counts and the zones' occupancy. A poll reads the
 * detections of its new frames only, not the whole store.
 *
 * Exactness: a frame's weight is its duration (SPEC §8), which depends on the next frame and on
 * the median interval of all frames. The newest frame's weight is provisional (the median), so
 * it is never added to the kept sums: each update adds it to a copy. Frames before it are kept
 * with the weight they had; when a poll changes the weight of a kept frame (a new median moved
 * the gap cap) or stores a frame before ones already kept (a late upload), the kept sums are
 * thrown away and recounted from the store for that poll (`rebuilds` counts them). Frames whose
 * gap to the next is more than half the cap (the edges of outages) are not kept either but added
 * to copies at every update, so that the median moving a little (a device's jitter) does not
 * force recounts. So the figures always equal `periodView` over the store (to the order of
 * floating-point additions).
 */
import { EMPTY_DETECTIONS, formatTimestamp, prepareDetections, type Detections, type PrepareStats } from '../../src-shared/frames.js';
import { busiestCell, PeriodAccumulator, prepareOptionsFor } from '../../src-shared/periods/accumulate.js';
import { assignBuckets, LocalClock, type Period } from '../../src-shared/periods/buckets.js';
import { GAP_FACTOR } from '../../src-shared/periods/durations.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { compileZones, OccupancyRecorder } from '../../src-shared/zones/occupancy.js';
import type { StoredFrames } from '../store/store.js';
import { bucketTotals, type BucketFigures, type BusiestMoment, type PeriodView } from '../store/views.js';
import type { FollowStore } from './follow-store.js';

export interface RollingOptions {
  params: GridParams;
  period: Period;
  timeZone: string;
  zones: readonly ZoneDefinition[];
}

/** What one update gives: the view of the whole store and which buckets' pictures changed. */
export interface RollingUpdate {
  view: PeriodView;
  frames: StoredFrames;
  /** Bucket indexes whose grid or colour scale changed since the last update; null: all of them. */
  changedBuckets: ReadonlySet<number> | null;
  /** Whether this update recounted everything from the store. */
  rebuilt: boolean;
}

/** The rolling sums of one follow. Not safe for concurrent updates (a follow polls one at a time). */
export class RollingFigures {
  /** Full recounts so far (the first update is one). */
  rebuilds = 0;
  /** Frames whose detections were read from the store so far (the provisional newest each time included). */
  framesRead = 0;
  /** Kept positions: frames 0..kept-1 are in the bucket sums with weight `weights[p]`. */
  private kept = 0;
  private weights = new Float64Array(0);
  private counts = new Int32Array(0);
  /** 1 for kept positions left out of the kept sums (near the gap cap): added to copies at each update. */
  private deferred = new Uint8Array(0);
  private accumulators: PeriodAccumulator[] = [];
  /**
   * With buckets, the whole period's sum, fed the same frames in the same order as the buckets:
   * the whole grid is not the sum of the bucket grids, which rounds otherwise, but what a view
   * without buckets gives (store/views.ts sums it so too).
   */
  private total: PeriodAccumulator;
  private firstTime = Number.NaN;
  /** The grids drawn last time, per bucket, and their shared maximum. */
  private drawn: Float64Array[] = [];
  private drawnMax = Number.NaN;
  private recorder: OccupancyRecorder | null = null;

  constructor(private readonly options: RollingOptions) {
    this.total = new PeriodAccumulator(options.params, 1, 1);
  }

  /** The zones' occupancy of every stored frame (after the last update), or null without zones. */
  get occupancy(): OccupancyRecorder | null {
    return this.recorder;
  }

  /**
   * Brings the figures up to the store as it is now and returns the view. `changedFrom` is the
   * lowest position stored since the last update (FollowStore.takeChangedFrom).
   */
  async update(store: FollowStore, changedFrom: number): Promise<RollingUpdate> {
    const { params, period, timeZone } = this.options;
    const frames = store.frames();
    const n = frames.index.length;
    // A follow's frames all have T: times and durations are there (empty without frames).
    const durations = frames.durationMs ?? new Float64Array(n);
    const times = frames.timeMs ?? new Float64Array(n);
    let rebuilt = changedFrom < this.kept || n === 0 || times[0] !== this.firstTime;
    const weights = new Float64Array(n);
    for (let p = 0; p < n; p++) weights[p] = durations[p] / 1000;
    for (let p = 0; p < this.kept && !rebuilt; p++) rebuilt = this.deferred[p] === 0 && weights[p] !== this.weights[p];
    if (rebuilt) {
      this.rebuilds += 1;
      this.kept = 0;
      this.accumulators = [];
      this.total = new PeriodAccumulator(params, 1, 1);
      this.drawn = [];
      this.drawnMax = Number.NaN;
    }
    this.firstTime = n === 0 ? Number.NaN : times[0];
    const bucketed = period.kind !== 'none' && n > 0;
    const assigned = bucketed ? assignBuckets(times, period, timeZone) : null;
    const bucketOf = assigned === null ? new Int32Array(n) : assigned.bucketOf;
    const bucketCount = assigned === null ? 1 : assigned.starts.length;
    while (this.accumulators.length < bucketCount) this.accumulators.push(new PeriodAccumulator(params, 1, 1));
    const counts = new Int32Array(n);
    counts.set(this.counts.subarray(0, this.kept));
    const deferred = new Uint8Array(n);
    deferred.set(this.deferred.subarray(0, this.kept));
    const touched = new Set<number>();

    // Frames kept from now on: every one but the newest, whose weight is provisional, and but
    // those whose gap to the next frame is more than half the cap (3 × the last frame's median
    // duration): a moving median may cap them differently, so they are added to copies each time.
    const keepTo = Math.max(n - 1, 0);
    const from = this.kept;
    const halfCap = n === 0 ? 0 : (GAP_FACTOR * durations[n - 1]) / 2;
    for (let p = from; p < keepTo; p++) deferred[p] = times[p + 1] - times[p] > halfCap ? 1 : 0;
    if (keepTo > from) {
      await store.forEachDetections(
        (p, detections) => {
          if (deferred[p] === 1) return;
          counts[p] += add(this.accumulators[bucketOf[p]], detections, weights[p]);
          if (bucketed) add(this.total, detections, weights[p]);
          touched.add(bucketOf[p]);
        },
        from,
        keepTo - 1,
      );
      this.framesRead += keepTo - from;
    }
    const previous = this.weights;
    this.kept = keepTo;
    this.weights = weights;
    this.counts = counts;
    this.deferred = deferred;

    // The deferred frames and the newest, added to copies of their buckets' sums.
    const sums = this.accumulators.slice(0, bucketCount);
    const copies = new Map<number, PeriodAccumulator>();
    const provisional: number[] = [];
    for (let p = 0; p < keepTo; p++) if (deferred[p] === 1) provisional.push(p);
    if (n > 0) provisional.push(n - 1);
    const total = bucketed && provisional.length > 0 ? this.total.clone() : this.total;
    for (const p of provisional) {
      const b = bucketOf[p];
      let copy = copies.get(b);
      if (copy === undefined) {
        copy = this.accumulators[b].clone();
        copies.set(b, copy);
        sums[b] = copy;
      }
      const into = copy;
      counts[p] = 0;
      await store.forEachDetections((q, detections) => {
        counts[q] += add(into, detections, weights[q]);
        if (bucketed) add(total, detections, weights[q]);
      }, p, p);
      this.framesRead += 1;
      if (p >= from || weights[p] !== previous[p]) touched.add(b);
    }
    await this.updateZones(store, changedFrom, n);

    const cells = params.grid_num_h * params.grid_num_v;
    const grids = new Float64Array(bucketCount * cells);
    for (let b = 0; b < bucketCount; b++) {
      const grid = touched.has(b) || this.drawn[b] === undefined ? sums[b].grids() : this.drawn[b];
      grids.set(grid, b * cells);
    }
    const whole = bucketed ? total.grids() : grids.slice(0, cells);
    let max = 0;
    for (let i = 0; i < grids.length; i++) if (grids[i] > max) max = grids[i];
    const changedBuckets = max !== this.drawnMax || this.drawn.length === 0 ? null : touched;
    this.drawnMax = max;
    this.drawn = Array.from({ length: bucketCount }, (_, b) => grids.slice(b * cells, (b + 1) * cells));

    let detections = 0;
    let busiest = -1;
    for (let p = 0; p < n; p++) {
      detections += counts[p];
      if (counts[p] > 0 && (busiest < 0 || counts[p] > counts[busiest])) busiest = p;
    }
    const clock = new LocalClock(timeZone);
    const busiestMoment: BusiestMoment | null =
      busiest < 0
        ? null
        : { frame: frames.index[busiest], t: frames.t[busiest] ?? formatTimestamp(times[busiest]), time: clock.iso(times[busiest]), count: counts[busiest] };
    let buckets: BucketFigures | null = null;
    if (assigned !== null) {
      buckets = { starts: assigned.starts, ends: assigned.ends, grids, ...bucketTotals(bucketCount, bucketOf, counts, weights, frames.index, 0, n) };
    }
    let dropped = 0;
    let filtered = 0;
    for (const sum of sums) {
      dropped += sum.droppedOutsideGrid;
      filtered += sum.stats.filtered;
    }
    const view: PeriodView = {
      unit: 'person-seconds',
      columns: params.grid_num_h,
      rows: params.grid_num_v,
      whole,
      buckets,
      frames: n,
      detections,
      busiestMoment,
      busiestPlace: busiestCell(whole, params.grid_num_h),
      droppedOutsideGrid: dropped,
      filtered,
    };
    return { view, frames, changedBuckets: rebuilt ? null : changedBuckets, rebuilt };
  }

  /** Appends the occupancy of frames not recorded yet; starts over when a late frame moved recorded ones. */
  private async updateZones(store: FollowStore, changedFrom: number, n: number): Promise<void> {
    const { zones, params } = this.options;
    if (zones.length === 0) return;
    if (this.recorder === null || changedFrom < this.recorder.frameCount) {
      this.recorder = new OccupancyRecorder(compileZones(zones), params.point_ratio);
    }
    const recorder = this.recorder;
    const from = recorder.frameCount;
    if (from >= n) return;
    const prepare = prepareOptionsFor(params);
    const stats: PrepareStats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
    let pendingIndex = -1;
    let pending: Detections[] = [];
    const flush = (): void => {
      if (pendingIndex < 0) return;
      while (recorder.frameCount < pendingIndex) recorder.add(EMPTY_DETECTIONS);
      recorder.add(prepareDetections(concatenate(pending), prepare, stats));
      pending = [];
      pendingIndex = -1;
    };
    await store.forEachDetectionsInOrder(
      (frameIndex, detections) => {
        if (frameIndex !== pendingIndex) flush();
        pendingIndex = frameIndex;
        // The streamed arrays are reused: keep a copy.
        pending.push(copyDetections(detections));
      },
      from,
      n - 1,
    );
    flush();
    while (recorder.frameCount < n) recorder.add(EMPTY_DETECTIONS);
  }
}

/** Adds one frame's detections (or part of them) to a one-frame-slot accumulator; returns how many counted. */
function add(accumulator: PeriodAccumulator, detections: Detections, weight: number): number {
  const before = accumulator.counts[0];
  accumulator.addFrame(0, detections, 0, weight);
  return accumulator.counts[0] - before;
}

function copyDetections(d: Detections): Detections {
  return { count: d.count, boxes: d.boxes.slice(), scores: d.scores.slice(), classIds: d.classIds.slice(), trackIds: d.trackIds.slice() };
}

function concatenate(parts: Detections[]): Detections {
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const joined = { count, boxes: new Float64Array(count * 4), scores: new Float64Array(count), classIds: new Int32Array(count), trackIds: new Int32Array(count) };
  let at = 0;
  for (const part of parts) {
    joined.boxes.set(part.boxes, at * 4);
    joined.scores.set(part.scores, at);
    joined.classIds.set(part.classIds, at);
    joined.trackIds.set(part.trackIds, at);
    at += part.count;
  }
  return joined;
}
