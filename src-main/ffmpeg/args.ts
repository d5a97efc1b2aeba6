/**
 * Typed ffmpeg command lines. Each builder returns a piece of the command with its meaning in
 * its type, so a command is assembled from named parts instead of concatenated strings.
 *
 * ```ts
 * const args = new FfmpegArgs()
 *   .input(fileInput('in.mp4'))
 *   .input(rawVideoInput({ pipe: 0, width: 192, height: 108, pixelFormat: 'rgb24', rate: { num: 2, den: 1 } }))
 *   .filterComplex('[1:v]scale=1920:1080:flags=neighbor[o]')
 *   .output(h264Output({ map: '[o]', path: 'out.mp4', rate: { num: 2, den: 1 } }));
 * ```
 */

/** A frame rate as an exact fraction, because 29.97 is really 30000/1001. */
export interface Rational {
  num: number;
  den: number;
}

/** Raw picture layouts crowdheat pipes to ffmpeg; `ya8` is gray and alpha, two bytes a pixel. */
export type RawPixelFormat = 'rgb24' | 'rgba' | 'yuv420p' | 'ya8';

export interface RawVideoSpec {
  /** File descriptor ffmpeg reads: 0 for stdin, 3… for extra pipes. */
  pipe: number;
  width: number;
  height: number;
  pixelFormat: RawPixelFormat;
  rate: Rational;
}

/** One input: the options that precede its `-i`, then the `-i` itself. */
export interface InputPart {
  readonly args: readonly string[];
}

export interface OutputPart {
  readonly args: readonly string[];
}

export function fileInput(path: string): InputPart {
  return { args: ['-i', path] };
}

/** A file read from `seconds` on (input seeking: decoding starts at the keyframe before it). */
export function seekedFileInput(path: string, seconds: number): InputPart {
  return { args: ['-ss', seconds.toFixed(6), '-i', path] };
}

/**
 * `input` decoded on one thread. For reading a single picture: frame threading then only
 * costs (a thread pool set up and torn down, each thread decoding ahead for nothing), about
 * 0.05–0.1 CPU s a picture of 1080p H.264. Decoders give the same pixels on any number of
 * threads.
 */
export function singleThreaded(input: InputPart): InputPart {
  return { args: ['-threads', '1', ...input.args] };
}

export function rawVideoInput(spec: RawVideoSpec): InputPart {
  return {
    args: [
      // ffmpeg opens its inputs one after the other, and by default probes each for several
      // frames before it reads the next; a writer feeding frame by frame across pipes then
      // blocks on a full pipe of a later input while ffmpeg waits for more of an earlier one.
      // A raw input's format is fully given here, so nothing needs probing.
      '-probesize', '32', '-analyzeduration', '0',
      '-f', 'rawvideo',
      '-pix_fmt', spec.pixelFormat,
      '-s', `${spec.width}x${spec.height}`,
      '-framerate', rationalText(spec.rate),
      '-i', `pipe:${spec.pipe}`,
    ],
  };
}

export interface H264OutputSpec {
  /** The filter-graph label (e.g. `[out]`) or stream specifier to encode. */
  map: string;
  path: string;
  rate: Rational;
  /** x264 preset; the default (`medium`) is what a bare `ffmpeg -c:v libx264` uses. */
  preset?: string;
  /** x264 constant rate factor 0–51; the default (23) is what a bare `ffmpeg -c:v libx264` uses. */
  crf?: number;
}

/** H.264 in MP4, yuv420p and `+faststart` so browsers play it and can start before the end. */
export function h264Output(spec: H264OutputSpec): OutputPart {
  return {
    args: [
      '-map', spec.map,
      '-c:v', 'libx264',
      ...(spec.preset !== undefined ? ['-preset', spec.preset] : []),
      ...(spec.crf !== undefined ? ['-crf', String(spec.crf)] : []),
      '-pix_fmt', 'yuv420p',
      '-r', rationalText(spec.rate),
      '-movflags', '+faststart',
      // The output goes to a temporary name whose extension does not say mp4.
      '-f', 'mp4',
      spec.path,
    ],
  };
}

export interface JpegSequenceSpec {
  /** The filter-graph label to write. */
  map: string;
  /** An image2 pattern: `%d` counts the written frames from 0 and a literal `%` is written `%%`. */
  pattern: string;
}

/**
 * One JPEG (`-q:v 5`) for each frame that reaches the output, numbered 0, 1, 2, … in order:
 * passed through as they come (none duplicated or dropped to fill a rate).
 */
export function jpegSequenceOutput(spec: JpegSequenceSpec): OutputPart {
  return {
    args: ['-map', spec.map, '-vsync', 'passthrough', '-q:v', '5', '-f', 'image2', '-start_number', '0', spec.pattern],
  };
}

/** Raw frames on stdout, e.g. to read a picture back into JS. */
export function rawVideoOutput(map: string, pixelFormat: RawPixelFormat, frames?: number): OutputPart {
  const limit = frames !== undefined ? ['-frames:v', String(frames)] : [];
  return { args: ['-map', map, ...limit, '-f', 'rawvideo', '-pix_fmt', pixelFormat, 'pipe:1'] };
}

/** Lists every packet of `map` on stdout (framecrc: time base, then dts, pts, … a line) without decoding. */
export function packetListOutput(map: string): OutputPart {
  return { args: ['-map', map, '-c', 'copy', '-f', 'framecrc', 'pipe:1'] };
}

/** One packet line of `packetListOutput`: stream, then the packet's dts (group 1) and pts (group 2), … */
export const PACKET_LINE = /^\d+,\s*(-?\d+),\s*(-?\d+),/;

/** A `packetListOutput` line's packet flags (`F=0x…`, ffmpeg's AV_PKT_FLAG_*). */
const PACKET_FLAGS = /F=0x([0-9a-fA-F]+)/;
/** AV_PKT_FLAG_DISCARD: a packet decoded only to reach later frames, never shown. */
const DISCARD_FLAG = 0x4;

/**
 * Whether a line of `packetListOutput` lists a packet flagged discard (cut by an MP4 edit list,
 * e.g. the frames before a stream-copied clip's start): the decoder outputs no frame for it.
 */
export function isCutPacket(line: string): boolean {
  const flags = PACKET_FLAGS.exec(line);
  return flags !== null && (Number.parseInt(flags[1], 16) & DISCARD_FLAG) !== 0;
}

/** Decodes (or, with `copy`, only demuxes) and throws the frames away: for probing and counting. */
export function nullOutput(map: string, copy: boolean): OutputPart {
  return { args: ['-map', map, ...(copy ? ['-c', 'copy'] : []), '-f', 'null', '-'] };
}

export class FfmpegArgs {
  private readonly globals: string[] = ['-hide_banner', '-nostdin', '-y'];
  private readonly inputs: InputPart[] = [];
  private graph: string | null = null;
  private readonly outputs: OutputPart[] = [];

  /** ffmpeg's log level: `error` for pipelines, `info` when stderr is parsed. */
  logLevel(level: 'error' | 'warning' | 'info'): this {
    this.globals.push('-loglevel', level);
    return this;
  }

  /**
   * ffmpeg reports its progress (`frame=N` … `progress=continue|end` blocks, about every 0.5 s
   * and once at the end) to `url`, e.g. `pipe:1`; at any log level.
   */
  progressTo(url: string): this {
    this.globals.push('-nostats', '-progress', url);
    return this;
  }

  input(part: InputPart): this {
    this.inputs.push(part);
    return this;
  }

  /**
   * Threads for the `-filter_complex` graph's slice threading (ffmpeg's default: one per core).
   * Filter threads never change a filter's output, only how its work is split.
   */
  filterThreads(count: number): this {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`filterThreads: ${count} is not a positive whole number`);
    this.globals.push('-filter_complex_threads', String(count));
    return this;
  }

  filterComplex(graph: string): this {
    this.graph = graph;
    return this;
  }

  output(part: OutputPart): this {
    this.outputs.push(part);
    return this;
  }

  toArray(): string[] {
    return [
      ...this.globals,
      ...this.inputs.flatMap((part) => part.args),
      ...(this.graph !== null ? ['-filter_complex', this.graph] : []),
      ...this.outputs.flatMap((part) => part.args),
    ];
  }
}

export function rationalText(rate: Rational): string {
  return `${rate.num}/${rate.den}`;
}

/**
 * The fraction of a frame rate given as a decimal setting (2, 25, 29.97): NTSC rates become
 * their exact x/1001 form, others are reduced from thousandths.
 */
export function rationalFromFps(fps: number): Rational {
  for (const base of [24, 30, 60, 120]) {
    if (Math.abs(fps - (base * 1000) / 1001) < 0.005) return { num: base * 1000, den: 1001 };
  }
  const num = Math.round(fps * 1000);
  const divisor = gcd(num, 1000);
  return { num: num / divisor, den: 1000 / divisor };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
