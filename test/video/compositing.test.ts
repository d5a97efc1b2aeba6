import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegArgs } from '../../src-main/ffmpeg/args.js';
import { buildArgs, HeatVideoEncoder, type HeatVideoSpec } from '../../src-main/ffmpeg/encoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { colorbarStrip, grayAlpha, labelStrip, stripLayout, trimStrip } from '../../src-main/sinks/overlay-strips.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { makeTempDir, makeVideo } from './fixtures.js';

describe('trimStrip', () => {
  it('cuts a strip to its drawn pixels, 8 clear pixels around them, on even picture coordinates within the strip', () => {
    // A 20×10 strip at x = 101 (odd) with one drawn pixel at (9, 4): picture column 110.
    const spec = { x: 101, y: 0, width: 20, height: 10 };
    const rgba = new Uint8Array(20 * 10 * 4);
    rgba.set([10, 20, 30, 200], (4 * 20 + 9) * 4);
    const { spec: cut, rgba: cutRgba } = trimStrip(spec, rgba);
    // Left: 110 − 8 = 102 (even); right: 111 + 8 = 119 → 120; top and bottom clamped to the strip.
    expect(cut).toEqual({ x: 102, y: 0, width: 18, height: 10 });
    expect(cutRgba.length).toBe(18 * 10 * 4);
    expect([...cutRgba.subarray((4 * 18 + 8) * 4, (4 * 18 + 9) * 4)]).toEqual([10, 20, 30, 200]);
    expect(cutRgba.reduce((sum, value) => sum + value, 0)).toBe(10 + 20 + 30 + 200);
  });

  it('keeps the pixels of a real colorbar strip and leaves out only clear ones', () => {
    const layout = stripLayout(1920, 1080);
    const full = colorbarStrip(layout, getColormap('jet'), { min: 0, max: 15 });
    const { spec: cut, rgba } = trimStrip(layout.colorbar, full);
    expect(cut.width * cut.height).toBeLessThan(layout.colorbar.width * layout.colorbar.height * 0.5);
    [cut.x, cut.y, cut.width, cut.height].forEach((value) => expect(value % 2).toBe(0));
    let alphaFull = 0;
    for (let i = 3; i < full.length; i += 4) alphaFull += full[i];
    let alphaCut = 0;
    for (let i = 3; i < rgba.length; i += 4) alphaCut += rgba[i];
    expect(alphaCut).toBe(alphaFull);
    // Row by row, the cut is the full strip's bytes at its offset.
    const dx = cut.x - layout.colorbar.x;
    const dy = cut.y - layout.colorbar.y;
    for (const y of [0, Math.floor(cut.height / 2), cut.height - 1]) {
      const from = ((dy + y) * layout.colorbar.width + dx) * 4;
      expect(Buffer.from(rgba.subarray(y * cut.width * 4, (y + 1) * cut.width * 4)).equals(Buffer.from(full.subarray(from, from + cut.width * 4)))).toBe(true);
    }
  });

  it('cuts a strip with nothing drawn to its first 2×2 clear pixels', () => {
    expect(trimStrip({ x: 4, y: 6, width: 10, height: 10 }, new Uint8Array(400))).toEqual({
      spec: { x: 4, y: 6, width: 2, height: 2 },
      rgba: new Uint8Array(16),
    });
  });

  it('refuses RGBA of another size', () => {
    expect(() => trimStrip({ x: 0, y: 0, width: 4, height: 4 }, new Uint8Array(10))).toThrow(RangeError);
  });
});

describe('the video with a trimmed colorbar', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(() => cleanup());

  it('is byte for byte the video with the full-height colorbar strip', async () => {
    const ffmpeg = await bundledFfmpegPath();
    const width = 640;
    const height = 360;
    const source = join(dir, 'source.mp4');
    await makeVideo(source, { frames: 6, width, height, pattern: true });
    const layout = stripLayout(width, height);
    const table = getColormap('jet');
    const fullBar = colorbarStrip(layout, table, { min: 0, max: 15 });
    const trimmed = trimStrip(layout.colorbar, fullBar);
    expect(trimmed.spec.height).toBeLessThan(layout.colorbar.height);
    const columns = 32;
    const rows = 18;
    const encode = async (name: string, bar: { spec: HeatVideoSpec['label']; rgba: Uint8Array }): Promise<Buffer> => {
      const path = join(dir, name);
      const encoder = new HeatVideoEncoder({
        ffmpeg, path, width, height, rate: { num: 10, den: 1 }, columns, rows, interpolation: 'nearest',
        background: { kind: 'video', path: source }, transparency: 0.4, preset: 'ultrafast', crf: 23,
        label: layout.label, colorbar: { ...bar.spec, perFrame: false },
      });
      for (let k = 0; k < 6; k++) {
        // Heat in some cells (opaque colours), clear elsewhere; reaching under the colorbar.
        const heat = new Uint8Array(columns * rows * 4);
        for (let cell = 0; cell < columns * rows; cell++) {
          if ((cell * 7 + k) % 3 !== 0) continue;
          heat.set([(cell * 13) & 255, (cell * 29 + k * 40) & 255, (cell * 5) & 255, 255], cell * 4);
        }
        await encoder.write({ heat, label: grayAlpha(labelStrip(layout, `number of detects : ${k}`)), ...(k === 0 ? { colorbar: bar.rgba } : {}) });
      }
      await encoder.finish();
      return readFile(path);
    };
    const full = await encode('full.mp4', { spec: layout.colorbar, rgba: fullBar });
    const cut = await encode('trimmed.mp4', trimmed);
    expect(cut.equals(full)).toBe(true);
  });
});

describe('the label strip as gray and alpha', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(() => cleanup());

  /** The composited yuv420p frames of `source` with `strips` (one a frame, `pixelFormat`) laid at (x, y). */
  const composite = async (source: string, strips: Buffer, pixelFormat: 'rgba' | 'ya8', size: { width: number; height: number }, x: number, y: number, frames: number): Promise<Buffer> => {
    const path = join(dir, `strips.${pixelFormat}`);
    await writeFile(path, strips);
    const { stdout } = await promisify(execFile)(await bundledFfmpegPath(), [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-i', source,
      '-f', 'rawvideo', '-pix_fmt', pixelFormat, '-s', `${size.width}x${size.height}`, '-framerate', '10', '-i', path,
      '-filter_complex', `[0:v]format=yuv420p[b];[b][1:v]overlay=x=${x}:y=${y}:format=yuv420:shortest=1[o]`,
      '-map', '[o]', '-frames:v', String(frames), '-f', 'rawvideo', 'pipe:1',
    ], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    return stdout;
  };

  it('composites the real label strips (one and two lines) to the same bytes as RGBA', async () => {
    const width = 640;
    const height = 360;
    const source = join(dir, 'source.mp4');
    await makeVideo(source, { frames: 4, width, height, pattern: true });
    const layout = stripLayout(width, height);
    const texts = ['number of detects : 0', 'number of detects : 12\n2024-06-01 08:00:00.000Z', 'number of detects : 9999999', 'number of detects : 3\n2024-06-01 08:00:00.500Z'];
    const rgba = texts.map((text) => labelStrip(layout, text));
    const rgbaFrames = await composite(source, Buffer.concat(rgba), 'rgba', layout.label, 0, 0, 4);
    const grayFrames = await composite(source, Buffer.concat(rgba.map(grayAlpha)), 'ya8', layout.label, 0, 0, 4);
    expect(rgbaFrames.length).toBe(width * height * 1.5 * 4);
    expect(grayFrames.equals(rgbaFrames)).toBe(true);
  });

  it('composites black and white at every alpha, at odd places, to the same bytes as RGBA', async () => {
    const width = 320;
    const height = 180;
    const source = join(dir, 'small.mp4');
    await makeVideo(source, { frames: 2, width, height, pattern: true });
    const size = { width: 256, height: 40 };
    const strip = new Uint8Array(size.width * size.height * 4);
    for (let p = 0; p < size.width * size.height; p++) {
      const value = p % 3 === 0 ? 0 : 255;
      strip.set([value, value, value, (p * 7) & 255], p * 4);
    }
    const rgbaFrames = await composite(source, Buffer.concat([strip, strip]), 'rgba', size, 11, 21, 2);
    const gray = Buffer.from(grayAlpha(strip));
    const grayFrames = await composite(source, Buffer.concat([gray, gray]), 'ya8', size, 11, 21, 2);
    expect(grayFrames.equals(rgbaFrames)).toBe(true);
  });
});

describe('the compositing ffmpeg\'s filter threads', () => {
  it('runs the filter graph on one thread', () => {
    const args = buildArgs({
      ffmpeg: 'ffmpeg', path: 'out.mp4', width: 64, height: 64, rate: { num: 10, den: 1 }, columns: 4, rows: 4,
      interpolation: 'nearest', background: { kind: 'video', path: 'in.mp4' }, transparency: 0.4,
      label: { x: 0, y: 0, width: 8, height: 8 }, colorbar: null,
    }).toArray();
    const at = args.indexOf('-filter_complex_threads');
    expect(args.slice(at, at + 2)).toEqual(['-filter_complex_threads', '1']);
    expect(at).toBeLessThan(args.indexOf('-i'));
  });

  it('refuses a thread count that is not a positive whole number', () => {
    expect(() => new FfmpegArgs().filterThreads(0)).toThrow(RangeError);
    expect(() => new FfmpegArgs().filterThreads(1.5)).toThrow(RangeError);
  });
});
