/**
 * Analyses in an Electron utilityProcess (a Node process Chromium's process model manages),
 * so the window stays responsive. The process runs the same entry as the web host's child
 * (app/analysis-child.ts); only the way of starting it and its channel differ.
 */
import type { AnalysisCommand, AnalysisMessage, AnalysisRunner } from '../app/analysis.js';

/** The part of Electron's `UtilityProcess` the runner uses. */
export interface UtilityChild {
  postMessage(message: AnalysisCommand): void;
  on(event: 'message', listener: (message: AnalysisMessage) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  kill(): boolean;
}

/** `utilityProcess.fork` bound to the entry script. */
export type UtilityFork = () => UtilityChild;

/** How long a cancelled analysis may take to clean up before its process is stopped. */
const CANCEL_GRACE_MS = 10_000;

export function utilityProcessRunner(fork: UtilityFork): AnalysisRunner {
  return {
    start(job, listener) {
      const child = fork();
      let finished = false;
      const finish = (message: AnalysisMessage): void => {
        if (finished) return;
        if (message.type === 'done' || message.type === 'error') {
          finished = true;
          // The entry keeps its channel open in a utilityProcess; stop it once the work is reported.
          child.kill();
        }
        listener(message);
      };
      child.on('message', finish);
      child.on('exit', (code) =>
        finish({ type: 'error', message: `the analysis process stopped unexpectedly (exit code ${code})`, cancelled: false }),
      );
      child.postMessage({ type: 'start', job });
      return {
        cancel: () => {
          if (finished) return;
          child.postMessage({ type: 'cancel' });
          setTimeout(() => {
            if (!finished) child.kill();
          }, CANCEL_GRACE_MS).unref();
        },
      };
    },
  };
}
