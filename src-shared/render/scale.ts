/**
 * The count range the colours span (SPEC §4 `min` / `max`).
 *
 * ```ts
 * colorScale(0, 15, 15, 3)  // { min: 0, max: 15 }  an explicit max is kept
 * colorScale(0, 0, 15, 3)   // { min: 0, max: 15 }  max 0: the window length W
 * colorScale(0, 0, 0, 42)   // { min: 0, max: 42 }  max 0 and W 0: the running maximum
 * colorScale(0, 0, 0, 0)    // { min: 0, max: 1 }   never an empty range
 * ```
 */
import { SettingsError } from '../errors.js';

/** Counts map to colours linearly from `min` (first colour) to `max` (last colour). */
export interface ColorScale {
  readonly min: number;
  readonly max: number;
}

/**
 * Resolves the settings' `min`/`max` for one frame. `max: 0` means W (`windowFrames`) when
 * W > 0, since a cell gains at most 1 a frame and so never exceeds W; with W = 0 (every frame
 * so far) it means `runningMax`, the largest count seen up to this frame. A resolved max is
 * raised to at least `min + 1`, so that an empty start (running maximum 0) still divides by a
 * non-zero range and shows the first colour. An explicit `max` not above `min` is an error.
 */
export function colorScale(min: number, max: number, windowFrames: number, runningMax: number): ColorScale {
  if (max === 0) {
    const resolved = windowFrames > 0 ? windowFrames : runningMax;
    return { min, max: Math.max(resolved, min + 1) };
  }
  if (!(max > min)) {
    throw new SettingsError(`output_settings.max: ${max} must be greater than output_settings.min (${min}), or 0 for automatic`);
  }
  return { min, max };
}
