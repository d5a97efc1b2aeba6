import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { CancelledError, InputError } from '../../src-shared/errors.js';
import type { Progress } from '../../src-main/pipeline/types.js';
import { localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';
import { descendantsNamed, isAlive } from './processes.js';

const FRAMES = 240;
const DIST_WORKER = join(process.cwd(), 'dist', 'src-main', 'pipeline', 'worker.js');

describe('cancelling a video run', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await makeVideo(join(dir, 'long.mp4'), { frames: FRAMES, width: 640, height: 360, fps: 25, pattern: true });
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [[i * 4, 100, i * 4 + 200, 700]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
  });
  afterAll(() => cleanup());

  /** Cancels `start`'s run once ffmpeg is encoding; returns the ffmpeg pids seen and the outcome. */
  const cancelWhileEncoding = async (
    start: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<unknown>,
  ): Promise<{ pids: number[]; error: unknown }> => {
    const controller = new AbortController();
    const pids = new Set<number>();
    const onProgress = (progress: Progress): void => {
      for (const pid of descendantsNamed('ffmpeg')) pids.add(pid);
      if (progress.frames >= 20 && pids.size > 0) controller.abort();
    };
    const error = await start(controller.signal, onProgress).then(() => null, (caught: unknown) => caught);
    return { pids: [...pids], error };
  };

  it('in process: CancelledError, ffmpeg gone, no partial file', async () => {
    const settings = localSettings(dir, join(dir, 'long.mp4'), { output_video_width: 640, output_video_height: 360, output_dir: join(dir, 'out-in') });
    const { pids, error } = await cancelWhileEncoding((signal, onProgress) => runPipeline(settings, { signal, onProgress }));
    expect(error).toBeInstanceOf(CancelledError);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await readdir(join(dir, 'out-in', 'video'))).toEqual([]);
  });

  describe('in the worker process', () => {
    beforeAll(() => {
      // The worker is the compiled module (as the CLI and the app fork it); build it if needed.
      if (!existsSync(DIST_WORKER)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'ignore' });
    });

    it('cancel kills the worker\'s ffmpeg and leaves no partial file', async () => {
      const { runInWorker, forkWorker } = await import('../../src-main/pipeline/worker-client.js');
      const settings = localSettings(dir, join(dir, 'long.mp4'), { output_video_width: 640, output_video_height: 360, output_dir: join(dir, 'out-worker') });
      const { pids, error } = await cancelWhileEncoding((signal, onProgress) =>
        runInWorker(settings, { signal, onProgress, startWorker: () => forkWorker(DIST_WORKER) }),
      );
      expect(error).toBeInstanceOf(CancelledError);
      expect(pids.length).toBeGreaterThan(0);
      expect(pids.filter(isAlive)).toEqual([]);
      expect(await readdir(join(dir, 'out-worker', 'video'))).toEqual([]);
    });

    it('a finished run returns the summary, progress and warnings from the worker', async () => {
      const { runInWorker, forkWorker } = await import('../../src-main/pipeline/worker-client.js');
      const settings = localSettings(dir, join(dir, 'long.mp4'), { output_video_width: 63, output_video_height: 36, output_dir: join(dir, 'out-done') });
      const progress: Progress[] = [];
      const kinds: string[] = [];
      const startWorker = () => forkWorker(DIST_WORKER);
      const summary = await runInWorker(settings, { onProgress: (p) => progress.push(p), onWarning: (w) => kinds.push(w.kind), startWorker });
      expect(summary.frames).toBe(FRAMES);
      expect(summary.outputs).toContain('video/long_heatmap.mp4');
      expect(progress[progress.length - 1]).toMatchObject({ frames: FRAMES, expectedFrames: FRAMES });
      expect(kinds).toEqual(['odd-video-size']);
    });

    it('an input error arrives as the same typed error', async () => {
      const { runInWorker, forkWorker } = await import('../../src-main/pipeline/worker-client.js');
      const settings = localSettings(dir, join(dir, 'nowhere.mp4'), { output_dir: join(dir, 'out-error') });
      const error = await runInWorker(settings, { startWorker: () => forkWorker(DIST_WORKER) }).then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(`video_file ${join(dir, 'nowhere.mp4')}: no such file`);
    });
  });
});
