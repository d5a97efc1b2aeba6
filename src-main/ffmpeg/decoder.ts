/**
 * Reading pictures of a video back into JS. The pipeline itself never does this per frame (the
 * video sink composites inside ffmpeg); it is for single pictures such as heatmap.png's
 * background.
 */
import type { RgbImage } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import { FfmpegArgs, fileInput, rawVideoOutput } from './args.js';
import { runToEnd } from './spawn.js';

/**
 * Frame `index` (from 0, in presentation order) of `path`, scaled to `width`×`height`.
 * Selecting by frame number keeps it exact for variable-frame-rate videos too, at the price of
 * decoding the frames before it.
 */
export async function readVideoFrame(
  ffmpeg: string,
  path: string,
  index: number,
  width: number,
  height: number,
  signal?: AbortSignal,
): Promise<RgbImage> {
  const args = new FfmpegArgs()
    .logLevel('error')
    .input(fileInput(path))
    .filterComplex(`[0:v:0]select=eq(n\\,${index}),scale=${width}:${height}[picture]`)
    .output(rawVideoOutput('[picture]', 'rgb24', 1));
  const { exit, stdout, process } = await runToEnd(ffmpeg, args, signal);
  const size = width * height * 3;
  if (exit.code !== 0 || stdout.length !== size) {
    const why = exit.code !== 0 ? process.errorLine() : `frame ${index} is past its end`;
    throw new InputError(`video_file ${path}: cannot read frame ${index}: ${why}`);
  }
  return { width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, size) };
}
