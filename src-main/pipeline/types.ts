/**
 * The roles of the pipeline: source → counter → renderer → sinks. A source yields frames and
 * knows nothing of grids; a sink takes a frame and its grid and knows nothing of sources.
 */
import type { Frame } from '../../src-shared/frames.js';
import type { GridParams, Settings } from '../../src-shared/settings/types.js';
import type { RateOrigin, SizeOrigin } from '../../src-shared/render/video-format.js';
import type { Diagnostics } from './diagnostics.js';
import type { ImageExtent } from '../../src-shared/counting/extent.js';
import type { CoordinateSpaceFinding } from '../../src-shared/counting/coordinate-space.js';
import type { ZonesSummary } from '../../src-shared/zones/output.js';

export interface FrameSource {
  /** What the outputs are named after: the video's stem, the Console sub-directory, or `heatmap`. */
  readonly name: string;
  /** Frames the source expects to yield, when known up front (for progress). */
  readonly expectedFrames?: number;
  /**
   * Before the first frame: the share (0–1) of the source's preparation done (a metadata file's
   * frame-number pass, src-main/sources/read-meter.ts); undefined once it is over.
   */
  readonly preparing?: () => number | undefined;
  /** Whether frames carry pictures (video, Console images). */
  readonly hasImages: boolean;
  /** Yields frames in order. Stops early, releasing what it holds, when `signal` aborts. */
  frames(signal: AbortSignal): AsyncIterable<Frame>;
  /** A Console source with a cache: how much of the run came from it (summary.json's `console_cache`). */
  cacheSummary?(): ConsoleCacheSummary | undefined;
}

/**
 * summary.json's `console_cache` block: the cache file, and the distinct inferences and images of
 * the run's range that were read from the cache and fetched from the Console.
 */
export interface ConsoleCacheSummary {
  file: string;
  inferences_from_cache: number;
  inferences_fetched: number;
  images_from_cache: number;
  images_fetched: number;
}

/** What a sink receives for every frame. */
export interface FrameResult {
  /** The frame, its detections sanitised and filtered as counted. */
  readonly frame: Frame;
  /** griddata of the window ending at this frame; a live view the next frame overwrites. */
  readonly grid: Int32Array;
  /** Position of the frame in the run, from 0. */
  readonly position: number;
  /** The frame as the source gave it, before sanitising and filters (the store keeps this). */
  readonly raw?: Frame;
}

export interface RunContext {
  readonly settings: Settings;
  readonly params: GridParams;
  /** Absolute output directory (exists when sinks are opened). */
  readonly outputDir: string;
  readonly source: FrameSource;
  readonly diagnostics: Diagnostics;
  /** Aborts when the run is cancelled: a sink stops its child processes and rejects. */
  readonly signal: AbortSignal;
  /** The app's preview folder (sinks/preview.ts), when the run writes previews. */
  readonly previewDir?: string;
  /** Filled by the store sink as it finishes, for the sinks that finish after it (zones). */
  readonly timing: { current: RunTiming | null };
}

/** The run's time base and buckets (SPEC §8), as the store sink found them. */
export interface RunTiming {
  /** Each frame's time in ms since the epoch, in run order; null without a time base. */
  timesMs: Float64Array | null;
  /** The duration of a frame that has no interval to measure (ms): 1000 / fps, or 1000. */
  fallbackMs: number;
  /** Bucket boundaries in ms (every bucket's start, then the last one's end); null without buckets. */
  bucketBoundariesMs: number[] | null;
  /** Minutes to add to UTC for the local time of `output_settings.timezone` at a moment. */
  utcOffsetMinutes: (ms: number) => number;
}

export interface Sink {
  /** Called once per frame, in order. */
  write(result: FrameResult): Promise<void> | void;
  /** Called once after the last frame; the sink moves its files into place here. */
  finish(summary: RunSummary): Promise<void>;
  /** Called instead of `finish` on failure or cancel: removes temporary files, stops processes. */
  abort(): Promise<void>;
  /** Paths (relative to the output directory) this sink produced, for the summary. */
  outputs?(): string[];
}

export type SinkFactory = (context: RunContext) => Promise<Sink | null> | Sink | null;

export interface RunSummary {
  parameters: GridParams;
  source: { mode: string; name: string; meta_file?: string; video_file?: string; device_id?: string };
  frames: number;
  detections: number;
  skipped_records: number;
  /** Detections left out because their box has no pixel inside the image (exact counting). */
  outside_image?: number;
  /** The detections' extent against image_size, and whether it contradicts it (see counting/extent.ts). */
  image_extent?: ImageExtent;
  /** What in the run disagrees with image_size (the extent, the picture's shape) and the size that fits. */
  coordinate_space?: CoordinateSpaceFinding;
  warnings: Record<string, number>;
  /** T strings of the frames, in order (empty when the source has none). */
  timestamps: string[];
  time_range: { first: string; last: string } | null;
  peak: { count: number; frame: number; h: number; v: number; timestamp?: string };
  wall_time_s: number;
  outputs: string[];
  /** Time base, span and gaps of the frames (SPEC §8); set by the store sink. */
  time_base?: {
    kind: 'T' | 'metadata_fps' | 'video_fps' | 'none';
    /** How the times read (timeClockOf): `wall` real moments, `elapsed` time since frame 0 (a rate without a start), `none`. */
    clock: 'wall' | 'elapsed' | 'none';
    fps: number;
    unit: 'person-seconds' | 'person-frames';
    first: string | null;
    last: string | null;
    median_interval_ms: number;
    covered_s: number;
    gaps: { count: number; total_s: number; listed: Array<{ after_frame: number; from: string; to: string; seconds: number }> };
  };
  /** The period outputs' bucket setting, time zone and number of buckets. */
  period?: { period: string; timezone: string; buckets: number };
  /** The frame with the most detections (earliest on ties). */
  busiest_moment?: { frame: number; t: string | null; time: string | null; count: number } | null;
  /** The cell with the highest whole-period value (smallest v, then h, on ties). */
  busiest_place?: { h: number; v: number; value: number; unit: string } | null;
  /** The video written, when one was: its size and rate and where they came from (`resolveVideoFormat`). */
  video?: VideoSummary;
  /** Zone figures for the whole run (sinks/zones.ts), when the settings define zones. */
  zones?: ZonesSummary;
  /** People over time (sinks/people.ts): the slots of people.csv, the busiest frame, gaps in the data. */
  people?: PeopleSummary;
  /** A Console run with the cache: how much came from it (README "The Console cache"). */
  console_cache?: ConsoleCacheSummary;
}

/** summary.json's `people` block. */
export interface PeopleSummary {
  file: string;
  /** Length of a people.csv slot, in `slot_unit`. */
  slot: number;
  slot_unit: 'ms' | 'frames';
  /** The frame with the most detections (earliest on ties). */
  busiest?: { frame: number; people: number; timestamp?: string };
  /** Stretches between frames longer than a frame's capped duration (SPEC §8). */
  gaps: { count: number; total_s: number; listed: Array<{ from_T: string; to_T: string; seconds: number }> };
}

export interface VideoSummary {
  /** Relative to the output folder. */
  file: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  duration_s: number;
  size_from: SizeOrigin;
  rate_from: RateOrigin;
  preset: string;
  crf: number;
}

/** Progress of a run, as the CLI's bar and the app's progress events show it. */
export interface Progress {
  frames: number;
  expectedFrames?: number;
  /** Frames per second over the run so far. */
  rate: number;
  /** Before the first frame (`frames` 0): the share (0–1) of the source's preparation done, e.g. a CSV's first pass. */
  preparing?: number;
}
