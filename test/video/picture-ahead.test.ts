/**
 * PictureAhead: a camera picture decoded before it is asked for, the same bytes as a decode
 * when asked, and no ffmpeg left behind whatever happens to it.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { AHEAD_MAX_PIXELS, PictureAhead } from '../../src-main/sinks/picture-ahead.js';
import { CancelledError, InputError } from '../../src-shared/errors.js';
import { frameByNumber, makeTempDir, makeVideo } from './fixtures.js';
import { descendantsNamed } from './processes.js';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
let ffmpeg = '';
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  ffmpeg = await bundledFfmpegPath();
  await makeVideo(join(dir, 'pattern.mp4'), { frames: 30, width: 160, height: 90, pattern: true });
});
afterAll(() => cleanup());

/** Waits until this process has no ffmpeg child left (the early decode is done), at most 20 s. */
async function noFfmpegLeft(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (descendantsNamed('ffmpeg').length > 0) {
    if (Date.now() > deadline) throw new Error('an ffmpeg child is still running after 20 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PictureAhead', () => {
  it('gives the picture decoded ahead, the same bytes as frame N decoded by number, even once the video is gone', async () => {
    const video = join(dir, 'gone.mp4');
    await makeVideo(video, { frames: 30, width: 160, height: 90, pattern: true });
    const expected = await frameByNumber(video, 29, 160, 90);
    const ahead = new PictureAhead(ffmpeg, video, 160, 90, new AbortController().signal);
    ahead.start(29);
    await noFfmpegLeft();
    await rename(video, `${video}.moved`);
    const picture = await ahead.picture(29);
    expect({ width: picture.width, height: picture.height }).toEqual({ width: 160, height: 90 });
    expect(Buffer.from(picture.data).equals(expected)).toBe(true);
    // Another position is decoded when asked: the video is gone, so that fails and says so.
    const failure = ahead.picture(28);
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(`video_file ${video}: cannot list its frames`);
  });

  it('decodes the asked position when the run ended elsewhere than it was started for', async () => {
    const video = join(dir, 'pattern.mp4');
    const ahead = new PictureAhead(ffmpeg, video, 160, 90, new AbortController().signal);
    ahead.start(29);
    const picture = await ahead.picture(12);
    expect(Buffer.from(picture.data).equals(await frameByNumber(video, 12, 160, 90))).toBe(true);
  });

  it('keeps an early failure quiet and reports the decode asked for', async () => {
    const video = join(dir, 'pattern.mp4');
    const ahead = new PictureAhead(ffmpeg, video, 160, 90, new AbortController().signal);
    ahead.start(30);
    await noFfmpegLeft();
    await expect(ahead.picture(30)).rejects.toThrow(`video_file ${video}: cannot read frame 30: frame 30 is past its end`);
    const picture = await ahead.picture(3);
    expect(Buffer.from(picture.data).equals(await frameByNumber(video, 3, 160, 90))).toBe(true);
  });

  it('only the first start counts', async () => {
    const video = join(dir, 'pattern.mp4');
    const ahead = new PictureAhead(ffmpeg, video, 160, 90, new AbortController().signal);
    ahead.start(5);
    ahead.start(6);
    await noFfmpegLeft();
    await rename(video, `${video}.aside`);
    try {
      expect(Buffer.from((await ahead.picture(5)).data).equals(await frameByNumber(`${video}.aside`, 5, 160, 90))).toBe(true);
    } finally {
      await rename(`${video}.aside`, video);
    }
  });

  it('decodes nothing ahead for a picture larger than 4K UHD: it is decoded when asked', async () => {
    const video = join(dir, 'large.mp4');
    await makeVideo(video, { frames: 3, width: 160, height: 90, pattern: true });
    const ahead = new PictureAhead(ffmpeg, video, 3840, 2162, new AbortController().signal);
    expect(3840 * 2162).toBeGreaterThan(AHEAD_MAX_PIXELS);
    ahead.start(2);
    await noFfmpegLeft();
    await rename(video, `${video}.moved`);
    await expect(ahead.picture(2)).rejects.toThrow(`video_file ${video}: cannot list its frames`);
    await rename(`${video}.moved`, video);
    expect((await ahead.picture(2)).data.length).toBe(3840 * 2162 * 3);
  });

  it('stop ends a decode in flight: no ffmpeg is left once it returns', async () => {
    const video = join(dir, 'long.mp4');
    await makeVideo(video, { frames: 600, width: 640, height: 360, pattern: true, preset: 'medium' });
    const ahead = new PictureAhead(ffmpeg, video, 640, 360, new AbortController().signal);
    ahead.start(599);
    await ahead.stop();
    expect(descendantsNamed('ffmpeg')).toEqual([]);
  });

  it("a cancelled run's signal ends the decode, and asking then is a cancel", async () => {
    const video = join(dir, 'pattern.mp4');
    const controller = new AbortController();
    const ahead = new PictureAhead(ffmpeg, video, 160, 90, controller.signal);
    ahead.start(29);
    controller.abort();
    await expect(ahead.picture(29)).rejects.toBeInstanceOf(CancelledError);
    expect(descendantsNamed('ffmpeg')).toEqual([]);
  });
});
