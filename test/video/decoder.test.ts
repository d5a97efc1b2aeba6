import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { CancelledError, InputError } from '../../src-shared/errors.js';
import { makeTempDir, makeVideo } from './fixtures.js';
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
    // A moving test pattern: every frame differs from its neighbours.
    await makeVideo(path, { frames: 30, width: 160, height: 120, fps: 25, pattern: true });
  });
  afterAll(() => cleanup());

  it('probes size, rate, codec and frame count', async () => {
    expect(await probeVideo(ffmpeg, path)).toEqual({
      path, codec: 'h264', pixelFormat: 'yuv420p', width: 160, height: 120, fps: { num: 25, den: 1 }, frameCount: 30,
    });
  });

  it('seeking by time gives the same frame as counting from the start', async () => {
    for (const index of [1, 12, 29]) {
      const counted = await readVideoFrame(ffmpeg, path, index, 160, 120);
      const seeked = await readVideoFrame(ffmpeg, path, index, 160, 120, undefined, { num: 25, den: 1 });
      expect(Buffer.from(seeked.data).equals(Buffer.from(counted.data))).toBe(true);
    }
    const first = await readVideoFrame(ffmpeg, path, 0, 160, 120);
    const second = await readVideoFrame(ffmpeg, path, 1, 160, 120);
    expect(Buffer.from(first.data).equals(Buffer.from(second.data))).toBe(false);
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
