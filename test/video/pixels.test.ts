import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import type { RgbImage } from '../../src-shared/frames.js';
import { localSettings, makeTempDir, makeVfrVideo, makeVideo, VFR_COLORS, writeSeedCsv, type Box } from './fixtures.js';

/** Codec noise allowed per channel after H.264 yuv420p and back. */
const CODEC_NOISE = 6;

function pixel(image: RgbImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return [image.data[o], image.data[o + 1], image.data[o + 2]];
}

function blended(image: number[], heat: number[], t: number): number[] {
  return image.map((value, i) => Math.round((1 - t) * value + t * heat[i]));
}

describe('the video shows (1-t)*image + t*heat at each cell', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let ffmpeg = '';
  const reds = getColormap('Reds');
  const row = (index: number): number[] => [reds[index * 3], reds[index * 3 + 1], reds[index * 3 + 2]];

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    ffmpeg = await bundledFfmpegPath();
    await makeVideo(join(dir, 'grey.mp4'), { frames: 6, width: 400, height: 400, color: 'gray' });
    // One person inside grid cell (h 2, v 2) of a 4×4 grid over 400×400, every frame.
    const boxes: Box[][] = Array.from({ length: 6 }, () => [[210, 210, 290, 290]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
  });
  afterAll(() => cleanup());

  const settingsFor = (overlay: boolean): ReturnType<typeof localSettings> => {
    const settings = localSettings(dir, join(dir, 'grey.mp4'), {
      output_video_width: 200,
      output_video_height: 200,
      cmap: 'Reds',
      min: 0,
      max: 4,
      transparency: 0.4,
      overlay,
    });
    settings.heat_map_settings.params = {
      ...settings.heat_map_settings.params,
      image_size_h: 400,
      image_size_v: 400,
      grid_num_h: 4,
      grid_num_v: 4,
      number_of_add_grid: 0,
      last_valid_frame: 4,
      bbox2pix: false,
    };
    return settings;
  };

  it('overlay: the counted cell matches the blend and an empty cell (empty_cells: clear) shows the picture untouched, within codec noise', async () => {
    await runPipeline(settingsFor(true));
    const input = await readVideoFrame(ffmpeg, join(dir, 'grey.mp4'), 5, 200, 200);
    const output = await readVideoFrame(ffmpeg, join(dir, 'out', 'video', 'grey_heatmap.mp4'), 5, 200, 200);
    // Frame 5: the window of 4 frames holds 4 counts in cell (2, 2), the colour scale's max.
    const hot = blended(pixel(input, 125, 125), row(255), 0.4);
    const cold = pixel(input, 25, 175);
    pixel(output, 125, 125).forEach((value, i) => expect(Math.abs(value - hot[i])).toBeLessThanOrEqual(CODEC_NOISE));
    pixel(output, 25, 175).forEach((value, i) => expect(Math.abs(value - cold[i])).toBeLessThanOrEqual(CODEC_NOISE));
    // Frame 0 counts 1 of 4: a quarter up the colormap.
    const first = await readVideoFrame(ffmpeg, join(dir, 'out', 'video', 'grey_heatmap.mp4'), 0, 200, 200);
    const quarter = blended(pixel(input, 125, 125), row(63), 0.4);
    pixel(first, 125, 125).forEach((value, i) => expect(Math.abs(value - quarter[i])).toBeLessThanOrEqual(CODEC_NOISE));
  });

  it('empty_cells: tinted blends an empty cell with the colormap\'s lowest colour (the sample\'s look)', async () => {
    const settings = settingsFor(true);
    settings.output_settings.empty_cells = 'tinted';
    settings.output_settings.output_dir = join(dir, 'out-tinted');
    await runPipeline(settings);
    const input = await readVideoFrame(ffmpeg, join(dir, 'grey.mp4'), 5, 200, 200);
    const output = await readVideoFrame(ffmpeg, join(dir, 'out-tinted', 'video', 'grey_heatmap.mp4'), 5, 200, 200);
    const cold = blended(pixel(input, 25, 175), row(0), 0.4);
    pixel(output, 25, 175).forEach((value, i) => expect(Math.abs(value - cold[i])).toBeLessThanOrEqual(CODEC_NOISE));
    const png = await sharp(await readFile(join(dir, 'out-tinted', 'heatmap.png'))).raw().toBuffer({ resolveWithObject: true });
    const image: RgbImage = { width: 200, height: 200, data: new Uint8Array(png.data) };
    expect(pixel(image, 25, 175)).toEqual(blended(pixel(input, 25, 175), row(0), 0.4));
  });

  it('heatmap.png holds the last window over the last picture, exactly as the renderer blends', async () => {
    await runPipeline(settingsFor(true));
    const png = await sharp(await readFile(join(dir, 'out', 'heatmap.png'))).raw().toBuffer({ resolveWithObject: true });
    expect([png.info.width, png.info.height, png.info.channels]).toEqual([200, 200, 3]);
    const image: RgbImage = { width: 200, height: 200, data: new Uint8Array(png.data) };
    const input = await readVideoFrame(ffmpeg, join(dir, 'grey.mp4'), 5, 200, 200);
    expect(pixel(image, 125, 125)).toEqual(blended(pixel(input, 125, 125), row(255), 0.4));
    // An empty cell leaves the picture's pixel exactly as it was (empty_cells: clear, the default).
    expect(pixel(image, 25, 175)).toEqual(pixel(input, 25, 175));
  });

  it('a metadata-only run writes video/heatmap.mp4 with the heat colours alone, and heatmap.png', async () => {
    const settings = settingsFor(true);
    settings.data_source_settings.local_data_settings.video_file = '';
    settings.output_settings.output_dir = join(dir, 'out-meta');
    const summary = await runPipeline(settings);
    expect(summary.outputs).toEqual(expect.arrayContaining(['video/heatmap.mp4', 'heatmap.png']));
    const output = await readVideoFrame(ffmpeg, join(dir, 'out-meta', 'video', 'heatmap.mp4'), 5, 200, 200);
    pixel(output, 125, 125).forEach((value, i) => expect(Math.abs(value - row(255)[i])).toBeLessThanOrEqual(CODEC_NOISE));
    const png = await sharp(await readFile(join(dir, 'out-meta', 'heatmap.png'))).raw().toBuffer();
    expect([...png.subarray((125 * 200 + 125) * 3, (125 * 200 + 125) * 3 + 3)]).toEqual(row(255));
  });

  it('without overlay the video shows the heat colours alone', async () => {
    await runPipeline(settingsFor(false));
    const output = await readVideoFrame(ffmpeg, join(dir, 'out', 'video', 'grey_heatmap.mp4'), 5, 200, 200);
    pixel(output, 125, 125).forEach((value, i) => expect(Math.abs(value - row(255)[i])).toBeLessThanOrEqual(CODEC_NOISE));
    pixel(output, 25, 175).forEach((value, i) => expect(Math.abs(value - row(0)[i])).toBeLessThanOrEqual(CODEC_NOISE));
  });
});

describe('heatmap.png over a variable-frame-rate video', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await makeVfrVideo(join(dir, 'vfr.mp4'));
  });
  afterAll(() => cleanup());

  it('shows the picture of the frame the run used last, found by number, not by time', async () => {
    // Six metadata frames without detections: the run's last frame is video frame 5 (shown at
    // 2 s), while seeking at the average rate (about 2 fps) would land on frame 6 (2.88 s).
    await writeSeedCsv(join(dir, 'meta.csv'), Array.from({ length: 6 }, () => []));
    const settings = localSettings(dir, join(dir, 'vfr.mp4'), { output_video_width: 200, output_video_height: 200, transparency: 0 });
    const summary = await runPipeline(settings);
    expect(summary.frames).toBe(6);
    const png = await sharp(await readFile(join(dir, 'out', 'heatmap.png'))).raw().toBuffer({ resolveWithObject: true });
    const image: RgbImage = { width: png.info.width, height: png.info.height, data: new Uint8Array(png.data) };
    // Bottom left: below the label, left of the colorbar; with transparency 0 the picture alone.
    expect(pixel(image, 4, 196)).toEqual([...VFR_COLORS[5]]);
    expect(pixel(image, 60, 150)).toEqual([...VFR_COLORS[5]]);
  });
});
