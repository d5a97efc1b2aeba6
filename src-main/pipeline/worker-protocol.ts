/**
 * The messages between a run's host (CLI, web host, Electron main) and the worker process that
 * runs the pipeline. Plain JSON both ways, so they cross `child_process.fork` IPC and
 * Electron's `utilityProcess` alike.
 */
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import type { Settings } from '../../src-shared/settings/types.js';
import type { Warning } from './diagnostics.js';
import type { Progress, RunSummary } from './types.js';

/** Set to `1` in the environment of a process started to be a worker. */
export const WORKER_ENV = 'CROWDHEAT_WORKER';

export type WorkerCommand =
  | {
      type: 'start';
      settings: Settings;
      cwd: string;
      /** The app's preview proxies go here; the worker builds the preview sink itself. */
      previewDir?: string;
      /** Credentials saved in the app, for mode console; never written or logged by the worker. */
      consoleCredentials?: ConsoleCredentials;
      /** Folder of the Console cache, for mode console. */
      consoleCacheDir?: string;
    }
  | { type: 'cancel' };

/** Which typed error a failure was, so the host can rebuild it (`internal` is a bug). */
export type WorkerErrorKind = 'settings' | 'input' | 'cancelled' | 'crowdheat' | 'internal';

export type WorkerEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'warning'; warning: Warning }
  | { type: 'done'; summary: RunSummary }
  | { type: 'error'; message: string; kind: WorkerErrorKind };
