/**
 * A cancel that comes as the sinks finish (with the last frame's progress report, as the video's
 * ffmpeg ends): the run settles with no ffmpeg running, no temporary file, nothing written after
 * it settled, and the earlier run's heatmap.png untouched.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import type { Progress } from '../../src-main/pipeline/types.js';
import { CancelledError } from '../../src-shared/errors.js';
import { localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';
import { descendantsNamed } from './processes.js';

const FRAMES = 60;
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  await makeVideo(join(dir, 'scene.mp4'), { frames: FRAMES, width: 320, height: 180, pattern: true });
  const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => Array.from({ length: 20 }, (_, k) => [i + k * 40, 100, i + k * 40 + 200, 700] as Box));
  await writeSeedCsv(join(dir, 'meta.csv'), boxes);
});
afterAll(() => cleanup());

/** Every path under `folder`, sorted. */
const listing = async (folder: string): Promise<string[]> => (await readdir(folder, { recursive: true })).map(String).sort();


describe('a cancel while the sinks finish', () => {
  it("settles with no ffmpeg and no .partial, writes nothing afterwards and keeps the earlier run's heatmap.png", async () => {
    const out = join(dir, 'out');
    const size = { output_video_width: 1920, output_video_height: 1080, output_dir: out };
    await runPipeline(localSettings(dir, join(dir, 'scene.mp4'), { ...size, cmap: 'viridis' }));
    const earlierPng = await readFile(join(out, 'heatmap.png'));

    const controller = new AbortController();
    const rerun = localSettings(dir, join(dir, 'scene.mp4'), { ...size, cmap: 'inferno' });
    const onProgress = (report: Progress): void => {
      if (report.frames === FRAMES) controller.abort();
    };
    const error = await runPipeline(rerun, { signal: controller.signal, onProgress }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(descendantsNamed('ffmpeg')).toEqual([]);
    const atSettle = await listing(out);
    expect(atSettle.filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect((await readFile(join(out, 'heatmap.png'))).equals(earlierPng)).toBe(true);
    // Nothing of the run goes on once it has settled.
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
    expect(await listing(out)).toEqual(atSettle);
    expect((await readFile(join(out, 'heatmap.png'))).equals(earlierPng)).toBe(true);
  }, 60_000);
});
