import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDemo } from '../../src-main/demo/index.js';
import type { Progress } from '../../src-main/pipeline/types.js';
import type { Warning } from '../../src-main/pipeline/diagnostics.js';
import { simulateScene } from '../../src-main/demo/scene.js';
import { resolveFfmpeg } from '../../src-main/ffmpeg/locate.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-demo-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runDemo', () => {
  it('runs the prepared files through the pipeline: one detect JSON per frame, counts as simulated', async () => {
    const frames = 60;
    const progress: Progress[] = [];
    const warnings: Warning[] = [];
    const { summary, configPath } = await runDemo({
      outputDir: dir,
      frames,
      seed: 3,
      video: false,
      onProgress: (p) => progress.push(p),
      onWarning: (w) => warnings.push(w),
    });
    expect(configPath).toBe(join(dir, 'input', 'heat_map_app.yaml'));
    expect(warnings).toEqual([]);
    expect(summary.frames).toBe(frames);
    const scene = [...simulateScene({ frames, seed: 3 })];
    expect(summary.detections).toBe(scene.reduce((sum, frame) => sum + frame.detections.length, 0));
    expect(summary.skipped_records).toBe(0);

    const detect = (await readdir(join(dir, 'detect'))).sort();
    expect(detect).toEqual(Array.from({ length: frames }, (_, i) => `${String(i).padStart(8, '0')}.json`));
    const last = JSON.parse(await readFile(join(dir, 'detect', detect[frames - 1]), 'utf8')) as {
      number_of_detects: number;
      positions: { x: number; y: number }[];
      griddata: number[][];
    };
    const lastFrame = scene[frames - 1];
    expect(last.number_of_detects).toBe(lastFrame.detections.length);
    expect(last.positions).toEqual(lastFrame.detections.map((d) => ({ x: (d.left + d.right) / 2, y: d.bottom })));
    expect(last.griddata.length).toBe(36);
    expect(last.griddata[0].length).toBe(64);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('leaves an overlay video of the painted scene, one frame per CSV row (the sample’s Case 3)', async () => {
    const frames = 40;
    const { summary } = await runDemo({ outputDir: dir, frames, seed: 6 });
    expect(summary.source.video_file).toBe(join(dir, 'input', 'demo.mp4'));
    expect(summary.frames).toBe(frames);
    expect(summary.outputs).toContain('video/demo_heatmap.mp4');
    const info = await probeVideo(await resolveFfmpeg(''), join(dir, 'video', 'demo_heatmap.mp4'));
    expect({ width: info.width, height: info.height, frames: info.frameCount }).toEqual({ width: 960, height: 540, frames });
  });
});
