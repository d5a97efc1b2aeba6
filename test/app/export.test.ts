/**
 * exportOutputs on real folders: what is copied, what a cancelled or failed export leaves (nothing),
 * and the messages a person reads.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportOutputs, type ExportProgress } from '../../src-main/app/export.js';
import { CancelledError } from '../../src-shared/errors.js';

let root: string;
let from: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'crowdheat-export-'));
  from = join(root, 'run-output');
  await mkdir(join(from, 'detect'), { recursive: true });
  for (let i = 0; i < 4; i++) await writeFile(join(from, 'detect', `0000000${i}.json`), `{"frame": ${i}}`);
  await writeFile(join(from, 'griddata.npy'), 'npy bytes');
  await writeFile(join(from, 'summary.json'), '{}');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const noProgress = (): void => undefined;

describe('exportOutputs', () => {
  it('copies the chosen outputs, reports each file, and answers their paths', async () => {
    const to = join(root, 'exported');
    const progress: ExportProgress[] = [];
    const files = await exportOutputs({
      from,
      to,
      outputs: ['detect-json', 'npy'],
      signal: new AbortController().signal,
      onProgress: (step) => progress.push(step),
    });
    expect(files).toEqual(['detect/00000000.json', 'detect/00000001.json', 'detect/00000002.json', 'detect/00000003.json', 'griddata.npy']);
    expect((await readdir(to)).sort()).toEqual(['detect', 'griddata.npy']);
    expect(await readFile(join(to, 'detect', '00000002.json'), 'utf8')).toBe('{"frame": 2}');
    expect(progress.map((step) => step.done)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(progress.at(-1)).toEqual({ done: 5, total: 5, current: '' });
  });

  it('replaces an older detect folder whole, so no frame of another run stays behind', async () => {
    const to = join(root, 'exported');
    await mkdir(join(to, 'detect'), { recursive: true });
    await writeFile(join(to, 'detect', '00000099.json'), 'from an older run');
    await exportOutputs({ from, to, outputs: ['detect-json'], signal: new AbortController().signal, onProgress: noProgress });
    expect(await readdir(join(to, 'detect'))).toHaveLength(4);
  });

  it('leaves the folder as it was when cancelled half-way', async () => {
    const to = join(root, 'exported');
    await mkdir(to);
    await writeFile(join(to, 'mine.txt'), 'the user’s own file');
    const controller = new AbortController();
    const exporting = exportOutputs({
      from,
      to,
      outputs: ['detect-json', 'npy', 'summary'],
      signal: controller.signal,
      onProgress: (step) => {
        if (step.done === 2) controller.abort();
      },
    });
    await expect(exporting).rejects.toBeInstanceOf(CancelledError);
    expect(await readdir(to)).toEqual(['mine.txt']);
  });

  it('names an output the analysis does not have, before writing anything', async () => {
    const to = join(root, 'exported');
    await expect(
      exportOutputs({ from, to, outputs: ['npy', 'video'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(/^export: this analysis has no MP4 video to export$/);
    await expect(
      exportOutputs({ from, to, outputs: [], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(/^export: choose at least one output$/);
    expect(await readdir(root)).toEqual(['run-output']);
  });

  it('says in words why a folder cannot be made', async () => {
    await writeFile(join(root, 'a-file'), 'not a folder');
    const to = join(root, 'a-file', 'inside');
    await expect(
      exportOutputs({ from, to, outputs: ['npy'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(`export: cannot create the folder ${to}: part of the path is a file, not a folder (ENOTDIR)`);
  });

  it('says in words that a file is where the folder should be', async () => {
    const to = join(root, 'a-file');
    await writeFile(to, 'not a folder');
    await expect(
      exportOutputs({ from, to, outputs: ['npy'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(`export: cannot create the folder ${to}: a file is in the way (EEXIST)`);
  });

  it('says in words why a file cannot be written, and leaves no staging folder', async () => {
    // A folder named like the single file to export: renaming the staged file over it fails.
    const to = join(root, 'exported');
    await mkdir(join(to, 'griddata.npy', 'occupied'), { recursive: true });
    await expect(
      exportOutputs({ from, to, outputs: ['npy'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(`export: cannot write into ${to}: a folder of the same name is in the way (EISDIR)`);
    expect(await readdir(to)).toEqual(['griddata.npy']);
  });
});

// mkdir(..., { recursive: true }) never returns under /proc (a Node bug); the export must fail at once instead.
describe.skipIf(!existsSync('/proc/self'))('exportOutputs under /proc', () => {
  it('fails with a one-line message instead of hanging', async () => {
    const to = '/proc/crowdheat-export-test/inside';
    await expect(
      exportOutputs({ from, to, outputs: ['npy'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(`export: cannot create the folder ${to}: /proc does not allow folders in it (ENOENT)`);
  });
});
