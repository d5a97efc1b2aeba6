import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { bundledFfmpegPath, verifyRuns } from '../../src-main/ffmpeg/locate.js';
import { HeatVideoEncoder } from '../../src-main/ffmpeg/encoder.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { STALL_ENV } from '../../src-main/ffmpeg/spawn.js';
import { CancelledError, InputError, ProcessError, SettingsError } from '../../src-shared/errors.js';
import { parseSettings, validateSettings } from '../../src-shared/settings/index.js';
import { SAMPLE_MAIN_YAML, SAMPLE_PARAM_PATH, SAMPLE_PARAM_YAML } from '../settings/fixtures.js';
import { localSettings, makeTempDir, writeSeedCsv, type Box } from '../video/fixtures.js';
import { commandLine, descendantsNamed, isAlive } from '../video/processes.js';

const FRAMES = 40;

/** A shell script standing in for ffmpeg: `-version` answers like ffmpeg, anything else runs `body`. */
async function fakeFfmpeg(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\ncase "$*" in *-version*) echo "ffmpeg version fake"; exit 0;; esac\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('waits on ffmpeg have deadlines', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  const stallBefore = process.env[STALL_ENV];

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [[i * 4, 100, i * 4 + 200, 700]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
  });
  afterAll(() => cleanup());
  afterEach(() => {
    if (stallBefore === undefined) delete process.env[STALL_ENV];
    else process.env[STALL_ENV] = stallBefore;
  });

  it('an ffmpeg_path that never answers -version is given up after the deadline, naming the setting', async () => {
    // No `exec`: the sleeping child of the killed shell still holds its pipes.
    const silent = join(dir, 'silent-ffmpeg');
    await writeFile(silent, '#!/bin/sh\nsleep 3\n');
    await chmod(silent, 0o755);
    const error = await verifyRuns(silent, 300).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`ffmpeg_path (${silent}) does not run: no answer to -version within 0.3 s`);
  });

  it('an ffmpeg that stops reading its input is stopped after the stall limit; the run fails naming ffmpeg and leaves no partial video', async () => {
    process.env[STALL_ENV] = '1000';
    const stuck = await fakeFfmpeg(join(dir, 'stuck-ffmpeg'), 'sleep 4');
    const out = join(dir, 'out-stuck');
    const settings = localSettings(dir, '', { ffmpeg_path: stuck, output_dir: out, output_video_width: 640, output_video_height: 360 });
    const error = await runPipeline(settings).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toBe(
      `ffmpeg made no progress for 1 s while encoding ${join(out, 'video', 'heatmap.mp4')} and was stopped (${stuck})`,
    );
    // The video folder it made is gone with the partial file: a failed run leaves no empty folder.
    expect(existsSync(join(out, 'video'))).toBe(false);
  });

  it('a cancel while the encoder is stalled ends the run within a second, even when a child of ffmpeg holds its pipes', async () => {
    process.env[STALL_ENV] = '600000';
    const stuck = await fakeFfmpeg(join(dir, 'stuck-ffmpeg-2'), 'sleep 5');
    const out = join(dir, 'out-cancel');
    const settings = localSettings(dir, '', { ffmpeg_path: stuck, output_dir: out, output_video_width: 640, output_video_height: 360 });
    const controller = new AbortController();
    const outcome = runPipeline(settings, { signal: controller.signal }).then(() => null, (caught: unknown) => caught);
    // Wait until the fake encoder runs (a script's process bears its name; not the quick
    // `-version` check that comes first, which a loaded machine may still show) and its pipe is
    // full; on a loaded machine the run can take seconds to get there.
    const encoders = (): number[] => descendantsNamed('stuck-ffmpeg-2').filter((pid) => isAlive(pid) && !commandLine(pid).includes('-version'));
    for (let look = 0; look < 600 && encoders().length === 0; look++) {
      await new Promise((wait) => setTimeout(wait, 50));
    }
    await new Promise((wait) => setTimeout(wait, 300));
    const shells = encoders();
    expect(shells).toHaveLength(1);
    const cancelledAt = performance.now();
    controller.abort();
    const error = await outcome;
    const took = performance.now() - cancelledAt;
    expect(error).toBeInstanceOf(CancelledError);
    // The promise is 1 s (about 0.1 s on an idle machine); the margin is for a loaded 2-core machine.
    expect(took).toBeLessThan(2000);
    expect(shells.filter(isAlive)).toEqual([]);
    // The video folder it made is gone with the partial file: a failed run leaves no empty folder.
    expect(existsSync(join(out, 'video'))).toBe(false);
  });

  it('an ffmpeg that says nothing while probing a video is stopped after the stall limit, naming the video', async () => {
    process.env[STALL_ENV] = '1000';
    const silent = await fakeFfmpeg(join(dir, 'silent-probe-ffmpeg'), 'exec sleep 4');
    const error = await probeVideo(silent, join(dir, 'meta.csv')).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toBe(
      `ffmpeg made no progress for 1 s while reading ${join(dir, 'meta.csv')} and was stopped (${silent})`,
    );
  });

  it('an ffmpeg killed by a signal is a ProcessError (exit 1), not bad input', async () => {
    const crashing = await fakeFfmpeg(join(dir, 'crashing-ffmpeg'), 'kill -9 $$');
    const settings = localSettings(dir, '', { ffmpeg_path: crashing, output_dir: join(dir, 'out-crash') });
    const error = await runPipeline(settings).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toMatch(
      /^ffmpeg (could not finish the video|exited before all frames were written) while encoding \S+heatmap\.mp4 \(killed by SIGKILL\): /,
    );
  });
});

describe('the video holds what was meant', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(() => cleanup());

  const sampleWithFps = (fps: string): string => {
    expect(SAMPLE_MAIN_YAML).toContain('output_video_fps: 2');
    return SAMPLE_MAIN_YAML.replace('output_video_fps: 2', `output_video_fps: ${fps}`);
  };
  const validationError = (fps: string): Error => {
    try {
      parseSettings(sampleWithFps(fps), 'config/heat_map_app.yaml', (path) => {
        if (path === SAMPLE_PARAM_PATH) return SAMPLE_PARAM_YAML;
        throw new Error(`unexpected read of ${path}`);
      });
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a settings error');
  };

  it.each([
    ['10000000', "output_settings.output_video_fps must be 0 (the source's) or a number from 0.1 to 240, got 10000000"],
    ['0.0001', "output_settings.output_video_fps must be 0 (the source's) or a number from 0.1 to 240, got 0.0001"],
    ['240.5', "output_settings.output_video_fps must be 0 (the source's) or a number from 0.1 to 240, got 240.5"],
  ])('output_video_fps %s is refused before any work, naming the setting and the value', (fps, message) => {
    const error = validationError(fps);
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(`config/heat_map_app.yaml: ${message}`);
  });

  it('the ends of the range pass validation', () => {
    for (const fps of ['0.1', '240']) {
      const { settings } = parseSettings(sampleWithFps(fps), 'config/heat_map_app.yaml', () => SAMPLE_PARAM_YAML);
      expect(settings.output_settings.output_video_fps).toBe(Number(fps));
      expect(() => validateSettings(settings)).not.toThrow();
    }
  });

  /** 40 grid frames through the real encoder at `rate`; what finish() says. */
  const encode = async (name: string, rate: { num: number; den: number }): Promise<unknown> => {
    const encoder = new HeatVideoEncoder({
      ffmpeg: await bundledFfmpegPath(),
      path: join(dir, `${name}.mp4`),
      width: 64,
      height: 48,
      rate,
      columns: 4,
      rows: 3,
      interpolation: 'nearest',
      background: { kind: 'none' },
      transparency: 0.5,
      label: { x: 0, y: 0, width: 16, height: 4 },
      colorbar: null,
    });
    for (let i = 0; i < FRAMES; i++) {
      await encoder.write({ heat: new Uint8Array(4 * 3 * 3).fill(i * 6), label: new Uint8Array(16 * 4 * 2) });
    }
    return encoder.finish().then(() => null, (caught: unknown) => caught);
  };

  it('a video whose encoder kept every frame is accepted at both ends of the range', async () => {
    expect(await encode('slow', { num: 1, den: 10 })).toBeNull();
    expect(await encode('fast', { num: 240, den: 1 })).toBeNull();
    expect(await frameCount(join(dir, 'fast.mp4'))).toBe(FRAMES);
  });

  it('a video shorter than the frames sent is refused (output_video_fps 10000000 kept 7 of 40)', async () => {
    const error = await encode('absurd', { num: 10_000_000, den: 1 });
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toMatch(
      new RegExp(`^ffmpeg encoded \\d+ frame\\(s\\) for the 40 frame\\(s\\) sent into ${join(dir, 'absurd.mp4')}; the video is not kept$`),
    );
    expect((error as Error).message).not.toContain('encoded 40 frame');
  });
});

/** Frames in `path`, counted by the system's ffmpeg demuxing it. */
async function frameCount(path: string): Promise<number> {
  const child = spawn('ffmpeg', ['-hide_banner', '-i', resolve(path), '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise((done) => child.on('close', done));
  const counts = [...stderr.matchAll(/frame=\s*(\d+)/g)];
  return Number(counts[counts.length - 1]?.[1] ?? -1);
}
