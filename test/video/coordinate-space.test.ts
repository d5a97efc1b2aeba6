/**
 * Issue 13 item 6: a run says when its video's shape or its detections' extent disagrees with
 * image_size (summary.json → coordinate_space, and a warning), with the size that fits.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';

describe('the coordinate-space finding of a run with a video', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  const frames = 12;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await makeVideo(join(dir, 'vga.mp4'), { frames, width: 160, height: 120 });
    await makeVideo(join(dir, 'wide.mp4'), { frames, width: 160, height: 90 });
  });
  afterAll(() => cleanup());

  it('boxes in the video\'s 160×120 space read as 1920×1080: crowded, and the video\'s size is offered', async () => {
    const boxes: Box[][] = Array.from({ length: frames }, (_, i) => [[10 + i * 5, 20, 60 + i * 8, 70 + i * 4]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
    const warnings: string[] = [];
    const summary = await runPipeline(localSettings(dir, join(dir, 'vga.mp4'), { output_dir: join(dir, 'out-vga') }), {
      onWarning: (warning) => warnings.push(warning.message),
    });
    // Boxes reach x = 60 + 11 × 8 = 148, y = 70 + 11 × 4 = 114.
    expect(summary.coordinate_space).toEqual({
      kind: 'crowded',
      seen: 'all 12 detections stay within x ≤ 148, y ≤ 114',
      set: 'image_size 1920×1080 (16:9)',
      fitting: { h: 160, v: 120 },
      message: 'all 12 detections stay within x ≤ 148, y ≤ 114 but image_size 1920×1080 (16:9); 160×120 would fit',
    });
    const written = JSON.parse(await readFile(join(dir, 'out-vga', 'summary.json'), 'utf8')) as { coordinate_space: unknown };
    expect(written.coordinate_space).toEqual(summary.coordinate_space);
    expect(warnings.filter((message) => message.includes('image_size'))).toHaveLength(1);
  });

  it('a 4:3 video under boxes spread over 1920×1080: the shape is said once, no size offered', async () => {
    const boxes: Box[][] = Array.from({ length: frames }, (_, i) => [[100 + i * 100, 100, 300 + i * 100, 900]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
    const warnings: Array<{ kind: string; message: string }> = [];
    const summary = await runPipeline(localSettings(dir, join(dir, 'vga.mp4'), { output_dir: join(dir, 'out-shape') }), {
      onWarning: (warning) => warnings.push({ kind: warning.kind, message: warning.message }),
    });
    const message =
      "the video is 160×120 (4:3) but image_size 1920×1080 (16:9): the heat is stretched over the picture; set image_size to the detector's frame size";
    expect(summary.coordinate_space).toEqual({ kind: 'picture-shape', seen: 'the video is 160×120 (4:3)', set: 'image_size 1920×1080 (16:9)', fitting: null, message });
    expect(warnings.filter((warning) => warning.kind === 'picture-shape-mismatch')).toEqual([{ kind: 'picture-shape-mismatch', message }]);
    expect(summary.warnings['picture-shape-mismatch']).toBe(1);
  });

  it('a 16:9 video at another size under 1920×1080 boxes: nothing to say', async () => {
    const boxes: Box[][] = Array.from({ length: frames }, (_, i) => [[100 + i * 100, 100, 300 + i * 100, 900]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
    const summary = await runPipeline(localSettings(dir, join(dir, 'wide.mp4'), { output_dir: join(dir, 'out-wide') }));
    expect(summary.coordinate_space).toBeUndefined();
    expect(summary.warnings['picture-shape-mismatch']).toBeUndefined();
  });
});
