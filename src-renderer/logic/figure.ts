/**
 * How the window writes a figure (period bar, captions, legends, cards, tables, progress), apart
 * from React so it is tested in Node.
 *
 * ```ts
 * formatFigure(1234.56) // '1,234.6'
 * formatFigure(1.32)    // '1.3'
 * ```
 */
import { FIGURE_DIGITS, shown } from '../../src-shared/figures.js';

/**
 * A figure of a period or a window (counts, person-seconds, person-frames): the shared `shown`
 * with `FIGURE_DIGITS.figure` decimals, thousands grouped, so one figure reads the same in a
 * caption, its legend and the report.
 */
export function formatFigure(value: number): string {
  return shown(value, FIGURE_DIGITS.figure);
}
