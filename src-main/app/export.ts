/**
 * Export: copies an analysis's chosen outputs into the user's folder. Everything is first
 * copied into a hidden staging folder inside the target, then each file is renamed into place,
 * so a failed or cancelled export leaves no half-written file, and the analysis it copies from
 * is only read. An existing `video/` is merged into: a file of the same name is replaced by one
 * atomic rename. An existing `detect/` is replaced as a whole, as a run into the folder does
 * (sinks/detect-json.ts): frame files of an earlier run or export that this one does not rewrite
 * are removed once all its files are in place; a JSON file crowdheat did not name there stops
 * the export before anything is written. The period maps are replaced as a whole alike: the
 * buckets' files (`heatmap_buckets.npy`, `buckets.csv`, `people.csv`, the pictures in `periods/`
 * named as a run names them) of an earlier export that this one does not write are removed once
 * its files are in place, so the folder never holds another analysis's buckets beside these maps.
 * Nothing else in the user's folder is ever removed.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EXPORT_OUTPUTS, type ExportOutput } from '../../src-shared/api.js';
import { CancelledError, CrowdheatError } from '../../src-shared/errors.js';
import { fileProblem, makeFolder } from '../sinks/atomic.js';
import { framesOfEarlierRuns, removeEarlierFrames } from '../sinks/detect-json.js';
import { PEOPLE_FILE } from '../sinks/people.js';
import { BUCKETS_CSV, BUCKETS_NPY, earlierBucketFiles, PERIOD_NPY, PERIOD_PNG, PERIODS_DIR } from '../sinks/period-outputs.js';

/** The files of the `parquet` output: the store's frames and detections tables (StoreReader.exportParquet). */
export const PARQUET_FILES = ['frames.parquet', 'detections.parquet'] as const;

/**
 * Where each output lives inside a run's output folder (the SPEC §4 layout). `zones-csv` and
 * `parquet` are not there: the export makes them from the store and passes them as replacements.
 * `entries` must all be there; `ifThere` go along when they are (the buckets' files of a run
 * with a `period`).
 */
const OUTPUT_ENTRIES: Record<ExportOutput, { entries: string[]; ifThere?: string[]; what: string }> = {
  video: { entries: ['video'], what: 'MP4 video' },
  'detect-json': { entries: ['detect'], what: 'per-frame JSON' },
  png: { entries: ['heatmap.png'], what: 'heatmap PNG' },
  npy: { entries: ['griddata.npy'], what: 'griddata.npy' },
  periods: { entries: [PERIOD_PNG, PERIOD_NPY], ifThere: [BUCKETS_NPY, BUCKETS_CSV, PERIODS_DIR, PEOPLE_FILE], what: 'period maps' },
  summary: { entries: ['summary.json'], what: 'summary.json' },
  'zones-csv': { entries: ['zones.csv'], what: 'zones.csv' },
  parquet: { entries: [...PARQUET_FILES], what: 'Parquet files' },
};

/** Outputs an export makes from the store: every analysis has them. */
const FROM_STORE: readonly ExportOutput[] = ['zones-csv', 'parquet'];

/**
 * The outputs an analysis's output folder `from` holds, in EXPORT_OUTPUTS order: those whose file
 * or folder is there, and `zones-csv` and `parquet`, which an export makes from the store. A long analysis
 * without per-frame outputs (`per_frame_outputs`) has no `video`, `detect-json` or `npy`.
 */
export function exportableOutputs(from: string): ExportOutput[] {
  return EXPORT_OUTPUTS.filter((output) => FROM_STORE.includes(output) || OUTPUT_ENTRIES[output].entries.every((entry) => existsSync(join(from, entry))));
}

export interface ExportProgress {
  done: number;
  total: number;
  /** The file being copied, relative to the target folder. */
  current: string;
}

export interface ExportOptions {
  /** The analysis's output folder. */
  from: string;
  /** The user's folder (created when missing). */
  to: string;
  outputs: readonly ExportOutput[];
  signal: AbortSignal;
  onProgress: (progress: ExportProgress) => void;
  /** Files (relative to `from`) to copy from another path instead, e.g. a video re-encoded at another size. */
  replacements?: ReadonlyMap<string, string>;
}

/** Copies the outputs; resolves with the written paths relative to `to`. */
export async function exportOutputs(options: ExportOptions): Promise<string[]> {
  const { from, to, signal } = options;
  if (options.outputs.length === 0) throw new CrowdheatError('export: choose at least one output');
  const entries: string[] = [];
  for (const output of new Set(options.outputs)) {
    const { entries: outputEntries, ifThere = [], what } = OUTPUT_ENTRIES[output];
    for (const entry of outputEntries) {
      if (!(await exists(join(from, entry))) && options.replacements?.has(entry) !== true) {
        throw new CrowdheatError(`export: this analysis has no ${what} to export`);
      }
      entries.push(entry);
    }
    for (const entry of ifThere) if (await exists(join(from, entry))) entries.push(entry);
  }
  const files = (await Promise.all(entries.map((entry) => (options.replacements?.has(entry) === true ? [entry] : filesUnder(from, entry))))).flat();
  const earlierFrames = entries.includes('detect')
    ? await framesOfEarlierRuns(join(to, 'detect'), 'export', 'folder')
    : new Set<string>();
  for (const file of files) if (dirname(file) === 'detect') earlierFrames.delete(basename(file));
  const earlierPeriods = options.outputs.includes('periods') ? await earlierBucketFiles(to, files.map((file) => file.split(sep).join('/')), [PEOPLE_FILE]) : [];

  await makeFolder(to, signal, 'export');
  const staging = join(to, `.crowdheat-export-${randomBytes(6).toString('hex')}.partial`);
  let placed = 0;
  let placing = '';
  try {
    for (const [done, file] of files.entries()) {
      if (signal.aborted) throw new CancelledError();
      options.onProgress({ done, total: files.length, current: file });
      await mkdir(dirname(join(staging, file)), { recursive: true });
      await copyFile(options.replacements?.get(file) ?? join(from, file), join(staging, file));
    }
    if (signal.aborted) throw new CancelledError();
    // The folders first, so that a file in the way of one stops the export before any file is replaced.
    for (const folder of new Set(files.map((file) => dirname(join(to, file))))) await makeFolder(folder, signal, 'export');
    if (signal.aborted) throw new CancelledError();
    // From here on the export is committed: a cancel no longer stops it half-way.
    for (const file of files) {
      placing = file;
      await rename(join(staging, file), join(to, file));
      placed++;
    }
    placing = 'detect';
    await removeEarlierFrames(join(to, 'detect'), earlierFrames);
    placing = PERIODS_DIR;
    for (const file of earlierPeriods) await rm(join(to, file), { force: true });
    options.onProgress({ done: files.length, total: files.length, current: '' });
    return files;
  } catch (error) {
    if (error instanceof CrowdheatError) throw error;
    const what = placing === '' ? `into ${to}` : `${placing} into ${to}`;
    const already = placed > 0 ? ` (${placed} of ${files.length} files were written; the others are as they were)` : '';
    throw new CrowdheatError(`export: cannot write ${what}: ${fileProblem(error)}${already}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function filesUnder(root: string, entry: string): Promise<string[]> {
  const path = join(root, entry);
  if (!(await stat(path)).isDirectory()) return [entry];
  const listed = await readdir(path, { recursive: true, withFileTypes: true });
  return listed
    .filter((item) => item.isFile() && !item.name.endsWith('.partial'))
    .map((item) => relative(root, join(item.parentPath, item.name)))
    .sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
