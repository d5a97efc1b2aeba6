import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeatVideoEncoder } from '../../src-main/ffmpeg/encoder.js';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { CancelledError } from '../../src-shared/errors.js';
import { makeTempDir } from './fixtures.js';
import { isAlive } from './processes.js';

describe('heat video encoder with pictures from JS (Console images)', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(() => cleanup());

  it('blends each picture with its own heat frame, in order', async () => {
    const ffmpeg = await bundledFfmpegPath();
    const path = join(dir, 'pictures.mp4');
    const encoder = new HeatVideoEncoder({
      ffmpeg, path, width: 64, height: 64, rate: { num: 2, den: 1 }, columns: 2, rows: 2,
      interpolation: 'nearest', background: { kind: 'frames', width: 32, height: 32 }, transparency: 0.5,
      label: { x: 0, y: 0, width: 2, height: 2 }, colorbar: null,
    });
    // Frame k: a picture of grey level 40k, heat pure blue (opaque) in every cell.
    for (let k = 0; k < 5; k++) {
      await encoder.write({
        picture: new Uint8Array(32 * 32 * 3).fill(40 * k),
        heat: Uint8Array.from({ length: 16 }, (_, i) => (i % 4 >= 2 ? 255 : 0)),
        label: new Uint8Array(2 * 2 * 2),
      });
    }
    await encoder.finish();
    expect(await probeVideo(ffmpeg, path)).toMatchObject({ width: 64, height: 64, frameCount: 5, fps: { num: 2, den: 1 } });
    for (let k = 0; k < 5; k++) {
      const frame = await readVideoFrame(ffmpeg, path, k, 64, 64);
      const o = (48 * 64 + 48) * 3;
      const expected = [20 * k, 20 * k, Math.round(20 * k + 127.5)];
      [0, 1, 2].forEach((c) => expect(Math.abs(frame.data[o + c] - expected[c])).toBeLessThanOrEqual(6));
    }
  });

  it('takes frame after frame when a heat frame nearly fills its pipe (default 192×108 grid, Console pictures)', async () => {
    // Two heat frames of 83 kB (RGBA) do not fit a 64 kB pipe: ffmpeg must read the heat input
    // before it has probed several pictures, or writer and ffmpeg wait on each other for ever.
    const ffmpeg = await bundledFfmpegPath();
    const path = join(dir, 'large-grid.mp4');
    const encoder = new HeatVideoEncoder({
      ffmpeg, path, width: 300, height: 300, rate: { num: 2, den: 1 }, columns: 192, rows: 108,
      interpolation: 'nearest', background: { kind: 'frames', width: 300, height: 300 }, transparency: 0.4,
      label: { x: 0, y: 0, width: 100, height: 20 }, colorbar: null,
    });
    for (let k = 0; k < 10; k++) {
      await encoder.write({
        picture: new Uint8Array(300 * 300 * 3).fill(20 * k),
        heat: new Uint8Array(192 * 108 * 4),
        label: new Uint8Array(100 * 20 * 2),
      });
    }
    await encoder.finish();
    expect(await probeVideo(ffmpeg, path)).toMatchObject({ width: 300, height: 300, frameCount: 10 });
  }, 20_000);

  it('on abort kills a stalled ffmpeg and rejects the pending write with CancelledError', async () => {
    const ffmpeg = await bundledFfmpegPath();
    const controller = new AbortController();
    const encoder = new HeatVideoEncoder({
      ffmpeg, path: join(dir, 'stalled.mp4'), width: 64, height: 64, rate: { num: 2, den: 1 }, columns: 1024, rows: 1024,
      interpolation: 'nearest', background: { kind: 'none' }, transparency: 0.5,
      label: { x: 0, y: 0, width: 2, height: 2 }, colorbar: null,
    }, controller.signal);
    const pid = encoder.pid as number;
    // Stopped, ffmpeg reads nothing: a 4 MB heat frame cannot fit in its pipe's buffer.
    process.kill(pid, 'SIGSTOP');
    try {
      const pending = encoder.write({ heat: new Uint8Array(1024 * 1024 * 4), label: new Uint8Array(2 * 2 * 2) });
      const outcome = pending.then(() => null, (caught: unknown) => caught);
      controller.abort();
      expect(await outcome).toBeInstanceOf(CancelledError);
      expect(isAlive(pid)).toBe(false);
      await expect(encoder.finish()).rejects.toBeInstanceOf(CancelledError);
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 5000);
});

describe('heat video encoder label strips', () => {
  it('refuses a label strip of RGBA size (4 bytes a pixel) before writing any of the frame', async () => {
    const { dir, cleanup } = await makeTempDir();
    const encoder = new HeatVideoEncoder({
      ffmpeg: await bundledFfmpegPath(), path: join(dir, 'label.mp4'), width: 64, height: 64, rate: { num: 2, den: 1 },
      columns: 2, rows: 2, interpolation: 'nearest', background: { kind: 'none' }, transparency: 0.5,
      label: { x: 0, y: 0, width: 4, height: 2 }, colorbar: null,
    });
    try {
      await expect(encoder.write({ heat: new Uint8Array(16), label: new Uint8Array(4 * 2 * 4) })).rejects.toThrow(
        'heat video: 32 bytes of label for a 4×2 gray-and-alpha strip',
      );
    } finally {
      await encoder.abort();
      await cleanup();
    }
  });
});
