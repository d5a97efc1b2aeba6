/**
 * Entry of the process that runs one pipeline (start → progress/warning… → done | error). The
 * same module runs under Node's `child_process.fork` (CLI, web host) and Electron's
 * `utilityProcess.fork` (desktop app); `parentChannel` hides how each delivers messages.
 */
import { CancelledError, CrowdheatError, InputError, SettingsError } from '../../src-shared/errors.js';
import { runPipeline } from './run.js';
import { WORKER_ENV, type WorkerCommand, type WorkerErrorKind, type WorkerEvent } from './worker-protocol.js';

type WorkerStart = Extract<WorkerCommand, { type: 'start' }>;

export interface ParentChannel {
  onMessage(listener: (command: WorkerCommand) => void): void;
  /** Called when the host is gone (its end of the channel closed). */
  onDisconnect(listener: () => void): void;
  send(event: WorkerEvent): Promise<void>;
  close(): void;
}

/** Electron's utilityProcess side of the channel (`process.parentPort`). */
interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: WorkerCommand }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: WorkerEvent): void;
}

/** The host channel of this process, or null when it was not started as a worker. */
export function parentChannel(): ParentChannel | null {
  const port = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (port !== undefined) {
    return {
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onDisconnect: (listener) => port.on('close', listener),
      send: async (event) => port.postMessage(event),
      close: () => undefined,
    };
  }
  if (process.send === undefined) return null;
  return {
    onMessage: (listener) => process.on('message', (command: WorkerCommand) => listener(command)),
    onDisconnect: (listener) => process.on('disconnect', listener),
    send: (event) =>
      new Promise((resolvePromise) => {
        if (process.connected !== true) return resolvePromise();
        process.send?.(event, undefined, {}, () => resolvePromise());
      }),
    close: () => {
      if (process.connected === true) process.disconnect();
    },
  };
}

/**
 * How long a cancelled run may take to kill its ffmpeg and delete its partial files: cancel
 * takes effect within a second. A run cut short here may leave partial files; the next run into
 * the same folder removes them (sinks/leftovers.ts).
 */
const CANCEL_DEADLINE_MS = 1_000;

function killOwnGroup(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(1);
  }
}

export function errorKind(error: unknown): WorkerErrorKind {
  if (error instanceof CancelledError) return 'cancelled';
  if (error instanceof SettingsError) return 'settings';
  if (error instanceof InputError) return 'input';
  if (error instanceof CrowdheatError) return 'crowdheat';
  return 'internal';
}

/** Serves one run over `channel`: the first `start` runs, `cancel` (or losing the host) stops it. */
export function serveWorker(channel: ParentChannel): void {
  const controller = new AbortController();
  let started = false;
  const stop = (): void => {
    if (controller.signal.aborted) return;
    controller.abort();
    // A run that does not wind down in time (e.g. waiting on a stuck ffmpeg) is ended by force,
    // together with its ffmpeg: the worker leads its own process group when forked detached.
    setTimeout(killOwnGroup, CANCEL_DEADLINE_MS).unref();
  };
  channel.onDisconnect(stop);
  channel.onMessage((command) => {
    if (command.type === 'cancel') {
      stop();
      return;
    }
    if (started) return;
    started = true;
    void run(channel, command, controller.signal);
  });
}

async function run(channel: ParentChannel, start: WorkerStart, signal: AbortSignal): Promise<void> {
  let final: WorkerEvent;
  try {
    const summary = await runPipeline(start.settings, {
      signal,
      cwd: start.cwd,
      ...(start.previewDir === undefined ? {} : { previewDir: start.previewDir }),
      ...(start.consoleCredentials === undefined ? {} : { consoleCredentials: start.consoleCredentials }),
      ...(start.consoleCacheDir === undefined ? {} : { consoleCacheDir: start.consoleCacheDir }),
      onProgress: (progress) => void channel.send({ type: 'progress', progress }),
      onWarning: (warning) => void channel.send({ type: 'warning', warning }),
    });
    final = { type: 'done', summary };
  } catch (error) {
    const kind = errorKind(error);
    const message = error instanceof Error ? (kind === 'internal' ? (error.stack ?? error.message) : error.message) : String(error);
    final = { type: 'error', message, kind };
  }
  await channel.send(final);
  channel.close();
}

// Only a process started as a worker serves; importing this module elsewhere (a test runner's
// own forked workers have an IPC channel too) must not.
if (process.env[WORKER_ENV] === '1') {
  const channel = parentChannel();
  if (channel !== null) serveWorker(channel);
}
