import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { CancelledError, InputError } from '../../src-shared/errors.js';
import type { Progress, SinkFactory } from '../../src-main/pipeline/types.js';
import { localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';
import { commandLine, descendantsNamed, isAlive } from './processes.js';

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
    // The video folder it made is gone with the partial file: a failed run leaves no empty folder.
    expect(existsSync(join(dir, 'out-in', 'video'))).toBe(false);
  });

  it('in process: a cancel frees a sink blocked on a stalled ffmpeg at once, kills it and leaves no partial file', async () => {
    const out = join(dir, 'out-stalled');
    const settings = localSettings(dir, join(dir, 'long.mp4'), { output_video_width: 640, output_video_height: 360, output_dir: out });
    const controller = new AbortController();
    // Runs after the standard sinks, so it counts the frames that got through the video sink.
    let framesThrough = 0;
    const counting: SinkFactory = () => ({
      write: () => {
        framesThrough += 1;
      },
      finish: async () => undefined,
      abort: async () => undefined,
    });
    // The encoder is the ffmpeg writing into the output folder (the other one decodes the input).
    let stalled: number[] = [];
    const stallEncoder = (): void => {
      if (stalled.length > 0) return;
      stalled = descendantsNamed('ffmpeg').filter((pid) => commandLine(pid).some((arg) => arg.startsWith(out)));
      for (const pid of stalled) process.kill(pid, 'SIGSTOP');
    };
    try {
      const outcome = runPipeline(settings, { signal: controller.signal, onProgress: stallEncoder, extraSinks: [counting] }).then(
        () => null,
        (caught: unknown) => caught,
      );
      // Stopped, the encoder reads nothing: its pipes fill and the video sink's write waits for
      // good. Cancel once no frame has got through the sinks for a few looks in a row.
      let quietLooks = 0;
      let seen = -1;
      while (quietLooks < 3) {
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
        quietLooks = stalled.length > 0 && framesThrough === seen ? quietLooks + 1 : 0;
        seen = framesThrough;
      }
      expect(framesThrough).toBeLessThan(FRAMES);
      controller.abort();
      // No worker deadline stands behind this run: without the sinks hearing the cancel it never settles.
      const error = await outcome;
      expect(error).toBeInstanceOf(CancelledError);
      expect(stalled).toHaveLength(1);
      expect(stalled.filter(isAlive)).toEqual([]);
      expect(descendantsNamed('ffmpeg')).toEqual([]);
      // The video folder it made is gone with the partial file: a failed run leaves no empty folder.
    expect(existsSync(join(out, 'video'))).toBe(false);
      const left = await readdir(out, { recursive: true });
      expect(left.filter((name) => name.endsWith('.partial'))).toEqual([]);
      expect(left.filter((name) => !name.startsWith('detect'))).toEqual([]);
    } finally {
      // Our own stopped ffmpeg must not outlive a failed test.
      for (const pid of stalled.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  }, 5000);

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
      // The video folder it made is gone with the partial file: a failed run leaves no empty folder.
    expect(existsSync(join(dir, 'out-worker', 'video'))).toBe(false);
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
