import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { InputError } from '../../src-shared/errors.js';
import { Diagnostics, type Warning } from '../../src-main/pipeline/diagnostics.js';
import type { FrameSource } from '../../src-main/pipeline/types.js';

/** A frame as plain numbers, for exact comparisons. */
export interface PlainFrame {
  index: number;
  boxes: number[][];
}

/** Opens a metadata file as a source, as `openMot` and `openSeedCsv` do. */
export type OpenSource = (path: string, diagnostics: Diagnostics) => FrameSource;

/** Reads every frame of `source`; boxes as [left, top, right, bottom, score, classId]. */
export async function readAll(source: FrameSource, signal = new AbortController().signal): Promise<PlainFrame[]> {
  const frames: PlainFrame[] = [];
  for await (const frame of source.frames(signal)) {
    const { count, boxes, scores, classIds } = frame.detections;
    const rows: number[][] = [];
    for (let i = 0; i < count; i++) {
      rows.push([boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], scores[i], classIds[i]]);
    }
    frames.push({ index: frame.index, boxes: rows });
  }
  return frames;
}

/** Diagnostics that keep every warning shown, for assertions. */
export function recordingDiagnostics(): { diagnostics: Diagnostics; warnings: Warning[] } {
  const warnings: Warning[] = [];
  return { diagnostics: new Diagnostics((warning) => warnings.push(warning)), warnings };
}

/** Every frame of the file at `path` opened with `open`, and the warning messages it gave. */
export async function readFileWith(open: OpenSource, path: string) {
  const { diagnostics, warnings } = recordingDiagnostics();
  const frames = await readAll(open(path, diagnostics));
  return { path, frames, warnings: warnings.map((w) => w.message), diagnostics };
}

/** Reading the file at `path` with `open` fails with an `InputError` saying exactly `message`. */
export async function expectInputError(open: OpenSource, path: string, message: string): Promise<void> {
  const error = await readAll(open(path, recordingDiagnostics().diagnostics)).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toBe(message);
}

/** The errors every file source gives for a path that is missing or is a directory. */
export function unreadablePathTests(open: OpenSource, temp: TempDir, fileName: string): void {
  it('missing file', async () => {
    const path = join(temp.dir, fileName);
    await expectInputError(open, path, `meta_file not found: ${path}`);
  });

  it('a directory', async () => {
    await expectInputError(open, temp.dir, `meta_file is a directory, not a file: ${temp.dir}`);
  });
}

export interface TempDir {
  readonly dir: string;
  /** Writes `text` to `name` in the directory and returns the file's path. */
  write(name: string, text: string): string;
}

/** A fresh temporary directory for each test of the calling file, deleted after the test. */
export function tempDirEachTest(): TempDir {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crowdheat-sources-'));
  });
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const current = (): string => {
    if (dir === undefined) throw new Error('the temporary directory exists only while a test runs');
    return dir;
  };
  return {
    get dir() {
      return current();
    },
    write: (name, text) => {
      const path = join(current(), name);
      writeFileSync(path, text);
      return path;
    },
  };
}
