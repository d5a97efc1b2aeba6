import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  defaultSettings,
  findSettingsIssues,
  parseSettings,
  settingsToYaml,
  validateSettings,
  type Settings,
} from '../../src-shared/settings/index.js';
import { SAMPLE_MAIN_YAML, SAMPLE_PARAM_PATH, SAMPLE_PARAM_YAML } from './fixtures.js';

const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

function sampleSettings(): Settings {
  return parseSettings(SAMPLE_MAIN_YAML, 'heat_map_app.yaml', (path) => {
    expect(path).toBe(SAMPLE_PARAM_PATH);
    return SAMPLE_PARAM_YAML;
  }).settings;
}

describe('export to one self-contained YAML', () => {
  test('the sample exports with its params inline and param_file "", and reads back equal', () => {
    const settings = sampleSettings();
    const text = settingsToYaml(settings);
    expect(text).toContain('  param_file: ""\n  number_of_add_grid: 1\n');
    const back = parseSettings(text, 'exported.yaml', noFiles);
    expect(back.warnings).toEqual([]);
    expect(back.settings).toEqual({ ...settings, heat_map_settings: { ...settings.heat_map_settings, param_file: '' } });
  });

  test('the exported file is in the sample layout, section by section', () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'in/a.csv';
    expect(settingsToYaml(settings)).toBe(`# crowdheat settings (the AITRIOS heat map sample's heat_map_app.yaml layout)
data_source_settings:
  mode: local
  console_data_settings:
    setting_path: ./config/console_access_settings.yaml
    device_id: ""
    sub_directory_name: ""
    first_timestamp: ""
    last_timestamp: ""
    number_of_inference_results: 20
    number_of_images: 20
    match_tolerance_ms: 0
  local_data_settings:
    video_file: ""
    meta_file: in/a.csv
    meta_format: auto
    metadata_fps: 0
    start_time: ""
heat_map_settings:
  param_file: ""
  number_of_add_grid: 1
  last_valid_frame: 15
  image_size_h: 1920
  image_size_v: 1080
  grid_num_h: 192
  grid_num_v: 108
  bbox2pix: false
  point_ratio: 1
  class_ids: null
  min_score: 0
  counting: exact
output_settings:
  output_dir: output
  output_video_fps: 0
  output_video_width: 0
  output_video_height: 0
  cmap: Reds
  cbar: false
  min: 0
  max: 15
  overlay: true
  transparency: 0.4
  interpolation: nearest
  ffmpeg_path: ""
  period: none
  timezone: ""
  per_frame_outputs: auto
  zone_outlines: true
  encoder_preset: veryfast
  encoder_crf: 23
  empty_cells: clear
`);
  });

  test('any valid settings survive export and import unchanged (strings that look like YAML included)', () => {
    const awkward = fc.oneof(
      fc.string(),
      fc.constantFrom('yes', 'no', 'true', 'null', '~', '0123', '1e3', '0x1F', '- a', '# x', 'a: b', ' lead', '"q"', "it's", 'C:\\data\\in.csv', '日本語.csv'),
    );
    const nonEmpty = awkward.filter((text) => text.trim() !== '');
    const timestamp = fc.constantFrom('', '20230412140023098', '20991231235959999');
    const settingsArbitrary = fc.record({
      mode: fc.constantFrom('console' as const, 'local' as const),
      device: nonEmpty.filter((text) => !/^__.*__$/.test(text)),
      sub: awkward,
      first: timestamp,
      meta: nonEmpty,
      video: awkward,
      format: fc.constantFrom('auto' as const, 'seed_csv' as const, 'mot' as const, 'inference_json' as const),
      addGrid: fc.nat(5),
      window: fc.nat(1000),
      grid: fc.integer({ min: 1, max: 400 }),
      bbox2pix: fc.boolean(),
      pointRatio: fc.double({ min: 0, max: 1, noNaN: true }),
      classIds: fc.option(fc.array(fc.nat(90), { minLength: 1, maxLength: 4 }), { nil: null }),
      minScore: fc.double({ min: -1, max: 1, noNaN: true }),
      fps: fc.double({ min: 0.1, max: 120, noNaN: true }),
      transparency: fc.double({ min: 0, max: 1, noNaN: true }),
      cmap: fc.constantFrom('Reds', 'viridis', 'jet_r', 'RdYlGn'),
      ffmpeg: awkward,
    });
    fc.assert(
      fc.property(settingsArbitrary, (drawn) => {
        const settings = defaultSettings();
        const data = settings.data_source_settings;
        data.mode = drawn.mode;
        data.console_data_settings.device_id = drawn.device;
        data.console_data_settings.sub_directory_name = drawn.sub;
        data.console_data_settings.first_timestamp = drawn.sub === '' ? drawn.first : '20230412140023098';
        data.local_data_settings.meta_file = drawn.meta;
        data.local_data_settings.video_file = drawn.video;
        data.local_data_settings.meta_format = drawn.format;
        const params = settings.heat_map_settings.params;
        Object.assign(params, {
          number_of_add_grid: drawn.addGrid,
          last_valid_frame: drawn.window,
          grid_num_h: drawn.grid,
          bbox2pix: drawn.bbox2pix,
          point_ratio: drawn.pointRatio,
          class_ids: drawn.classIds,
          min_score: drawn.minScore,
        });
        Object.assign(settings.output_settings, {
          output_video_fps: drawn.fps,
          transparency: drawn.transparency,
          cmap: drawn.cmap,
          ffmpeg_path: drawn.ffmpeg,
        });
        validateSettings(settings);
        const back = parseSettings(settingsToYaml(settings), 'exported.yaml', noFiles);
        expect(back.settings).toEqual(settings);
        expect(back.warnings).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validating typed settings (the desktop app)', () => {
  test('defaults lack only the metadata file', () => {
    expect(findSettingsIssues(defaultSettings())).toEqual([
      {
        key: 'data_source_settings.local_data_settings.meta_file',
        message: 'data_source_settings.local_data_settings.meta_file must be a path (not empty) in mode local, got ""',
      },
    ]);
  });

  test('every problem is listed with its key, params under heat_map_settings', () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'a.csv';
    settings.heat_map_settings.params.grid_num_v = 0;
    settings.output_settings.transparency = -0.5;
    settings.output_settings.min = 20;
    expect(findSettingsIssues(settings)).toEqual([
      { key: 'heat_map_settings.grid_num_v', message: 'heat_map_settings.grid_num_v must be an integer from 1 to 4194304, got 0' },
      {
        key: 'output_settings.transparency',
        message: 'output_settings.transparency must be a number from 0 to 1, got -0.5',
      },
      {
        key: 'output_settings.min',
        message: 'output_settings.min (20) must be less than output_settings.max (15); or set max to 0 for an automatic scale',
      },
    ]);
  });

  test('a value of the wrong type is reported even where the mode does not use it', () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'a.csv';
    (settings.data_source_settings.console_data_settings as unknown as Record<string, unknown>).number_of_images = '20';
    expect(findSettingsIssues(settings).map((issue) => issue.message)).toEqual([
      'data_source_settings.console_data_settings.number_of_images must be an integer from 1 to 1000000, got "20"',
    ]);
  });
});
