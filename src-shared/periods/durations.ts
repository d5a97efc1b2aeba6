/**
 * How long each frame stands for, the weight of a frame in person-seconds.
 *
 * A frame lasts until the next one, but a gap in the data (a camera offline, an upload that
 * failed) is not time people stayed: the interval is capped at `GAP_FACTOR` times the median
 * interval. The last frame has no next one and gets the median.
 */

/** An interval longer than this many median intervals is a gap, not a frame's duration. */
export const GAP_FACTOR = 3;

/**
 * The duration of each frame in milliseconds.
 *
 * @param timesMs frame times in milliseconds, one per frame, in non-decreasing order (length n).
 * @param fallbackMs the duration to use when there is no interval to take a median of (n ≤ 1, or
 *   every interval is 0), e.g. `1000 / metadata_fps`.
 * @returns a `Float64Array` of length n: `min(t[i+1] − t[i], 3·median)` for i < n − 1 and the
 *   median for the last frame.
 * @throws RangeError when the times are not finite or go backwards.
 *
 * ```ts
 * frameDurationsMs(Float64Array.of(0, 100, 200, 1200, 1300), 100) // [100, 100, 300, 100, 100]
 * ```
 */
export function frameDurationsMs(timesMs: Float64Array, fallbackMs: number): Float64Array {
  const n = timesMs.length;
  const durations = new Float64Array(n);
  if (n === 0) return durations;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(timesMs[i])) throw new RangeError(`frame ${i}: time ${timesMs[i]} is not a finite number`);
    if (i > 0 && timesMs[i] < timesMs[i - 1]) {
      throw new RangeError(`frame ${i}: time ${timesMs[i]} ms comes before frame ${i - 1}'s ${timesMs[i - 1]} ms`);
    }
  }
  const typical = typicalDurationMs(medianIntervalMs(timesMs), fallbackMs);
  const cap = GAP_FACTOR * typical;
  for (let i = 0; i < n - 1; i++) durations[i] = Math.min(timesMs[i + 1] - timesMs[i], cap);
  durations[n - 1] = typical;
  return durations;
}

/**
 * The typical duration of a frame, ms: the median interval, or `fallbackMs` when there is none
 * (one frame, or every interval 0). It is the last frame's duration, and a third of the gap cap.
 *
 * ```ts
 * typicalDurationMs(200, 100) // 200
 * typicalDurationMs(0, 100)   // 100
 * ```
 */
export function typicalDurationMs(medianMs: number, fallbackMs: number): number {
  return medianMs > 0 ? medianMs : fallbackMs;
}

/** The duration of a frame when its times give none, ms: one frame at `fps` (`1000 / fps`), a second without a rate. */
export function fallbackDurationMs(fps: number): number {
  return fps > 0 ? 1000 / fps : 1000;
}

/**
 * The median of the intervals between consecutive times (the mean of the two middle ones for an
 * even count), or 0 when there are fewer than two times.
 */
export function medianIntervalMs(timesMs: Float64Array): number {
  const count = timesMs.length - 1;
  if (count < 1) return 0;
  const intervals = new Float64Array(count);
  for (let i = 0; i < count; i++) intervals[i] = timesMs[i + 1] - timesMs[i];
  intervals.sort();
  const middle = count >> 1;
  return count % 2 === 1 ? intervals[middle] : (intervals[middle - 1] + intervals[middle]) / 2;
}
