/**
 * Partial files a killed run left behind. The atomic writers (atomic.ts) write every output to
 * a hidden sibling `.<name>.<pid>-<8 hex>.partial` and rename it when complete; a run killed
 * before that (SIGKILL, a power cut) leaves the sibling. The next run into the same folder
 * removes such files — only names of exactly that form, in the folders crowdheat writes
 * (`output_dir`, its `video/` and `detect/`), and only when the process named in the name is
 * gone, so a run still writing into the folder keeps its files and no file of the user's is
 * ever touched.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The name of an atomic writer's temporary file, or of the write-ahead log DuckDB keeps beside a
 * temporary store (`….partial.wal`); group 1 is the pid that wrote it.
 */
export const PARTIAL_NAME = /^\..+\.(\d+)-[0-9a-f]{8}\.partial(?:\.wal)?$/;

/** The folders of a run's outputs, relative to `output_dir`, where partial files may be left. */
export const OUTPUT_SUBFOLDERS: readonly string[] = ['', 'video', 'detect'];

/**
 * Whether process `pid` is running (a process of another user counts). A zombie — a killed run
 * whose parent has not collected it yet — writes nothing more, so it counts as gone (Linux).
 */
async function processRuns(pid: number): Promise<boolean> {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Removes the partial files of dead runs from `outputDir` and its output subfolders
 * (`subfolders`, relative to it; `''` is the folder itself); returns their paths. Folders that do
 * not exist or cannot be read are skipped: this is tidying, and the run's own writes report any
 * real problem with the folder.
 */
export async function removeLeftoverPartials(outputDir: string, subfolders: readonly string[] = OUTPUT_SUBFOLDERS): Promise<string[]> {
  const removed: string[] = [];
  for (const sub of subfolders) {
    const folder = sub === '' ? outputDir : join(outputDir, sub);
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const match = PARTIAL_NAME.exec(entry.name);
      if (match === null || !entry.isFile() || (await processRuns(Number(match[1])))) continue;
      const path = join(folder, entry.name);
      try {
        await rm(path, { force: true });
        removed.push(path);
      } catch {
        // Not ours to insist on: a file we cannot remove stays.
      }
    }
  }
  return removed;
}
