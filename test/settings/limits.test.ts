import { describe, expect, test } from 'vitest';
import { GridCounter } from '../../src-shared/counting/grid-counter.js';
import { SettingsError } from '../../src-shared/errors.js';
import { MAX_MESSAGE_LENGTH } from '../../src-shared/messages.js';
import { LIMITS } from '../../src-shared/settings/fields.js';
import { defaultSettings, findSettingsIssues, parseOverrideValue, parseSettings, type Settings } from '../../src-shared/settings/index.js';
import { MAX_YAML_VALUES } from '../../src-shared/settings/yaml.js';
import { detectionsOf, paramsWith, rowsOf } from '../counting/helpers.js';

const PATH = 'config/heat_map_app.yaml';

function noParamFile(path: string): string {
  throw new Error(`no param file expected, asked for ${path}`);
}

/** The message `parseSettings` fails with for `yaml` (a whole settings file). */
function refusal(yaml: string): string {
  try {
    parseSettings(yaml, PATH, noParamFile);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected the settings to be refused');
}

function localWith(heatMap: string): string {
  return `data_source_settings:\n  mode: local\n  local_data_settings:\n    meta_file: a.csv\nheat_map_settings:\n${heatMap}`;
}

describe('every setting has an upper bound checked before any work', () => {
  test('a 100000 × 100000 grid is refused by validation, naming both keys and values', () => {
    expect(refusal(localWith('  grid_num_h: 100000\n  grid_num_v: 100000\n'))).toBe(
      `${PATH}: heat_map_settings.grid_num_h × heat_map_settings.grid_num_v (100000 × 100000 = 10000000000 cells) ` +
        'must be at most 4194304 cells (2048 × 2048)',
    );
  });

  test('a 30000 × 30000 grid is refused although each side alone is allowed', () => {
    expect(refusal(localWith('  grid_num_h: 30000\n  grid_num_v: 30000\n'))).toContain('(30000 × 30000 = 900000000 cells)');
  });

  test('2048 × 2048 and 4096 × 1024 grids are allowed: the bound is on cells', () => {
    for (const [columns, rows] of [
      [2048, 2048],
      [4096, 1024],
    ]) {
      const { settings } = parseSettings(localWith(`  grid_num_h: ${columns}\n  grid_num_v: ${rows}\n`), PATH, noParamFile);
      expect(settings.heat_map_settings.params.grid_num_h * settings.heat_map_settings.params.grid_num_v).toBe(LIMITS.gridCells);
    }
  });

  test('last_valid_frame: 1e15 is a validation message, not a RangeError', () => {
    expect(refusal(localWith('  last_valid_frame: 1e15\n'))).toBe(
      `${PATH}: heat_map_settings.last_valid_frame must be an integer from 0 to 1000000, got 1000000000000000`,
    );
  });

  test('last_valid_frame: 100000000 is refused; 1000000 is allowed', () => {
    expect(refusal(localWith('  last_valid_frame: 100000000\n'))).toContain('got 100000000');
    expect(parseSettings(localWith('  last_valid_frame: 1000000\n'), PATH, noParamFile).settings.heat_map_settings.params.last_valid_frame).toBe(
      1_000_000,
    );
  });

  test('number_of_add_grid: 1000000000 in point mode is refused', () => {
    expect(refusal(localWith('  bbox2pix: true\n  number_of_add_grid: 1000000000\n'))).toBe(
      `${PATH}: heat_map_settings.number_of_add_grid must be an integer from 0 to 4194304, got 1000000000`,
    );
  });

  test('number_of_add_grid may not exceed the larger grid side (192 by default)', () => {
    expect(refusal(localWith('  number_of_add_grid: 193\n'))).toBe(
      `${PATH}: heat_map_settings.number_of_add_grid must be at most the larger grid side (192), got 193`,
    );
    const { settings } = parseSettings(localWith('  number_of_add_grid: 192\n'), PATH, noParamFile);
    expect(settings.heat_map_settings.params.number_of_add_grid).toBe(192);
  });

  test.each([
    ['image_size_h', 100_001, 'an integer from 1 to 100000'],
    ['class_ids', `[${Array.from({ length: 1001 }, () => 0).join(', ')}]`, 'null (all classes) or a list of 1 to 1000 integers from 0 to 4294967295'],
    ['class_ids', '[4294967296]', 'null (all classes) or a list of 1 to 1000 integers from 0 to 4294967295'],
  ])('heat_map_settings.%s: %s is refused', (key, value, allowed) => {
    expect(refusal(localWith(`  ${key}: ${value}\n`))).toContain(`heat_map_settings.${key} must be ${allowed}, got `);
  });

  test('console counts, tolerance and the colour scale have upper bounds', () => {
    const settings: Settings = defaultSettings();
    settings.data_source_settings.mode = 'console';
    settings.data_source_settings.console_data_settings.device_id = 'Aid-1';
    settings.data_source_settings.console_data_settings.number_of_inference_results = 1_000_001;
    settings.output_settings.max = 2 ** 31;
    expect(findSettingsIssues(settings).map((issue) => issue.message)).toEqual([
      'data_source_settings.console_data_settings.number_of_inference_results must be an integer from 1 to 1000000 ' +
        'in mode console without a sub_directory_name, got 1000001',
      'output_settings.max must be a number from 0 to 2147483647, got 2147483648',
    ]);
  });

  test('a text setting longer than 4096 characters is refused in any mode, its value cut', () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'a.csv';
    settings.data_source_settings.console_data_settings.device_id = 'x'.repeat(10_000);
    const [issue] = findSettingsIssues(settings);
    expect(issue.message).toBe(
      `data_source_settings.console_data_settings.device_id must be at most 4096 characters, got 10000: "${'x'.repeat(59)}…"`,
    );
  });
});

/** The classic alias bomb: nine lists of nine, each level nine times the last (9^9 ≈ 387 million values). */
const BILLION_LAUGHS = [
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...'bcdefghi'.split('').map((name, level) => {
    const previous = 'abcdefgh'[level];
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`;
  }),
].join('\n');

describe('YAML aliases are bounded', () => {
  test('a billion-laughs file used as class_ids fails fast with a short message', () => {
    const yaml = `${BILLION_LAUGHS}\n${localWith('  class_ids: *i\n')}`;
    expect(yaml.length).toBeLessThan(1000);
    const message = refusal(yaml);
    expect(message).toBe(
      `${PATH}: YAML holds more than ${MAX_YAML_VALUES} values once its aliases (*name) are expanded; settings need far fewer`,
    );
  });

  test('the same bomb given to --set is refused too', () => {
    expect(() => parseOverrideValue('heat_map_settings.class_ids', `${BILLION_LAUGHS}\n`)).toThrow(SettingsError);
  });

  test('a few aliases within the bound are read as usual', () => {
    const yaml = `ids: &ids [0, 2]\n${localWith('  class_ids: *ids\n')}`;
    expect(parseSettings(yaml, PATH, noParamFile).settings.heat_map_settings.params.class_ids).toEqual([0, 2]);
  });

  test('YAML nested 100000 deep is one short line naming the file, not a stack overflow', () => {
    const message = refusal(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(message).toBe(`${PATH}:1:100: YAML syntax error: nesting exceeded maxDepth (100)`);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  test('settings text over 1 MB is refused before parsing', () => {
    expect(refusal(`# ${'x'.repeat(1_048_576)}`)).toBe(
      `${PATH}: settings text is larger than 1048576 bytes (1 MB); is it the right file?`,
    );
  });
});

describe('a window longer than the data costs nothing', () => {
  test('W = 1000000 over three frames counts exactly as W = 0 (every frame so far)', () => {
    const boxes = detectionsOf([[0, 0, 10, 10]]);
    const long = new GridCounter(paramsWith({ grid_num_h: 4, grid_num_v: 2, image_size_h: 40, image_size_v: 20, number_of_add_grid: 0, last_valid_frame: 1_000_000 }));
    const all = new GridCounter(paramsWith({ grid_num_h: 4, grid_num_v: 2, image_size_h: 40, image_size_v: 20, number_of_add_grid: 0, last_valid_frame: 0 }));
    for (let frame = 0; frame < 3; frame++) {
      long.push(boxes);
      all.push(boxes);
    }
    expect(rowsOf(long.grid, 4)).toEqual([
      [3, 3, 0, 0],
      [3, 3, 0, 0],
    ]);
    expect(rowsOf(long.grid, 4)).toEqual(rowsOf(all.grid, 4));
  });

  test('constructing a counter with the largest window allocates no per-frame slots', () => {
    const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = used();
    const counter = new GridCounter(paramsWith({ last_valid_frame: LIMITS.windowFrames }));
    const grown = used() - before;
    // A ring of a million span lists made up front would take about 900 MB; the grid takes 83 kB.
    expect(counter.frameCount).toBe(0);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  test('the ring still drops the oldest frame once W frames were seen', () => {
    const params = paramsWith({ grid_num_h: 2, grid_num_v: 1, image_size_h: 20, image_size_v: 10, number_of_add_grid: 0, last_valid_frame: 2 });
    const counter = new GridCounter(params);
    counter.push(detectionsOf([[0, 0, 5, 5]]));
    counter.push(detectionsOf([[12, 0, 15, 5]]));
    expect(rowsOf(counter.grid, 2)).toEqual([[1, 1]]);
    counter.push(detectionsOf([]));
    expect(rowsOf(counter.grid, 2)).toEqual([[0, 1]]);
    counter.push(detectionsOf([]));
    expect(rowsOf(counter.grid, 2)).toEqual([[0, 0]]);
  });
});
