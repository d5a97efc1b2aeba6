/**
 * Atomic file writes: every output goes to a temporary name in the same directory and is
 * renamed into place when complete, so an interrupted run never leaves a truncated file
 * under a real name (rename within one directory is atomic on every OS we ship for).
 *
 * Also the one way output folders are made (`makeFolder`, for the CLI's run, the app's run and
 * its export) and the one way a file-system failure is put in words (`fileProblem`): a write that
 * fails says which file and why (`the disk is full (ENOSPC)`), never a bare system error.
 */
import { lstat, mkdir, open, readlink, rename, rm, rmdir, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { renameSync, rmSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CancelledError, CrowdheatError, InputError } from '../../src-shared/errors.js';
import { showValue } from '../../src-shared/messages.js';

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
  EFBIG: 'the file is too large for this disk',
  EIO: 'the disk reported an input/output error',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links (a loop?)',
};

/** A file operation's failure in words, e.g. `the disk is full (ENOSPC)`; other errors by their message, cut. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const words = code === undefined ? undefined : FILE_PROBLEMS[code];
  if (words !== undefined) return `${words} (${code})`;
  return showValue(error instanceof Error ? error.message : String(error), 120);
}

/** A path as messages show it: cut and escaped, long enough to recognise. */
export function shownPath(path: string): string {
  return showValue(path, 120);
}

/**
 * A write of `path` failed: a CrowdheatError naming the file and the problem in words (exit 1:
 * the settings were fine, the disk was not). Errors that already speak (cancel) pass through.
 */
function writeFailure(path: string, error: unknown): unknown {
  if (error instanceof CrowdheatError) return error;
  return new CrowdheatError(`cannot write ${shownPath(path)}: ${fileProblem(error)}`, { cause: error });
}

/**
 * An output folder cannot be made or used. An InputError, so the command line exits 2: the
 * setting names a place that cannot hold outputs.
 */
export class OutputFolderError extends InputError {}

/**
 * Creates the folder `path` and its missing parents, one level at a time, checking `signal`
 * between levels. `label` starts the message (`export`, `output_settings.output_dir`).
 *
 * `mkdir(..., { recursive: true })` never returns under /proc (a Node bug: it loops on ENOENT),
 * so only non-recursive calls are made. Throws OutputFolderError in words when something is in
 * the way: a file or device (/dev/null) where a folder should be, a dangling symbolic link, no
 * permission, a read-only disk, or a file system that makes no folders there. Resolves with the
 * folders it made, outermost first (none when `path` was there).
 */
export async function makeFolder(path: string, signal: AbortSignal, label: string): Promise<string[]> {
  const cannot = (problem: string) =>
    new OutputFolderError(`${label}: cannot create the folder ${shownPath(path)}: ${problem}`);
  const missing: string[] = [];
  for (let folder = path; ; folder = dirname(folder)) {
    let found: Stats | undefined;
    try {
      found = await stat(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot(fileProblem(error));
      const link = await lstat(folder).catch(() => undefined);
      if (link?.isSymbolicLink() === true) {
        const target = await readlink(folder).catch(() => '?');
        throw cannot(`${shownPath(folder)} is a symbolic link to ${shownPath(target)}, which does not exist`);
      }
    }
    if (found !== undefined) {
      if (!found.isDirectory()) {
        if (found.isFile()) throw cannot(fileProblem({ code: folder === path ? 'EEXIST' : 'ENOTDIR' }));
        const kind = found.isCharacterDevice() || found.isBlockDevice() ? 'a device' : 'something other than a folder';
        throw cannot(
          folder === path ? `${kind} is in the way (EEXIST)` : `part of the path, ${shownPath(folder)}, is ${kind} (ENOTDIR)`,
        );
      }
      break;
    }
    missing.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  const made: string[] = [];
  for (const folder of missing) {
    if (signal.aborted) throw new CancelledError();
    try {
      await mkdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Made meanwhile by someone else: fine when it is a folder.
      if (code === 'EEXIST' && (await stat(folder).catch(() => undefined))?.isDirectory() === true) continue;
      // Its parent exists (found or just made), so ENOENT means this file system makes no folders there (e.g. /proc).
      if (code === 'ENOENT') throw cannot(`${shownPath(dirname(folder))} does not allow folders in it (ENOENT)`);
      throw cannot(fileProblem(error));
    }
    made.push(folder);
  }
  return made;
}

/**
 * Makes `path` (as `makeFolder`) and proves that files can be created in it, by creating and
 * removing a hidden empty file: a folder that exists but takes no files (read-only, no
 * permission, /proc/1) fails here, before any work, with OutputFolderError.
 */
export async function prepareOutputFolder(path: string, signal: AbortSignal, label: string): Promise<string[]> {
  const made = await makeFolder(path, signal, label);
  const probe = temporaryPathFor(join(path, 'crowdheat-write-check'));
  try {
    await writeFile(probe, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'this file system takes no new files here (ENOENT)' : fileProblem(error);
    throw new OutputFolderError(`${label}: cannot write into the folder ${shownPath(path)}: ${problem}`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return made;
}

/**
 * Removes each of `folders` that is empty, innermost first (`rmdir`: a folder holding anything,
 * a file or a folder, stays as it is). For the folders a failed run made and left empty.
 */
export async function removeFoldersLeftEmpty(folders: readonly string[]): Promise<void> {
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) await rmdir(folder).catch(() => undefined);
}

/** The temporary sibling of `path`: hidden, unique per process and call, ending in `.partial`. */
export function temporaryPathFor(path: string): string {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  return join(dirname(path), `.${basename(path)}.${tag}.partial`);
}

/** Writes `data` to `path` through a temporary file; a failure names `path` and the problem in words. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw writeFailure(path, error);
  }
}

/**
 * `writeFileAtomic` done synchronously, for many small files written one after another (the
 * per-frame JSON). Each step of the asynchronous version (open, write, close, rename) is a round
 * trip through libuv's thread pool, and those round trips cost CPU of their own: 600 files of
 * 62 kB took 0.24–0.33 CPU s with eight in flight and 0.15–0.20 s like this (bench/frame-writes.mjs).
 * Blocks the event loop while it writes: well under a millisecond for such a file on a local
 * disk. A failure names `path` and the problem in words, and leaves no temporary file.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const temporary = temporaryPathFor(path);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The write's own failure is the one to report.
    }
    throw writeFailure(path, error);
  }
}

/**
 * A file written in pieces (e.g. one frame at a time) that appears under its real name only
 * when `commit` is called; `discard` removes the partial file.
 *
 * ```ts
 * const file = await AtomicFile.create('out/griddata.npy');
 * await file.write(header); await file.write(frameBytes);
 * await file.commit();
 * ```
 */
export class AtomicFile {
  private constructor(
    readonly path: string,
    readonly temporaryPath: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens the temporary file; every method's failure names `path` and the problem in words. */
  static async create(path: string): Promise<AtomicFile> {
    const temporaryPath = temporaryPathFor(path);
    const handle = await open(temporaryPath, 'w').catch((error: unknown) => {
      throw writeFailure(path, error);
    });
    return new AtomicFile(path, temporaryPath, handle);
  }

  /** Appends `data` at the end of what was written so far. */
  async write(data: Uint8Array): Promise<void> {
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }

  /**
   * Appends `data` synchronously: for a piece written every frame (griddata.npy's grid), where
   * the asynchronous write's thread-pool round trip costs more CPU than the write, and `data`
   * may be reused as soon as this returns (no copy to keep it until a queued write runs).
   * Blocks the event loop while it writes.
   */
  writeNow(data: Uint8Array): void {
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(this.handle.fd, data, offset, data.length - offset);
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }

  /** Overwrites bytes at `position` (e.g. a header whose contents are known only at the end). */
  async writeAt(data: Uint8Array, position: number): Promise<void> {
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await this.handle.write(data, offset, data.length - offset, position + offset);
        offset += bytesWritten;
      }
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }

  async commit(): Promise<void> {
    try {
      await this.handle.close();
      await rename(this.temporaryPath, this.path);
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.temporaryPath, { force: true });
  }
}
