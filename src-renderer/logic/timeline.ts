/**
 * The timeline's arithmetic, apart from React so it is tested in Node: stepping by keys,
 * playback at a speed, and how a frame's moment is shown.
 */

/** `index + delta`, kept inside `0 … count-1`. */
export function stepFrame(index: number, delta: number, count: number): number {
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, index + delta));
}

/** Frames a page key jumps. */
export const PAGE_FRAMES = 10;

/** The frame a key moves to from `index`, or null when the key is not the timeline's. */
export function frameForKey(key: string, index: number, count: number): number | null {
  switch (key) {
    case 'ArrowLeft':
      return stepFrame(index, -1, count);
    case 'ArrowRight':
      return stepFrame(index, 1, count);
    case 'PageUp':
      return stepFrame(index, -PAGE_FRAMES, count);
    case 'PageDown':
      return stepFrame(index, PAGE_FRAMES, count);
    case 'Home':
      return stepFrame(0, 0, count);
    case 'End':
      return stepFrame(count - 1, 0, count);
    default:
      return null;
  }
}

export interface Playback {
  /** Fractional frame position, so slow speeds still advance. */
  position: number;
  /** Reached the last frame: playing stops. */
  ended: boolean;
}

/**
 * Where playback is after `elapsedMs` at `fps` frames a second times `speed`.
 *
 * ```ts
 * advancePlayback(10, 500, 2, 1, 600) // { position: 11, ended: false }
 * ```
 */
export function advancePlayback(position: number, elapsedMs: number, fps: number, speed: number, count: number): Playback {
  const next = position + (elapsedMs / 1000) * fps * speed;
  if (next >= count - 1) return { position: Math.max(0, count - 1), ended: true };
  return { position: next, ended: false };
}

/** The speeds the player offers. */
export const PLAYBACK_SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4, 8];

/**
 * A T string as a person reads it (UTC); anything else as it is.
 *
 * ```ts
 * readableTimestamp('20230412140023098') // '2023-04-12 14:00:23.098 UTC'
 * ```
 */
export function readableTimestamp(timestamp: string): string {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(timestamp);
  if (parts === null) return timestamp;
  const [, year, month, day, hour, minute, second, ms] = parts;
  return `${year}-${month}-${day} ${hour}:${minute}:${second}.${ms} UTC`;
}

/** The frame under `x` on a chart `width` wide showing `count` frames as equal slots. */
export function chartFrameAt(x: number, width: number, count: number): number {
  if (count <= 0 || width <= 0) return 0;
  return stepFrame(Math.floor((x / width) * count), 0, count);
}

/**
 * The SVG path of a people-per-frame chart: one point per frame, at the middle of its slot,
 * `max` at the top edge and 0 at the bottom.
 */
export function chartPath(counts: readonly number[], width: number, height: number): string {
  if (counts.length === 0) return '';
  const max = Math.max(1, ...counts);
  const slot = width / counts.length;
  return counts
    .map((count, i) => `${i === 0 ? 'M' : 'L'}${round2((i + 0.5) * slot)},${round2(height - (count / max) * height)}`)
    .join(' ');
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * What the frame slider says to a screen reader: the frame as the screen shows it (counted
 * from 1) and its moment when known.
 *
 * ```ts
 * sliderValueText(100, 600, '20230412140023098') // 'frame 101 of 600, 2023-04-12 14:00:23.098 UTC'
 * sliderValueText(0, 600, '')                    // 'frame 1 of 600'
 * ```
 */
export function sliderValueText(index: number, count: number, timestamp: string): string {
  const frame = `frame ${index + 1} of ${count}`;
  return timestamp === '' ? frame : `${frame}, ${readableTimestamp(timestamp)}`;
}
