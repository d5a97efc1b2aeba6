/**
 * A video whose MP4 edit list drops frames (cut from mid-GOP by stream copy): the probe counts
 * every packet, so more metadata frames are paired than the video decodes to, and the
 * compositing ffmpeg waits for good once its background ends. Its progress blocks go on, but
 * say nothing new: the stall watchdog stops it with a one-line error instead of a run that hangs.
 * A frame read by number (heatmap.png's picture) leaves the cut packets out as the decoder does.
 */
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { STALL_ENV } from '../../src-main/ffmpeg/spawn.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { ProcessError } from '../../src-shared/errors.js';
import { frameByNumber, localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';
import { descendantsNamed } from './processes.js';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
let ffmpeg = '';
const previousStall = process.env[STALL_ENV];
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  ffmpeg = await bundledFfmpegPath();
  await makeVideo(join(dir, 'whole.mp4'), { frames: 60, width: 160, height: 90, fps: 10, pattern: true });
  // One GOP: the copy starts at frame 0's keyframe and its edit list hides the first 1.5 s.
  const cut = spawnSync(ffmpeg, ['-v', 'error', '-y', '-ss', '1.55', '-i', join(dir, 'whole.mp4'), '-c', 'copy', join(dir, 'edited.mp4')]);
  if (cut.status !== 0) throw new Error(cut.stderr.toString());
  process.env[STALL_ENV] = '2000';
});
afterAll(async () => {
  if (previousStall === undefined) delete process.env[STALL_ENV];
  else process.env[STALL_ENV] = previousStall;
  await cleanup();
});

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

  it('fails with the stall error, leaving no ffmpeg and no .partial, instead of hanging', async () => {
    const video = join(dir, 'edited.mp4');
    const packets = (await probeVideo(ffmpeg, video)).frameCount;
    expect(decodedFrames(video)).toBeLessThan(packets);
    await writeSeedCsv(join(dir, 'meta.csv'), Array.from({ length: packets }, (): Box[] => [[10, 10, 200, 300]]));
    const out = join(dir, 'out');
    const settings = localSettings(dir, video, { output_video_width: 160, output_video_height: 90, output_dir: out });
    const error = await runPipeline(settings).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toMatch(/^ffmpeg made no progress for 2 s while encoding .*edited_heatmap\.mp4 and was stopped/);
    expect(descendantsNamed('ffmpeg')).toEqual([]);
    expect((await readdir(out, { recursive: true }).catch((): string[] => [])).filter((name) => String(name).endsWith('.partial'))).toEqual([]);
  }, 60_000);
});
