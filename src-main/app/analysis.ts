/**
 * One analysis of the app: the pipeline run into a per-run work folder, the standard outputs in
 * `output/` and the preview proxies in `preview/`, so the timeline can seek and export can copy.
 *
 * The hosts run it in the pipeline worker (`runInWorker`: a Node child for the web host, an
 * Electron utilityProcess for the desktop app); tests may pass `runPipeline` to run it in their
 * own process.
 */
import { join } from 'node:path';
import { CancelledError, InputError, isCrowdheatError } from '../../src-shared/errors.js';
import { oneLine, showValue } from '../../src-shared/messages.js';
import type { Settings } from '../../src-shared/settings/types.js';
import type { RunOptions } from '../pipeline/run.js';
import type { RunSummary } from '../pipeline/types.js';
import { STORE_FILE } from '../store/schema.js';

/** `runPipeline`'s signature, which `runInWorker` shares (everything but in-process sinks). */
export type RunAnalysis = (settings: Settings, options: Omit<RunOptions, 'extraSinks'>) => Promise<RunSummary>;

export function outputDirOf(workDir: string): string {
  return join(workDir, 'output');
}

/** The analysis store of an analysis's work folder (its output folder's `crowdheat.duckdb`). */
export function storePathOf(workDir: string): string {
  return join(outputDirOf(workDir), STORE_FILE);
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

/**
 * The failure of an analysis that ended without a single frame: nothing to show or export, so
 * it is an error that says why, and the window keeps the result it had.
 *
 * ```ts
 * noFramesError({ skipped_records: 3, source: { mode: 'local', name: 'x', meta_file: 'a.csv' }, ... }).message
 * // 'no frames to show: all 3 records of "a.csv" were skipped (see the warnings)'
 * ```
 */
export function noFramesError(summary: Pick<RunSummary, 'skipped_records' | 'source'>): InputError {
  const { source } = summary;
  const what = source.mode === 'console' ? `Console device "${showValue(source.device_id ?? '')}"` : `"${showValue(source.meta_file ?? source.name)}"`;
  if (summary.skipped_records > 0) {
    const records = summary.skipped_records === 1 ? 'the only record' : `all ${summary.skipped_records} records`;
    const verb = summary.skipped_records === 1 ? 'was' : 'were';
    return new InputError(`no frames to show: ${records} of ${what} ${verb} skipped (see the warnings)`);
  }
  if (source.mode === 'console') {
    return new InputError(`no frames to show: the ${what} returned no inference results in the chosen range`);
  }
  return new InputError(`no frames to show: ${what} holds no frames`);
}
