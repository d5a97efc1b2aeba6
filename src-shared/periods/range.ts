/**
 * The time range a view is asked for (`[fromMs, toMs)`, ms since the epoch), checked the same
 * way wherever one arrives: the app's periodView and zoneView requests and `crowdheat recount
 * --from/--to`.
 */

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
