/**
 * What a video holds, asked of ffmpeg itself (the bundle has no ffprobe): the first video
 * stream's size and frame rate from the stream line, and its frame count by listing its packets
 * without decoding (`-c copy -f framecrc`, those an MP4 edit list cuts left out), which costs
 * milliseconds even for long videos.
 */
import { InputError } from '../../src-shared/errors.js';
import { FfmpegArgs, fileInput, isCutPacket, PACKET_LINE, packetListOutput, rationalFromFps, type Rational } from './args.js';
import { runToEnd } from './spawn.js';

export interface VideoInfo {
  path: string;
  codec: string;
  pixelFormat: string;
  width: number;
  height: number;
  /** Nominal frame rate of the stream (fps, else tbr). */
  fps: Rational;
  /** Video packets in the file but those an edit list cuts, which is its frame count for every common codec. */
  frameCount: number;
}

const STREAM_LINE = /Stream #\d+:\d+[^:]*: Video: (\w+)[^,]*, (\w+)(?:\([^)]*\))?[^,]*, (\d+)x(\d+)/;
const FPS = /, ([\d.]+)(k?) fps/;
const TBR = /, ([\d.]+)(k?) tbr/;

export async function probeVideo(ffmpeg: string, path: string, signal?: AbortSignal): Promise<VideoInfo> {
  const args = new FfmpegArgs().logLevel('info').input(fileInput(path)).output(packetListOutput('0:v:0'));
  const { exit, stdout, process } = await runToEnd(ffmpeg, args, signal, `reading ${path}`);
  const stderr = process.stderrText;
  if (exit.code !== 0) {
    if (/matches no streams/.test(stderr)) throw new InputError(`video_file ${path}: has no video stream`);
    throw new InputError(`video_file ${path}: cannot be read as a video: ${describeFailure(process.errorLine(), path)}`);
  }
  const stream = STREAM_LINE.exec(stderr);
  if (stream === null) throw new InputError(`video_file ${path}: has no video stream`);
  const rate = FPS.exec(stderr) ?? TBR.exec(stderr);
  const fpsValue = rate === null ? Number.NaN : Number(rate[1]) * (rate[2] === 'k' ? 1000 : 1);
  // Packets an edit list cuts are decoded but not shown: no frame of the video.
  let frameCount = 0;
  for (const line of stdout.toString('latin1').split('\n')) if (PACKET_LINE.test(line) && !isCutPacket(line)) frameCount += 1;
  return {
    path,
    codec: stream[1],
    pixelFormat: stream[2],
    width: Number(stream[3]),
    height: Number(stream[4]),
    fps: Number.isFinite(fpsValue) && fpsValue > 0 ? rationalFromFps(fpsValue) : { num: 25, den: 1 },
    frameCount,
  };
}

/** ffmpeg prefixes its messages with the path; the caller already names it. */
function describeFailure(line: string, path: string): string {
  return line.startsWith(`${path}: `) ? line.slice(path.length + 2) : line;
}
