import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src-shared/settings/types.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { PER_FRAME_LIMIT } from '../../src-main/sinks/per-frame-gate.js';
import { StoreReader } from '../../src-main/store/store.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-long-'));
  // One more frame than the limit; every 1000th frame has one person.
  const rows = ['0,1'];
  for (let i = 0; i <= PER_FRAME_LIMIT; i++) {
    const people = i % 1000 === 0 ? '{"class_id": 0, "bounding_box": {"left": 10, "top": 10, "right": 20, "bottom": 20}, "score": 0.9}' : '';
    rows.push(`${i},"{""perception"": {""object_detection_list"": [${people.replaceAll('"', '""')}]}}"`);
  }
  await writeFile(join(dir, 'long.csv'), rows.join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runs longer than the per-frame limit', () => {
  it('leave out detect JSON, griddata.npy and the video with a warning naming the setting, and keep the store', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'long.csv');
    settings.data_source_settings.local_data_settings.metadata_fps = 10;
    // An image size the boxes (10–20 px) fit, so the image-size check has nothing to say.
    settings.heat_map_settings.params = {
      ...settings.heat_map_settings.params, image_size_h: 32, image_size_v: 24, grid_num_h: 8, grid_num_v: 6, number_of_add_grid: 0,
    };
    settings.output_settings.output_dir = join(dir, 'out');
    const warnings: string[] = [];
    const summary = await runPipeline(settings, { onWarning: (warning) => warnings.push(warning.message) });
    expect(summary.frames).toBe(PER_FRAME_LIMIT + 1);
    expect(warnings).toEqual([
      'the run has more than 100,000 frames: per-frame outputs (detect/*.json, griddata.npy, the video) are left out; ' +
        'set output_settings.per_frame_outputs: always to write them',
    ]);
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['crowdheat.duckdb', 'heatmap.png', 'heatmap_period.npy', 'heatmap_period.png', 'people.csv', 'summary.json']);
    // metadata_fps without start_time: its times are time since frame 0.
    expect(summary.time_base).toMatchObject({ kind: 'metadata_fps', clock: 'elapsed', covered_s: 10_000.1 });
    // 101 people at 0.1 s each, all in cell (0, 0) with n = 0.
    expect(summary.busiest_place).toEqual({ h: 2, v: 2, value: 10.1, unit: 'person-seconds' });
    const store = await StoreReader.open(join(dir, 'out'));
    expect(store.meta).toMatchObject({ frames: PER_FRAME_LIMIT + 1, detections: 101 });
    store.close();
  }, 300_000);
});

describe('inference JSON folders', () => {
  it('a run over a folder of Console records keeps its frames with their T in the store', async () => {
    const folder = join(dir, 'records');
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    const perception = { perception: { object_detection_list: [{ class_id: 0, bounding_box: { left: 1, top: 2, right: 30, bottom: 40 }, score: 0.8 }] } };
    for (const [name, T] of [['a.json', '20230412140023098'], ['b.json', '20230412140024098']]) {
      await writeFile(join(folder, name), JSON.stringify({ DeviceID: 'Aid-1', ModelID: '1', Image: false, Inferences: [{ T, F: 1, O: perception }] }));
    }
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = folder;
    settings.heat_map_settings.params = { ...settings.heat_map_settings.params, image_size_h: 320, image_size_v: 320, grid_num_h: 32, grid_num_v: 32 };
    settings.output_settings.output_dir = join(dir, 'out-records');
    const summary = await runPipeline(settings);
    expect(summary.frames).toBe(2);
    expect(summary.outputs).toEqual(expect.arrayContaining(['detect/', 'griddata.npy', 'crowdheat.duckdb']));
    expect(summary.time_base).toMatchObject({ kind: 'T', clock: 'wall', first: expect.stringMatching(/^2023-04-12T/), covered_s: 2 });
    const store = await StoreReader.open(join(dir, 'out-records'));
    const frames = await store.frames();
    store.close();
    expect(frames.t).toEqual(['20230412140023098', '20230412140024098']);
  }, 60_000);
});
