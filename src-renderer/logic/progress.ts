/**
 * The words and numbers of an analysis' progress bar: percent done, frames a second and the
 * time left, from the progress events the back end sends.
 */
import { formatFigure } from './period.js';

export interface ProgressFacts {
  /** 0–100, whole numbers; null when the total is unknown. */
  percent: number | null;
  /** `"123 / 600 frames"` or `"123 frames"`. */
  frames: string;
  /** `"45.2 frames/s"`; empty before the first rate arrives. */
  rate: string;
  /** `"about 12 s left"`, `"about 3 min left"`; empty when it cannot be known. */
  eta: string;
}

/**
 * @param frames frames done so far
 * @param expectedFrames frames the source expects, when known
 * @param rate frames per second over the run so far
 * @param preparing before the first frame, the share (0–1) of the input the source's first pass has read
 *
 * Counts are grouped as elsewhere in the window (`274,368 / 604,800 frames`); a rate of 100 frames/s
 * or more is given whole (`5,104 frames/s`), a lower one to a tenth. Once every expected frame is
 * read the run still writes its store and period outputs (seconds on a long run), so the time
 * left then reads `finishing the store and the period maps`, not `about 0 s left`.
 *
 * ```ts
 * progressFacts(150, 600, 50) // { percent: 25, frames: '150 / 600 frames', rate: '50.0 frames/s', eta: 'about 9 s left' }
 * progressFacts(0, undefined, 0, 0.42) // { percent: 42, frames: 'reading the input', rate: '', eta: '' }
 * progressFacts(604800, 604800, 4924.3) // { percent: 100, frames: '604,800 / 604,800 frames', rate: '4,924 frames/s', eta: 'finishing the store and the period maps' }
 * ```
 */
export function progressFacts(frames: number, expectedFrames: number | undefined, rate: number, preparing?: number): ProgressFacts {
  if (frames === 0 && preparing !== undefined) {
    // A metadata file's first pass (frame numbers only), before any frame: how much of the file it has read.
    return { percent: Math.min(100, Math.floor(preparing * 100)), frames: 'reading the input', rate: '', eta: '' };
  }
  const known = expectedFrames !== undefined && expectedFrames > 0;
  const percent = known ? Math.min(100, Math.floor((frames / expectedFrames) * 100)) : null;
  const rated = rate > 0 && Number.isFinite(rate);
  const rateText = rated ? `${rate >= 100 ? formatFigure(Math.round(rate)) : rate.toFixed(1)} frames/s` : '';
  const eta = !known ? '' : frames >= expectedFrames ? FINISHING : rated ? `about ${durationText(Math.max(0, expectedFrames - frames) / rate)} left` : '';
  return { percent, frames: known ? `${formatFigure(frames)} / ${formatFigure(expectedFrames)} frames` : `${formatFigure(frames)} frames`, rate: rateText, eta };
}

/** What the bar says after the last expected frame, while the run writes its store and period outputs. */
export const FINISHING = 'finishing the store and the period maps';

/** Seconds as a person says them: `"9 s"`, `"3 min"`, `"1 h 5 min"`; whole seconds rounded up. */
export function durationText(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
