/**
 * The timeline chart's series: people per frame (a typed array from the store) cut into at most
 * `columns` columns, each with its fewest and most people, so a chart of any length costs its
 * width, never its frames.
 *
 * ```ts
 * timelineSeries(Int32Array.of(1, 5, 2, 2), null, [], 0, 4, 2).columns
 * // [{ fromFrame: 0, toFrame: 2, min: 1, max: 5, startMs: null, t: '' }, { fromFrame: 2, toFrame: 4, min: 2, max: 2, … }]
 * ```
 */
import { MAX_TIMELINE_COLUMNS, type TimelineColumn, type TimelineSeries } from '../../src-shared/api.js';
import { CrowdheatError } from '../../src-shared/errors.js';

/**
 * Columns over positions `fromFrame ≤ i < toFrame` of `counts`: column c holds positions
 * `from + ⌊c·n/k⌋ … from + ⌊(c+1)·n/k⌋ − 1` (n frames, k = min(columns, n) columns).
 *
 * @param timesMs each frame's time (ms since the epoch), or null without a time base.
 * @param stamps each frame's T, or null.
 * @throws CrowdheatError for a range outside `0 … counts.length` or columns outside 1 … MAX_TIMELINE_COLUMNS.
 */
export function timelineSeries(
  counts: Int32Array,
  timesMs: Float64Array | null,
  stamps: readonly (string | null)[],
  fromFrame: number,
  toFrame: number,
  columns: number,
): TimelineSeries {
  const frameCount = counts.length;
  if (!Number.isInteger(fromFrame) || !Number.isInteger(toFrame) || fromFrame < 0 || toFrame > frameCount || fromFrame > toFrame) {
    throw new CrowdheatError(`timelineSeries: frames ${fromFrame} to ${toFrame} are not a range of 0 to ${frameCount}`);
  }
  if (!Number.isInteger(columns) || columns < 1 || columns > MAX_TIMELINE_COLUMNS) {
    throw new CrowdheatError(`timelineSeries: columns ${columns} is not a whole number from 1 to ${MAX_TIMELINE_COLUMNS}`);
  }
  const n = toFrame - fromFrame;
  const k = Math.min(columns, n);
  const out: TimelineColumn[] = [];
  let max = 0;
  for (let c = 0; c < k; c++) {
    const first = fromFrame + Math.floor((c * n) / k);
    const end = fromFrame + Math.floor(((c + 1) * n) / k);
    let low = counts[first];
    let high = counts[first];
    for (let i = first + 1; i < end; i++) {
      const value = counts[i];
      if (value < low) low = value;
      else if (value > high) high = value;
    }
    if (high > max) max = high;
    out.push({ fromFrame: first, toFrame: end, min: low, max: high, startMs: timesMs === null ? null : timesMs[first], t: stamps[first] ?? '' });
  }
  return { frameCount, fromFrame, toFrame, columns: out, max };
}
