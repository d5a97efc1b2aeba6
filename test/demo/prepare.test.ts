import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { load as loadYaml } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, SettingsError } from '../../src-shared/errors.js';
import { csvRow, prepareDemo } from '../../src-main/demo/index.js';
import { Diagnostics, type Warning } from '../../src-main/pipeline/diagnostics.js';
import { openSeedCsv } from '../../src-main/sources/seed-csv.js';
import { ScenePainter } from '../../src-main/demo/paint.js';
import { simulateScene } from '../../src-main/demo/scene.js';
import { readVideoFrame } from '../../src-main/ffmpeg/decoder.js';
import { resolveFfmpeg } from '../../src-main/ffmpeg/locate.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-demo-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('csvRow', () => {
  it('writes the sample’s row: index, then the JSON dict with doubled quotes', () => {
    const row = csvRow({
      index: 7,
      people: [],
      detections: [{ left: 120, top: 576, right: 412, bottom: 1048, score: 0.9995, class_id: 0 }],
    });
    expect(row).toBe(
      '7,"{""perception"": {""object_detection_list"": [{""class_id"": 0, ""bounding_box"": ' +
        '{""left"": 120, ""top"": 576, ""right"": 412, ""bottom"": 1048}, ""score"": 0.9995}]}}"\n',
    );
  });

  it('writes an empty list for a frame without detections', () => {
    expect(csvRow({ index: 0, people: [], detections: [] })).toBe('0,"{""perception"": {""object_detection_list"": []}}"\n');
  });
});

describe('prepareDemo', () => {
  it('writes the scene as a seed CSV that parses back to the same detections', async () => {
    const { metaPath } = await prepareDemo(dir, { frames: 120, seed: 9, video: false });
    const rows = parseCsv(await readFile(metaPath, 'utf8')) as string[][];
    expect(rows[0]).toEqual(['', '0']);
    const scene = [...simulateScene({ frames: 120, seed: 9 })];
    expect(rows.slice(1).map(([index]) => Number(index))).toEqual(scene.map((frame) => frame.index));
    const parsed = rows.slice(1).map(([, cell]) => {
      const dict = JSON.parse(cell) as {
        perception: { object_detection_list: { class_id: number; bounding_box: Record<string, number>; score: number }[] };
      };
      return dict.perception.object_detection_list.map((d) => ({ ...d.bounding_box, score: d.score, class_id: d.class_id }));
    });
    expect(parsed).toEqual(scene.map((frame) => frame.detections));
  });

  it('writes a CSV the seed CSV reader reads without a warning, frame for frame', async () => {
    const { metaPath } = await prepareDemo(dir, { frames: 80, seed: 11, video: false });
    const warnings: Warning[] = [];
    const diagnostics = new Diagnostics((warning) => warnings.push(warning));
    const read: { index: number; boxes: number[]; scores: number[]; classIds: number[] }[] = [];
    for await (const frame of openSeedCsv(metaPath, diagnostics).frames(new AbortController().signal)) {
      const { boxes, scores, classIds } = frame.detections;
      read.push({ index: frame.index, boxes: [...boxes], scores: [...scores], classIds: [...classIds] });
    }
    expect(warnings).toEqual([]);
    expect(diagnostics.skippedRecords).toBe(0);
    const expected = [...simulateScene({ frames: 80, seed: 11 })].map((frame) => ({
      index: frame.index,
      boxes: frame.detections.flatMap((d) => [d.left, d.top, d.right, d.bottom]),
      scores: frame.detections.map((d) => d.score),
      classIds: frame.detections.map((d) => d.class_id),
    }));
    expect(read).toEqual(expected);
  });

  it('writes the same CSV bytes for a seed and other bytes for another seed', async () => {
    const first = await prepareDemo(join(dir, 'a'), { seed: 4, video: false });
    const again = await prepareDemo(join(dir, 'b'), { seed: 4, video: false });
    const other = await prepareDemo(join(dir, 'c'), { seed: 5, video: false });
    const bytes = await readFile(first.metaPath);
    expect(bytes.equals(await readFile(again.metaPath))).toBe(true);
    expect(bytes.equals(await readFile(other.metaPath))).toBe(false);
    expect(bytes.toString('utf8').split('\n').length).toBe(600 + 2);
  });

  it('writes the sample-format param and app YAML with absolute paths', async () => {
    const prepared = await prepareDemo(join(dir, 'out'), { frames: 10, video: false });
    const root = join(dir, 'out');
    expect(prepared.configPath).toBe(join(root, 'input', 'heat_map_app.yaml'));
    expect(prepared.paramPath).toBe(join(root, 'input', 'param.yaml'));
    expect(prepared.metaPath).toBe(join(root, 'input', 'demo.csv'));
    expect(loadYaml(await readFile(prepared.paramPath, 'utf8'))).toEqual({
      number_of_add_grid: 1,
      last_valid_frame: 15,
      image_size_h: 1920,
      image_size_v: 1080,
      grid_num_h: 64,
      grid_num_v: 36,
      bbox2pix: true,
      point_ratio: 1.0,
    });
    expect(prepared.videoPath).toBeUndefined();
    const app = loadYaml(await readFile(prepared.configPath, 'utf8')) as {
      data_source_settings: { mode: string; local_data_settings: { video_file: string; meta_file: string } };
      heat_map_settings: { param_file: string };
      output_settings: Record<string, unknown>;
    };
    expect(app.data_source_settings.mode).toBe('local');
    expect(app.data_source_settings.local_data_settings.meta_file).toBe(prepared.metaPath);
    expect(app.data_source_settings.local_data_settings.video_file).toBe('');
    expect(app.heat_map_settings.param_file).toBe(prepared.paramPath);
    expect(isAbsolute(app.heat_map_settings.param_file)).toBe(true);
    expect(app.output_settings).toEqual({
      output_dir: root,
      output_video_fps: 10,
      output_video_width: 960,
      output_video_height: 540,
      cmap: 'jet',
      cbar: true,
      min: 0,
      max: 15,
      overlay: true,
      transparency: 0.45,
    });
  });

  it('quotes paths with spaces and quotes so the YAML still reads them back', async () => {
    const odd = join(dir, 'my "demo" run: #1');
    const prepared = await prepareDemo(odd, { frames: 3, video: false });
    const app = loadYaml(await readFile(prepared.configPath, 'utf8')) as { output_settings: { output_dir: string } };
    expect(app.output_settings.output_dir).toBe(odd);
  });

  it('refuses a frame count or seed it cannot simulate, naming the value', async () => {
    await expect(prepareDemo(dir, { frames: 0, video: false })).rejects.toThrow(new SettingsError('demo frames: must be an integer ≥ 1, got 0'));
    await expect(prepareDemo(dir, { frames: 2.5, video: false })).rejects.toBeInstanceOf(SettingsError);
    await expect(prepareDemo(dir, { seed: 0.5, video: false })).rejects.toThrow(new SettingsError('demo seed: must be an integer, got 0.5'));
  });

  it('stops on abort and leaves no CSV or video, complete or partial', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(prepareDemo(dir, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(await readdir(join(dir, 'input'))).toEqual([]);
  });

  it('paints the scene into an H.264 video whose frame i is the CSV’s frame i', async () => {
    const frames = 20;
    const prepared = await prepareDemo(dir, { frames, seed: 2 });
    expect(prepared.videoPath).toBe(join(dir, 'input', 'demo.mp4'));
    const app = loadYaml(await readFile(prepared.configPath, 'utf8')) as {
      data_source_settings: { local_data_settings: { video_file: string } };
    };
    expect(app.data_source_settings.local_data_settings.video_file).toBe(prepared.videoPath);

    const ffmpeg = await resolveFfmpeg('');
    const info = await probeVideo(ffmpeg, prepared.videoPath as string);
    expect({ codec: info.codec, width: info.width, height: info.height, fps: info.fps, frames: info.frameCount }).toEqual({
      codec: 'h264',
      width: 960,
      height: 540,
      fps: { num: 10, den: 1 },
      frames,
    });
    // H.264 is lossy: the decoded frame is close to the painted one, and far from its neighbour's.
    const scene = [...simulateScene({ frames, seed: 2 })];
    const painter = new ScenePainter(960, 540);
    const decoded = await readVideoFrame(ffmpeg, prepared.videoPath as string, 12, 960, 540);
    expect(meanAbsoluteDifference(decoded.data, painter.paint(scene[12]).data)).toBeLessThan(3);
    const people = (index: number): Uint8Array => painter.paint(scene[index]).data;
    expect(meanAbsoluteDifference(decoded.data, people(12))).toBeLessThan(meanAbsoluteDifference(decoded.data, people(2)));
    expect(await readdir(join(dir, 'input'))).toEqual(['demo.csv', 'demo.mp4', 'heat_map_app.yaml', 'param.yaml']);
  });
});
