/**
 * Spawning ffmpeg directly (no shell, no wrapper): typed arguments in, a handle out that
 * remembers the end of stderr (for the error line), writes with backpressure and is always
 * killed on cancel or failure. Given the run's abort signal, it kills ffmpeg the moment the
 * run is cancelled, so nothing waits on a stalled ffmpeg (a full pipe, a slow encode).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CancelledError, InputError, type CrowdheatError } from '../../src-shared/errors.js';
import type { FfmpegArgs } from './args.js';

/** Lines of stderr kept for error messages; ffmpeg's progress lines would otherwise pile up. */
const STDERR_LINES_KEPT = 40;

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

  constructor(
    readonly binary: string,
    readonly args: FfmpegArgs,
    options: SpawnOptions = {},
  ) {
    const extra = options.extraInputPipes ?? 0;
    const stdio: ('pipe' | 'ignore')[] = ['pipe', options.stdout === true ? 'pipe' : 'ignore', 'pipe'];
    for (let i = 0; i < extra; i++) stdio.push('pipe');
    this.child = spawn(binary, args.toArray(), { stdio });
    this.child.stderr?.setEncoding('utf8');
    this.fullStderr = options.keepStderr === true ? '' : null;
    this.child.stderr?.on('data', (text: string) => this.collect(text));
    // Writes to a pipe ffmpeg closed (it failed or finished early) surface through `exited`.
    for (const stream of this.child.stdio) {
      (stream as Writable | Readable | null)?.on('error', () => undefined);
    }
    this.exited = new Promise((resolvePromise) => {
      this.child.on('error', (error) => {
        this.spawnError = error;
      });
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        resolvePromise(this.exit);
      });
    });
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
    await new Promise<void>((resolvePromise, reject) => {
      const onDrain = (): void => resolvePromise();
      stream.once('drain', onDrain);
      this.exited.then(async () => {
        stream.off('drain', onDrain);
        reject(await this.failure('exited before all frames were written'));
      }, reject);
    });
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
    const exit = await this.exited;
    if (exit.code !== 0) throw await this.failure(what);
  }

  /** Kills ffmpeg (if still running) and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.exit === null && this.child.exitCode === null) this.child.kill('SIGKILL');
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
      return new InputError(`ffmpeg_path (${this.binary}) does not run: ${this.spawnError.message}`);
    }
    const status = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    return new InputError(`ffmpeg ${what} (${status}): ${this.errorLine()}`);
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
 * Rejects with `CancelledError` (ffmpeg killed) when `signal` aborts first.
 */
export async function runToEnd(
  binary: string,
  args: FfmpegArgs,
  signal?: AbortSignal,
): Promise<{ exit: FfmpegExit; stdout: Buffer; process: FfmpegProcess }> {
  const process = new FfmpegProcess(binary, args, { stdout: true, keepStderr: true, ...(signal !== undefined ? { signal } : {}) });
  const out: Buffer[] = [];
  process.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  const exit = await process.exited;
  if (signal?.aborted === true) throw new CancelledError();
  return { exit, stdout: Buffer.concat(out), process };
}
