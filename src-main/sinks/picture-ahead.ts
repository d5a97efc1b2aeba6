/**
 * A camera picture decoded before the sink that draws it needs it. heatmap.png (the last frame)
 * and the period picture (frame 0) are painted as the run finishes; decoding their pictures
 * then (a seek and up to a keyframe interval of frames, ~0.3 s of ffmpeg for 1080p) kept the
 * run waiting on one core after the video was done. Started early, the decode runs beside the
 * first frames, while the compositing ffmpeg is still starting and a core is free
 * (bench/README.md, "The run's tail").
 */
import type { RgbImage } from '../../src-shared/frames.js';
import { resolveVideoFormat } from '../../src-shared/render/video-format.js';
import { readVideoFrame } from '../ffmpeg/decoder.js';
import type { RunContext } from '../pipeline/types.js';
import { isVideoSource } from '../sources/video.js';
import { outputSize, sourceFormatOf } from './video.js';

/**
 * The largest picture decoded ahead, in pixels (4K UHD: 25 MB as RGB). A run holds each one
 * from its start to its finish; a larger output (up to 8192×8192, 200 MB a picture) decodes
 * its pictures at the finish as before, rather than hold them through the run.
 */
export const AHEAD_MAX_PIXELS = 3840 * 2160;

interface Ahead {
  position: number;
  /** The picture, or null when the decode failed (the failure is met again by the exact decode). */
  picture: Promise<RgbImage | null>;
  stop: AbortController;
}

export class PictureAhead {
  private ahead: Ahead | null = null;

  /**
   * @param ffmpeg the ffmpeg binary.
   * @param video the video file the pictures come from.
   * @param width output width in pixels, as `readVideoFrame` scales to.
   * @param height output height in pixels.
   * @param signal the run's signal: a cancel kills a decode in flight.
   */
  constructor(
    private readonly ffmpeg: string,
    private readonly video: string,
    private readonly width: number,
    private readonly height: number,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * Starts decoding the picture at `position` (a frame index of the video) now. Only the first
   * call does anything, and nothing for a picture larger than AHEAD_MAX_PIXELS. A failure here is
   * silent: `picture` decodes again and reports it.
   */
  start(position: number): void {
    if (this.ahead !== null || this.width * this.height > AHEAD_MAX_PIXELS) return;
    const stop = new AbortController();
    const signal = AbortSignal.any([this.signal, stop.signal]);
    const picture = readVideoFrame(this.ffmpeg, this.video, position, this.width, this.height, signal).catch(() => null);
    this.ahead = { position, picture, stop };
  }

  /**
   * The picture at `position`: the one decoded ahead when it was started for this position and
   * succeeded, else decoded now (an InputError names the video and the frame, as
   * `readVideoFrame` says). Waits for a decode in flight either way, so no ffmpeg outlives it.
   */
  async picture(position: number): Promise<RgbImage> {
    const early = this.ahead === null ? null : await this.ahead.picture;
    if (early !== null && this.ahead?.position === position) return early;
    return readVideoFrame(this.ffmpeg, this.video, position, this.width, this.height, this.signal);
  }

  /** Stops a decode in flight and waits until its ffmpeg is gone (a failed or cancelled run). */
  async stop(): Promise<void> {
    if (this.ahead === null) return;
    this.ahead.stop.abort();
    await this.ahead.picture;
  }
}

/**
 * A PictureAhead of the run's video at the output size, for a sink that paints the camera picture
 * under its heat; null when the run has no video or `overlay` is off (nothing to decode).
 */
export function videoPictureAhead(context: RunContext): PictureAhead | null {
  const { settings, source, signal } = context;
  const output = settings.output_settings;
  if (!output.overlay || !isVideoSource(source)) return null;
  const size = outputSize(resolveVideoFormat(output, sourceFormatOf(source, settings, undefined)));
  return new PictureAhead(source.ffmpeg, source.video.path, size.width, size.height, signal);
}
