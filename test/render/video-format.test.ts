import { describe, expect, it } from 'vitest';
import { rateOfTimes, resolveVideoFormat } from '../../src-shared/render/video-format.js';
import { blendCovered, heatColorsRgba, heatCoverage } from '../../src-shared/render/index.js';
import { getColormap } from '../../src-shared/colormaps/index.js';

const fromSource = { output_video_width: 0, output_video_height: 0, output_video_fps: 0 };
const hd = { width: 1920, height: 1080 };

describe('resolveVideoFormat: 0 takes the source\'s size and rate, written values are kept', () => {
  it('a 16:9 10 fps video gives its own size and rate', () => {
    expect(resolveVideoFormat(fromSource, { picture: { width: 1280, height: 720 }, videoFps: 10, imageSize: hd })).toEqual({
      width: 1280, height: 720, fps: 10, sizeFrom: 'video', rateFrom: 'video',
    });
  });

  it('values written in the settings win over the source (the sample\'s 300×300 at 2 fps)', () => {
    const written = { output_video_width: 300, output_video_height: 300, output_video_fps: 2 };
    expect(resolveVideoFormat(written, { picture: { width: 1280, height: 720 }, videoFps: 10, imageSize: hd })).toEqual({
      width: 300, height: 300, fps: 2, sizeFrom: 'settings', rateFrom: 'settings',
    });
  });

  it('one side written keeps the source\'s aspect for the other, rounded to even', () => {
    const source = { picture: { width: 1280, height: 720 }, videoFps: 25, imageSize: hd };
    expect(resolveVideoFormat({ ...fromSource, output_video_width: 640 }, source)).toMatchObject({ width: 640, height: 360 });
    expect(resolveVideoFormat({ ...fromSource, output_video_height: 101 }, source)).toMatchObject({ width: 180, height: 101 });
  });

  it('an odd video size is rounded to even', () => {
    expect(resolveVideoFormat(fromSource, { picture: { width: 641, height: 481 }, videoFps: 25, imageSize: hd })).toMatchObject({
      width: 642, height: 482,
    });
  });

  it('metadata only: the image size\'s aspect with the longest side between 640 and 1280', () => {
    expect(resolveVideoFormat(fromSource, { imageSize: hd })).toMatchObject({ width: 1280, height: 720, sizeFrom: 'metadata' });
    expect(resolveVideoFormat(fromSource, { imageSize: { width: 768, height: 576 } })).toMatchObject({ width: 768, height: 576 });
    expect(resolveVideoFormat(fromSource, { imageSize: { width: 320, height: 320 } })).toMatchObject({ width: 640, height: 640 });
    expect(resolveVideoFormat(fromSource, { imageSize: { width: 300, height: 200 } })).toMatchObject({ width: 640, height: 426 });
  });

  it('metadata only: the rate comes from metadata_fps, else the T times, else 2 fps', () => {
    expect(resolveVideoFormat(fromSource, { imageSize: hd, metadataFps: 7.5, timesMs: [0, 100] })).toMatchObject({
      fps: 7.5, rateFrom: 'metadata_fps',
    });
    expect(resolveVideoFormat(fromSource, { imageSize: hd, timesMs: [0, 100, 200, 300] })).toMatchObject({ fps: 10, rateFrom: 'timestamps' });
    expect(resolveVideoFormat(fromSource, { imageSize: hd, timesMs: [] })).toMatchObject({ fps: 2, rateFrom: 'default' });
  });

  it('pictures without a video (Console images) give their size', () => {
    expect(resolveVideoFormat(fromSource, { picture: { width: 640, height: 480 }, imageSize: { width: 320, height: 320 } })).toMatchObject({
      width: 640, height: 480, sizeFrom: 'pictures',
    });
  });
});

describe('rateOfTimes', () => {
  it('is one frame per median interval, ignoring a pause and repeated times', () => {
    expect(rateOfTimes([0, 100, 200, 5000, 5100, 5100, 5200])).toBe(10);
    expect(rateOfTimes([0, 33, 67, 100])).toBe(30.303);
  });
  it('is null without two distinct times, and stays within 0.1–240 fps', () => {
    expect(rateOfTimes([5])).toBeNull();
    expect(rateOfTimes([5, 5])).toBeNull();
    expect(rateOfTimes([0, 1, 2])).toBe(240);
    expect(rateOfTimes([0, 60_000])).toBe(0.1);
  });
});

describe('empty cells', () => {
  const table = getColormap('Reds');
  it('heatColorsRgba: alpha 0 for count 0 when clear, 255 otherwise and always when tinted', () => {
    const grid = Int32Array.of(0, 15);
    const top = 255 * 3;
    expect(Array.from(heatColorsRgba(grid, { min: 0, max: 15 }, table, 'clear'))).toEqual([
      table[0], table[1], table[2], 0, table[top], table[top + 1], table[top + 2], 255,
    ]);
    expect(Array.from(heatColorsRgba(grid, { min: 0, max: 15 }, table, 'tinted'))[3]).toBe(255);
  });

  it('blendCovered keeps the image where coverage is 0, blends as blend() at 255 and weighs in between', () => {
    const image = Uint8Array.of(100, 100, 100);
    const heat = Uint8Array.of(200, 200, 200);
    const coverage = Uint8Array.of(0, 255, 51);
    // 0.5 × 51/255 = 0.1 of the way from 100 to 200.
    expect(Array.from(blendCovered(image, heat, coverage, 0.5))).toEqual([100, 150, 110]);
    expect(Array.from(heatCoverage(Int32Array.of(0, 3), 'clear'))).toEqual([0, 0, 0, 255, 255, 255]);
    expect(Array.from(heatCoverage(Int32Array.of(0, 3), 'tinted'))).toEqual([255, 255, 255, 255, 255, 255]);
  });
});
