/**
 * The extent of a run's detections, checked against the declared image size.
 *
 * A detector's boxes are in the pixels of the frame it saw. When `image_size_h`/`image_size_v`
 * say something else (real 4K detections read with the default 1920×1080, or a 300×300 model's
 * boxes read as full HD), every cell is wrong and nothing fails. The extent gives it away: a
 * real share of the boxes lies beyond the declared size, or all of them crowd into a small
 * corner of it. `ExtentTracker` sees every detection of a run (before any is dropped) and
 * reports that finding once, with the size that would fit.
 */
import type { Detections } from '../frames.js';

/** What the run's summary says about the detections' extent (`summary.json` → `image_extent`). */
export interface ImageExtent {
  /** Detections looked at (finite boxes, before filters). */
  detections: number;
  /** Smallest left and top, largest right and bottom seen, in metadata pixels; null with no detections. */
  box: { left: number; top: number; right: number; bottom: number } | null;
  /** Detections whose centre lies beyond the declared image (x > image_size_h or y > image_size_v). */
  beyond: number;
  /**
   * `beyond`: at least `BEYOND_SHARE` of the detections have their centre beyond the image;
   * `crowded`: at least `CROWDED_MIN_DETECTIONS` detections and all of them inside the top-left
   * `CROWDED_FRACTION` of each side; null when the extent fits.
   */
  finding: 'beyond' | 'crowded' | null;
  /** A frame size that holds the extent (a common detector size when one fits), when `finding` is set. */
  fitting_size: { h: number; v: number } | null;
  /** The one-line warning, when `finding` is set. */
  message: string | null;
}

/** Share of detections beyond the image that is taken for a wrong image size rather than stray boxes. */
export const BEYOND_SHARE = 0.05;
/** A run with fewer detections than this is never called crowded. */
export const CROWDED_MIN_DETECTIONS = 10;
/** All detections within this fraction of the width and of the height: crowded. */
export const CROWDED_FRACTION = 0.5;

/** Frame sizes of common detectors and cameras, smallest area first; the fitting size is the first that holds the extent. */
const COMMON_SIZES: readonly (readonly [number, number])[] = [
  [300, 300], [320, 320], [416, 416], [512, 512], [640, 480], [640, 640], [768, 576],
  [1280, 720], [1280, 960], [1920, 1080], [2028, 1520], [2560, 1440], [3840, 2160],
  [4056, 3040], [7680, 4320],
];

/** Collects the extent of every detection it is shown; `result` judges it against the image size. */
export class ExtentTracker {
  private count = 0;
  private beyondCount = 0;
  private left = Number.POSITIVE_INFINITY;
  private top = Number.POSITIVE_INFINITY;
  private right = Number.NEGATIVE_INFINITY;
  private bottom = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly imageWidth: number,
    private readonly imageHeight: number,
  ) {}

  /** Takes in one frame's detections as the source gave them; non-finite boxes are ignored. */
  observe(detections: Detections): void {
    const b = detections.boxes;
    for (let i = 0; i < detections.count; i++) {
      const o = i * 4;
      const x0 = Math.min(b[o], b[o + 2]);
      const x1 = Math.max(b[o], b[o + 2]);
      const y0 = Math.min(b[o + 1], b[o + 3]);
      const y1 = Math.max(b[o + 1], b[o + 3]);
      if (!Number.isFinite(x0) || !Number.isFinite(x1) || !Number.isFinite(y0) || !Number.isFinite(y1)) continue;
      this.count += 1;
      if (x0 < this.left) this.left = x0;
      if (y0 < this.top) this.top = y0;
      if (x1 > this.right) this.right = x1;
      if (y1 > this.bottom) this.bottom = y1;
      if ((x0 + x1) / 2 > this.imageWidth || (y0 + y1) / 2 > this.imageHeight) this.beyondCount += 1;
    }
  }

  /** The extent seen so far and, when it contradicts the image size, the finding and its message. */
  result(): ImageExtent {
    const W = this.imageWidth;
    const H = this.imageHeight;
    if (this.count === 0) {
      return { detections: 0, box: null, beyond: 0, finding: null, fitting_size: null, message: null };
    }
    const box = { left: this.left, top: this.top, right: this.right, bottom: this.bottom };
    let finding: ImageExtent['finding'] = null;
    if (this.beyondCount >= BEYOND_SHARE * this.count) finding = 'beyond';
    else if (this.count >= CROWDED_MIN_DETECTIONS && this.right <= CROWDED_FRACTION * W && this.bottom <= CROWDED_FRACTION * H) {
      finding = 'crowded';
    }
    if (finding === null) return { detections: this.count, box, beyond: this.beyondCount, finding, fitting_size: null, message: null };
    const fit = fittingSize(this.right, this.bottom);
    const x = Math.ceil(this.right);
    const y = Math.ceil(this.bottom);
    const seen =
      finding === 'beyond'
        ? `detections reach x = ${x}, y = ${y} but image_size is ${W}×${H}`
        : `all ${this.count} detections stay within x ≤ ${x}, y ≤ ${y} of image_size ${W}×${H}`;
    const message =
      `${seen}; set image_size_h / image_size_v to the detector's frame size (${fit.h}×${fit.v} would fit)`;
    return { detections: this.count, box, beyond: this.beyondCount, finding, fitting_size: fit, message };
  }
}

/**
 * The smallest common detector frame size holding `right` × `bottom` pixels; beyond the largest,
 * both rounded up to a multiple of 16.
 *
 * ```ts
 * fittingSize(3840, 2160) // { h: 3840, v: 2160 }
 * fittingSize(290, 300)   // { h: 300, v: 300 }
 * ```
 */
export function fittingSize(right: number, bottom: number): { h: number; v: number } {
  const w = Math.ceil(right);
  const h = Math.ceil(bottom);
  for (const [sw, sh] of COMMON_SIZES) if (sw >= w && sh >= h) return { h: sw, v: sh };
  return { h: Math.ceil(w / 16) * 16, v: Math.ceil(h / 16) * 16 };
}
