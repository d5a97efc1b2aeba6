/**
 * A run that fails leaves no folder it made empty behind (its output folder's new levels,
 * detect/, video/), and removes nothing it did not make or that holds anything.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'crowdheat-failed-run-'));
  // A seed CSV whose every row is unreadable: the run is refused after its sinks made their folders.
  await writeFile(join(root, 'bad.csv'), '0,1\n0,"{not json}"\n1,"{also bad}"\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

function settingsInto(outputDir: string): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = 'bad.csv';
  settings.output_settings.output_dir = outputDir;
  return settings;
}

const everything = async (): Promise<string[]> => (await readdir(root, { recursive: true })).map((name) => name.split(sep).join('/')).sort();

describe('the folders of a failed run', () => {
  it('a refused run into a new nested folder leaves none of its levels, nor detect/ or video/', async () => {
    await expect(runPipeline(settingsInto('out/day/one'), { cwd: root })).rejects.toThrow('no usable record among 2 rows');
    expect(await everything()).toEqual(['bad.csv']);
  });

  it('a refused run into a folder of earlier work leaves the folder, its files and its folders as they were', async () => {
    await mkdir(join(root, 'out', 'detect'), { recursive: true });
    await writeFile(join(root, 'out', 'detect', '00000000.json'), '{}');
    await mkdir(join(root, 'out', 'empty-of-mine'));
    await writeFile(join(root, 'out', 'notes.txt'), 'mine');
    await expect(runPipeline(settingsInto('out'), { cwd: root })).rejects.toThrow('no usable record among 2 rows');
    expect(await everything()).toEqual(['bad.csv', 'out', 'out/detect', 'out/detect/00000000.json', 'out/empty-of-mine', 'out/notes.txt']);
  });

  it('a run that fails before its sinks (a metadata file that is not there) leaves no folder either', async () => {
    const settings = settingsInto('fresh');
    settings.data_source_settings.local_data_settings.meta_file = 'missing.csv';
    await expect(runPipeline(settings, { cwd: root })).rejects.toThrow('missing.csv');
    expect(await everything()).toEqual(['bad.csv']);
  });
});
