/**
 * A video whose MP4 edit list drops frames (cut from mid-GOP by stream copy). Counting every
 * packet, the probe paired more metadata frames than the video shows, and the compositing
 * ffmpeg waited for good once its background ended (the run hung); a frame read by number
 * (heatmap.png's picture) was off by the cut. Both now leave the cut packets out, as the decoder does.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { frameByNumber, localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';
import { descendantsNamed } from './processes.js';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
let ffmpeg = '';
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  ffmpeg = await bundledFfmpegPath();
  await makeVideo(join(dir, 'whole.mp4'), { frames: 60, width: 160, height: 90, fps: 10, pattern: true });
  // One GOP: the copy starts at frame 0's keyframe and its edit list hides the first 1.5 s.
  const cut = spawnSync(ffmpeg, ['-v', 'error', '-y', '-ss', '1.55', '-i', join(dir, 'whole.mp4'), '-c', 'copy', join(dir, 'edited.mp4')]);
  if (cut.status !== 0) throw new Error(cut.stderr.toString());
});
afterAll(() => cleanup());

/** Every video packet of `path`, cut ones included (what the probe counted before). */
function packetCount(path: string): number {
  const result = spawnSync(ffmpeg, ['-v', 'error', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-'], { encoding: 'utf8' });
  return result.stdout.split('\n').filter((line) => /^\d+,/.test(line)).length;
}

/** Frames ffmpeg decodes from `path` (the edit list applied). */
function decodedFrames(path: string): number {
  const result = spawnSync(ffmpeg, ['-i', path, '-map', '0:v:0', '-f', 'null', '-'], { encoding: 'utf8' });
  const counts = [...result.stderr.matchAll(/frame=\s*(\d+)/g)];
  return Number(counts[counts.length - 1][1]);
}

describe('a video with an edit list that drops frames', () => {
  it("reads frame N as the decoder shows it, the edit list's cut packets left out", async () => {
    const video = join(dir, 'edited.mp4');
    const shown = decodedFrames(video);
    for (const index of [1, 10, shown - 1]) {
      const picture = await readVideoFrame(ffmpeg, video, index, 160, 90);
      expect(Buffer.from(picture.data).equals(await frameByNumber(video, index, 160, 90))).toBe(true);
    }
    await expect(readVideoFrame(ffmpeg, video, shown, 160, 90)).rejects.toThrow(`cannot read frame ${shown}: frame ${shown} is past its end`);
  }, 60_000);

  it('is probed as the frames it shows, so a run with metadata for every packet pairs those and ends', async () => {
    const video = join(dir, 'edited.mp4');
    const shown = decodedFrames(video);
    const packets = packetCount(video);
    expect(shown).toBeLessThan(packets);
    expect((await probeVideo(ffmpeg, video)).frameCount).toBe(shown);
    await writeSeedCsv(join(dir, 'meta.csv'), Array.from({ length: packets }, (): Box[] => [[10, 10, 200, 300]]));
    const out = join(dir, 'out');
    const settings = localSettings(dir, video, { output_video_width: 160, output_video_height: 90, output_dir: out });
    const warnings: string[] = [];
    const summary = await runPipeline(settings, { onWarning: (warning) => warnings.push(warning.message) });
    expect(summary.frames).toBe(shown);
    expect(summary.video?.frames).toBe(shown);
    expect(warnings).toContain(`video ${video} has ${shown} frames but the metadata has ${packets}; using the first ${shown}`);
    expect(descendantsNamed('ffmpeg')).toEqual([]);
  }, 60_000);
});
