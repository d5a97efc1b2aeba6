/**
 * Reading pictures of a video back into JS. The pipeline itself never does this per frame (the
 * video sink composites inside ffmpeg); it is for single pictures such as heatmap.png's
 * background.
 */
import type { RgbImage } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import { FfmpegArgs, fileInput, isCutPacket, PACKET_LINE, packetListOutput, rawVideoOutput, seekedFileInput, singleThreaded, type Rational } from './args.js';
import { runToEnd } from './spawn.js';

/**
 * Frame `index` (from 0, in presentation order) of `path`, scaled to `width`×`height`: the
 * picture the video sink paired with metadata frame `index`, for constant- and variable-rate
 * videos alike.
 *
 * The frame's own timestamp comes from a demux-only pass (no decoding, milliseconds even for
 * long videos); ffmpeg then seeks to halfway between it and the previous frame's, decodes from
 * the keyframe before and keeps the first frame at or after that time: frame `index`. A stream
 * whose packets lack timestamps is decoded from the start and frame `index` selected by number.
 */
export async function readVideoFrame(
  ffmpeg: string,
  path: string,
  index: number,
  width: number,
  height: number,
  signal?: AbortSignal,
): Promise<RgbImage> {
  const times = index > 0 ? await presentationTimes(ffmpeg, path, signal) : null;
  if (times !== null && index >= times.pts.length) throw pastEnd(path, index);
  const args = new FfmpegArgs().logLevel('error');
  let select = '';
  if (times === null) {
    args.input(singleThreaded(fileInput(path)));
    if (index > 0) select = `select=eq(n\\,${index}),`;
  } else {
    const midpoint = (times.pts[index - 1] + times.pts[index]) / 2;
    args.input(singleThreaded(seekedFileInput(path, (midpoint * times.timeBase.num) / times.timeBase.den)));
  }
  args
    .filterComplex(`[0:v:0]${select}scale=${width}:${height}[picture]`)
    .output(rawVideoOutput('[picture]', 'rgb24', 1));
  const { exit, stdout, process } = await runToEnd(ffmpeg, args, signal, `reading ${path}`);
  const size = width * height * 3;
  if (exit.code !== 0) throw new InputError(`video_file ${path}: cannot read frame ${index}: ${process.errorLine()}`);
  if (stdout.length !== size) throw pastEnd(path, index);
  return { width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, size) };
}

function pastEnd(path: string, index: number): InputError {
  return new InputError(`video_file ${path}: cannot read frame ${index}: frame ${index} is past its end`);
}

const TIME_BASE_LINE = /^#tb \d+: (\d+)\/(\d+)/;

/**
 * The presentation timestamps of the first video stream's frames in presentation order, in its
 * time base and counted from the file's start (the origin `-ss` seeks from); null when a packet
 * has no timestamp. ffmpeg's framecrc muxer lists every packet without decoding any; those
 * flagged discard (cut by an MP4 edit list) are left out, as the decoder leaves out their frames.
 */
async function presentationTimes(
  ffmpeg: string,
  path: string,
  signal?: AbortSignal,
): Promise<{ pts: number[]; timeBase: Rational } | null> {
  const args = new FfmpegArgs().logLevel('error').input(fileInput(path)).output(packetListOutput('0:v:0'));
  const { exit, stdout, process } = await runToEnd(ffmpeg, args, signal, `reading ${path}`);
  if (exit.code !== 0) throw new InputError(`video_file ${path}: cannot list its frames: ${process.errorLine()}`);
  let timeBase: Rational | null = null;
  const pts: number[] = [];
  for (const line of stdout.toString('latin1').split('\n')) {
    const base = TIME_BASE_LINE.exec(line);
    if (base !== null) timeBase = { num: Number(base[1]), den: Number(base[2]) };
    const packet = PACKET_LINE.exec(line);
    if (packet === null) continue;
    // Packets an edit list cuts are decoded but not output: they are no frame of the video.
    if (isCutPacket(line)) continue;
    const value = Number(packet[2]);
    // A packet without a timestamp is listed with the smallest int64.
    if (!Number.isSafeInteger(value)) return null;
    pts.push(value);
  }
  if (timeBase === null) return null;
  // Packets come in decoding order; B-frames are presented later than they are decoded.
  return { pts: pts.sort((a, b) => a - b), timeBase };
}
