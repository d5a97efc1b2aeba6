/**
 * runInWorker: `runPipeline` in its own process, with the same signature. The host keeps its
 * event loop free (UI, HTTP, progress bar) while the worker counts and ffmpeg encodes.
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

/** How long a cancelled worker may take to clean up (kill ffmpeg, delete partial files). */
const CANCEL_GRACE_MS = 10_000;

export interface WorkerRunOptions extends Omit<RunOptions, 'extraSinks'> {
  /** The worker module to fork (default: the compiled `worker.js` beside this file). */
  workerPath?: string;
}

export function runInWorker(settings: Settings, options: WorkerRunOptions = {}): Promise<RunSummary> {
  const { signal, onProgress, onWarning } = options;
  if (signal?.aborted === true) return Promise.reject(new CancelledError());
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so that a worker which must be killed takes its ffmpeg with it.
    const child = fork(options.workerPath ?? WORKER_PATH, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [WORKER_ENV]: '1' },
      detached: true,
    });
    let settled = false;
    let graceTimer: NodeJS.Timeout | null = null;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (graceTimer !== null) clearTimeout(graceTimer);
      outcome();
    };
    const send = (command: WorkerCommand): void => {
      if (child.connected) child.send(command);
    };
    const onAbort = (): void => {
      send({ type: 'cancel' });
      graceTimer = setTimeout(() => killGroup(child), CANCEL_GRACE_MS);
      graceTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (event: WorkerEvent) => {
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
    child.on('error', (error) => settle(() => reject(new CrowdheatError(`cannot start the pipeline worker: ${error.message}`))));
    child.on('exit', (code, exitSignal) => {
      settle(() => reject(new CrowdheatError(`the pipeline worker stopped unexpectedly (${exitSignal ?? `exit code ${code}`})`)));
    });
    send({ type: 'start', settings, cwd: options.cwd ?? process.cwd() });
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
    case 'internal':
      return new Error(message);
  }
}
