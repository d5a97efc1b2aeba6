import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reencodeVideo } from '../../src-main/app/export-video.js';
import { exportOutputs } from '../../src-main/app/export.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { formatBytes } from '../../src-shared/bytes.js';
import { formatDuration, keepAspect, videoDraftOf, videoPlan } from '../../src-renderer/logic/export-dialog.js';
import { videoChoiceProblem } from '../../src-shared/render/video-format.js';
import { makeTempDir, makeVideo } from '../video/fixtures.js';

const facts = { width: 1280, height: 720, fps: 10, frames: 600, durationS: 60, bytes: 12_000_000 };

describe('the Export dialog\'s video line', () => {
  it('shows the analysis video as it is: size, rate, frames, duration and file size', () => {
    expect(videoPlan(facts, videoDraftOf(facts))).toEqual({
      text: '1280 × 720, 10 fps, 600 frames, 1 min 0 s, 12.0 MB', problem: null, changed: false, choice: { width: 1280, height: 720, fps: 10 },
    });
  });

  it('a changed size and rate give the new duration and a file size estimated by pixel count', () => {
    expect(videoPlan(facts, { width: '640', height: '360', fps: '25' }).text).toBe('640 × 360, 25 fps, 600 frames, 24 s, about 3.0 MB (re-encoded)');
  });

  it('refuses sizes and rates the encoder cannot take, in one line', () => {
    expect(videoPlan(facts, { width: '641', height: '360', fps: '10' }).problem).toBe('video width must be an even whole number of pixels from 2 to 8192, got 641');
    expect(videoPlan(facts, { width: '640', height: '', fps: '10' }).problem).toBe('video height must be an even whole number of pixels from 2 to 8192, got NaN');
    expect(videoChoiceProblem({ width: 640, height: 360, fps: 300 })).toBe('video frame rate must be a number from 0.1 to 240, got 300');
  });

  it('keeps the aspect when one side is typed, rounded to even', () => {
    expect(keepAspect(facts, 'width', 1000)).toBe(562);
    expect(keepAspect(facts, 'height', 1080)).toBe(1920);
  });

  it('formats durations and sizes as people read them', () => {
    expect(formatDuration(300)).toBe('5 min 0 s');
    expect(formatDuration(7.25)).toBe('7.3 s');
    expect(formatBytes(830_400)).toBe('830 kB');
    expect(formatBytes(2_340_000_000)).toBe('2.34 GB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(999_999)).toBe('1.0 MB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
  });
});

describe('an export at another size and rate re-encodes the analysis video, every frame kept', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await mkdir(join(dir, 'run', 'video'), { recursive: true });
    await makeVideo(join(dir, 'run', 'video', 'in_heatmap.mp4'), { frames: 20, width: 320, height: 180, fps: 10 });
  });
  afterAll(() => cleanup());

  it('writes 160×90 at 5 fps: 20 frames, 4 s (ffprobe), and the export copies it in place of the original', async () => {
    const reencoded = join(dir, 'reencoded.mp4');
    await reencodeVideo({
      ffmpeg: await bundledFfmpegPath(), from: join(dir, 'run', 'video', 'in_heatmap.mp4'), to: reencoded,
      choice: { width: 160, height: 90, fps: 5 }, preset: 'veryfast', crf: 23, signal: new AbortController().signal,
    });
    const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries',
      'stream=width,height,r_frame_rate,nb_read_frames:format=duration', '-of', 'csv=p=0', reencoded], { timeout: 30_000 });
    expect(probe.stdout.toString().trim().split('\n')).toEqual(['160,90,5/1,20', '4.000000']);

    const files = await exportOutputs({
      from: join(dir, 'run'), to: join(dir, 'exported'), outputs: ['video'], signal: new AbortController().signal,
      onProgress: () => undefined, replacements: new Map([['video/in_heatmap.mp4', reencoded]]),
    });
    expect(files).toEqual(['video/in_heatmap.mp4']);
    expect(await readFile(join(dir, 'exported', 'video', 'in_heatmap.mp4'))).toEqual(await readFile(reencoded));
  }, 60_000);
});
