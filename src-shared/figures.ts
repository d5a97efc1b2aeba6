/**
 * How a figure is written wherever crowdheat shows one (the app's captions, legends, cards and
 * tables, and report.html), so one figure reads the same everywhere: rounded once, halves up, to
 * at most a given number of decimals, trailing zeros dropped, thousands grouped.
 *
 * ```ts
 * shown(86400)    // '86,400'
 * shown(1.325)    // '1.33'
 * shown(1.32, 1)  // '1.3'
 * shown(-0.04, 1) // '0'
 * ```
 */

/** A number as crowdheat shows it: at most `digits` decimals, trailing zeros dropped, thousands grouped (86,400); `''` when not finite. */
export function shown(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '';
  // Rounded by Math.round (halves up), then only written; `+ 0` turns a rounded −0 into 0.
  return (Math.round(value * 10 ** digits) / 10 ** digits + 0).toLocaleString('en-US', { maximumFractionDigits: digits });
}

/**
 * The decimals of each kind of figure, the same on every screen and in the report: counts of
 * frames, detections and people are whole; person-seconds (and person-frames, and any figure of a
 * period or a window the app shows), seconds and shares in % take one decimal; mean people two;
 * frame rates three (23.976).
 */
export const FIGURE_DIGITS = { count: 0, figure: 1, seconds: 1, percent: 1, meanPeople: 2, fps: 3 } as const;
