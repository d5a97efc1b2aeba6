/**
 * One analysis of the app: the pipeline run into a per-run work folder, the standard outputs in
 * `output/` and the preview proxies in `preview/`, so the timeline can seek and export can copy.
 *
 * The hosts run it in the pipeline worker (`runInWorker`: a Node child for the web host, an
 * Electron utilityProcess for the desktop app); tests may pass `runPipeline` to run it in their
 * own process.
 */
import { join } from 'node:path';
import { CancelledError, isCrowdheatError } from '../../src-shared/errors.js';
import { oneLine } from '../../src-shared/messages.js';
import type { Settings } from '../../src-shared/settings/types.js';
import type { RunOptions } from '../pipeline/run.js';
import type { RunSummary } from '../pipeline/types.js';

/** `runPipeline`'s signature, which `runInWorker` shares (everything but in-process sinks). */
export type RunAnalysis = (settings: Settings, options: Omit<RunOptions, 'extraSinks'>) => Promise<RunSummary>;

export function outputDirOf(workDir: string): string {
  return join(workDir, 'output');
}

export function previewDirOf(workDir: string): string {
  return join(workDir, 'preview');
}

/** How a failed analysis is reported to the window: a person-readable line, never a stack trace. */
export function analysisFailure(error: unknown): { message: string; cancelled: boolean } {
  if (error instanceof CancelledError) return { message: 'cancelled', cancelled: true };
  if (isCrowdheatError(error)) return { message: error.message, cancelled: false };
  // A bug. runInWorker already keeps the worker's stack out of the message; a run in this process
  // may still throw a message of several lines, and the window shows one.
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return { message: oneLine(`unexpected error while analysing: ${detail}`), cancelled: false };
}
