/**
 * Frames and detections as the whole pipeline sees them.
 *
 * Detections live in typed arrays (one `Float64Array` of 4n box coordinates, n scores, n class
 * ids) because the counter and the sinks touch them once per frame for every frame of a run;
 * arrays of small objects would cost an allocation per box.
 */

/** Detections of one frame, in metadata-space pixels. Box `i` is `boxes[4i .. 4i+3]`. */
export interface Detections {
  readonly count: number;
  /** left, top, right, bottom for each detection. */
  readonly boxes: Float64Array;
  readonly scores: Float64Array;
  readonly classIds: Int32Array;
  /** Track id of each detection where the source has one (MOT `id` column, trackers); -1 where not. */
  readonly trackIds: Int32Array;
}

/** A decoded picture: tightly packed RGB, 3 bytes a pixel, row after row. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** One moment of one camera. */
export interface Frame {
  /** Position of the frame in its source, from 0. */
  readonly index: number;
  /** AITRIOS `T` string (`yyyyMMddHHmmssfff`, UTC) when the source knows it. */
  readonly timestamp?: string;
  readonly detections: Detections;
  /** The camera picture, for sources that have one (video, Console images). */
  readonly image?: RgbImage;
}

export const EMPTY_DETECTIONS: Detections = Object.freeze({
  count: 0,
  boxes: new Float64Array(0),
  scores: new Float64Array(0),
  classIds: new Int32Array(0),
  trackIds: new Int32Array(0),
});

/**
 * Collects detections one at a time and hands them out as a `Detections` of exact length.
 *
 * ```ts
 * const b = new DetectionsBuilder();
 * b.add(120, 576, 412, 1048, 0.99, 0);
 * const d = b.finish(); // d.count === 1
 * ```
 */
export class DetectionsBuilder {
  private boxes = new Float64Array(64);
  private scores = new Float64Array(16);
  private classIds = new Int32Array(16);
  private trackIds = new Int32Array(16);
  private n = 0;

  get count(): number {
    return this.n;
  }

  /** Adds one detection; `trackId` is -1 when the source has no track ids. */
  add(left: number, top: number, right: number, bottom: number, score: number, classId: number, trackId = -1): void {
    if (this.n === this.scores.length) this.grow();
    const o = this.n * 4;
    this.boxes[o] = left;
    this.boxes[o + 1] = top;
    this.boxes[o + 2] = right;
    this.boxes[o + 3] = bottom;
    this.scores[this.n] = score;
    this.classIds[this.n] = classId;
    this.trackIds[this.n] = trackId;
    this.n += 1;
  }

  /** Returns the collected detections and empties the builder for the next frame. */
  finish(): Detections {
    if (this.n === 0) return EMPTY_DETECTIONS;
    const result: Detections = {
      count: this.n,
      boxes: this.boxes.slice(0, this.n * 4),
      scores: this.scores.slice(0, this.n),
      classIds: this.classIds.slice(0, this.n),
      trackIds: this.trackIds.slice(0, this.n),
    };
    this.n = 0;
    return result;
  }

  private grow(): void {
    const capacity = this.scores.length * 2;
    const boxes = new Float64Array(capacity * 4);
    boxes.set(this.boxes);
    const scores = new Float64Array(capacity);
    scores.set(this.scores);
    const classIds = new Int32Array(capacity);
    classIds.set(this.classIds);
    const trackIds = new Int32Array(capacity);
    trackIds.set(this.trackIds);
    this.boxes = boxes;
    this.scores = scores;
    this.classIds = classIds;
    this.trackIds = trackIds;
  }
}

/** What `prepareDetections` did to a frame's detections, for the run's warnings. */
export interface PrepareStats {
  /** Detections dropped because a coordinate or the score was NaN or infinite. */
  nonFinite: number;
  /** Detections dropped by `class_ids` or `min_score`. */
  filtered: number;
  /** Detections dropped because their box has no pixel inside the image (exact counting only). */
  outsideImage: number;
}

export interface PrepareOptions {
  imageWidth: number;
  imageHeight: number;
  /**
   * Exact counting: swap inverted edges and drop boxes with no pixel inside the image. Boxes are
   * never clipped: points and cells come from the box as the detector gave it, and the
   * footprint alone is clipped to the grid. Legacy counting (`false`) keeps boxes raw.
   */
  sanitize: boolean;
  /** Keep only these class ids; `null` keeps all. */
  classIds: readonly number[] | null;
  minScore: number;
}

/**
 * Applies SPEC §1 to one frame's detections: drops non-finite boxes, then (when `sanitize`)
 * swaps inverted edges and drops boxes with no pixel inside the image (`right ≤ 0`,
 * `left ≥ imageWidth`, `bottom ≤ 0` or `top ≥ imageHeight`), then applies the class and score
 * filters. Counts what it drops in `stats`. Returns the input itself when nothing changes, so
 * the common case allocates nothing.
 */
export function prepareDetections(
  detections: Detections,
  options: PrepareOptions,
  stats: PrepareStats,
): Detections {
  const { boxes, scores, classIds, count } = detections;
  const classFilter = options.classIds;
  let keep: Uint8Array | null = null;
  let kept = count;
  let changed = false;
  for (let i = 0; i < count; i++) {
    const o = i * 4;
    let reason: 'nonFinite' | 'filtered' | 'outsideImage' | null = null;
    if (
      !Number.isFinite(boxes[o]) ||
      !Number.isFinite(boxes[o + 1]) ||
      !Number.isFinite(boxes[o + 2]) ||
      !Number.isFinite(boxes[o + 3]) ||
      !Number.isFinite(scores[i])
    ) {
      reason = 'nonFinite';
    } else if (options.sanitize && isOutsideImage(boxes, o, options)) {
      reason = 'outsideImage';
    } else if (scores[i] < options.minScore || (classFilter !== null && !classFilter.includes(classIds[i]))) {
      reason = 'filtered';
    }
    if (reason !== null) {
      stats[reason] += 1;
      keep ??= new Uint8Array(count).fill(1);
      keep[i] = 0;
      kept -= 1;
      changed = true;
    } else if (options.sanitize && !changed && (boxes[o + 2] < boxes[o] || boxes[o + 3] < boxes[o + 1])) {
      changed = true;
    }
  }
  if (!changed) return detections;

  const builder = new DetectionsBuilder();
  for (let i = 0; i < count; i++) {
    if (keep !== null && keep[i] === 0) continue;
    const o = i * 4;
    let left = boxes[o];
    let top = boxes[o + 1];
    let right = boxes[o + 2];
    let bottom = boxes[o + 3];
    if (options.sanitize) {
      if (right < left) [left, right] = [right, left];
      if (bottom < top) [top, bottom] = [bottom, top];
    }
    builder.add(left, top, right, bottom, scores[i], classIds[i], detections.trackIds[i]);
  }
  return kept === 0 ? EMPTY_DETECTIONS : builder.finish();
}

/** Whether box `o` (edges in either order) has no pixel inside the image. */
function isOutsideImage(boxes: Float64Array, o: number, options: PrepareOptions): boolean {
  const left = Math.min(boxes[o], boxes[o + 2]);
  const right = Math.max(boxes[o], boxes[o + 2]);
  const top = Math.min(boxes[o + 1], boxes[o + 3]);
  const bottom = Math.max(boxes[o + 1], boxes[o + 3]);
  return right <= 0 || left >= options.imageWidth || bottom <= 0 || top >= options.imageHeight;
}

/** AITRIOS timestamps: `yyyyMMddHHmmssfff`, 17 digits, UTC. */
export const TIMESTAMP_PATTERN = /^\d{17}$/;

export function isTimestamp(text: string): boolean {
  return TIMESTAMP_PATTERN.test(text) && !Number.isNaN(parseTimestamp(text));
}

/**
 * Milliseconds since the Unix epoch of a `T` string, or NaN when it is not a valid date.
 *
 * ```ts
 * parseTimestamp('20230412140023098') // Date.UTC(2023, 3, 12, 14, 0, 23, 98)
 * ```
 */
export function parseTimestamp(text: string): number {
  if (!TIMESTAMP_PATTERN.test(text)) return Number.NaN;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  const hour = Number(text.slice(8, 10));
  const minute = Number(text.slice(10, 12));
  const second = Number(text.slice(12, 14));
  const millisecond = Number(text.slice(14, 17));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const check = new Date(ms);
  // Date.UTC rolls 31 February over into March; a T string must name a real moment.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return Number.NaN;
  }
  return ms;
}

/** The `T` string of a moment (milliseconds since the epoch, UTC). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    pad(d.getUTCMilliseconds(), 3)
  );
}
