/**
 * The heat video: one ffmpeg composites and encodes. The camera picture (a video file, or raw
 * frames from JS) is decoded and scaled in C; the heat arrives grid-sized (a few kB a frame)
 * and ffmpeg stretches and blends it; the label and the colorbar arrive as small RGBA strips
 * and are laid over it. JS never touches a full-size picture, which is what keeps a 1080p run
 * close to the cost of the encode alone (bench/README.md).
 *
 * Frame pairing is by position, not time: every input is retimed to `pts = N` (its frame
 * number) in the output's time base before the inputs meet, so frame i of the video always
 * meets heat frame i whatever the video's own timestamps say.
 */
import type { Interpolation } from '../../src-shared/settings/types.js';
import {
  FfmpegArgs,
  fileInput,
  h264Output,
  rawVideoInput,
  type Rational,
} from './args.js';
import { FfmpegProcess } from './spawn.js';

export type Background =
  | { kind: 'none' }
  | { kind: 'video'; path: string }
  /** Raw RGB pictures written with each frame (e.g. Console images), all of one size. */
  | { kind: 'frames'; width: number; height: number };

/** An RGBA picture laid over the output at (`x`, `y`). */
export interface StripSpec {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HeatVideoSpec {
  ffmpeg: string;
  /** Where the MP4 is written (a temporary name; the caller renames it). */
  path: string;
  width: number;
  height: number;
  rate: Rational;
  columns: number;
  rows: number;
  interpolation: Interpolation;
  background: Background;
  /** Weight of the heat over the background, 0–1. */
  transparency: number;
  label: StripSpec;
  /** The colorbar; `perFrame` when its scale changes over the run (running maximum). */
  colorbar: (StripSpec & { perFrame: boolean }) | null;
  /** x264 preset (default: x264's own default, `medium`). */
  preset?: string;
}

export interface HeatFrame {
  /** RGB of each grid cell (3 × columns × rows bytes). */
  heat: Uint8Array;
  /** RGBA of the label strip. */
  label: Uint8Array;
  /** RGBA of the colorbar strip: every frame when `perFrame`, else on the first frame only. */
  colorbar?: Uint8Array;
  /** RGB background picture when the background is `frames`. */
  picture?: Uint8Array;
}

const HEAT_PIPE = 0;
const LABEL_PIPE = 3;
const COLORBAR_PIPE = 4;
const PICTURE_PIPE = 5;

export class HeatVideoEncoder {
  private readonly process: FfmpegProcess;
  private colorbarSent = false;

  /** With `signal`, a cancel kills ffmpeg at once and a pending `write` or `finish` rejects with `CancelledError`. */
  constructor(
    private readonly spec: HeatVideoSpec,
    signal?: AbortSignal,
  ) {
    this.process = new FfmpegProcess(spec.ffmpeg, buildArgs(spec), { extraInputPipes: 3, ...(signal !== undefined ? { signal } : {}) });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get background(): Background {
    return this.spec.background;
  }

  async write(frame: HeatFrame): Promise<void> {
    const { spec } = this;
    if (spec.background.kind === 'frames') {
      if (frame.picture === undefined) throw new RangeError('heat video: a picture is required for every frame');
      await this.process.write(PICTURE_PIPE, frame.picture);
    }
    await this.process.write(HEAT_PIPE, frame.heat);
    await this.process.write(LABEL_PIPE, frame.label);
    if (spec.colorbar !== null && (spec.colorbar.perFrame || !this.colorbarSent)) {
      if (frame.colorbar === undefined) throw new RangeError('heat video: the colorbar strip is missing');
      await this.process.write(COLORBAR_PIPE, frame.colorbar);
      // overlay holds every frame until it knows whether another colorbar frame follows; a
      // static colorbar must end its stream at once or the whole graph waits for it.
      if (!spec.colorbar.perFrame) this.process.endInput(COLORBAR_PIPE);
      this.colorbarSent = true;
    }
  }

  /** Ends the streams and waits for ffmpeg to write the file. */
  async finish(): Promise<void> {
    await this.process.finish(`could not encode ${this.spec.path}`);
  }

  /** Kills ffmpeg and waits until it is gone. */
  async abort(): Promise<void> {
    await this.process.kill();
  }
}

/** The command line of a heat video; exported for the tests and the bench's record. */
export function buildArgs(spec: HeatVideoSpec): FfmpegArgs {
  const { width, height, rate } = spec;
  const args = new FfmpegArgs().logLevel('error');
  const retime = `settb=${rate.den}/${rate.num},setpts=N`;
  const flags = spec.interpolation === 'bilinear' ? 'bilinear' : 'neighbor';
  const graph: string[] = [];
  let inputs = 0;
  const nextInput = (): number => inputs++;

  let backgroundLabel: string | null = null;
  if (spec.background.kind === 'video') {
    const index = nextInput();
    args.input(fileInput(spec.background.path));
    graph.push(`[${index}:v:0]scale=${width}:${height},format=yuv420p,${retime}[background]`);
    backgroundLabel = '[background]';
  } else if (spec.background.kind === 'frames') {
    const index = nextInput();
    const { width: pictureWidth, height: pictureHeight } = spec.background;
    args.input(rawVideoInput({ pipe: PICTURE_PIPE, width: pictureWidth, height: pictureHeight, pixelFormat: 'rgb24', rate }));
    graph.push(`[${index}:v]scale=${width}:${height},format=yuv420p,${retime}[background]`);
    backgroundLabel = '[background]';
  }

  const heatIndex = nextInput();
  args.input(rawVideoInput({ pipe: HEAT_PIPE, width: spec.columns, height: spec.rows, pixelFormat: 'rgb24', rate }));
  if (backgroundLabel !== null) {
    // The heat's opacity rides in an alpha plane set on the grid-sized picture (cheap), then
    // stretched in YUV: stretching RGBA at full size costs more than the whole blend.
    graph.push(
      `[${heatIndex}:v]format=rgba,colorchannelmixer=aa=${spec.transparency},format=yuva444p,` +
        `scale=${width}:${height}:flags=${flags},format=yuva420p,${retime}[heat]`,
    );
    graph.push(`${backgroundLabel}[heat]overlay=shortest=1:format=yuv420[blended]`);
  } else {
    graph.push(`[${heatIndex}:v]scale=${width}:${height}:flags=${flags},format=yuv420p,${retime}[blended]`);
  }

  const labelIndex = nextInput();
  const { label } = spec;
  args.input(rawVideoInput({ pipe: LABEL_PIPE, width: label.width, height: label.height, pixelFormat: 'rgba', rate }));
  graph.push(`[${labelIndex}:v]${retime}[label]`);
  let last = '[labelled]';
  graph.push(`[blended][label]overlay=x=${label.x}:y=${label.y}:format=yuv420${last}`);

  if (spec.colorbar !== null) {
    const barIndex = nextInput();
    const bar = spec.colorbar;
    args.input(rawVideoInput({ pipe: COLORBAR_PIPE, width: bar.width, height: bar.height, pixelFormat: 'rgba', rate }));
    graph.push(`[${barIndex}:v]${retime}[colorbar]`);
    // A single colorbar frame is repeated to the end (overlay's eof_action defaults to repeat).
    graph.push(`${last}[colorbar]overlay=x=${bar.x}:y=${bar.y}:format=yuv420[withbar]`);
    last = '[withbar]';
  }
  args.filterComplex(graph.join(';'));
  const preset = spec.preset;
  args.output(h264Output(preset === undefined ? { map: last, path: spec.path, rate } : { map: last, path: spec.path, rate, preset }));
  return args;
}
