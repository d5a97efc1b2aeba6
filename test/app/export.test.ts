/**
 * exportOutputs on real folders: what is copied, what a cancelled or failed export leaves (nothing),
 * and the messages a person reads.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportableOutputs, exportOutputs, type ExportProgress } from '../../src-main/app/export.js';
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

describe('exportableOutputs', () => {
  it('lists the outputs the folder holds and zones.csv and Parquet, which the store gives; not the per-frame ones a long run left out', async () => {
    expect(exportableOutputs(from)).toEqual(['detect-json', 'npy', 'summary', 'zones-csv', 'parquet']);
    await writeFile(join(from, 'heatmap.png'), 'png bytes');
    await mkdir(join(from, 'video'));
    expect(exportableOutputs(from)).toEqual(['video', 'detect-json', 'png', 'npy', 'summary', 'zones-csv', 'parquet']);
    await rm(join(from, 'detect'), { recursive: true });
    await rm(join(from, 'griddata.npy'));
    expect(exportableOutputs(from)).toEqual(['video', 'png', 'summary', 'zones-csv', 'parquet']);
    // The period maps: the whole period's picture and grid, which every run writes.
    await writeFile(join(from, 'heatmap_period.png'), 'period png');
    expect(exportableOutputs(from)).not.toContain('periods');
    await writeFile(join(from, 'heatmap_period.npy'), 'period npy');
    expect(exportableOutputs(from)).toEqual(['video', 'png', 'periods', 'summary', 'zones-csv', 'parquet']);
  });
});

describe('exporting the period maps', () => {
  it('copies the whole period\'s picture and grid, and the buckets\' maps, buckets.csv and people.csv when the run wrote them', async () => {
    await writeFile(join(from, 'heatmap_period.png'), 'period png');
    await writeFile(join(from, 'heatmap_period.npy'), 'period npy');
    const options = { from, outputs: ['periods'] as const, signal: new AbortController().signal, onProgress: noProgress };
    expect(await exportOutputs({ ...options, to: join(root, 'whole-only') })).toEqual(['heatmap_period.png', 'heatmap_period.npy']);

    await mkdir(join(from, 'periods'));
    for (const hour of ['2026-11-23T0900+0900', '2026-11-23T1000+0900']) await writeFile(join(from, 'periods', `heatmap_${hour}.png`), hour);
    await writeFile(join(from, 'heatmap_buckets.npy'), 'buckets npy');
    await writeFile(join(from, 'buckets.csv'), 'bucket_start,frames\n');
    await writeFile(join(from, 'people.csv'), 'slot_start,frames\n');
    const to = join(root, 'by-hour');
    expect(await exportOutputs({ ...options, to })).toEqual([
      'heatmap_period.png',
      'heatmap_period.npy',
      'heatmap_buckets.npy',
      'buckets.csv',
      'periods/heatmap_2026-11-23T0900+0900.png',
      'periods/heatmap_2026-11-23T1000+0900.png',
      'people.csv',
    ]);
    expect(await readFile(join(to, 'periods', 'heatmap_2026-11-23T1000+0900.png'), 'utf8')).toBe('2026-11-23T1000+0900');
    await rm(join(from, 'heatmap_period.npy'));
    await expect(exportOutputs({ ...options, to: join(root, 'none') })).rejects.toThrow('export: this analysis has no period maps to export');
  });

  it('replaces the period maps of an earlier export into the same folder as a whole: no bucket of the other analysis is left beside them', async () => {
    await writeFile(join(from, 'heatmap_period.png'), 'by hour png');
    await writeFile(join(from, 'heatmap_period.npy'), 'by hour npy');
    await mkdir(join(from, 'periods'));
    for (const hour of ['20261123-0900', '20261123-1000', '20261025-0200+0200']) await writeFile(join(from, 'periods', `${hour}.png`), hour);
    await writeFile(join(from, 'heatmap_buckets.npy'), 'buckets npy');
    await writeFile(join(from, 'buckets.csv'), 'start,frames\n');
    await writeFile(join(from, 'people.csv'), 'slot_start,frames\n');
    const to = join(root, 'shared');
    const options = { to, outputs: ['periods'] as const, signal: new AbortController().signal, onProgress: noProgress };
    await exportOutputs({ ...options, from });
    // The user's own file in periods/ is not crowdheat's: it stays.
    await writeFile(join(to, 'periods', 'notes.png'), 'mine');

    // Another analysis: one bucket only, no people.csv.
    const other = join(root, 'other-output');
    await mkdir(join(other, 'periods'), { recursive: true });
    await writeFile(join(other, 'heatmap_period.png'), 'other png');
    await writeFile(join(other, 'heatmap_period.npy'), 'other npy');
    await writeFile(join(other, 'periods', '20261123-1000.png'), 'other 10:00');
    await writeFile(join(other, 'heatmap_buckets.npy'), 'other buckets npy');
    await writeFile(join(other, 'buckets.csv'), 'start,frames\nother\n');
    await exportOutputs({ ...options, from: other });
    expect((await readdir(join(to, 'periods'))).sort()).toEqual(['20261123-1000.png', 'notes.png']);
    expect(await readFile(join(to, 'periods', '20261123-1000.png'), 'utf8')).toBe('other 10:00');
    expect(existsSync(join(to, 'people.csv'))).toBe(false);

    // An analysis without buckets: none of the earlier buckets' files stay.
    const whole = join(root, 'whole-output');
    await mkdir(whole);
    await writeFile(join(whole, 'heatmap_period.png'), 'whole png');
    await writeFile(join(whole, 'heatmap_period.npy'), 'whole npy');
    expect(await exportOutputs({ ...options, from: whole })).toEqual(['heatmap_period.png', 'heatmap_period.npy']);
    expect((await readdir(to)).sort()).toEqual(['heatmap_period.npy', 'heatmap_period.png', 'periods']);
    expect(await readdir(join(to, 'periods'))).toEqual(['notes.png']);
    // A folder of the user's under a bucket file's name is not crowdheat's: it stays, the export succeeds.
    await mkdir(join(to, 'buckets.csv'));
    expect(await exportOutputs({ ...options, from: whole })).toEqual(['heatmap_period.png', 'heatmap_period.npy']);
    expect(existsSync(join(to, 'buckets.csv'))).toBe(true);
  });

  it('removes no earlier period maps when the export is cancelled', async () => {
    await writeFile(join(from, 'heatmap_period.png'), 'png');
    await writeFile(join(from, 'heatmap_period.npy'), 'npy');
    const to = join(root, 'kept');
    await mkdir(join(to, 'periods'), { recursive: true });
    await writeFile(join(to, 'periods', '20261123-0900.png'), 'earlier');
    await writeFile(join(to, 'buckets.csv'), 'earlier');
    const controller = new AbortController();
    const onProgress = (progress: ExportProgress): void => {
      if (progress.done === 1) controller.abort();
    };
    await expect(exportOutputs({ from, to, outputs: ['periods'], signal: controller.signal, onProgress })).rejects.toThrow(CancelledError);
    expect(await readFile(join(to, 'periods', '20261123-0900.png'), 'utf8')).toBe('earlier');
    expect(await readFile(join(to, 'buckets.csv'), 'utf8')).toBe('earlier');
  });
});

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

  it('replaces the frames of an earlier, longer run in detect/ as a whole, as a run into the folder does', async () => {
    const to = join(root, 'exported-over-longer');
    await mkdir(join(to, 'detect'), { recursive: true });
    await writeFile(join(to, 'detect', '00000001.json'), 'from an older run');
    await writeFile(join(to, 'detect', '00000099.json'), 'from an older, longer run');
    await writeFile(join(to, 'detect', 'notes.txt'), 'the user’s notes');
    await exportOutputs({ from, to, outputs: ['detect-json'], signal: new AbortController().signal, onProgress: noProgress });
    expect((await readdir(join(to, 'detect'))).sort()).toEqual([
      '00000000.json',
      '00000001.json',
      '00000002.json',
      '00000003.json',
      'notes.txt',
    ]);
    expect(await readFile(join(to, 'detect', '00000001.json'), 'utf8')).toBe('{"frame": 1}');
  });

  it('refuses, before writing anything, when detect/ holds a JSON file crowdheat did not name', async () => {
    const to = join(root, 'exported-beside-foreign');
    await mkdir(join(to, 'detect'), { recursive: true });
    await writeFile(join(to, 'detect', '00000099.json'), 'from an older, longer run');
    await writeFile(join(to, 'detect', 'by-hand.json'), '{}');
    await expect(
      exportOutputs({ from, to, outputs: ['detect-json', 'npy'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(
      `export: ${join(to, 'detect')} holds 1 JSON file(s) crowdheat did not write (e.g. "by-hand.json"); ` +
        'move them away or choose another folder, so they are not read as frames',
    );
    expect(await readdir(to)).toEqual(['detect']);
    expect((await readdir(join(to, 'detect'))).sort()).toEqual(['00000099.json', 'by-hand.json']);
  });

  it('replaces frames of the same names in detect/ and keeps a user\'s other files there', async () => {
    const to = join(root, 'exported');
    await mkdir(join(to, 'detect'), { recursive: true });
    await writeFile(join(to, 'detect', '00000001.json'), 'from an older run');
    await writeFile(join(to, 'detect', 'notes.txt'), 'the user’s notes');
    await exportOutputs({ from, to, outputs: ['detect-json'], signal: new AbortController().signal, onProgress: noProgress });
    expect((await readdir(join(to, 'detect'))).sort()).toEqual([
      '00000000.json',
      '00000001.json',
      '00000002.json',
      '00000003.json',
      'notes.txt',
    ]);
    expect(await readFile(join(to, 'detect', '00000001.json'), 'utf8')).toBe('{"frame": 1}');
    expect(await readFile(join(to, 'detect', 'notes.txt'), 'utf8')).toBe('the user’s notes');
  });

  it('keeps a user\'s unrelated file in video/ and replaces the video of the same name', async () => {
    await mkdir(join(from, 'video'));
    await writeFile(join(from, 'video', 'clip_heatmap.mp4'), 'new video');
    const to = join(root, 'exported');
    await mkdir(join(to, 'video'), { recursive: true });
    await writeFile(join(to, 'video', 'holiday.mp4'), 'the user’s holiday');
    await writeFile(join(to, 'video', 'clip_heatmap.mp4'), 'old video');
    const files = await exportOutputs({ from, to, outputs: ['video'], signal: new AbortController().signal, onProgress: noProgress });
    expect(files).toEqual(['video/clip_heatmap.mp4']);
    expect((await readdir(join(to, 'video'))).sort()).toEqual(['clip_heatmap.mp4', 'holiday.mp4']);
    expect(await readFile(join(to, 'video', 'holiday.mp4'), 'utf8')).toBe('the user’s holiday');
    expect(await readFile(join(to, 'video', 'clip_heatmap.mp4'), 'utf8')).toBe('new video');
    expect(await readdir(to)).toEqual(['video']);
  });

  it('keeps the files it has not reached when a rename fails half-way, and says how far it got', async () => {
    const to = join(root, 'exported');
    await mkdir(join(to, 'detect', '00000002.json'), { recursive: true });
    await writeFile(join(to, 'detect', '00000002.json', 'kept.txt'), 'in a folder in the way');
    await writeFile(join(to, 'detect', '00000003.json'), 'the old frame 3');
    await writeFile(join(to, 'detect', 'notes.txt'), 'the user’s notes');
    await expect(
      exportOutputs({ from, to, outputs: ['detect-json', 'summary'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(
      `export: cannot write detect/00000002.json into ${to}: a folder of the same name is in the way (EISDIR) ` +
        '(2 of 5 files were written; the others are as they were)',
    );
    expect(await readFile(join(to, 'detect', '00000001.json'), 'utf8')).toBe('{"frame": 1}');
    expect(await readFile(join(to, 'detect', '00000002.json', 'kept.txt'), 'utf8')).toBe('in a folder in the way');
    expect(await readFile(join(to, 'detect', '00000003.json'), 'utf8')).toBe('the old frame 3');
    expect(await readFile(join(to, 'detect', 'notes.txt'), 'utf8')).toBe('the user’s notes');
    // No staging folder left, and the summary was not reached.
    expect(await readdir(to)).toEqual(['detect']);
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

  it('stops before a file is replaced when a file is in the way of an output folder', async () => {
    const to = join(root, 'exported');
    await mkdir(to);
    await writeFile(join(to, 'detect'), 'a file named detect');
    await writeFile(join(to, 'griddata.npy'), 'the old grid');
    await expect(
      exportOutputs({ from, to, outputs: ['npy', 'detect-json'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(`export: cannot create the folder ${join(to, 'detect')}: a file is in the way (EEXIST)`);
    expect((await readdir(to)).sort()).toEqual(['detect', 'griddata.npy']);
    expect(await readFile(join(to, 'griddata.npy'), 'utf8')).toBe('the old grid');
  });

  it('says in words why a file cannot be written, and leaves no staging folder', async () => {
    // A folder named like the single file to export: renaming the staged file over it fails.
    const to = join(root, 'exported');
    await mkdir(join(to, 'griddata.npy', 'occupied'), { recursive: true });
    await expect(
      exportOutputs({ from, to, outputs: ['npy'], signal: new AbortController().signal, onProgress: noProgress }),
    ).rejects.toThrow(`export: cannot write griddata.npy into ${to}: a folder of the same name is in the way (EISDIR)`);
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
