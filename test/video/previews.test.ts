import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import type { Progress } from '../../src-main/pipeline/types.js';
import { readPreviewIndex, videoPictureStep } from '../../src-main/sinks/preview.js';
import { decodeExactPicture, exactPicturePath } from '../../src-main/app/pictures.js';
import { CancelledError } from '../../src-shared/errors.js';
import { localSettings, makeTempDir, makeVfrVideo, makeVideo, VFR_COLORS, writeSeedCsv, type Box } from './fixtures.js';
import { descendantsNamed, isAlive } from './processes.js';

/** The mean colour of a JPEG (its pictures here are solid, so the mean is the colour). */
async function meanColor(path: string): Promise<number[]> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sums[c] += data[i + c];
  const pixels = data.length / info.channels;
  return sums.map((sum) => Math.round(sum / pixels));
}

/** Each channel within `tolerance` of the expected colour (JPEG at q 5 moves a solid colour by a few levels). */
function expectColor(actual: number[], expected: readonly number[], tolerance = 4): void {
  expect(actual.map((value, c) => Math.abs(value - expected[c]) <= tolerance), `${actual.join(',')} vs ${expected.join(',')}`).toEqual([true, true, true]);
}

const jpegNames = (positions: readonly number[]): string[] => positions.map((i) => `${i}.jpg`);
const byNumber = (names: string[]): string[] => names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

describe('the preview pictures of a video run come from the compositing ffmpeg, sampled', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  const boxes = (frames: number): Box[][] => Array.from({ length: frames }, (_, i) => [[i * 100, 100, i * 100 + 200, 700]]);

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    // Frame k is a solid VFR_COLORS[k] at k² × 80 ms: a picture paired by time rather than by
    // position would repeat early colours.
    await makeVfrVideo(join(dir, 'vfr.mp4'));
    await writeSeedCsv(join(dir, 'meta.csv'), boxes(VFR_COLORS.length));
    await writeSeedCsv(join(dir, 'short.csv'), boxes(5));
  });
  afterAll(() => cleanup());

  it('samples a picture a second of video, and at most 3000 a run', () => {
    expect(videoPictureStep(25, 600)).toBe(25);
    expect(videoPictureStep(29.97, 600)).toBe(30);
    expect(videoPictureStep(1, 604_800)).toBe(202);
    expect(videoPictureStep(0.5, 10)).toBe(1);
  });

  it.each([true, false])('sampled preview i is the picture of frame i, and every other frame decodes exactly on demand, with overlay %s', async (overlay) => {
    // A `%` in the folder's name must not read as part of ffmpeg's file-name pattern.
    const previewDir = join(dir, `preview 100% %d ${overlay}`);
    const settings = localSettings(dir, join(dir, 'vfr.mp4'), { output_video_width: 64, output_video_height: 64, overlay, output_dir: join(dir, `out-${overlay}`) });
    const summary = await runPipeline(settings, { previewDir });
    expect(summary.frames).toBe(VFR_COLORS.length);
    const index = await readPreviewIndex(previewDir);
    expect(index).toMatchObject({ frameCount: VFR_COLORS.length, hasImages: true, previewWidth: 64, previewHeight: 64 });
    expect(index.pictures[0]).toBe(0);
    expect(index.pictures.length).toBeLessThan(VFR_COLORS.length);
    expect(byNumber(await readdir(previewDir))).toEqual([...jpegNames(index.pictures), 'index.json']);
    for (const i of index.pictures) expectColor(await meanColor(join(previewDir, `${i}.jpg`)), VFR_COLORS[i]);
    const ffmpeg = await bundledFfmpegPath();
    for (let i = 0; i < VFR_COLORS.length; i++) {
      if (index.pictures.includes(i)) continue;
      expect(await decodeExactPicture(ffmpeg, previewDir, index, i)).toBe(exactPicturePath(previewDir, i));
      expectColor(await meanColor(exactPicturePath(previewDir, i)), VFR_COLORS[i]);
    }
  });

  it('a video longer than its metadata gives previews for the run\'s frames only', async () => {
    const previewDir = join(dir, 'preview-short');
    const settings = localSettings(dir, join(dir, 'vfr.mp4'), { output_video_width: 64, output_video_height: 64, output_dir: join(dir, 'out-short') });
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'short.csv');
    const warnings: string[] = [];
    const summary = await runPipeline(settings, { previewDir, onWarning: (warning) => warnings.push(warning.kind) });
    expect(summary.frames).toBe(5);
    expect(warnings).toEqual(['frame-count-mismatch', 'picture-shape-mismatch']);
    const index = await readPreviewIndex(previewDir);
    expect(index.frameCount).toBe(5);
    expect(index.pictures.every((i) => i < 5)).toBe(true);
    expect(byNumber(await readdir(previewDir))).toEqual([...jpegNames(index.pictures), 'index.json']);
    expectColor(await meanColor(join(previewDir, '0.jpg')), VFR_COLORS[0]);
  });

  it('the previews are byte for byte those a separate ffmpeg pass over the video makes, at 480 pixels wide, one a second', async () => {
    const frames = 20;
    const video = join(dir, 'pattern.mp4');
    await makeVideo(video, { frames, width: 640, height: 360, fps: 2, pattern: true });
    const previewDir = join(dir, 'preview-pattern');
    const settings = localSettings(dir, video, { output_video_width: 320, output_video_height: 180, output_dir: join(dir, 'out-pattern') });
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'pattern.csv');
    await writeSeedCsv(join(dir, 'pattern.csv'), boxes(frames));
    await runPipeline(settings, { previewDir });
    expect(await readPreviewIndex(previewDir)).toMatchObject({
      frameCount: frames,
      previewWidth: 480,
      previewHeight: 270,
      pictures: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18],
    });

    // The command the app ran after each analysis before the previews came from the compositing ffmpeg.
    const reference = join(dir, 'reference');
    await mkdir(reference);
    const made = spawnSync(await bundledFfmpegPath(), [
      '-v', 'error', '-nostdin', '-i', video, '-frames:v', String(frames), '-vf', "scale='min(480,iw)':-2",
      '-q:v', '5', '-start_number', '0', join(reference, '%d.jpg'),
    ]);
    expect(made.status).toBe(0);
    for (const i of [0, 8, frames - 2]) {
      expect((await readFile(join(previewDir, `${i}.jpg`))).equals(await readFile(join(reference, `${i}.jpg`))), `preview ${i}`).toBe(true);
    }
  });

  it('a cancelled run kills the ffmpeg writing the previews and leaves no picture behind', async () => {
    const frames = 240;
    const video = join(dir, 'long.mp4');
    await makeVideo(video, { frames, width: 640, height: 360, fps: 25, pattern: true });
    await writeSeedCsv(join(dir, 'long.csv'), boxes(frames));
    const previewDir = join(dir, 'preview-cancelled');
    const settings = localSettings(dir, video, { output_video_width: 640, output_video_height: 360, output_dir: join(dir, 'out-cancelled') });
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'long.csv');
    const controller = new AbortController();
    const pids = new Set<number>();
    let picturesSeen = 0;
    const onProgress = (progress: Progress): void => {
      for (const pid of descendantsNamed('ffmpeg')) pids.add(pid);
      if (progress.frames < 20 || controller.signal.aborted) return;
      // Cancel once ffmpeg has written some previews, so there is something to clean up.
      void readdir(previewDir).then((names) => {
        picturesSeen = names.filter((name) => name.endsWith('.jpg')).length;
        if (picturesSeen > 0) controller.abort();
      });
    };
    const error = await runPipeline(settings, { previewDir, signal: controller.signal, onProgress }).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect(picturesSeen).toBeGreaterThan(0);
    expect(pids.size).toBeGreaterThan(0);
    expect([...pids].filter(isAlive)).toEqual([]);
    expect(await readdir(previewDir)).toEqual([]);
    // The video folder it made is gone with the partial file: a failed run leaves no empty folder.
    expect(existsSync(join(dir, 'out-cancelled', 'video'))).toBe(false);
  });
});
