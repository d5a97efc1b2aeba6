/**
 * The Export dialog's other size or rate: the analysis's heat video re-encoded by ffmpeg,
 * every frame kept in order (frame i stays frame i; only how long each is shown changes), at
 * the analysis's x264 preset and CRF. Written to a temporary name and renamed when complete.
 */
import { rename, rm } from 'node:fs/promises';
import type { VideoChoice } from '../../src-shared/render/video-format.js';
import { FfmpegArgs, fileInput, h264Output, rationalFromFps } from '../ffmpeg/args.js';
import { runToEnd } from '../ffmpeg/spawn.js';
import { temporaryPathFor } from '../sinks/atomic.js';
import { CrowdheatError } from '../../src-shared/errors.js';

export interface ReencodeOptions {
  ffmpeg: string;
  /** The analysis's video. */
  from: string;
  /** Where the new video goes. */
  to: string;
  choice: VideoChoice;
  preset: string;
  crf: number;
  /** Cancels the export: ffmpeg is killed and the call rejects with CancelledError. */
  signal: AbortSignal;
}

/** Re-encodes `from` at `choice`'s size and rate into `to`; a failure is a CrowdheatError naming ffmpeg's reason. */
export async function reencodeVideo(options: ReencodeOptions): Promise<void> {
  const { width, height, fps } = options.choice;
  const rate = rationalFromFps(fps);
  const temporary = temporaryPathFor(options.to);
  const args = new FfmpegArgs()
    .logLevel('error')
    .input(fileInput(options.from))
    // Retimed by position, as the heat video itself is made: no frame is dropped or repeated.
    .filterComplex(`[0:v:0]scale=${width}:${height}:flags=bicubic,settb=${rate.den}/${rate.num},setpts=N[out]`)
    .output(h264Output({ map: '[out]', path: temporary, rate, preset: options.preset, crf: options.crf }));
  try {
    const { exit, process } = await runToEnd(options.ffmpeg, args, options.signal);
    if (exit.code !== 0) throw new CrowdheatError(`export: cannot re-encode the video at ${width}×${height}, ${fps} fps: ${process.errorLine()}`);
    await rename(temporary, options.to);
  } finally {
    await rm(temporary, { force: true });
  }
}
