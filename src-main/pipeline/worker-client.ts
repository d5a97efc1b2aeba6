/**
 * runInWorker: `runPipeline` in its own process, with the same signature. The host keeps its
 * event loop free (UI, HTTP, progress bar) while the worker counts and ffmpeg encodes.
 *
 * The worker is a Node child (`forkWorker`, the default: CLI and web host) or, in the desktop
 * app, an Electron utilityProcess running the same `worker.js` (`src-main/electron/pipeline-process.ts`);
 * both speak the protocol of worker-protocol.ts, and this module is its only client.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CancelledError, CrowdheatError, InputError, SettingsError } from '../../src-shared/errors.js';
import type { Settings } from '../../src-shared/settings/types.js';
import type { RunOptions } from './run.js';
import type { RunSummary } from './types.js';
import { WORKER_ENV, type WorkerCommand, type WorkerErrorKind, type WorkerEvent } from './worker-protocol.js';

/** The compiled worker entry next to this module. */
export const WORKER_PATH = fileURLToPath(new URL('./worker.js', import.meta.url));

/**
 * How long a cancelled worker may take to clean up (kill ffmpeg, delete partial files) before it
 * is killed from here; it ends itself after 1 s (worker.ts), so this is the backstop.
 */
const CANCEL_GRACE_MS = 1_500;

/** The host's end of a started worker process, whatever started it. */
export interface WorkerProcess {
  send(command: WorkerCommand): void;
  onEvent(listener: (event: WorkerEvent) => void): void;
  /** The process ended or never started; `what` completes "the pipeline worker …". */
  onExit(listener: (what: string) => void): void;
  /** Ends the process and what it started (ffmpeg) at once. */
  kill(): void;
}

export type StartWorker = () => WorkerProcess;

export interface WorkerRunOptions extends Omit<RunOptions, 'extraSinks'> {
  /** How the worker process is started (default: `forkWorker()`). */
  startWorker?: StartWorker;
}

/**
 * A Node child running `workerPath`, in its own process group so that a worker which must be
 * killed takes its ffmpeg with it.
 */
export function forkWorker(workerPath: string = WORKER_PATH): WorkerProcess {
  const child = fork(workerPath, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [WORKER_ENV]: '1' },
    detached: true,
  });
  return {
    send: (command) => {
      if (child.connected) child.send(command);
    },
    onEvent: (listener) => child.on('message', listener),
    onExit: (listener) => {
      child.on('error', (error) => listener(`could not start: ${error.message}`));
      child.on('exit', (code, signal) => listener(`stopped unexpectedly (${signal ?? `exit code ${code}`})`));
    },
    kill: () => killGroup(child),
  };
}

export function runInWorker(settings: Settings, options: WorkerRunOptions = {}): Promise<RunSummary> {
  const { signal, onProgress, onWarning } = options;
  if (signal?.aborted === true) return Promise.reject(new CancelledError());
  return new Promise((resolvePromise, reject) => {
    const worker = (options.startWorker ?? forkWorker)();
    let settled = false;
    let graceTimer: NodeJS.Timeout | null = null;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (graceTimer !== null) clearTimeout(graceTimer);
      outcome();
    };
    const onAbort = (): void => {
      worker.send({ type: 'cancel' });
      graceTimer = setTimeout(() => worker.kill(), CANCEL_GRACE_MS);
      graceTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.onEvent((event) => {
      switch (event.type) {
        case 'progress':
          onProgress?.(event.progress);
          break;
        case 'warning':
          onWarning?.(event.warning);
          break;
        case 'done':
          settle(() => resolvePromise(event.summary));
          break;
        case 'error':
          settle(() => reject(rebuildError(event.kind, event.message)));
          break;
      }
    });
    worker.onExit((what) => settle(() => reject(new CrowdheatError(`the pipeline worker ${what}`))));
    worker.send({
      type: 'start',
      settings,
      cwd: options.cwd ?? process.cwd(),
      ...(options.previewDir === undefined ? {} : { previewDir: options.previewDir }),
      ...(options.consoleCredentials === undefined ? {} : { consoleCredentials: options.consoleCredentials }),
      ...(options.consoleCacheDir === undefined ? {} : { consoleCacheDir: options.consoleCacheDir }),
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function rebuildError(kind: WorkerErrorKind, message: string): Error {
  switch (kind) {
    case 'cancelled':
      return new CancelledError();
    case 'settings':
      return new SettingsError(message);
    case 'input':
      return new InputError(message);
    case 'crowdheat':
      return new CrowdheatError(message);
    case 'internal': {
      // The worker sends a bug's whole stack: its first line is the message, the rest is for CROWDHEAT_DEBUG.
      const error = new Error(message.split('\n', 1)[0]);
      error.stack = message;
      return error;
    }
  }
}
