/**
 * The output video's size and frame rate: as written in the settings, else the source's, so an
 * export matches what it was made from. A value of 0 in `output_video_width`,
 * `output_video_height` or `output_video_fps` means "the source's".
 *
 * ```ts
 * resolveVideoFormat({ output_video_width: 0, output_video_height: 0, output_video_fps: 0 },
 *   { picture: { width: 1280, height: 720 }, videoFps: 10, imageSize: { width: 1920, height: 1080 } });
 * // { width: 1280, height: 720, fps: 10, sizeFrom: 'video', rateFrom: 'video' }
 * resolveVideoFormat({ output_video_width: 0, output_video_height: 0, output_video_fps: 0 },
 *   { imageSize: { width: 1920, height: 1080 }, timesMs: [0, 100, 200] });
 * // { width: 1280, height: 720, fps: 10, sizeFrom: 'metadata', rateFrom: 'timestamps' }
 * ```
 */
import type { OutputSettings } from '../settings/types.js';
import { MAX_OUTPUT_FPS, MAX_OUTPUT_SIDE, MIN_OUTPUT_FPS } from '../settings/fields.js';

export interface PixelSize {
  width: number;
  height: number;
}

/** What is known of the source when the video starts. */
export interface SourceFormat {
  /** Size of the source's pictures (the video stream, or the first Console image); absent for metadata only. */
  picture?: PixelSize;
  /** The video's own frame rate (frames a second), for a video source. */
  videoFps?: number;
  /**
   * The data's declared rate (`local_data_settings.metadata_fps`) when the settings have one.
   * Seam for the periods work: pass it here once that setting exists.
   */
  metadataFps?: number;
  /** Times (ms since the epoch) of the first frames that carry a T timestamp, in frame order. */
  timesMs?: readonly number[];
  /** The metadata's pixel space (`image_size_h` × `image_size_v`). */
  imageSize: PixelSize;
}

export type SizeOrigin = 'settings' | 'video' | 'pictures' | 'metadata';
export type RateOrigin = 'settings' | 'video' | 'metadata_fps' | 'timestamps' | 'default';

export interface VideoFormat {
  /** Pixels; even when taken from the source, as written when set (the video sink rounds odd sizes up). */
  width: number;
  height: number;
  /** Frames a second. */
  fps: number;
  sizeFrom: SizeOrigin;
  rateFrom: RateOrigin;
}

/** The longest side of a metadata-only video (no picture to match): at most this … */
export const METADATA_VIDEO_LONGEST_SIDE = 1280;
/** … and at least this, so a 300×300 model space still gives a watchable video. */
export const METADATA_VIDEO_SHORTEST_LONG_SIDE = 640;
/** The rate when neither the settings nor the source give one (the sample's default). */
export const DEFAULT_VIDEO_FPS = 2;

type VideoSettings = Pick<OutputSettings, 'output_video_width' | 'output_video_height' | 'output_video_fps'>;

/** The video's size and rate from the settings, filling each 0 from `source` (see the module's comment). */
export function resolveVideoFormat(settings: VideoSettings, source: SourceFormat): VideoFormat {
  const { width, height, sizeFrom } = resolveSize(settings, source);
  const { fps, rateFrom } = resolveRate(settings.output_video_fps, source);
  return { width, height, fps, sizeFrom, rateFrom };
}

function resolveSize(settings: VideoSettings, source: SourceFormat): PixelSize & { sizeFrom: SizeOrigin } {
  const { output_video_width: width, output_video_height: height } = settings;
  // Only 0 means the source's: any other value is the settings' (and checked as such downstream).
  if (width !== 0 && height !== 0) return { width, height, sizeFrom: 'settings' };
  const shape = source.picture ?? source.imageSize;
  // One side written: the other keeps the source's aspect.
  if (width !== 0) return { width, height: evenSide((width * shape.height) / shape.width), sizeFrom: 'settings' };
  if (height !== 0) return { width: evenSide((height * shape.width) / shape.height), height, sizeFrom: 'settings' };
  if (source.picture !== undefined) {
    const fitted = fitLongestSide(source.picture, Math.min(MAX_OUTPUT_SIDE, Math.max(source.picture.width, source.picture.height)));
    return { ...fitted, sizeFrom: source.videoFps !== undefined ? 'video' : 'pictures' };
  }
  const longest = Math.max(source.imageSize.width, source.imageSize.height);
  const target = Math.min(METADATA_VIDEO_LONGEST_SIDE, Math.max(METADATA_VIDEO_SHORTEST_LONG_SIDE, longest));
  return { ...fitLongestSide(source.imageSize, target), sizeFrom: 'metadata' };
}

/** `size` scaled so its longest side is `longest`, each side even (H.264 in yuv420p needs even sizes). */
function fitLongestSide(size: PixelSize, longest: number): PixelSize {
  const factor = longest / Math.max(size.width, size.height);
  return { width: evenSide(size.width * factor), height: evenSide(size.height * factor) };
}

/** The nearest even number of pixels, at least 2 and at most the largest side. */
function evenSide(pixels: number): number {
  return Math.min(MAX_OUTPUT_SIDE, Math.max(2, 2 * Math.round(pixels / 2)));
}

function resolveRate(written: number, source: SourceFormat): { fps: number; rateFrom: RateOrigin } {
  if (written !== 0) return { fps: written, rateFrom: 'settings' };
  if (source.videoFps !== undefined && source.videoFps > 0) return { fps: clampFps(source.videoFps), rateFrom: 'video' };
  if (source.metadataFps !== undefined && source.metadataFps > 0) return { fps: clampFps(source.metadataFps), rateFrom: 'metadata_fps' };
  const fromTimes = rateOfTimes(source.timesMs ?? []);
  if (fromTimes !== null) return { fps: fromTimes, rateFrom: 'timestamps' };
  return { fps: DEFAULT_VIDEO_FPS, rateFrom: 'default' };
}

/**
 * The data's own rate: one frame per median interval between consecutive times, to 3 decimals
 * and within the allowed range; null with fewer than two times or no positive interval. The
 * median ignores the odd gap (a camera that paused) that a mean would follow.
 */
export function rateOfTimes(timesMs: readonly number[]): number | null {
  const intervals: number[] = [];
  for (let i = 1; i < timesMs.length; i++) {
    const interval = timesMs[i] - timesMs[i - 1];
    if (interval > 0 && Number.isFinite(interval)) intervals.push(interval);
  }
  if (intervals.length === 0) return null;
  intervals.sort((a, b) => a - b);
  const middle = intervals.length >> 1;
  const median = intervals.length % 2 === 1 ? intervals[middle] : (intervals[middle - 1] + intervals[middle]) / 2;
  return clampFps(Math.round((1000 / median) * 1000) / 1000);
}

function clampFps(fps: number): number {
  return Math.min(MAX_OUTPUT_FPS, Math.max(MIN_OUTPUT_FPS, fps));
}

/** A video size and rate chosen in the Export dialog. */
export interface VideoChoice {
  width: number;
  height: number;
  fps: number;
}

/**
 * Why a chosen size and rate cannot be encoded, in one line, or null when they can: sides are
 * even integers from 2 to 8192 (H.264 in yuv420p), the rate within 0.1–240 fps.
 */
export function videoChoiceProblem(choice: VideoChoice): string | null {
  for (const side of ['width', 'height'] as const) {
    const value = choice[side];
    if (!Number.isInteger(value) || value < 2 || value > MAX_OUTPUT_SIDE || value % 2 !== 0) {
      return `video ${side} must be an even whole number of pixels from 2 to ${MAX_OUTPUT_SIDE}, got ${String(value)}`;
    }
  }
  if (!(Number.isFinite(choice.fps) && choice.fps >= MIN_OUTPUT_FPS && choice.fps <= MAX_OUTPUT_FPS)) {
    return `video frame rate must be a number from ${MIN_OUTPUT_FPS} to ${MAX_OUTPUT_FPS}, got ${String(choice.fps)}`;
  }
  return null;
}
