/**
 * The heat video: one ffmpeg composites and encodes. The camera picture (a video file, or raw
 * frames from JS) is decoded and scaled in C; the heat arrives grid-sized (a few kB a frame)
 * and ffmpeg stretches and blends it; the label (gray and alpha) and the colorbar (RGBA) arrive
 * as small strips and are laid over it. JS never touches a full-size picture, which is what keeps a 1080p run
 * close to the cost of the encode alone (bench/README.md).
 *
 * Frame pairing is by position, not time: every input is retimed to `pts = N` (its frame
 * number) in the output's time base before the inputs meet, so frame i of the video always
 * meets heat frame i whatever the video's own timestamps say.
 *
 * With `previews`, the same ffmpeg also writes every `step`-th frame's camera picture (before the heat) as
 * a small JPEG: the app's timeline then needs no second decode of the video after the run.
 */
import type { Interpolation } from '../../src-shared/settings/types.js';
import {
  FfmpegArgs,
  fileInput,
  h264Output,
  jpegSequenceOutput,
  rawVideoInput,
  type Rational,
} from './args.js';
import { ProcessError } from '../../src-shared/errors.js';
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

/** Each frame's picture as a JPEG beside the video (the app's previews, sinks/preview.ts). */
export interface PreviewPictures {
  /** The video the pictures come from; decoded once when it is also the background. */
  video: string;
  /** image2 pattern of the files: `%d` counts the pictures written (picture k is position k × step). */
  pattern: string;
  /** Keep the picture of every `step`-th position (0, step, 2·step, …); 1 keeps all (sinks/preview.ts's videoPictureStep). */
  step: number;
  /** Largest width; a narrower video keeps its size, and the height keeps the video's aspect. */
  width: number;
}

export interface HeatVideoSpec {
  ffmpeg: string;
  /** Where the MP4 is written (a temporary name; the caller renames it). */
  path: string;
  /** The name messages give the video (its final path); default `path`. */
  displayPath?: string;
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
  /** x264 CRF 0–51 (default: x264's own, 23). */
  crf?: number;
  previews?: PreviewPictures;
}

export interface HeatFrame {
  /**
   * RGBA of each grid cell (4 × columns × rows bytes, `heatColorsRgba`). Over a background the
   * alpha scales the heat's weight (0: the picture shows untouched); without one it is ignored.
   */
  heat: Uint8Array;
  /**
   * The label strip as gray and alpha (`ya8`: 2 bytes a pixel, `grayAlpha` in
   * sinks/overlay-strips.ts): the label is black and white, and half the bytes of RGBA give
   * the same picture (see `grayAlpha`).
   */
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
  private framesSent = 0;

  /** With `signal`, a cancel kills ffmpeg at once and a pending `write` or `finish` rejects with `CancelledError`. */
  constructor(
    private readonly spec: HeatVideoSpec,
    signal?: AbortSignal,
  ) {
    // ffmpeg's progress on stdout says how many frames it encoded: finish() checks it, and its
    // regular blocks are the signs of life the stall watchdog looks for.
    this.process = new FfmpegProcess(spec.ffmpeg, buildArgs(spec).progressTo('pipe:1'), {
      extraInputPipes: 3,
      progressOnStdout: true,
      task: `encoding ${spec.displayPath ?? spec.path}`,
      ...(signal !== undefined ? { signal } : {}),
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get background(): Background {
    return this.spec.background;
  }

  get previews(): PreviewPictures | undefined {
    return this.spec.previews;
  }

  async write(frame: HeatFrame): Promise<void> {
    const { spec } = this;
    if (spec.background.kind === 'frames') {
      if (frame.picture === undefined) throw new RangeError('heat video: a picture is required for every frame');
      await this.process.write(PICTURE_PIPE, frame.picture);
    }
    const { label } = spec;
    // A strip of another size would shift every later frame of the label stream.
    if (frame.label.length !== label.width * label.height * 2) {
      throw new RangeError(`heat video: ${frame.label.length} bytes of label for a ${label.width}×${label.height} gray-and-alpha strip`);
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
    this.framesSent += 1;
  }

  /**
   * Ends the streams and waits for ffmpeg to write the file, then checks that the video holds
   * every frame sent: a ProcessError when ffmpeg's own final count differs (frames dropped or
   * duplicated), so a short video is never kept as if complete.
   */
  async finish(): Promise<void> {
    const shown = this.spec.displayPath ?? this.spec.path;
    await this.process.finish('could not finish the video');
    const encoded = this.process.progressComplete ? this.process.progressFrame : null;
    if (encoded !== this.framesSent) {
      const found = encoded === null ? 'no final frame count' : `${encoded} frame(s)`;
      throw new ProcessError(
        `ffmpeg encoded ${found} for the ${this.framesSent} frame(s) sent into ${shown}; the video is not kept`,
      );
    }
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

  const previews = spec.previews;
  let previewSource: string | null = null;
  let backgroundLabel: string | null = null;
  if (spec.background.kind === 'video') {
    const index = nextInput();
    args.input(fileInput(spec.background.path));
    let picture = `[${index}:v:0]`;
    if (previews?.video === spec.background.path) {
      graph.push(`${picture}split=2[picture][previewsource]`);
      picture = '[picture]';
      previewSource = '[previewsource]';
    }
    graph.push(`${picture}scale=${width}:${height},format=yuv420p,${retime}[background]`);
    backgroundLabel = '[background]';
  } else if (spec.background.kind === 'frames') {
    const index = nextInput();
    const { width: pictureWidth, height: pictureHeight } = spec.background;
    args.input(rawVideoInput({ pipe: PICTURE_PIPE, width: pictureWidth, height: pictureHeight, pixelFormat: 'rgb24', rate }));
    graph.push(`[${index}:v]scale=${width}:${height},format=yuv420p,${retime}[background]`);
    backgroundLabel = '[background]';
  }

  if (previews !== undefined && previewSource === null) {
    // No picture under the heat (overlay off): the video is read for the previews alone.
    const index = nextInput();
    args.input(fileInput(previews.video));
    previewSource = `[${index}:v:0]`;
  }

  const heatIndex = nextInput();
  args.input(rawVideoInput({ pipe: HEAT_PIPE, width: spec.columns, height: spec.rows, pixelFormat: 'rgba', rate }));
  let heatGrid = `[${heatIndex}:v]`;
  if (previewSource !== null) {
    graph.push(`${heatGrid}split=2[heatgrid][heatclock]`);
    heatGrid = '[heatgrid]';
  }
  if (backgroundLabel !== null) {
    // The heat's opacity rides in an alpha plane on the grid-sized picture (cheap: each cell's
    // own alpha, 0 for a clear empty cell, times the transparency), then stretched in YUV:
    // stretching RGBA at full size costs more than the whole blend.
    graph.push(
      `${heatGrid}colorchannelmixer=aa=${spec.transparency},format=yuva444p,` +
        `scale=${width}:${height}:flags=${flags},format=yuva420p,${retime}[heat]`,
    );
    graph.push(`${backgroundLabel}[heat]overlay=shortest=1:format=yuv420[blended]`);
  } else {
    graph.push(`${heatGrid}scale=${width}:${height}:flags=${flags},format=yuv420p,${retime}[blended]`);
  }

  const labelIndex = nextInput();
  const { label } = spec;
  args.input(rawVideoInput({ pipe: LABEL_PIPE, width: label.width, height: label.height, pixelFormat: 'ya8', rate }));
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

  if (previews !== undefined && previewSource !== null) {
    // The heat's frames pace the pictures: streamselect passes a picture only beside a heat
    // frame of the same position, so there is exactly one preview per frame of the run (none
    // for the rest of a video longer than its metadata) and the picture branch never runs
    // ahead of the heat. The scale comes last so it converts straight to the JPEG encoder's
    // yuvj420p, bicubic like a plain `-vf` (a filter graph's own default is bilinear): the
    // pictures are byte for byte those of a separate `ffmpeg -i video -vf scale=… %d.jpg`.
    graph.push(`[heatclock]${retime}[clock]`);
    graph.push(`${previewSource}${retime}[previewpicture]`);
    // Sampled by position after the pairing: picture k is the frame of position k × step.
    const sample = previews.step > 1 ? `select='not(mod(n\\,${previews.step}))',` : '';
    graph.push(`[previewpicture][clock]streamselect=inputs=2:map=0,${sample}scale='min(${previews.width},iw)':-2:flags=bicubic[preview]`);
  }
  // One filter thread: the graph's filters (a stretch and three small overlays a frame) cost
  // little beside x264, whose own frame threads already keep every core busy; split into slices
  // on two cores as well (ffmpeg's default), the same work took 0.2–1.6 CPU s more for 600 frames
  // of 1080p, for the same bytes (bench/README.md, "Fewer passes, one filter thread, …").
  args.filterThreads(1).filterComplex(graph.join(';'));
  const { preset, crf } = spec;
  args.output(
    h264Output({ map: last, path: spec.path, rate, ...(preset === undefined ? {} : { preset }), ...(crf === undefined ? {} : { crf }) }),
  );
  if (previews !== undefined) args.output(jpegSequenceOutput({ map: '[preview]', pattern: previews.pattern }));
  return args;
}
