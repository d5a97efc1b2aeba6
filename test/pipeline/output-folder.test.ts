/**
 * A run into a folder holding another run's outputs replaces them as a whole (crowdheat's own
 * frame files only), or refuses before writing when a JSON file it did not write is in
 * `detect/`; a folder that cannot be used fails before any work. Real runs, real ffmpeg.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { OutputFolderError } from '../../src-main/sinks/atomic.js';
import { localSettings, makeTempDir, writeSeedCsv, type Box } from '../video/fixtures.js';

function framesOf(count: number): Box[][] {
  return Array.from({ length: count }, (): Box[] => [[100, 100, 300, 500]]);
}

describe('a run into a folder holding an earlier run', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(() => cleanup());

  /** Settings for `meta` into `out`, with a tiny video so the 600-frame run stays quick. */
  function settingsFor(meta: string, out: string): ReturnType<typeof localSettings> {
    const settings = localSettings(dir, '', { output_dir: out, output_video_width: 16, output_video_height: 16 });
    settings.data_source_settings.local_data_settings.meta_file = meta;
    return settings;
  }

  test('600 frames then 40 frames into the same output_dir leave 40 frame files, a summary of 40, and the user\'s files', async () => {
    const out = join(dir, 'replaced');
    await writeSeedCsv(join(dir, 'long.csv'), framesOf(600));
    await writeSeedCsv(join(dir, 'short.csv'), framesOf(40));
    await runPipeline(settingsFor(join(dir, 'long.csv'), out));
    expect(await readdir(join(out, 'detect'))).toHaveLength(600);
    await writeFile(join(out, 'detect', 'my-notes.txt'), 'mine');
    await writeFile(join(out, 'detect', '.hidden'), 'mine');

    const summary = await runPipeline(settingsFor(join(dir, 'short.csv'), out));
    expect(summary.frames).toBe(40);
    const names = (await readdir(join(out, 'detect'))).sort();
    expect(names.filter((name) => name.endsWith('.json'))).toEqual(
      Array.from({ length: 40 }, (_, index) => `${String(index).padStart(8, '0')}.json`),
    );
    expect(names.filter((name) => !name.endsWith('.json'))).toEqual(['.hidden', 'my-notes.txt']);
    const written = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { frames: number };
    expect(written.frames).toBe(40);
  });

  test('a JSON file crowdheat did not name in detect/ makes the run refuse before writing anything', async () => {
    const out = join(dir, 'foreign');
    await mkdir(join(out, 'detect'), { recursive: true });
    await writeFile(join(out, 'detect', 'counts-by-hand.json'), '{}');
    await writeSeedCsv(join(dir, 'three.csv'), framesOf(3));
    const error = await runPipeline(settingsFor(join(dir, 'three.csv'), out)).then(
      () => new Error('the run succeeded'),
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(OutputFolderError);
    expect(error.message).toBe(
      `output_settings.output_dir: ${join(out, 'detect')} holds 1 JSON file(s) crowdheat did not write ` +
        '(e.g. "counts-by-hand.json"); move them away or choose another output_dir, so they are not read as frames',
    );
    expect(await readdir(join(out, 'detect'))).toEqual(['counts-by-hand.json']);
    expect((await readdir(out)).sort()).toEqual(['detect']);
  });

  test('an output_dir that is a file fails the run with the folder named, before the input is read', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'mine');
    // The metadata file does not exist: the folder is checked first.
    const error = await runPipeline(settingsFor(join(dir, 'missing.csv'), file)).then(
      () => new Error('the run succeeded'),
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(OutputFolderError);
    expect(error.message).toBe(`output_settings.output_dir: cannot create the folder ${file}: a file is in the way (EEXIST)`);
  });
});
