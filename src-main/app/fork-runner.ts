/**
 * Runs each analysis in a Node child process (the web host's and the CLI's way of keeping
 * heavy work off the serving thread). Cancel asks the child to stop; the child cleans up its
 * sinks and exits.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AnalysisCommand, AnalysisMessage, AnalysisRunner } from './analysis.js';

/** The compiled child entry next to this module. */
export const ANALYSIS_CHILD_PATH = fileURLToPath(new URL('./analysis-child.js', import.meta.url));

/** How long a cancelled child may take to clean up before it is killed. */
const CANCEL_GRACE_MS = 10_000;

export function forkRunner(childPath: string = ANALYSIS_CHILD_PATH): AnalysisRunner {
  return {
    start(job, listener) {
      const child = fork(childPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let finished = false;
      const finish = (message: AnalysisMessage): void => {
        if (finished) return;
        if (message.type === 'done' || message.type === 'error') finished = true;
        listener(message);
      };
      child.on('message', (message: AnalysisMessage) => finish(message));
      child.on('error', (error) => finish({ type: 'error', message: `cannot start the analysis: ${error.message}`, cancelled: false }));
      child.on('exit', (code, signal) => {
        finish({ type: 'error', message: `the analysis process stopped unexpectedly (${signal ?? `exit code ${code}`})`, cancelled: false });
      });
      const send = (command: AnalysisCommand): void => {
        if (child.connected) child.send(command);
      };
      send({ type: 'start', job });
      return {
        cancel: () => {
          send({ type: 'cancel' });
          // A child that does not stop on its own (e.g. stuck in a read) is stopped for it.
          setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) child.kill();
          }, CANCEL_GRACE_MS).unref();
        },
      };
    },
  };
}
