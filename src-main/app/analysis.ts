/**
 * One analysis of the app: the pipeline run into a per-run work folder, with the preview
 * proxies beside the standard outputs, so the timeline can seek and export can copy.
 *
 * The run happens in its own process (a Node child for the web host, Electron's
 * utilityProcess for the desktop app) behind `AnalysisRunner`; `runAnalysis` is what that
 * process executes, and what tests call in-process.
 */
import { join } from 'node:path';
import { isCrowdheatError, CancelledError } from '../../src-shared/errors.js';
import type { Settings } from '../../src-shared/settings/types.js';
import { runPipeline } from '../pipeline/run.js';
import type { Warning } from '../pipeline/diagnostics.js';
import type { Progress, RunSummary } from '../pipeline/types.js';
import { previewSink } from '../sinks/preview.js';

export interface AnalysisJob {
  settings: Settings;
  /** Directory relative paths in the settings resolve against. */
  cwd: string;
  /** The run's own folder: `output/` gets the standard outputs, `preview/` the proxies. */
  workDir: string;
}

/** Messages from the analysing process to the back end. */
export type AnalysisMessage =
  | { type: 'progress'; progress: Progress }
  | { type: 'warning'; warning: Warning }
  | { type: 'done'; summary: RunSummary }
  | { type: 'error'; message: string; cancelled: boolean };

/** Messages from the back end to the analysing process. */
export type AnalysisCommand = { type: 'start'; job: AnalysisJob } | { type: 'cancel' };

export interface AnalysisHandle {
  cancel(): void;
}

/** Starts analyses somewhere (another process, or this one) and reports their messages; the last is `done` or `error`. */
export interface AnalysisRunner {
  start(job: AnalysisJob, listener: (message: AnalysisMessage) => void): AnalysisHandle;
}

export function outputDirOf(workDir: string): string {
  return join(workDir, 'output');
}

export function previewDirOf(workDir: string): string {
  return join(workDir, 'preview');
}

/** Runs one analysis in this process. */
export async function runAnalysis(
  job: AnalysisJob,
  options: { signal: AbortSignal; onProgress: (progress: Progress) => void; onWarning: (warning: Warning) => void },
): Promise<RunSummary> {
  const settings: Settings = {
    ...job.settings,
    output_settings: { ...job.settings.output_settings, output_dir: outputDirOf(job.workDir) },
  };
  return runPipeline(settings, {
    signal: options.signal,
    onProgress: options.onProgress,
    onWarning: options.onWarning,
    cwd: job.cwd,
    extraSinks: [previewSink({ dir: previewDirOf(job.workDir) })],
  });
}

/** The final message of a failed analysis: a person-readable line, never a stack trace. */
export function failureMessage(error: unknown): AnalysisMessage {
  if (error instanceof CancelledError) return { type: 'error', message: 'cancelled', cancelled: true };
  if (isCrowdheatError(error)) return { type: 'error', message: error.message, cancelled: false };
  const detail = error instanceof Error ? error.message : String(error);
  return { type: 'error', message: `unexpected error while analysing: ${detail}`, cancelled: false };
}

/** Drives `runAnalysis` from a stream of commands: what the analysing process does with its channel. */
export function serveAnalysisCommands(
  post: (message: AnalysisMessage) => void,
): (command: AnalysisCommand) => void {
  const controller = new AbortController();
  return (command) => {
    if (command.type === 'cancel') {
      controller.abort();
      return;
    }
    runAnalysis(command.job, {
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onWarning: (warning) => post({ type: 'warning', warning }),
    }).then(
      (summary) => post({ type: 'done', summary }),
      (error: unknown) => {
        if (!isCrowdheatError(error)) console.error(error);
        post(failureMessage(error));
      },
    );
  };
}

/** Runs analyses in the calling process: for tests, and hosts that cannot start another process. */
export const inProcessRunner: AnalysisRunner = {
  start(job, listener) {
    const dispatch = serveAnalysisCommands(listener);
    dispatch({ type: 'start', job });
    return { cancel: () => dispatch({ type: 'cancel' }) };
  },
};
