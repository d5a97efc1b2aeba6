/**
 * The time range a view is asked for (`[fromMs, toMs)`, ms since the epoch), checked the same
 * way wherever one arrives: the app's periodView and zoneView requests and `crowdheat recount
 * --from/--to`.
 */
import { isoWithOffset } from '../zones/time.js';
import { fallbackDurationMs, typicalDurationMs } from './durations.js';
import { parseIsoWithOffset } from './time-base.js';


/**
 * The span a run of frames covers, ms since the epoch: from its first frame's time to the end of
 * its last frame (its time plus its duration, SPEC §8), since a frame stands for the time until
 * the next one. This is the one rule for a period's end wherever one is shown or asked (the
 * library's list, the whole period's caption, the range pickers, the report); null without a
 * time base or without frames.
 *
 * ```ts
 * frameSpanMs(Float64Array.of(0, 1000, 2000), Float64Array.of(1000, 1000, 1000)) // { fromMs: 0, toMs: 3000 }
 * ```
 *
 * @param timesMs each frame's time, non-decreasing (null: no time base).
 * @param durationsMs each frame's duration (`frameDurationsMs`), same length.
 */
export function frameSpanMs(timesMs: ArrayLike<number> | null, durationsMs: ArrayLike<number> | null): { fromMs: number; toMs: number } | null {
  if (timesMs === null || timesMs.length === 0) return null;
  const last = timesMs.length - 1;
  return { fromMs: timesMs[0], toMs: timesMs[last] + (durationsMs?.[last] ?? 0) };
}

/**
 * The end of a summary's period (summary.json's `time_base`: the last frame's time as ISO 8601
 * with an offset, the median interval, the rate), as ISO 8601 with the same offset: the last
 * frame's time plus its duration (the median interval, else one frame at `fps`), as frameSpanMs
 * ends a period; `lastIso` as written when it does not parse.
 *
 * ```ts
 * summaryEndIso('2026-11-23T09:00:05.500+09:00', 500, 2) // '2026-11-23T09:00:06.000+09:00'
 * ```
 */
export function summaryEndIso(lastIso: string, medianIntervalMs: number, fps: number): string {
  const lastMs = parseIsoWithOffset(lastIso);
  const offset = /(Z|([+-])(\d{2}):(\d{2}))$/.exec(lastIso);
  if (Number.isNaN(lastMs) || offset === null) return lastIso;
  const minutes = offset[1] === 'Z' ? 0 : (offset[2] === '-' ? -1 : 1) * (Number(offset[3]) * 60 + Number(offset[4]));
  return isoWithOffset(lastMs + typicalDurationMs(medianIntervalMs, fallbackDurationMs(fps)), () => minutes);
}

/**
 * Why `fromMs`/`toMs` are not a range a view can count, or null when they are. Either may be
 * omitted (the analysis's start or end); a given one must be a finite number, and `toMs` must be
 * after `fromMs` when both are given (a reversed or empty range would silently count nothing).
 *
 * ```ts
 * timeRangeProblem(5, 1, { from: 'fromMs', to: 'toMs' }) // 'toMs (1) must be after fromMs (5)'
 * timeRangeProblem(undefined, 1, names)                 // null
 * ```
 *
 * @param names how the message names the two bounds (request keys or CLI flags).
 * @param shown how the message shows a bound (defaults to the number itself).
 */
export function timeRangeProblem(
  fromMs: unknown,
  toMs: unknown,
  names: { from: string; to: string },
  shown: (ms: number) => string = String,
): string | null {
  for (const [name, value] of [[names.from, fromMs], [names.to, toMs]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return `${name} must be a number of ms since the epoch`;
  }
  if (typeof fromMs === 'number' && typeof toMs === 'number' && !(toMs > fromMs)) {
    return `${names.to} (${shown(toMs)}) must be after ${names.from} (${shown(fromMs)})`;
  }
  return null;
}
