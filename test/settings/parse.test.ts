import { describe, expect, test } from 'vitest';
import { InputError, SettingsError } from '../../src-shared/errors.js';
import {
  DEFAULT_GRID_PARAMS,
  defaultSettings,
  parseOverrideValue,
  findSettingsIssues,
  parseSettings,
  readSettings,
  resolveSettingKey,
  type Settings,
} from '../../src-shared/settings/index.js';
import { SAMPLE_MAIN_YAML, SAMPLE_PARAM_PATH, SAMPLE_PARAM_YAML } from './fixtures.js';

const MAIN_PATH = 'config/heat_map_app.yaml';

function readerOf(files: Record<string, string>): (path: string) => string {
  return (path) => {
    if (path in files) return files[path];
    throw new InputError(`${path}: not found`);
  };
}

const sampleFiles = readerOf({ [SAMPLE_PARAM_PATH]: SAMPLE_PARAM_YAML });

function parseSample(mainYaml: string, files: Record<string, string> = {}): { settings: Settings; warnings: string[] } {
  return parseSettings(mainYaml, MAIN_PATH, readerOf({ [SAMPLE_PARAM_PATH]: SAMPLE_PARAM_YAML, ...files }));
}

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}

/** The sample with one line replaced (the line must exist, so a typo in a test cannot pass silently). */
function sampleWith(line: string, replacement: string): string {
  expect(SAMPLE_MAIN_YAML).toContain(line);
  return SAMPLE_MAIN_YAML.replace(line, replacement);
}

/** The sample in console mode, Case 2 (metadata only), with a real-looking device. */
function consoleSample(): string {
  return sampleWith('mode: "local"', 'mode: "console"').replace('"__device_id__"', '"Aid-80070001-0000-2000-9002-000000000a1b"');
}

describe('the sample files load unchanged', () => {
  test('heat_map_app.yaml and default_param.yaml give the sample settings without warnings', () => {
    const { settings, warnings } = parseSettings(SAMPLE_MAIN_YAML, MAIN_PATH, sampleFiles);
    const expected = defaultSettings();
    expected.data_source_settings.console_data_settings.device_id = '__device_id__';
    expected.data_source_settings.local_data_settings.video_file = './input/sample.mp4';
    expected.data_source_settings.local_data_settings.meta_file = './input/sample.csv';
    expected.heat_map_settings.param_file = './config/default_param.yaml';
    // The sample writes the video's size and rate: used as written, not taken from the source.
    expected.output_settings = { ...expected.output_settings, output_video_fps: 2, output_video_width: 300, output_video_height: 300 };
    expect(settings).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  test('the param file is read through the reader with its path as written', () => {
    const asked: string[] = [];
    parseSettings(SAMPLE_MAIN_YAML, MAIN_PATH, (path) => {
      asked.push(path);
      return SAMPLE_PARAM_YAML;
    });
    expect(asked).toEqual(['./config/default_param.yaml']);
  });

  test('the README layout: every data source key directly under data_source_settings', () => {
    const flat = `data_source_settings:
  mode: "local"
  setting_path: "./config/console_access_settings.yaml" # Not used
  device_id: "__device_id__"                            # Not used
  sub_directory_name: "__sub_directory_name__"          # Not used
  first_timestamp: "yyyyMMddHHmmssfff"                  # Not used
  last_timestamp: "yyyyMMddHHmmssfff"                   # Not used
  number_of_inference_results: 20                       # Not used
  number_of_images: 20                                  # Not used
  video_file: ""    # Set to an empty string to skip loading images.
  meta_file: "./input/sample.csv"                       # Required
heat_count_settings:
  param_file: "./config/default_param.yaml"
`;
    const { settings, warnings } = parseSample(flat);
    expect(warnings).toEqual([]);
    expect(settings.data_source_settings.local_data_settings).toEqual({
      video_file: '',
      meta_file: './input/sample.csv',
      meta_format: 'auto',
      metadata_fps: 0,
      start_time: '',
    });
    expect(settings.data_source_settings.console_data_settings.first_timestamp).toBe('yyyyMMddHHmmssfff');
    expect(settings.heat_map_settings.param_file).toBe('./config/default_param.yaml');
    expect(settings.heat_map_settings.params.grid_num_h).toBe(192);
  });

  test('local keys inside console_data_settings are accepted', () => {
    const mixed = `data_source_settings:
  mode: local
  console_data_settings:
    device_id: "__device_id__"
    video_file: ""
    meta_file: "./input/sample.csv"
`;
    const { settings } = parseSample(mixed);
    expect(settings.data_source_settings.local_data_settings.meta_file).toBe('./input/sample.csv');
  });

  test('the README name video_path is read as video_file', () => {
    const { settings } = parseSample(
      'data_source_settings:\n  mode: local\n  video_path: "./in/a.mp4"\n  meta_file: "./in/a.csv"\n',
    );
    expect(settings.data_source_settings.local_data_settings.video_file).toBe('./in/a.mp4');
  });

  test('a key given twice with different values warns and the key in its own sub-section wins', () => {
    const twice = `data_source_settings:
  mode: local
  meta_file: "./a.csv"
  local_data_settings:
    meta_file: "./b.csv"
`;
    const { settings, warnings } = parseSample(twice);
    expect(settings.data_source_settings.local_data_settings.meta_file).toBe('./b.csv');
    expect(warnings).toEqual([
      'config/heat_map_app.yaml: data_source_settings.meta_file ("./a.csv") and ' +
        'data_source_settings.local_data_settings.meta_file ("./b.csv") disagree; ' +
        'using data_source_settings.local_data_settings.meta_file',
    ]);
  });

  test('unknown keys are warnings naming the key, in the main file and in the param file', () => {
    const main = sampleWith('  cbar: false\n', '  cbar: false\n  dpi: 100\n') + 'logging: verbose\n';
    const { warnings } = parseSample(main, { [SAMPLE_PARAM_PATH]: SAMPLE_PARAM_YAML + 'grid_shape: square\n' });
    expect(warnings).toEqual([
      'config/heat_map_app.yaml: unknown key output_settings.dpi (ignored)',
      'config/heat_map_app.yaml: unknown key logging (ignored)',
      'heat_map_settings.param_file (./config/default_param.yaml): unknown key grid_shape (ignored)',
    ]);
  });

  test('a missing section keeps its defaults', () => {
    const { settings } = parseSample('data_source_settings:\n  mode: local\n  meta_file: m.csv\n');
    expect(settings.output_settings).toEqual(defaultSettings().output_settings);
    expect(settings.heat_map_settings).toEqual(defaultSettings().heat_map_settings);
  });
});

describe('new optional keys', () => {
  test('every new key is read where the brief puts it', () => {
    const main = `data_source_settings:
  mode: console
  console_data_settings:
    device_id: dev-1
    sub_directory_name: "20230412140023"
    first_timestamp: "20230412140023098"
    last_timestamp: ""
    number_of_images: 500
    match_tolerance_ms: 40
  local_data_settings:
    meta_file: x.txt
    meta_format: mot
heat_map_settings:
  param_file: "./config/default_param.yaml"
  point_ratio: 0.5
  class_ids: [0, 2]
  min_score: 0.3
  counting: legacy
output_settings:
  interpolation: bilinear
  ffmpeg_path: /usr/bin/ffmpeg
`;
    const { settings } = parseSample(main);
    expect(settings.data_source_settings.console_data_settings.match_tolerance_ms).toBe(40);
    expect(settings.data_source_settings.console_data_settings.number_of_images).toBe(500);
    expect(settings.data_source_settings.local_data_settings.meta_format).toBe('mot');
    // The sample's param file holds the default grid (pinned above); the new keys change the rest.
    expect(settings.heat_map_settings.params).toEqual({
      ...DEFAULT_GRID_PARAMS,
      point_ratio: 0.5,
      class_ids: [0, 2],
      min_score: 0.3,
      counting: 'legacy',
    });
    expect(settings.output_settings.interpolation).toBe('bilinear');
    expect(settings.output_settings.ffmpeg_path).toBe('/usr/bin/ffmpeg');
  });

  test('grid parameters inline under heat_map_settings win over the param file', () => {
    const main = sampleWith(
      '  param_file: "./config/default_param.yaml"\n',
      '  param_file: "./config/default_param.yaml"\n  grid_num_h: 96\n  bbox2pix: true\n',
    );
    const { settings, warnings } = parseSample(main);
    expect(settings.heat_map_settings.params.grid_num_h).toBe(96);
    expect(settings.heat_map_settings.params.bbox2pix).toBe(true);
    expect(settings.heat_map_settings.params.grid_num_v).toBe(108);
    expect(warnings).toEqual([]);
  });

  test('new keys in the param file are read', () => {
    const { settings } = parseSample(SAMPLE_MAIN_YAML, {
      [SAMPLE_PARAM_PATH]: SAMPLE_PARAM_YAML + 'point_ratio: 0.0\nclass_ids: [1]\nmin_score: 0.5\ncounting: exact\n',
    });
    expect(settings.heat_map_settings.params.point_ratio).toBe(0);
    expect(settings.heat_map_settings.params.class_ids).toEqual([1]);
    expect(settings.heat_map_settings.params.min_score).toBe(0.5);
  });
});

describe('bad values: one line naming the key, the value and what is allowed', () => {
  const paramCases: Array<[string, string, string]> = [
    ['grid_num_h : 192', 'grid_num_h : 0', 'grid_num_h must be an integer from 1 to 4194304, got 0'],
    ['number_of_add_grid : 1', 'number_of_add_grid : -1', 'number_of_add_grid must be an integer from 0 to 4194304, got -1'],
    ['image_size_h : 1920', 'image_size_h : 1920.5', 'image_size_h must be an integer from 1 to 100000, got 1920.5'],
    ['grid_num_v : 108', 'grid_num_v : "108"', 'grid_num_v must be an integer from 1 to 4194304, got "108"'],
    ['bbox2pix : false', 'bbox2pix : 1', 'bbox2pix must be true or false, got 1'],
    ['bbox2pix : false', 'bbox2pix : no', 'bbox2pix must be true or false, got "no"'],
    ['bbox2pix : false', 'point_ratio: 1.2', 'point_ratio must be a number from 0 to 1, got 1.2'],
    ['bbox2pix : false', 'point_ratio: -0.1', 'point_ratio must be a number from 0 to 1, got -0.1'],
    ['bbox2pix : false', 'counting: fast', 'counting must be one of exact, legacy, got "fast"'],
    [
      'bbox2pix : false',
      'class_ids: []',
      'class_ids must be null (all classes) or a list of 1 to 1000 integers from 0 to 4294967295, got []',
    ],
    [
      'bbox2pix : false',
      'class_ids: [0, -1]',
      'class_ids must be null (all classes) or a list of 1 to 1000 integers from 0 to 4294967295, got [0, -1]',
    ],
  ];
  test.each(paramCases)('param file %s → %s', (line, replacement, message) => {
    expect(SAMPLE_PARAM_YAML).toContain(line);
    const error = errorOf(() =>
      parseSample(SAMPLE_MAIN_YAML, { [SAMPLE_PARAM_PATH]: SAMPLE_PARAM_YAML.replace(line, replacement) }),
    );
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(`heat_map_settings.param_file (./config/default_param.yaml): ${message}`);
  });

  test('the brief example: a param file at config/p.yaml with grid_num_h: 0', () => {
    const error = errorOf(() =>
      parseSample(sampleWith('"./config/default_param.yaml"', '"config/p.yaml"'), {
        'config/p.yaml': 'grid_num_h: 0\n',
      }),
    );
    expect(error.message).toBe('heat_map_settings.param_file (config/p.yaml): grid_num_h must be an integer from 1 to 4194304, got 0');
  });

  const mainCases: Array<[string, string, string]> = [
    ['transparency: 0.4', 'transparency: 1.5', 'output_settings.transparency must be a number from 0 to 1, got 1.5'],
    ['mode: "local"', 'mode: "cloud"', 'data_source_settings.mode must be one of console, local, got "cloud"'],
    ['cbar: false', 'cbar: yes', 'output_settings.cbar must be true or false, got "yes"'],
    ['overlay: true', 'overlay: "true"', 'output_settings.overlay must be true or false, got "true"'],
    [
      'output_video_width: 300',
      'output_video_width: -2',
      "output_settings.output_video_width must be 0 (the source's) or an integer from 1 to 8192, got -2",
    ],
    [
      'output_video_height: 300',
      'output_video_height: 8194',
      "output_settings.output_video_height must be 0 (the source's) or an integer from 1 to 8192, got 8194",
    ],
    [
      'output_video_width: 300',
      'output_video_width: 300.5',
      "output_settings.output_video_width must be 0 (the source's) or an integer from 1 to 8192, got 300.5",
    ],
    [
      'output_video_width: 300',
      'output_video_width: 1000000000',
      "output_settings.output_video_width must be 0 (the source's) or an integer from 1 to 8192, got 1000000000",
    ],
    ['output_video_fps: 2', 'output_video_fps: 0.05', "output_settings.output_video_fps must be 0 (the source's) or a number from 0.1 to 240, got 0.05"],
    ['output_video_fps: 2', 'output_video_fps: -2', "output_settings.output_video_fps must be 0 (the source's) or a number from 0.1 to 240, got -2"],
    ['output_video_fps: 2', 'output_video_fps: 241', "output_settings.output_video_fps must be 0 (the source's) or a number from 0.1 to 240, got 241"],
    [
      'transparency: 0.4',
      'transparency: 0.4\n  encoder_preset: quick',
      'output_settings.encoder_preset must be one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, got "quick"',
    ],
    ['transparency: 0.4', 'transparency: 0.4\n  encoder_crf: 52', 'output_settings.encoder_crf must be an integer from 0 to 51, got 52'],
    ['transparency: 0.4', 'transparency: 0.4\n  encoder_crf: 18.5', 'output_settings.encoder_crf must be an integer from 0 to 51, got 18.5'],
    ['transparency: 0.4', 'transparency: 0.4\n  empty_cells: none', 'output_settings.empty_cells must be one of clear, tinted, got "none"'],
    [
      'min: 0',
      'min: 15',
      'output_settings.min (15) must be less than output_settings.max (15); or set max to 0 for an automatic scale',
    ],
    ['max: 15', 'max: -1', 'output_settings.max must be a number from 0 to 2147483647, got -1'],
    ['output_dir: "output"', 'output_dir: ""', 'output_settings.output_dir must be a path (not empty), got ""'],
    [
      'meta_file: "./input/sample.csv"',
      'meta_file: ""',
      'data_source_settings.local_data_settings.meta_file must be a path (not empty) in mode local, got ""',
    ],
    [
      'number_of_images: 20',
      'number_of_images: many',
      'data_source_settings.console_data_settings.number_of_images must be an integer from 1 to 1000000, got "many"',
    ],
  ];
  test.each(mainCases)('%s → %s', (line, replacement, message) => {
    const error = errorOf(() => parseSample(sampleWith(line, replacement)));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(`config/heat_map_app.yaml: ${message}`);
  });

  test('an unknown colormap names the value and close matches (the ranking is the colormap module\'s)', () => {
    const error = errorOf(() => parseSample(sampleWith('cmap: "Reds"', 'cmap: "reds"')));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message.startsWith(
      'config/heat_map_app.yaml: output_settings.cmap must be a Matplotlib colormap name (case-sensitive), ' +
        'got "reds"; close matches: Reds, ',
    )).toBe(true);
  });

  test('min may equal or exceed max when max is 0 (automatic scale)', () => {
    const { settings } = parseSample(sampleWith('max: 15', 'max: 0').replace('min: 0', 'min: 3'));
    expect(settings.output_settings.max).toBe(0);
  });

  test('mode local without any meta_file names the key and the mode', () => {
    const error = errorOf(() => parseSample('data_source_settings:\n  mode: local\n'));
    expect(error.message).toBe(
      'data_source_settings.local_data_settings.meta_file must be a path (not empty) in mode local, got ""',
    );
  });

  test('legacy counting with sizes that do not divide names both numbers', () => {
    const error = errorOf(() =>
      parseSample(SAMPLE_MAIN_YAML, {
        [SAMPLE_PARAM_PATH]: SAMPLE_PARAM_YAML.replace('grid_num_h : 192', 'grid_num_h : 100') + 'counting: legacy\n',
      }),
    );
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(
      'heat_map_settings.param_file (./config/default_param.yaml): counting is legacy, which needs image_size_h (1920) ' +
        'to be divisible by grid_num_h (100); use counting: exact, or sizes that divide evenly',
    );
  });

  test('exact counting accepts sizes that do not divide', () => {
    const { settings } = parseSample(SAMPLE_MAIN_YAML, {
      [SAMPLE_PARAM_PATH]: SAMPLE_PARAM_YAML.replace('grid_num_h : 192', 'grid_num_h : 100'),
    });
    expect(settings.heat_map_settings.params.grid_num_h).toBe(100);
  });
});

describe('console settings', () => {
  const ALLOWED_T =
    '"" or a quoted T string yyyyMMddHHmmssfff (17 digits, UTC) or ISO 8601 with an offset (2024-05-01T21:00:00+09:00)';
  test.each([
    ['"2023-04-12 14:00"', `${ALLOWED_T} in mode console, got "2023-04-12 14:00"`],
    ['"20230412140023"', `${ALLOWED_T} in mode console, got "20230412140023"`],
    ['"20231312140023098"', `${ALLOWED_T} in mode console, got "20231312140023098"`],
    ['2023-04-12T14:00:23', `${ALLOWED_T} in mode console, got "2023-04-12T14:00:23"`],
    ['2023-02-30T14:00:23Z', `${ALLOWED_T} in mode console, got "2023-02-30T14:00:23Z"`],
    // Unquoted, YAML reads a number and its last digits are already lost: a type error anywhere.
    ['20230412140023098', `${ALLOWED_T}, got 20230412140023096`],
  ])('first_timestamp: %s is refused', (written, rest) => {
    const error = errorOf(() => parseSample(consoleSample().replace('first_timestamp: ""', `first_timestamp: ${written}`)));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(
      `config/heat_map_app.yaml: data_source_settings.console_data_settings.first_timestamp must be ${rest}`,
    );
  });

  test('ISO 8601 with an offset is accepted as written, quoted or not, and ordered by the moment it names', () => {
    const text = consoleSample()
      .replace('first_timestamp: ""', 'first_timestamp: 2023-04-12T23:00:23.098+09:00')
      .replace('last_timestamp: ""', 'last_timestamp: "20230412140029728"');
    const { first_timestamp: first, last_timestamp: last } = parseSample(text).settings.data_source_settings.console_data_settings;
    expect([first, last]).toEqual(['2023-04-12T23:00:23.098+09:00', '20230412140029728']);
    // 23:00:30 in Tokyo is 14:00:30 UTC: after the last timestamp, though its digits sort before it.
    const late = consoleSample()
      .replace('first_timestamp: ""', 'first_timestamp: "2023-04-12T23:00:30+09:00"')
      .replace('last_timestamp: ""', 'last_timestamp: "20230412140029728"');
    expect(errorOf(() => parseSample(late)).message).toBe(
      'config/heat_map_app.yaml: data_source_settings.console_data_settings.first_timestamp ("2023-04-12T23:00:30+09:00") ' +
        'must not be after data_source_settings.console_data_settings.last_timestamp ("20230412140029728")',
    );
  });

  test('the last timestamp may not come before the first', () => {
    const text = consoleSample()
      .replace('first_timestamp: ""', 'first_timestamp: "20230412140029728"')
      .replace('last_timestamp: ""', 'last_timestamp: "20230412140023098"');
    expect(errorOf(() => parseSample(text)).message).toBe(
      'config/heat_map_app.yaml: data_source_settings.console_data_settings.first_timestamp ("20230412140029728") ' +
        'must not be after data_source_settings.console_data_settings.last_timestamp ("20230412140023098")',
    );
  });

  test('Case 1 (images) needs at least one timestamp', () => {
    const text = consoleSample().replace('sub_directory_name: ""', 'sub_directory_name: "20230412135950"');
    expect(errorOf(() => parseSample(text)).message).toBe(
      'config/heat_map_app.yaml: data_source_settings.console_data_settings.first_timestamp and ' +
        'data_source_settings.console_data_settings.last_timestamp are both empty; with sub_directory_name set ' +
        '(images from the Console) at least one of them is needed',
    );
  });

  test('number_of_images must be at least 1 in Case 1, with no upper limit', () => {
    const case1 = consoleSample()
      .replace('sub_directory_name: ""', 'sub_directory_name: "20230412135950"')
      .replace('first_timestamp: ""', 'first_timestamp: "20230412140023098"');
    expect(parseSample(case1.replace('number_of_images: 20', 'number_of_images: 5000')).settings.data_source_settings
      .console_data_settings.number_of_images).toBe(5000);
    expect(errorOf(() => parseSample(case1.replace('number_of_images: 20', 'number_of_images: 0'))).message).toBe(
      'config/heat_map_app.yaml: data_source_settings.console_data_settings.number_of_images must be an integer from 1 to 1000000 ' +
        'in mode console with a sub_directory_name, got 0',
    );
  });

  test('number_of_inference_results must be at least 1 in Case 2', () => {
    const text = consoleSample().replace('number_of_inference_results: 20', 'number_of_inference_results: 0');
    expect(errorOf(() => parseSample(text)).message).toBe(
      'config/heat_map_app.yaml: data_source_settings.console_data_settings.number_of_inference_results must be ' +
        'an integer from 1 to 1000000 in mode console without a sub_directory_name, got 0',
    );
  });

  test('settings the sample marks "not used" for a mode are not checked for range there', () => {
    const local = sampleWith('number_of_images: 20', 'number_of_images: 0').replace(
      'number_of_inference_results: 20',
      'number_of_inference_results: 0',
    );
    expect(parseSample(local).settings.data_source_settings.console_data_settings.number_of_images).toBe(0);
    const case2 = consoleSample().replace('number_of_images: 20', 'number_of_images: 0');
    expect(parseSample(case2).settings.data_source_settings.mode).toBe('console');
  });

  test("the sample's placeholder device ID is refused in mode console", () => {
    const text = sampleWith('mode: "local"', 'mode: "console"');
    expect(errorOf(() => parseSample(text)).message).toBe(
      'config/heat_map_app.yaml: data_source_settings.console_data_settings.device_id is still the sample\'s ' +
        'placeholder "__device_id__"; set the ID of your device',
    );
  });
});

describe('files that cannot be read as settings', () => {
  test('a missing param file is an InputError naming the path', () => {
    const error = errorOf(() => parseSample(sampleWith('"./config/default_param.yaml"', '"./config/nope.yaml"')));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('heat_map_settings.param_file: ./config/nope.yaml: not found');
  });

  test('a YAML syntax error is one line with file, line, column and reason', () => {
    const error = errorOf(() => parseSample(sampleWith('  cbar: false', '\tcbar: false')));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(
      'config/heat_map_app.yaml:22:1: YAML syntax error: tab characters must not be used in indentation',
    );
  });

  test('a YAML syntax error in the param file names the param file', () => {
    const error = errorOf(() => parseSample(SAMPLE_MAIN_YAML, { [SAMPLE_PARAM_PATH]: 'grid_num_h: 1\n grid_num_v: 2\n' }));
    expect(error.message).toBe('./config/default_param.yaml:2:12: YAML syntax error: bad indentation of a mapping entry');
  });

  test('a duplicated key is a syntax error', () => {
    const error = errorOf(() => parseSample(sampleWith('  cbar: false\n', '  cbar: false\n  cbar: true\n')));
    expect(error.message).toBe('config/heat_map_app.yaml:23:3: YAML syntax error: duplicated mapping key');
  });

  test('an empty file, a list, two documents and a section that is not a mapping are refused', () => {
    expect(errorOf(() => parseSample('# nothing\n')).message).toBe(
      'config/heat_map_app.yaml: expected a mapping with data_source_settings, heat_map_settings and ' +
        'output_settings, got an empty file',
    );
    expect(errorOf(() => parseSample('- a\n- b\n')).message).toBe(
      'config/heat_map_app.yaml: expected a mapping with data_source_settings, heat_map_settings and ' +
        'output_settings, got a list',
    );
    expect(errorOf(() => parseSample('a: 1\n---\nb: 2\n')).message).toBe(
      'config/heat_map_app.yaml: holds 2 YAML documents (separated by ---), expected one',
    );
    expect(errorOf(() => parseSample('output_settings: fast\n')).message).toBe(
      'config/heat_map_app.yaml: output_settings must be a mapping of settings, got "fast"',
    );
  });

  test('heat_map_settings and heat_count_settings together are ambiguous', () => {
    const text = SAMPLE_MAIN_YAML + 'heat_count_settings:\n  param_file: ""\n';
    expect(errorOf(() => parseSample(text)).message).toBe(
      'config/heat_map_app.yaml: both heat_map_settings and heat_count_settings are given; keep one',
    );
  });
});

describe('overrides (command-line flags)', () => {
  test('an override wins over the file and over the param file, and is named in messages', () => {
    const read = readSettings({ text: SAMPLE_MAIN_YAML, path: MAIN_PATH }, sampleFiles, [
      { key: 'data_source_settings.meta_file', value: 'other.csv', label: '--meta_file' },
      { key: 'heat_map_settings.grid_num_h', value: 96, label: '--set heat_map_settings.grid_num_h' },
    ]);
    expect(read.settings.data_source_settings.local_data_settings.meta_file).toBe('other.csv');
    expect(read.settings.heat_map_settings.params.grid_num_h).toBe(96);
    expect(read.origins.get('heat_map_settings.grid_num_h')).toEqual({ where: '', key: '--set heat_map_settings.grid_num_h' });
    expect(read.warnings).toEqual([]);
  });

  test('a bad override value names the flag', () => {
    const error = errorOf(() =>
      readSettings(null, sampleFiles, [{ key: 'output_settings.cbar', value: 'maybe', label: '--set output_settings.cbar' }]),
    );
    expect(error.message).toBe('--set output_settings.cbar must be true or false, got "maybe"');
  });

  test('an override of param_file reads that file', () => {
    const read = readSettings(null, readerOf({ 'p.yaml': 'grid_num_h: 48\n' }), [
      { key: 'heat_map_settings.param_file', value: 'p.yaml', label: '--set heat_map_settings.param_file' },
    ]);
    expect(read.settings.heat_map_settings.params.grid_num_h).toBe(48);
  });

  test('an unknown override key names the close matches of its section', () => {
    const error = errorOf(() => readSettings(null, sampleFiles, [{ key: 'output_settings.cmapp', value: 1, label: '--set output_settings.cmapp' }]));
    expect(error.message).toBe('--set output_settings.cmapp: no such setting (close matches in output_settings: cmap, cbar, max)');
  });

  test('an unknown override key far from every name lists the keys of its section', () => {
    const error = errorOf(() =>
      readSettings(null, sampleFiles, [{ key: 'heat_map_settings.whatever', value: 1, label: '--set heat_map_settings.whatever' }]),
    );
    expect(error.message).toBe(
      '--set heat_map_settings.whatever: no such setting (settings of heat_map_settings: param_file, number_of_add_grid, ' +
        'last_valid_frame, image_size_h, image_size_v, grid_num_h, grid_num_v, bbox2pix, point_ratio, class_ids, min_score, counting)',
    );
  });

  test('keys resolve in every layout the files accept', () => {
    expect(resolveSettingKey('data_source_settings.meta_file')?.key).toBe('data_source_settings.local_data_settings.meta_file');
    expect(resolveSettingKey('data_source_settings.console_data_settings.meta_file')?.key).toBe(
      'data_source_settings.local_data_settings.meta_file',
    );
    expect(resolveSettingKey('heat_count_settings.bbox2pix')?.key).toBe('heat_map_settings.bbox2pix');
    expect(resolveSettingKey('data_source_settings.mode')?.key).toBe('data_source_settings.mode');
    expect(resolveSettingKey('output_settings')).toBeUndefined();
    expect(resolveSettingKey('output_settings.cmap.x')).toBeUndefined();
  });

  test('an override may head a data-source key with its sub-section alone, as the README tables do', () => {
    expect(resolveSettingKey('local_data_settings.metadata_fps')?.key).toBe('data_source_settings.local_data_settings.metadata_fps');
    expect(resolveSettingKey('console_data_settings.device_id')?.key).toBe('data_source_settings.console_data_settings.device_id');
    expect(resolveSettingKey('local_data_settings.metadata_fps.x')).toBeUndefined();
    const read = readSettings(null, sampleFiles, [
      { key: 'local_data_settings.metadata_fps', value: 10, label: '--set local_data_settings.metadata_fps' },
    ]);
    expect(read.settings.data_source_settings.local_data_settings.metadata_fps).toBe(10);
  });

  test('an unknown key under a data-source sub-section names the close data-source settings', () => {
    const error = errorOf(() =>
      readSettings(null, sampleFiles, [{ key: 'local_data_settings.metadata_fpz', value: 1, label: '--set local_data_settings.metadata_fpz' }]),
    );
    expect(error.message).toMatch(/^--set local_data_settings\.metadata_fpz: no such setting \(close matches in data_source_settings: metadata_fps\b/);
  });

  test('override values: text settings as written, the others as YAML', () => {
    expect(parseOverrideValue('output_settings.transparency', '0.6')).toBe(0.6);
    expect(parseOverrideValue('heat_map_settings.bbox2pix', 'true')).toBe(true);
    expect(parseOverrideValue('heat_map_settings.class_ids', '[0, 2]')).toEqual([0, 2]);
    expect(parseOverrideValue('output_settings.output_dir', '123')).toBe('123');
    expect(parseOverrideValue('data_source_settings.first_timestamp', '20230412140023098')).toBe('20230412140023098');
    expect(parseOverrideValue('output_settings.transparency', '[0.6')).toBe('[0.6');
  });

  test('override values: a text setting written as one quoted YAML string takes the text inside the quotes', () => {
    expect(parseOverrideValue('local_data_settings.start_time', '"2026-11-23T00:00:00+09:00"')).toBe('2026-11-23T00:00:00+09:00');
    expect(parseOverrideValue('local_data_settings.start_time', "'2026-11-23T00:00:00+09:00'")).toBe('2026-11-23T00:00:00+09:00');
    expect(parseOverrideValue('local_data_settings.video_file', '""')).toBe('');
    expect(parseOverrideValue('output_settings.output_dir', "'it''s here'")).toBe("it's here");
    expect(parseOverrideValue('output_settings.output_dir', '"a" b "c"')).toBe('"a" b "c"');
    expect(parseOverrideValue('output_settings.output_dir', "'")).toBe("'");
    expect(parseOverrideValue('output_settings.output_dir', 'out')).toBe('out');
  });
});

describe('time and period settings', () => {
  const read = (lines: string[]): Settings => readSettings({ text: ['data_source_settings:', '  mode: local', '  local_data_settings:', '    meta_file: a.csv', ...lines].join('\n'), path: 'p.yaml' }, sampleFiles).settings;
  const issues = (lines: string[]): string[] => {
    const text = ['data_source_settings:', '  mode: local', '  local_data_settings:', '    meta_file: a.csv', ...lines].join('\n');
    const { settings, origins } = readSettings({ text, path: 'p.yaml' }, sampleFiles);
    return findSettingsIssues(settings, origins).map((issue) => issue.message);
  };

  test('metadata_fps, start_time, period, timezone and per_frame_outputs are read and checked', () => {
    const settings = read(['    metadata_fps: 10', '    start_time: "2026-11-23T09:00:00+09:00"', 'output_settings:', '  period: 15min', '  timezone: Asia/Tokyo', '  per_frame_outputs: never']);
    expect(findSettingsIssues(settings)).toEqual([]);
    expect(settings.data_source_settings.local_data_settings).toMatchObject({ metadata_fps: 10, start_time: '2026-11-23T09:00:00+09:00' });
    expect(settings.output_settings).toMatchObject({ period: '15min', timezone: 'Asia/Tokyo', per_frame_outputs: 'never' });
  });

  test('bad values name the key, the value and what is allowed', () => {
    const messages = issues(['    metadata_fps: 1001', '    start_time: "2026-11-23 09:00"', 'output_settings:', '  period: 2h', '  timezone: Mars/Olympus']);
    expect(messages).toEqual([
      'p.yaml: data_source_settings.local_data_settings.metadata_fps must be a number from 0 to 1000 in mode local, got 1001',
      'p.yaml: data_source_settings.local_data_settings.start_time must be "" or an ISO 8601 date-time with offset, ' +
        'e.g. 2026-11-23T09:00:00+09:00 in mode local, got "2026-11-23 09:00"',
      'p.yaml: output_settings.period must be none, hour, day or <N>min with N from 1 to 1440, got "2h"',
      'p.yaml: output_settings.timezone must be "" (the machine\'s) or an IANA time zone name, e.g. Asia/Tokyo, got "Mars/Olympus"',
    ]);
    expect(() => read(['output_settings:', '  per_frame_outputs: sometimes'])).toThrow(
      'p.yaml: output_settings.per_frame_outputs must be one of auto, always, never, got "sometimes"',
    );
  });

  test('start_time without metadata_fps is refused', () => {
    expect(issues(['    start_time: "2026-11-23T09:00:00Z"'])).toEqual([
      'p.yaml: data_source_settings.local_data_settings.start_time ("2026-11-23T09:00:00Z") gives frame 0 its time only with ' +
        'data_source_settings.local_data_settings.metadata_fps set above 0',
    ]);
  });
});
