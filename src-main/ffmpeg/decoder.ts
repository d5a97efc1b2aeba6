/**
 * Reading pictures of a video back into JS. The pipeline itself never does this per frame (the
 * video sink composites inside ffmpeg); it is for single pictures such as heatmap.png's
 * background.
 */
import type { RgbImage } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import { FfmpegArgs, fileInput, rawVideoOutput, seekedFileInput, type Rational } from './args.js';
import { runToEnd } from './spawn.js';

/**
 * Frame `index` (from 0, in presentation order) of `path`, scaled to `width`×`height`.
 *
 * With `fps` (the stream's constant rate) ffmpeg seeks to half a frame before the frame's time
 * and decodes only from the keyframe before it; the first frame at or after that time is frame
 * `index`. Without it, frames are counted from the start: exact for variable-rate videos too,
 * at the price of decoding everything before the frame.
 */
export async function readVideoFrame(
  ffmpeg: string,
  path: string,
  index: number,
  width: number,
  height: number,
  signal?: AbortSignal,
  fps?: Rational,
): Promise<RgbImage> {
  const seekSeconds = fps !== undefined && index > 0 ? ((index - 0.5) * fps.den) / fps.num : 0;
  const args = new FfmpegArgs().logLevel('error');
  if (seekSeconds > 0) args.input(seekedFileInput(path, seekSeconds));
  else args.input(fileInput(path));
  const select = seekSeconds > 0 ? '' : `select=eq(n\\,${index}),`;
  args
    .filterComplex(`[0:v:0]${select}scale=${width}:${height}[picture]`)
    .output(rawVideoOutput('[picture]', 'rgb24', 1));
  const { exit, stdout, process } = await runToEnd(ffmpeg, args, signal);
  const size = width * height * 3;
  if (exit.code !== 0 || stdout.length !== size) {
    const why = exit.code !== 0 ? process.errorLine() : `frame ${index} is past its end`;
    throw new InputError(`video_file ${path}: cannot read frame ${index}: ${why}`);
  }
  return { width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, size) };
}
