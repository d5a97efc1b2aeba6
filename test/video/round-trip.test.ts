import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import type { Warning } from '../../src-main/pipeline/diagnostics.js';
import { localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';

describe('video round trip', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let ffmpeg = '';

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    ffmpeg = await bundledFfmpegPath();
    // 16:9 like the metadata space (1920×1080): a picture of another shape is warned about (coordinate space).
    await makeVideo(join(dir, 'street.mp4'), { frames: 60, width: 320, height: 180, fps: 10, pattern: true });
  });
  afterAll(() => cleanup());

  // 60 frames with a static colorbar: more than the pipes buffer, so a graph waiting on the
  // colorbar stream would hang here.
  it('writes video/<stem>_heatmap.mp4 as H.264 yuv420p with one frame per metadata frame at output_video_fps', async () => {
    const boxes: Box[][] = Array.from({ length: 60 }, () => [[100, 100, 1300, 900]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
    const settings = localSettings(dir, join(dir, 'street.mp4'), { output_video_width: 256, output_video_height: 144, output_video_fps: 5, cbar: true });
    const warnings: Warning[] = [];
    const summary = await runPipeline(settings, { onWarning: (w) => warnings.push(w) });

    expect(summary.frames).toBe(60);
    expect(summary.outputs).toContain('video/street_heatmap.mp4');
    expect(warnings).toEqual([]);
    const info = await probeVideo(ffmpeg, join(dir, 'out', 'video', 'street_heatmap.mp4'));
    expect(info).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', width: 256, height: 144, frameCount: 60, fps: { num: 5, den: 1 } });
    // Nothing temporary is left beside it.
    expect(await readdir(join(dir, 'out', 'video'))).toEqual(['street_heatmap.mp4']);
  });
});

describe.skipIf(!existsSync('/work/shared/data/aitrios-sample.csv'))('video with the real AITRIOS CSV', () => {
  it('pairs the first frames of a short video with the 600-row CSV and warns with both counts', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      await makeVideo(join(dir, 'clip.mp4'), { frames: 8, width: 192, height: 108, fps: 30 });
      const settings = localSettings(dir, join(dir, 'clip.mp4'), { output_video_width: 192, output_video_height: 108 });
      settings.data_source_settings.local_data_settings.meta_file = '/work/shared/data/aitrios-sample.csv';
      const warnings: Warning[] = [];
      const summary = await runPipeline(settings, { onWarning: (w) => warnings.push(w) });
      expect(summary.frames).toBe(8);
      expect(warnings.filter((w) => w.kind === 'frame-count-mismatch').map((w) => w.message)).toEqual([
        `video ${join(dir, 'clip.mp4')} has 8 frames but the metadata has 600; using the first 8`,
      ]);
      const info = await probeVideo(await bundledFfmpegPath(), join(dir, 'out', 'video', 'clip_heatmap.mp4'));
      expect(info.frameCount).toBe(8);
      const last = await readVideoFrame(await bundledFfmpegPath(), join(dir, 'out', 'video', 'clip_heatmap.mp4'), 7, 192, 108);
      expect(last.data.length).toBe(192 * 108 * 3);
    } finally {
      await cleanup();
    }
  });
});
