/**
 * Hostile settings and output folders through the built command line: each ends at once with
 * exit code 2 and one line of at most 300 characters naming the culprit, with no control
 * character and no stack trace (`npm test` builds first).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'bin', 'crowdheat');
const SAMPLE_CSV = '/work/shared/data/aitrios-sample.csv';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function crowdheat(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.CROWDHEAT_DEBUG;
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The one line a refused run prints, checked for exit 2, length, control characters and stack. */
async function refusedLine(args: string[], cwd: string): Promise<string> {
  const outcome = await crowdheat(args, cwd);
  expect(outcome.code).toBe(2);
  expect(outcome.stdout).toBe('');
  const lines = outcome.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0].length).toBeLessThanOrEqual('crowdheat: '.length + 300);
  expect(CONTROL.test(lines[0])).toBe(false);
  return lines[0];
}

describe('crowdheat run refuses hostile settings and folders in one line (built)', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'crowdheat-cli-limits-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const run = (...flags: string[]): string[] => ['run', '--meta_file', SAMPLE_CSV, ...flags];

  test.concurrent.each([
    [['--output_dir', '/dev/null'], 'crowdheat: output_settings.output_dir: cannot create the folder /dev/null: a device is in the way (EEXIST)'],
    [['--output_dir', '/proc/1'], 'crowdheat: output_settings.output_dir: cannot write into the folder /proc/1: this file system takes no new files here (ENOENT)'],
    [
      ['--set', 'heat_map_settings.grid_num_h=100000', '--set', 'heat_map_settings.grid_num_v=100000'],
      'crowdheat: --set heat_map_settings.grid_num_h × --set heat_map_settings.grid_num_v (100000 × 100000 = 10000000000 cells) must be at most 4194304 cells (2048 × 2048)',
    ],
    [['--last_valid_frame', '1e15'], 'crowdheat: --last_valid_frame must be an integer from 0 to 1000000, got 1000000000000000'],
    [['--bbox2pix', '--number_of_add_grid', '1000000000'], 'crowdheat: --number_of_add_grid must be an integer from 0 to 4194304, got 1000000000'],
  ])('run %j', async (flags, line) => {
    expect(await refusedLine(run(...flags), root)).toBe(line);
  });

  test.concurrent.each([
    ['/dev/zero', 'crowdheat: "/dev/zero": is a device, not a settings file'],
    ['/dev/urandom', 'crowdheat: "/dev/urandom": is a device, not a settings file'],
  ])('--config_path %s', async (path, line) => {
    expect(await refusedLine(['run', '--config_path', path], root)).toBe(line);
  });

  test('an 813-byte billion-laughs file used as class_ids fails fast with a short line', async () => {
    const lists = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (const [index, name] of [...'bcdefghi'].entries()) {
      lists.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${'abcdefgh'[index]}`).join(', ')}]`);
    }
    const path = join(root, 'laughs.yaml');
    await writeFile(path, `${lists.join('\n')}\nheat_map_settings:\n  class_ids: *i\n`);
    expect(await refusedLine(['run', '--config_path', path], root)).toBe(
      `crowdheat: ${path}: YAML holds more than 100000 values once its aliases (*name) are expanded; settings need far fewer`,
    );
  });

  test('a settings value with terminal escape sequences is printed escaped', async () => {
    const path = join(root, 'escapes.yaml');
    await writeFile(path, 'output_settings:\n  cmap: "\\e]0;pwned\\a\\e[2JReds"\n');
    const line = await refusedLine(['run', '--config_path', path, '--meta_file', SAMPLE_CSV], root);
    expect(line.startsWith(`crowdheat: ${path}: output_settings.cmap must be a Matplotlib colormap name (case-sensitive), got "\\u001b]0;pwned\\u0007\\u001b[2JReds"`)).toBe(true);
  });
});
