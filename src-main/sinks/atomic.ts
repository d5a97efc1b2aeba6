/**
 * Atomic file writes: every output goes to a temporary name in the same directory and is
 * renamed into place when complete, so an interrupted run never leaves a truncated file
 * under a real name (rename within one directory is atomic on every OS we ship for).
 */
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The temporary sibling of `path`: hidden, unique per process and call, ending in `.partial`. */
export function temporaryPathFor(path: string): string {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  return join(dirname(path), `.${basename(path)}.${tag}.partial`);
}

/** Writes `data` to `path` through a temporary file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
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

  static async create(path: string): Promise<AtomicFile> {
    const temporaryPath = temporaryPathFor(path);
    const handle = await open(temporaryPath, 'w');
    return new AtomicFile(path, temporaryPath, handle);
  }

  /** Appends `data` at the end of what was written so far. */
  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  }

  /** Overwrites bytes at `position` (e.g. a header whose contents are known only at the end). */
  async writeAt(data: Uint8Array, position: number): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset, position + offset);
      offset += bytesWritten;
    }
  }

  async commit(): Promise<void> {
    await this.handle.close();
    await rename(this.temporaryPath, this.path);
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.temporaryPath, { force: true });
  }
}
