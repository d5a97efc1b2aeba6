/**
 * The roles of the pipeline: source → counter → renderer → sinks. A source yields frames and
 * knows nothing of grids; a sink takes a frame and its grid and knows nothing of sources.
 */
import type { Frame } from '../../src-shared/frames.js';
import type { GridParams, Settings } from '../../src-shared/settings/types.js';
import type { RateOrigin, SizeOrigin } from '../../src-shared/render/video-format.js';
import type { Diagnostics } from './diagnostics.js';

export interface FrameSource {
  /** What the outputs are named after: the video's stem, the Console sub-directory, or `heatmap`. */
  readonly name: string;
  /** Frames the source expects to yield, when known up front (for progress). */
  readonly expectedFrames?: number;
  /** Whether frames carry pictures (video, Console images). */
  readonly hasImages: boolean;
  /** Yields frames in order. Stops early, releasing what it holds, when `signal` aborts. */
  frames(signal: AbortSignal): AsyncIterable<Frame>;
}

/** What a sink receives for every frame. */
export interface FrameResult {
  /** The frame, its detections sanitised and filtered as counted. */
  readonly frame: Frame;
  /** griddata of the window ending at this frame; a live view the next frame overwrites. */
  readonly grid: Int32Array;
  /** Position of the frame in the run, from 0. */
  readonly position: number;
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
  warnings: Record<string, number>;
  /** T strings of the frames, in order (empty when the source has none). */
  timestamps: string[];
  time_range: { first: string; last: string } | null;
  peak: { count: number; frame: number; h: number; v: number; timestamp?: string };
  wall_time_s: number;
  outputs: string[];
  /** The video written, when one was: its size and rate and where they came from (`resolveVideoFormat`). */
  video?: VideoSummary;
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
}
