/**
 * Zone figures per time bucket (SPEC §9) from recorded per-frame occupancy: mean occupancy
 * (weighted by frame duration), peak occupancy and its first frame, person-time, the occupied
 * share and, with track ids, visits.
 *
 * The time base is a parameter: frame times in ms (durations from `frameDurationsMs`, figures
 * in person-seconds) or null (every frame lasts one frame, figures in person-frames). Buckets
 * are a parameter too: a list of boundaries in ms, or null for one bucket holding every frame.
 */
import { frameDurationsMs } from '../periods/durations.js';
import { frameSpanMs } from '../periods/range.js';
import type { TrackEntries } from './occupancy.js';

/** Visits of one track in one zone join across gaps up to this long (SPEC §9). */
export const VISIT_MAX_GAP_MS = 1000;

/** The time base of a run's frames. */
export interface FrameTimes {
  /** Frame times in ms since the epoch (non-decreasing), or null when frames have no times. */
  readonly timesMs: Float64Array | null;
  /** Duration of each frame: ms with times, else 1 (one frame). */
  readonly durations: Float64Array;
  /** `seconds` with times; `frames` without (figures are then person-frames). */
  readonly unit: 'seconds' | 'frames';
}

/**
 * The time base of `frameCount` frames: durations from `frameDurationsMs(timesMs, fallbackMs)`
 * when times are given, else one frame each.
 *
 * @throws RangeError when `timesMs` has another length than `frameCount`, or goes backwards.
 */
export function frameTimes(frameCount: number, timesMs: Float64Array | null, fallbackMs = 1000): FrameTimes {
  if (timesMs === null) return { timesMs: null, durations: new Float64Array(frameCount).fill(1), unit: 'frames' };
  if (timesMs.length !== frameCount) {
    throw new RangeError(`${timesMs.length} frame times for ${frameCount} frames`);
  }
  return { timesMs, durations: frameDurationsMs(timesMs, fallbackMs), unit: 'seconds' };
}

/** One zone in one bucket. Times in ms since the epoch; durations in the base's unit (s or frames). */
export interface ZoneFigures {
  zone: number;
  bucket: number;
  /** Start and end of the bucket (ms); for the whole run the first frame's time and the end of the last frame; null without times. */
  startMs: number | null;
  endMs: number | null;
  /** Frames in the bucket. */
  frames: number;
  /** Total duration of those frames: seconds, or frames without a time base. */
  duration: number;
  /** Σ occupancy × duration / Σ duration; 0 for an empty bucket. */
  meanOccupancy: number;
  peakOccupancy: number;
  /** Run position of the first frame with the peak; -1 for an empty bucket. */
  peakFrame: number;
  /** Σ occupancy × duration: person-seconds, or person-frames. */
  personTime: number;
  /** Duration with occupancy ≥ 1 / total duration; 0 for an empty bucket. */
  occupiedShare: number;
  /** Visits starting in the bucket; null when the detections carry no track ids. */
  visits: number | null;
  /** Mean and median time per visit (seconds or frames); null without track ids or visits. */
  meanVisit: number | null;
  medianVisit: number | null;
}

/**
 * The bucket of each frame: i for `boundaries[i] ≤ t < boundaries[i+1]`, -1 outside them. With
 * `boundaries` null every frame is in bucket 0.
 *
 * @throws RangeError when boundaries are given without frame times.
 */
export function bucketOfFrames(frameCount: number, timesMs: Float64Array | null, boundaries: readonly number[] | null): Int32Array {
  const buckets = new Int32Array(frameCount);
  if (boundaries === null) return buckets;
  if (timesMs === null) throw new RangeError('time buckets need frame times');
  let bucket = 0;
  for (let f = 0; f < frameCount; f++) {
    const t = timesMs[f];
    // Frames come in time order, so the bucket only moves forward.
    while (bucket < boundaries.length - 1 && t >= boundaries[bucket + 1]) bucket += 1;
    const inside = t >= boundaries[0] && bucket < boundaries.length - 1;
    buckets[f] = inside ? bucket : -1;
  }
  return buckets;
}

/** One visit: a track's maximal run of frames inside a zone (run positions), and its length. */
export interface Visit {
  zone: number;
  track: number;
  firstFrame: number;
  lastFrame: number;
  /** last − first frame time + duration of the last: seconds, or frames without times. */
  time: number;
}

/**
 * Visits from tracked detections inside zones. Two frames of a track in a zone belong to one
 * visit when the time from the end of the earlier (its time + duration) to the later is at most
 * `maxGapMs`; without times, when the frames are consecutive. Sorted by zone, first frame, track.
 */
export function zoneVisits(entries: TrackEntries, base: FrameTimes, maxGapMs = VISIT_MAX_GAP_MS): Visit[] {
  const { timesMs, durations } = base;
  const joins = (last: number, next: number): boolean =>
    timesMs === null ? next - last <= 1 : timesMs[next] - (timesMs[last] + durations[last]) <= maxGapMs;
  const length = (first: number, last: number): number =>
    timesMs === null ? last - first + 1 : (timesMs[last] - timesMs[first] + durations[last]) / 1000;
  const open = new Map<number, Visit>();
  const visits: Visit[] = [];
  for (let i = 0; i < entries.frames.length; i++) {
    const frame = entries.frames[i];
    const zone = entries.zones[i];
    const track = entries.tracks[i];
    // Track ids are int32 and zones few, so this key is exact.
    const key = zone * 4294967296 + (track >>> 0);
    const visit = open.get(key);
    if (visit !== undefined && (frame === visit.lastFrame || joins(visit.lastFrame, frame))) {
      visit.lastFrame = frame;
      continue;
    }
    if (visit !== undefined) visits.push(visit);
    open.set(key, { zone, track, firstFrame: frame, lastFrame: frame, time: 0 });
  }
  visits.push(...open.values());
  for (const visit of visits) visit.time = length(visit.firstFrame, visit.lastFrame);
  visits.sort((a, b) => a.zone - b.zone || a.firstFrame - b.firstFrame || a.track - b.track);
  return visits;
}

export interface FiguresInput {
  /** Frame-major occupancy, frames × zones (OccupancyRecorder.occupancy()). */
  occupancy: Int32Array;
  zoneCount: number;
  base: FrameTimes;
  /** Bucket boundaries in ms, or null for the whole run as one bucket. */
  boundaries: readonly number[] | null;
  /** Visits (zoneVisits), or null when the detections carry no track ids. */
  visits: readonly Visit[] | null;
}

/**
 * The figures of every zone in every bucket, bucket-major (bucket 0's zones, then bucket 1's).
 * Exact sums over frames; cost O(frames × zones + visits).
 *
 * ```ts
 * // one zone, three frames of 1 s with 0, 2, 1 people:
 * zoneFigures({ occupancy: Int32Array.of(0, 2, 1), zoneCount: 1,
 *   base: frameTimes(3, Float64Array.of(0, 1000, 2000)), boundaries: null, visits: null })
 * // [{ meanOccupancy: 1, peakOccupancy: 2, peakFrame: 1, personTime: 3, occupiedShare: 2/3, ... }]
 * ```
 */
export function zoneFigures(input: FiguresInput): ZoneFigures[] {
  const { occupancy, zoneCount, base, boundaries, visits } = input;
  const frameCount = base.durations.length;
  if (occupancy.length !== frameCount * zoneCount) {
    throw new RangeError(`occupancy has ${occupancy.length} values for ${frameCount} frames × ${zoneCount} zones`);
  }
  const bucketOf = bucketOfFrames(frameCount, base.timesMs, boundaries);
  const bucketCount = boundaries === null ? 1 : Math.max(0, boundaries.length - 1);
  const cells = bucketCount * zoneCount;
  const frames = new Float64Array(bucketCount);
  const duration = new Float64Array(bucketCount);
  const weighted = new Float64Array(cells);
  const occupied = new Float64Array(cells);
  const peak = new Int32Array(cells);
  const peakFrame = new Int32Array(cells).fill(-1);
  const toUnit = base.unit === 'seconds' ? 1 / 1000 : 1;

  for (let f = 0; f < frameCount; f++) {
    const b = bucketOf[f];
    if (b < 0) continue;
    const d = base.durations[f];
    frames[b] += 1;
    duration[b] += d;
    const row = f * zoneCount;
    const cell = b * zoneCount;
    for (let z = 0; z < zoneCount; z++) {
      const count = occupancy[row + z];
      weighted[cell + z] += count * d;
      if (count > 0) occupied[cell + z] += d;
      if (count > peak[cell + z] || peakFrame[cell + z] < 0) {
        peak[cell + z] = count;
        peakFrame[cell + z] = f;
      }
    }
  }

  const visitTimes: number[][] | null = visits === null ? null : Array.from({ length: cells }, () => []);
  if (visits !== null && visitTimes !== null) {
    for (const visit of visits) {
      const b = bucketOf[visit.firstFrame];
      if (b >= 0) visitTimes[b * zoneCount + visit.zone].push(visit.time);
    }
  }

  const rows: ZoneFigures[] = [];
  for (let b = 0; b < bucketCount; b++) {
    const [startMs, endMs] = bucketSpan(b, base, boundaries);
    for (let z = 0; z < zoneCount; z++) {
      const cell = b * zoneCount + z;
      const times = visitTimes?.[cell] ?? null;
      rows.push({
        zone: z,
        bucket: b,
        startMs,
        endMs,
        frames: frames[b],
        duration: duration[b] * toUnit,
        meanOccupancy: duration[b] > 0 ? weighted[cell] / duration[b] : 0,
        peakOccupancy: peak[cell],
        peakFrame: peakFrame[cell],
        personTime: weighted[cell] * toUnit,
        occupiedShare: duration[b] > 0 ? occupied[cell] / duration[b] : 0,
        visits: times === null ? null : times.length,
        meanVisit: times === null || times.length === 0 ? null : times.reduce((sum, t) => sum + t, 0) / times.length,
        medianVisit: times === null || times.length === 0 ? null : median(times),
      });
    }
  }
  return rows;
}

function bucketSpan(bucket: number, base: FrameTimes, boundaries: readonly number[] | null): [number | null, number | null] {
  if (boundaries !== null) return [boundaries[bucket], boundaries[bucket + 1]];
  const span = frameSpanMs(base.timesMs, base.durations);
  return span === null ? [null, null] : [span.fromMs, span.toMs];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
