import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputError } from '../../src-shared/errors.js';
import { loadSettingsFile, MAX_SETTINGS_BYTES } from '../../src-main/settings-file.js';
import { importSettingsFile, importSettingsText } from '../../src-main/app/import-settings.js';
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

  test('the sample loads from the directory the command runs in, paths kept as written', async () => {
    const { settings, warnings } = await loadSettingsFile('config/heat_map_app.yaml', root);
    expect(warnings).toEqual([]);
    expect(settings.heat_map_settings.param_file).toBe('./config/default_param.yaml');
    expect(settings.heat_map_settings.params.grid_num_v).toBe(108);
    expect(settings.data_source_settings.local_data_settings.meta_file).toBe('./input/sample.csv');
  });

  test('an absolute config path works from any directory, but its param_file resolves against that directory', async () => {
    const elsewhere = join(root, 'config');
    const error = await loadSettingsFile(join(root, 'config', 'heat_map_app.yaml'), elsewhere).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `heat_map_settings.param_file: "./config/default_param.yaml": not found (looked for "${join(elsewhere, 'config', 'default_param.yaml')}")`,
    );
  });

  test('a missing main file is an InputError naming the path and where it looked', async () => {
    await expect(loadSettingsFile('config/missing.yaml', root)).rejects.toThrow(
      new InputError(`"config/missing.yaml": not found (looked for "${join(root, 'config', 'missing.yaml')}")`),
    );
  });

  test('a directory given as the main file says so', async () => {
    await expect(loadSettingsFile('config', root)).rejects.toThrow(
      new InputError(`"config": is a folder, not a settings file (looked for "${join(root, 'config')}")`),
    );
  });

  test.each([
    ['/dev/zero', 'a device'],
    ['/dev/urandom', 'a device'],
  ])('%s as the settings file is refused at once, unread', async (device, kind) => {
    await expect(loadSettingsFile(device, root)).rejects.toThrow(new InputError(`"${device}": is ${kind}, not a settings file`));
  });

  test('a named pipe as the settings file is refused without waiting for a writer', async () => {
    const fifo = join(root, 'settings.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(loadSettingsFile(fifo, root)).rejects.toThrow(
      new InputError(`"${fifo}": is a named pipe (FIFO), not a settings file`),
    );
  });

  test('a settings file over 1 MB is refused by its size', async () => {
    const large = join(root, 'large.yaml');
    writeFileSync(large, `# ${'x'.repeat(MAX_SETTINGS_BYTES)}\n`);
    await expect(loadSettingsFile(large, root)).rejects.toThrow(
      new InputError(`"${large}": is larger than 1048576 bytes (1 MB), too large for a settings file`),
    );
  });

  test('a param_file naming /dev/urandom is refused, naming the setting', async () => {
    const main = join(root, 'urandom-param.yaml');
    writeFileSync(main, 'heat_map_settings:\n  param_file: /dev/urandom\n');
    await expect(loadSettingsFile(main, root)).rejects.toThrow(
      new InputError('heat_map_settings.param_file: "/dev/urandom": is a device, not a settings file'),
    );
  });

  test("the app's import reads files by the same rules: /dev/zero is one line", async () => {
    await expect(importSettingsFile('/dev/zero', root)).rejects.toThrow(
      new InputError('"/dev/zero": is a device, not a settings file'),
    );
  });

  test("the app's import reads its param_file by the same rules: /dev/urandom is refused, naming the setting", async () => {
    const main = join(root, 'import-urandom-param.yaml');
    writeFileSync(main, 'heat_map_settings:\n  param_file: /dev/urandom\n');
    await expect(importSettingsFile(main, root)).rejects.toThrow(
      new InputError('heat_map_settings.param_file: "/dev/urandom": is a device, not a settings file'),
    );
    await expect(importSettingsText('heat_map_settings:\n  param_file: /dev/zero\n', root)).rejects.toThrow(
      new InputError('heat_map_settings.param_file: "/dev/zero": is a device, not a settings file'),
    );
  });

  test("the app's import of a text file that is not settings does not echo the file's content", async () => {
    const notes = join(root, 'notes.txt');
    writeFileSync(notes, 'Dear diary, today the secret word is swordfish.\n');
    const error = await importSettingsFile(notes, root).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      `${notes}: expected a mapping with data_source_settings, heat_map_settings and output_settings, got text`,
    );
    await writeFile(notes, 'password: swordfish\nnote: buy milk\n');
    const mapping = await importSettingsFile(notes, root).catch((caught: unknown) => caught);
    expect((mapping as Error).message).toBe(
      `${notes}: holds none of data_source_settings, heat_map_settings, output_settings (2 other key(s)); is it a settings file?`,
    );
    const uploaded = await importSettingsText('- eggs\n- milk\n', root).catch((caught: unknown) => caught);
    expect((uploaded as Error).message).toBe(
      'imported settings: expected a mapping with data_source_settings, heat_map_settings and output_settings, got a list',
    );
  });
});
