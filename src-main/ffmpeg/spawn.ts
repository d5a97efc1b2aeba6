/**
 * Spawning ffmpeg directly (no shell, no wrapper): typed arguments in, a handle out that
 * remembers the end of stderr (for the error line), writes with backpressure and is always
 * killed on cancel or failure. Given the run's abort signal, it kills ffmpeg the moment the
 * run is cancelled, so nothing waits on a stalled ffmpeg (a full pipe, a slow encode).
 *
 * Every wait on ffmpeg has a deadline: while crowdheat waits for it (a write waiting for the
 * pipe to drain, or its end), ffmpeg must show a sign of life — read some input, write some
 * output or progress that advanced — at least every `stallMs`, else it is killed and the wait fails with a
 * ProcessError naming it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CancelledError, InputError, ProcessError, type CrowdheatError } from '../../src-shared/errors.js';
import { showValue } from '../../src-shared/messages.js';
import type { FfmpegArgs } from './args.js';

/** Lines of stderr kept for error messages; ffmpeg's progress lines would otherwise pile up. */
const STDERR_LINES_KEPT = 40;

/** The keys of a `-progress` block that change when ffmpeg has done work (frames out, bytes out, time out). */
const PROGRESS_WORK_KEYS = new Set(['frame', 'total_size', 'out_time_us', 'out_time_ms', 'out_time']);

/** Default limit of ffmpeg's silence while crowdheat waits on it (ms); see `ffmpegStallMs`. */
export const DEFAULT_STALL_MS = 20_000;
/** Environment variable overriding DEFAULT_STALL_MS, in milliseconds (1000–600000). */
export const STALL_ENV = 'CROWDHEAT_FFMPEG_STALL_MS';

/**
 * The stall limit in ms: `CROWDHEAT_FFMPEG_STALL_MS` when it is a whole number of 1000–600000,
 * else DEFAULT_STALL_MS.
 */
export function ffmpegStallMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[STALL_ENV]);
  return Number.isInteger(value) && value >= 1000 && value <= 600_000 ? value : DEFAULT_STALL_MS;
}

/**
 * glibc malloc's threshold (bytes) above which a block is mapped on its own and handed back to
 * the system when freed; 32 MiB is the largest glibc accepts on 64-bit systems (a 4K picture
 * with alpha, 3840×2160 yuva420p, is 16.6 MB).
 */
export const MALLOC_MMAP_THRESHOLD = 32 * 1024 * 1024;
/** glibc malloc's limit (bytes) of free memory kept at the top of the heap before it is returned. */
export const MALLOC_TRIM_THRESHOLD = 64 * 1024 * 1024;

/**
 * The environment ffmpeg runs with: this process's, plus `MALLOC_MMAP_THRESHOLD_` and
 * `MALLOC_TRIM_THRESHOLD_` (glibc's malloc; other C libraries ignore them), each unless `env`
 * sets it already.
 *
 * Why: by default glibc's mmap threshold moves with the blocks freed and the heap is trimmed
 * when 128 KiB or more lie free at its top, so the picture-sized buffers a compositing ffmpeg
 * allocates and frees each frame keep going back to the system, and the next frame's come back
 * as fresh pages the kernel must fault in and zero. The overlay run at 1080p took about 700
 * such page faults a frame (417,000 for 600 frames; a bare transcode 12,000), a third of its
 * ffmpeg's CPU time. Both settings are needed: a fixed mmap threshold alone keeps the buffers in
 * the heap but, with the trim threshold left at 128 KiB, trims them off its top instead (308,000
 * faults for the same graph into `-f null`). With both: 15,000–23,000 faults, the same bytes
 * written, and at most 64 MiB of freed memory kept. bench/README.md has the figures.
 *
 * @param env the environment to extend (default `process.env`); it is not modified.
 * @returns a new environment object for `child_process.spawn`.
 */
export function ffmpegEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD),
    MALLOC_TRIM_THRESHOLD_: String(MALLOC_TRIM_THRESHOLD),
    ...env,
  };
}

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Extra pipes ffmpeg reads as `pipe:3`, `pipe:4`, … (stdin is `pipe:0`). */
  extraInputPipes?: number;
  /** Keep stdout as a readable pipe (raw frames out); otherwise it is ignored. */
  stdout?: boolean;
  /** Keep all of stderr (for commands whose report is parsed, like the probe). */
  keepStderr?: boolean;
  /** Kills ffmpeg when it aborts; writes and `finish` then reject with `CancelledError`. */
  signal?: AbortSignal;
  /** Longest silence of ffmpeg while it is waited on, in ms (default `ffmpegStallMs()`). */
  stallMs?: number;
  /** What this ffmpeg does, for messages: "while <task>" (e.g. `encoding /out/video/x.mp4`). */
  task?: string;
  /** Parse `-progress pipe:1` blocks on stdout (see `FfmpegArgs.progressTo`) into `progressFrame`. */
  progressOnStdout?: boolean;
}

export class FfmpegProcess {
  readonly exited: Promise<FfmpegExit>;
  private readonly child: ChildProcess;
  private readonly stderrLines: string[] = [];
  private partialLine = '';
  private exit: FfmpegExit | null = null;
  private spawnError: Error | null = null;
  private fullStderr: string | null;
  private readonly signal: AbortSignal | undefined;
  private readonly stallMs: number;
  private readonly task: string | undefined;
  /** Waits in progress on ffmpeg (writes on a full pipe, `finish`); the watchdog runs while > 0. */
  private waiting = 0;
  private lastSignOfLife = performance.now();
  private stalled = false;
  private readonly watchdog: NodeJS.Timeout;
  private progressText = '';
  private progressFrameCount: number | null = null;
  private progressEnded = false;
  /** The work keys of the `-progress` block being read, and of the last whole one (null before it). */
  private progressBlock = '';
  private lastProgressBlock: string | null = null;
  /** Resolves on the process's own end ('exit'), even while a descendant still holds its pipes. */
  private readonly ended: Promise<void>;

  constructor(
    readonly binary: string,
    readonly args: FfmpegArgs,
    options: SpawnOptions = {},
  ) {
    const extra = options.extraInputPipes ?? 0;
    const stdio: ('pipe' | 'ignore')[] = ['pipe', options.stdout === true ? 'pipe' : 'ignore', 'pipe'];
    for (let i = 0; i < extra; i++) stdio.push('pipe');
    const progress = options.progressOnStdout === true;
    if (progress) stdio[1] = 'pipe';
    this.child = spawn(binary, args.toArray(), { stdio, env: ffmpegEnvironment() });
    this.stallMs = options.stallMs ?? ffmpegStallMs();
    this.task = options.task;
    this.child.stderr?.setEncoding('utf8');
    this.fullStderr = options.keepStderr === true ? '' : null;
    this.child.stderr?.on('data', (text: string) => {
      this.alive();
      this.collect(text);
    });
    if (progress) {
      this.child.stdout?.setEncoding('utf8');
      this.child.stdout?.on('data', (text: string) => this.readProgress(text));
    }
    // Writes to a pipe ffmpeg closed (it failed or finished early) surface through `exited`.
    for (const stream of this.child.stdio) {
      const pipe = stream as Writable | Readable | null | undefined;
      pipe?.on('error', () => undefined);
      if (pipe !== null && pipe !== undefined && 'write' in pipe) pipe.on('drain', () => this.alive());
    }
    this.ended = new Promise((resolvePromise) => {
      this.child.on('exit', () => resolvePromise());
      this.child.on('error', () => resolvePromise());
    });
    this.exited = new Promise((resolvePromise) => {
      this.child.on('error', (error) => {
        this.spawnError = error;
      });
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        resolvePromise(this.exit);
      });
    });
    this.watchdog = setInterval(() => this.checkStall(), Math.max(50, Math.min(1000, this.stallMs / 4)));
    this.watchdog.unref();
    void this.exited.then(() => clearInterval(this.watchdog));
    this.signal = options.signal;
    if (this.signal !== undefined) {
      const signal = this.signal;
      const onAbort = (): void => void this.kill();
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void this.exited.then(() => signal.removeEventListener('abort', onAbort));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The pipe ffmpeg reads as `pipe:<fd>`. */
  input(fd: number): Writable {
    const stream = this.child.stdio[fd];
    if (stream === null || stream === undefined || !('write' in stream)) throw new Error(`ffmpeg pipe ${fd} is not open`);
    return stream as Writable;
  }

  get stdout(): Readable {
    const stream = this.child.stdout;
    if (stream === null) throw new Error('ffmpeg stdout is not a pipe');
    return stream;
  }

  /**
   * Writes one chunk, waiting for the pipe to drain when its buffer is full (so memory stays
   * flat when ffmpeg is the slower side). Rejects when ffmpeg exits first.
   */
  async write(fd: number, chunk: Uint8Array): Promise<void> {
    if (this.exit !== null) throw await this.failure('exited before all frames were written');
    const stream = this.input(fd);
    if (stream.write(chunk)) return;
    await this.waitingOn(
      new Promise<void>((resolvePromise, reject) => {
        const onDrain = (): void => resolvePromise();
        stream.once('drain', onDrain);
        this.exited.then(async () => {
          stream.off('drain', onDrain);
          reject(await this.failure('exited before all frames were written'));
        }, reject);
      }),
    );
  }

  /** Whether the watchdog stopped ffmpeg for making no progress. */
  get wasStalled(): boolean {
    return this.stalled;
  }

  /** The error for a failed ffmpeg: what it was doing (`what`), its exit and its stderr's telling line. */
  failureOf(what: string): Promise<CrowdheatError> {
    return this.failure(what);
  }

  /** Runs the stall watchdog while `wait` is pending. */
  async waitingOn<T>(wait: Promise<T>): Promise<T> {
    if (this.waiting === 0) this.lastSignOfLife = performance.now();
    this.waiting += 1;
    try {
      return await wait;
    } finally {
      this.waiting -= 1;
    }
  }

  /**
   * Records a sign of life. Output read from `stdout` by the caller counts: it calls this (a
   * listener here would switch the pipe to flowing mode behind the caller's back).
   */
  alive(): void {
    this.lastSignOfLife = performance.now();
  }

  private checkStall(): void {
    if (this.waiting === 0 || this.exit !== null || this.stalled) return;
    if (performance.now() - this.lastSignOfLife < this.stallMs) return;
    this.stalled = true;
    void this.kill();
  }

  /** The output frame count of the last `-progress` block (null before the first). */
  get progressFrame(): number | null {
    return this.progressFrameCount;
  }

  /** Whether ffmpeg wrote its final progress block (`progress=end`). */
  get progressComplete(): boolean {
    return this.progressEnded;
  }

  private readProgress(text: string): void {
    const lines = (this.progressText + text).split('\n');
    this.progressText = lines.pop() ?? '';
    for (const line of lines) {
      const [key, value] = line.trim().split('=', 2);
      if (key === 'frame' && value !== undefined && /^\d+$/.test(value)) this.progressFrameCount = Number(value);
      else if (key === 'progress' && value === 'end') this.progressEnded = true;
      if (PROGRESS_WORK_KEYS.has(key)) this.progressBlock += `${line.trim()}\n`;
      if (key !== 'progress') continue;
      // ffmpeg writes a block every half second even when it waits for good (an input that
      // ended early, e.g. a video whose edit list drops frames): only a block telling of work
      // done since the last one is a sign of life.
      if (this.progressBlock !== this.lastProgressBlock || value === 'end') this.alive();
      this.lastProgressBlock = this.progressBlock;
      this.progressBlock = '';
    }
  }

  /** Ends one input pipe (ffmpeg sees the end of that stream). */
  endInput(fd: number): void {
    this.input(fd).end();
  }

  /** Closes the input pipes and waits for a clean exit; a non-zero exit is an error with ffmpeg's own message. */
  async finish(what: string): Promise<void> {
    for (let fd = 0; fd < this.child.stdio.length; fd++) {
      if (fd === 1 || fd === 2) continue;
      const stream = this.child.stdio[fd] as Writable | null;
      stream?.end();
    }
    const exit = await this.waitingOn(this.exited);
    if (exit.code !== 0 || this.stalled) throw await this.failure(what);
  }

  /**
   * Kills ffmpeg (if still running) and waits until it is gone: its own end, not its pipes'
   * (a descendant of a wrapper script may hold them open), which are then closed from this side.
   */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.ended;
    for (const stream of this.child.stdio) (stream as Writable | Readable | null)?.destroy();
    await this.exited;
  }

  /** The most telling line of stderr: the last one that reads like an error. */
  errorLine(): string {
    const lines = [...this.stderrLines];
    if (this.partialLine.trim() !== '') lines.push(this.partialLine.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
      if (ERROR_HINT.test(lines[i])) return lines[i];
    }
    return lines[lines.length - 1] ?? '(no message)';
  }

  /** stderr lines seen so far (the last few dozen). */
  get stderr(): readonly string[] {
    return this.stderrLines;
  }

  private async failure(what: string): Promise<CrowdheatError> {
    const exit = await this.exited;
    if (this.signal?.aborted === true) return new CancelledError();
    if (this.spawnError !== null) {
      return new InputError(`ffmpeg_path (${showValue(this.binary)}) does not run: ${this.spawnError.message}`);
    }
    if (this.stalled) {
      const during = this.task === undefined ? '' : ` while ${this.task}`;
      return new ProcessError(
        `ffmpeg made no progress for ${this.stallMs / 1000} s${during} and was stopped (${showValue(this.binary)})`,
      );
    }
    const status = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    // A signal (or a shell's 128+n for one) is a crash or a kill, not a fault of the settings or input.
    const crashed = exit.signal !== null || (exit.code !== null && exit.code >= 128);
    const during = this.task === undefined ? '' : ` while ${this.task}`;
    const message = `ffmpeg ${what}${during} (${status}): ${this.errorLine()}`;
    return crashed ? new ProcessError(message) : new InputError(message);
  }

  /** All of stderr, when spawned with `keepStderr`. */
  get stderrText(): string {
    return this.fullStderr ?? this.stderrLines.join('\n');
  }

  private collect(text: string): void {
    if (this.fullStderr !== null) this.fullStderr += text;
    // Progress updates end in \r, messages in \n; both end a line.
    const parts = (this.partialLine + text).split(/\r\n|\r|\n/);
    this.partialLine = parts.pop() ?? '';
    for (const line of parts) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('frame=')) continue;
      this.stderrLines.push(trimmed);
      if (this.stderrLines.length > STDERR_LINES_KEPT) this.stderrLines.shift();
    }
  }
}

const ERROR_HINT = /error|invalid|no such|not found|cannot|could not|unable|failed|denied|does not|matches no/i;

/**
 * Runs a short ffmpeg command to its end; stdout and all of stderr are kept for parsing.
 * Rejects with `CancelledError` (ffmpeg killed) when `signal` aborts first, and with a
 * ProcessError when ffmpeg stalls (no output for the stall limit), crashes or is killed; any
 * other exit is the caller's to judge. `task` names what it does in messages ("reading x.mp4").
 */
export async function runToEnd(
  binary: string,
  args: FfmpegArgs,
  signal?: AbortSignal,
  task?: string,
): Promise<{ exit: FfmpegExit; stdout: Buffer; process: FfmpegProcess }> {
  const process = new FfmpegProcess(binary, args, {
    stdout: true,
    keepStderr: true,
    ...(signal !== undefined ? { signal } : {}),
    ...(task !== undefined ? { task } : {}),
  });
  const out: Buffer[] = [];
  process.stdout.on('data', (chunk: Buffer) => {
    process.alive();
    out.push(chunk);
  });
  const exit = await process.waitingOn(process.exited);
  if (signal?.aborted === true) throw new CancelledError();
  if (process.wasStalled || exit.signal !== null || (exit.code !== null && exit.code >= 128)) {
    throw await process.failureOf('did not finish');
  }
  return { exit, stdout: Buffer.concat(out), process };
}
