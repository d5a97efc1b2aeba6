/**
 * The pipeline worker in an Electron utilityProcess (a Node process Chromium's process model
 * manages), so the window stays responsive. It runs the same `worker.js` as the command line and
 * the web host (its `parentChannel` speaks through `process.parentPort` there); `runInWorker`
 * drives it through this adapter.
 */
import type { StartWorker } from '../pipeline/worker-client.js';
import type { WorkerCommand, WorkerEvent } from '../pipeline/worker-protocol.js';

/** The part of Electron's `UtilityProcess` the adapter uses. */
export interface UtilityChild {
  postMessage(message: WorkerCommand): void;
  on(event: 'message', listener: (message: WorkerEvent) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  kill(): boolean;
}

/** `utilityProcess.fork` bound to the worker entry (with `CROWDHEAT_WORKER=1` in its environment). */
export type UtilityFork = () => UtilityChild;

export function utilityProcessWorker(fork: UtilityFork): StartWorker {
  return () => {
    const child = fork();
    let finished = false;
    return {
      send: (command) => {
        if (!finished) child.postMessage(command);
      },
      onEvent: (listener) => {
        child.on('message', (event) => {
          listener(event);
          if (event.type !== 'done' && event.type !== 'error') return;
          // A utilityProcess lives on with its parentPort open; the run is over, so end it.
          finished = true;
          child.kill();
        });
      },
      onExit: (listener) => {
        child.on('exit', (code) => listener(`stopped unexpectedly (exit code ${code})`));
      },
      kill: () => {
        finished = true;
        child.kill();
      },
    };
  };
}
