/**
 * Export: copies an analysis's chosen outputs into the user's folder. Everything is first
 * copied into a hidden staging folder inside the target, then each file is renamed into place,
 * so a failed or cancelled export leaves no half-written file, and the analysis it copies from
 * is only read. Existing folders (`video/`, `detect/`) are merged into: a file of the same name
 * is replaced by one atomic rename, and nothing else in the user's folder is ever removed.
 */
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ExportOutput } from '../../src-shared/api.js';
import { CancelledError, CrowdheatError } from '../../src-shared/errors.js';

/** Where each output lives inside a run's output folder (the SPEC §4 layout). */
const OUTPUT_ENTRIES: Record<ExportOutput, { entry: string; what: string }> = {
  video: { entry: 'video', what: 'MP4 video' },
  'detect-json': { entry: 'detect', what: 'per-frame JSON' },
  png: { entry: 'heatmap.png', what: 'heatmap PNG' },
  npy: { entry: 'griddata.npy', what: 'griddata.npy' },
  summary: { entry: 'summary.json', what: 'summary.json' },
};

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
    const { entry, what } = OUTPUT_ENTRIES[output];
    if (!(await exists(join(from, entry)))) {
      throw new CrowdheatError(`export: this analysis has no ${what} to export`);
    }
    entries.push(entry);
  }
  const files = (await Promise.all(entries.map((entry) => filesUnder(from, entry)))).flat();
  if (entries.includes('detect')) await refuseOtherFrames(join(to, 'detect'), files);

  await makeFolder(to, signal);
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
    for (const folder of new Set(files.map((file) => dirname(join(to, file))))) await makeFolder(folder, signal);
    if (signal.aborted) throw new CancelledError();
    // From here on the export is committed: a cancel no longer stops it half-way.
    for (const file of files) {
      placing = file;
      await rename(join(staging, file), join(to, file));
      placed++;
    }
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

/**
 * A `detect/` folder is read as one run's frames, so frames of another (e.g. longer) run left
 * beside this export's would silently mix two runs. Deleting them could delete a user's data,
 * so the export refuses instead, before writing anything. Only `.json` files count (tools read
 * those as frames); a user's notes or hidden files in the folder are left alone and do not block.
 */
async function refuseOtherFrames(target: string, files: readonly string[]): Promise<void> {
  let present: string[];
  try {
    present = (await readdir(target, { withFileTypes: true })).filter((item) => item.isFile()).map((item) => item.name);
  } catch {
    return; // No folder yet (or not a folder: the move reports that in words).
  }
  const written = new Set(files.filter((file) => dirname(file) === 'detect').map((file) => basename(file)));
  const others = present.filter((name) => name.endsWith('.json') && !name.startsWith('.') && !written.has(name)).sort();
  if (others.length > 0) {
    throw new CrowdheatError(
      `export: ${target} already holds ${others.length} frame file(s) this export would not replace (e.g. ${others[0]}); ` +
        'move them away or choose another folder, so frames of two runs do not mix',
    );
  }
}

/**
 * Creates `path` and its missing parents one level at a time. `mkdir(..., { recursive: true })`
 * never returns under /proc (a Node bug: it loops on ENOENT), so only non-recursive calls are made,
 * and the signal is checked between them.
 */
async function makeFolder(path: string, signal: AbortSignal): Promise<void> {
  const cannot = (problem: string) => new CrowdheatError(`export: cannot create the folder ${path}: ${problem}`);
  const missing: string[] = [];
  for (let folder = path; ; folder = dirname(folder)) {
    let found: Stats | undefined;
    try {
      found = await stat(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot(fileProblem(error));
    }
    if (found !== undefined) {
      if (!found.isDirectory()) throw cannot(fileProblem({ code: folder === path ? 'EEXIST' : 'ENOTDIR' }));
      break;
    }
    missing.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of missing) {
    if (signal.aborted) throw new CancelledError();
    try {
      await mkdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Made meanwhile by someone else: fine when it is a folder.
      if (code === 'EEXIST' && (await stat(folder)).isDirectory()) continue;
      // Its parent exists (found or just made), so ENOENT means this file system makes no folders there (e.g. /proc).
      if (code === 'ENOENT') throw cannot(`${dirname(folder)} does not allow folders in it (ENOENT)`);
      throw cannot(fileProblem(error));
    }
  }
}

/** What went wrong with a file operation, in words (the system's code kept for searching). */
const FILE_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  EISDIR: 'a folder of the same name is in the way',
  ENOTEMPTY: 'a folder of the same name is in the way',
  ENOSPC: 'the disk is full',
  EROFS: 'the disk is read-only',
  EDQUOT: 'the disk quota is used up',
};

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words = code === undefined ? undefined : FILE_PROBLEMS[code];
  if (words !== undefined) return `${words} (${code})`;
  return error instanceof Error ? error.message : String(error);
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
