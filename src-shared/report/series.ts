/**
 * People over time, small enough for a report whatever the run's length: per-frame counts of
 * detections grouped into at most `MAX_SLOTS` time slots (min, max and mean per slot), the
 * busiest moment, and the gaps in the data.
 */
import type { FrameTimes } from '../zones/figures.js';
import { csvField } from '../zones/output.js';
import { isoWithOffset, localOffset, tOf, type UtcOffset } from '../zones/time.js';

/** The most slots people.csv holds. */
export const MAX_SLOTS = 1000;

/** Slot lengths people.csv uses, in ms: the shortest that keeps a run within MAX_SLOTS slots. */
const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/** One slot of people.csv. A slot without frames (a gap) is left out. */
export interface PeopleSlot {
  /** Start of the slot in ms since the epoch; null without a time base. */
  startMs: number | null;
  firstFrame: number;
  lastFrame: number;
  frames: number;
  min: number;
  max: number;
  /** Mean over the slot's frames. */
  mean: number;
}

export interface PeopleSeries {
  /** Slot length: ms with a time base, else frames. */
  slot: number;
  unit: 'ms' | 'frames';
  slots: PeopleSlot[];
}

/**
 * Groups per-frame counts into slots: with frame times, slots of a round length (1 s … 1 day,
 * then whole days) aligned to multiples of it since the epoch; without, runs of equal numbers
 * of frames.
 */
export function peopleSeries(counts: Int32Array, base: FrameTimes, maxSlots = MAX_SLOTS): PeopleSeries {
  const n = counts.length;
  const times = base.timesMs;
  let slot: number;
  let slotOf: (frame: number) => number;
  if (times === null || n === 0) {
    slot = Math.max(1, Math.ceil(n / maxSlots));
    slotOf = (frame) => Math.floor(frame / slot);
  } else {
    const span = times[n - 1] + base.durations[n - 1] - times[0];
    const wanted = span / maxSlots;
    // Aligned slots may cut the span into one more slot than it fills; keep room for it.
    const nice = NICE_STEPS_MS.find((step) => step >= wanted && Math.ceil(span / step) + 1 <= maxSlots);
    const day = NICE_STEPS_MS[NICE_STEPS_MS.length - 1];
    slot = nice ?? day * Math.ceil((span / (maxSlots - 1)) / day);
    slotOf = (frame) => Math.floor(times[frame] / slot);
  }
  const slots: PeopleSlot[] = [];
  let current: PeopleSlot | null = null;
  let currentKey = Number.NaN;
  let sum = 0;
  for (let f = 0; f < n; f++) {
    const key = slotOf(f);
    if (current === null || key !== currentKey) {
      if (current !== null) current.mean = sum / current.frames;
      current = { startMs: times === null ? null : key * slot, firstFrame: f, lastFrame: f, frames: 0, min: counts[f], max: counts[f], mean: 0 };
      currentKey = key;
      sum = 0;
      slots.push(current);
    }
    current.lastFrame = f;
    current.frames += 1;
    current.min = Math.min(current.min, counts[f]);
    current.max = Math.max(current.max, counts[f]);
    sum += counts[f];
  }
  if (current !== null) current.mean = sum / current.frames;
  return { slot, unit: times === null ? 'frames' : 'ms', slots };
}

/** The columns of people.csv, in order. */
export const PEOPLE_CSV_COLUMNS = ['slot_start', 'slot_start_T', 'first_frame', 'last_frame', 'frames', 'min_people', 'max_people', 'mean_people'] as const;

/** people.csv: a header, then one line per slot with frames. */
export function peopleCsv(series: PeopleSeries, offset: UtcOffset = localOffset): string {
  const lines = [PEOPLE_CSV_COLUMNS.join(',')];
  for (const slot of series.slots) {
    lines.push(
      [
        slot.startMs === null ? '' : csvField(isoWithOffset(slot.startMs, offset)),
        tOf(slot.startMs),
        slot.firstFrame,
        slot.lastFrame,
        slot.frames,
        slot.min,
        slot.max,
        slot.mean,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The frame with the most detections, the earliest on ties; null without frames. */
export function busiestFrame(counts: Int32Array): { frame: number; people: number } | null {
  if (counts.length === 0) return null;
  let frame = 0;
  for (let f = 1; f < counts.length; f++) if (counts[f] > counts[frame]) frame = f;
  return { frame, people: counts[frame] };
}

/** A stretch without data: from the end of one frame's (capped) duration to the next frame. */
export interface DataGap {
  fromMs: number;
  toMs: number;
}

/** Every interval between frames longer than the earlier frame's duration (SPEC §8: the cap at 3 × median). */
export function dataGaps(base: FrameTimes): DataGap[] {
  const times = base.timesMs;
  if (times === null) return [];
  const gaps: DataGap[] = [];
  for (let f = 0; f + 1 < times.length; f++) {
    const end = times[f] + base.durations[f];
    if (times[f + 1] > end) gaps.push({ fromMs: end, toMs: times[f + 1] });
  }
  return gaps;
}
