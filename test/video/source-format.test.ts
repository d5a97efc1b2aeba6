/**
 * Issue 13 item 1: the video matches its source when the settings leave its size and rate at 0,
 * read back with Debian's ffprobe (a second, independent reader of the file).
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { localSettings, makeTempDir, makeVideo, writeSeedCsv, type Box } from './fixtures.js';

interface Probed {
  width: number;
  height: number;
  rate: string;
  frames: number;
  duration: number;
}

/** Size, rate, frame count (decoded) and duration of a file's first video stream, as ffprobe reads them. */
function ffprobe(path: string): Probed {
  const result = spawnSync('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0', '-count_frames',
    '-show_entries', 'stream=width,height,r_frame_rate,nb_read_frames:format=duration', '-of', 'json', path,
  ], { timeout: 30_000 });
  if (result.status !== 0) throw new Error(`ffprobe ${path}: ${result.stderr.toString()}`);
  const parsed = JSON.parse(result.stdout.toString()) as {
    streams: Array<{ width: number; height: number; r_frame_rate: string; nb_read_frames: string }>;
    format: { duration: string };
  };
  const stream = parsed.streams[0];
  return { width: stream.width, height: stream.height, rate: stream.r_frame_rate, frames: Number(stream.nb_read_frames), duration: Number(parsed.format.duration) };
}

describe('the video takes the source\'s size and rate unless the settings give them', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  const frames = 40;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    // A 16:9, 10 fps clip of 4 s (the 60 s clip, shortened).
    await makeVideo(join(dir, 'wide.mp4'), { frames, width: 320, height: 180, fps: 10 });
    const boxes: Box[][] = Array.from({ length: frames }, (_, i) => [[100 + i, 100, 300 + i, 500]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
  });
  afterAll(() => cleanup());

  it('a 16:9 10 fps video gives a 16:9 10 fps video of the same duration', async () => {
    const settings = localSettings(dir, join(dir, 'wide.mp4'), { output_dir: join(dir, 'out-video') });
    const summary = await runPipeline(settings);
    expect(ffprobe(join(dir, 'out-video', 'video', 'wide_heatmap.mp4'))).toEqual({ width: 320, height: 180, rate: '10/1', frames, duration: 4 });
    expect(summary.video).toMatchObject({ width: 320, height: 180, fps: 10, frames, duration_s: 4, size_from: 'video', rate_from: 'video' });
  });

  it('the sample\'s written 300×300 at 2 fps is used as written', async () => {
    const settings = localSettings(dir, join(dir, 'wide.mp4'), {
      output_dir: join(dir, 'out-written'), output_video_width: 300, output_video_height: 300, output_video_fps: 2,
    });
    await runPipeline(settings);
    expect(ffprobe(join(dir, 'out-written', 'video', 'wide_heatmap.mp4'))).toEqual({ width: 300, height: 300, rate: '2/1', frames, duration: 20 });
  });

  it('metadata only with T times: the image size\'s aspect at 1280 wide and the data\'s own rate (5 fps)', async () => {
    const path = join(dir, 'results.jsonl');
    const start = Date.UTC(2023, 3, 12, 14, 0, 0);
    const detection = { class_id: 0, bounding_box: { left: 100, top: 100, right: 300, bottom: 500 }, score: 0.9 };
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({ DeviceID: 'cam', ModelID: 'm', Image: false, Inferences: [{ T: formatTimestamp(start + i * 200), F: 1, O: { perception: { object_detection_list: [detection] } } }] }),
    );
    await writeFile(path, lines.join('\n') + '\n');
    const settings = localSettings(dir, '', { output_dir: join(dir, 'out-meta') });
    settings.data_source_settings.local_data_settings.meta_file = path;
    const summary = await runPipeline(settings);
    expect(ffprobe(join(dir, 'out-meta', 'video', 'heatmap.mp4'))).toEqual({ width: 1280, height: 720, rate: '5/1', frames: 12, duration: 2.4 });
    expect(summary.video).toMatchObject({ size_from: 'metadata', rate_from: 'timestamps' });
  });

  it('metadata only without T times: 2 fps (the old default), the image size\'s aspect', async () => {
    const settings = localSettings(dir, '', { output_dir: join(dir, 'out-seed') });
    settings.heat_map_settings.params = { ...settings.heat_map_settings.params, image_size_h: 768, image_size_v: 576, grid_num_h: 64, grid_num_v: 48 };
    await runPipeline(settings);
    expect(ffprobe(join(dir, 'out-seed', 'video', 'heatmap.mp4'))).toEqual({ width: 768, height: 576, rate: '2/1', frames, duration: 20 });
  });
});
