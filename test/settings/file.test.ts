import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputError } from '../../src-shared/errors.js';
import { loadSettingsFile } from '../../src-main/settings-file.js';
import { SAMPLE_MAIN_YAML, SAMPLE_PARAM_YAML } from './fixtures.js';

describe('settings files on disk', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'crowdheat-settings-'));
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config', 'heat_map_app.yaml'), SAMPLE_MAIN_YAML);
    writeFileSync(join(root, 'config', 'default_param.yaml'), SAMPLE_PARAM_YAML);
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('the sample loads from the directory the command runs in, paths kept as written', () => {
    const { settings, warnings } = loadSettingsFile('config/heat_map_app.yaml', root);
    expect(warnings).toEqual([]);
    expect(settings.heat_map_settings.param_file).toBe('./config/default_param.yaml');
    expect(settings.heat_map_settings.params.grid_num_v).toBe(108);
    expect(settings.data_source_settings.local_data_settings.meta_file).toBe('./input/sample.csv');
  });

  test('an absolute config path works from any directory, but its param_file resolves against that directory', () => {
    const elsewhere = join(root, 'config');
    let error: unknown;
    try {
      loadSettingsFile(join(root, 'config', 'heat_map_app.yaml'), elsewhere);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `heat_map_settings.param_file: ./config/default_param.yaml: not found (looked for ${join(elsewhere, 'config', 'default_param.yaml')})`,
    );
  });

  test('a missing main file is an InputError naming the path and where it looked', () => {
    expect(() => loadSettingsFile('config/missing.yaml', root)).toThrow(
      new InputError(`config/missing.yaml: not found (looked for ${join(root, 'config', 'missing.yaml')})`),
    );
  });

  test('a directory given as the main file says so', () => {
    expect(() => loadSettingsFile('config', root)).toThrow(
      new InputError(`config: is a directory, not a file (looked for ${join(root, 'config')})`),
    );
  });
});
