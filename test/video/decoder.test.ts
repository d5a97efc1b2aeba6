import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { CancelledError, InputError } from '../../src-shared/errors.js';
import { frameByNumber, makeTempDir, makeVfrVideo, makeVideo, VFR_COLORS } from './fixtures.js';
import { descendantsNamed } from './processes.js';

describe('reading one frame of a video', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let ffmpeg = '';
  let path = '';

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    ffmpeg = await bundledFfmpegPath();
    path = join(dir, 'moving.mp4');
    // A moving test pattern: every frame differs from its neighbours. x264's medium preset
    // uses B-frames, so packets come in another order than the frames are shown.
    await makeVideo(path, { frames: 30, width: 160, height: 120, fps: 25, pattern: true, preset: 'medium' });
  });
  afterAll(() => cleanup());

  it('probes size, rate, codec and frame count', async () => {
    expect(await probeVideo(ffmpeg, path)).toEqual({
      path, codec: 'h264', pixelFormat: 'yuv420p', width: 160, height: 120, fps: { num: 25, den: 1 }, frameCount: 30,
    });
  });

  it('every frame is the one ffmpeg selects by number from the start, B-frames and all', async () => {
    for (const index of [1, 12, 29]) {
      const read = await readVideoFrame(ffmpeg, path, index, 160, 120);
      expect(Buffer.from(read.data).equals(await frameByNumber(path, index, 160, 120))).toBe(true);
    }
    const first = await readVideoFrame(ffmpeg, path, 0, 160, 120);
    const second = await readVideoFrame(ffmpeg, path, 1, 160, 120);
    expect(Buffer.from(first.data).equals(Buffer.from(second.data))).toBe(false);
  });

  it('a variable-frame-rate video gives each frame by number, not by its average rate', async () => {
    const vfr = join(dir, 'vfr.mp4');
    await makeVfrVideo(vfr);
    // The clip's rate looks like about 2 fps; seeking frame k at (k - 0.5) / fps would find other frames.
    expect((await probeVideo(ffmpeg, vfr)).frameCount).toBe(VFR_COLORS.length);
    for (let index = 0; index < VFR_COLORS.length; index++) {
      const read = await readVideoFrame(ffmpeg, vfr, index, 8, 8);
      expect([read.data[0], read.data[1], read.data[2]]).toEqual([...VFR_COLORS[index]]);
      expect(read.data.every((value, i) => value === VFR_COLORS[index][i % 3])).toBe(true);
    }
    await expect(readVideoFrame(ffmpeg, vfr, VFR_COLORS.length, 8, 8)).rejects.toThrow(
      new InputError(`video_file ${vfr}: cannot read frame ${VFR_COLORS.length}: frame ${VFR_COLORS.length} is past its end`),
    );
  });

  it('a frame past the end is an InputError naming the file and frame', async () => {
    await expect(readVideoFrame(ffmpeg, path, 30, 160, 120)).rejects.toThrow(
      new InputError(`video_file ${path}: cannot read frame 30: frame 30 is past its end`),
    );
  });

  it('a cancel kills its ffmpeg and rejects with CancelledError', async () => {
    const controller = new AbortController();
    const reading = readVideoFrame(ffmpeg, path, 29, 160, 120, controller.signal);
    controller.abort();
    await expect(reading).rejects.toBeInstanceOf(CancelledError);
    expect(descendantsNamed('ffmpeg')).toEqual([]);
  });
});
