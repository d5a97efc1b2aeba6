import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dump } from 'js-yaml';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { ConsoleCache } from '../../src-main/console/cache.js';
import { cacheFileIn } from '../../src-main/console/cache-dir.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import { settingsToYaml } from '../../src-shared/settings/index.js';
import { FakeConsole, type FakeRecord } from '../fake-console.js';

const START = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
const t = (offsetMs: number): string => formatTimestamp(START + offsetMs);

let dir: string;
let fake: FakeConsole;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-console-run-'));
  const records: FakeRecord[] = Array.from({ length: 8 }, (_, i) => ({
    id: `r${i}`,
    inferences: [{ T: t(i * 1000) }, { T: t(i * 1000 + 500) }],
  }));
  fake = await FakeConsole.start({
    devices: [{ device_id: 'cam-1', records, directories: { dir1: Array.from({ length: 8 }, (_, i) => `${t(i * 1000)}.jpg`) } }],
  });
  await writeFile(join(dir, 'console_access_settings.yaml'), dump({ console_access_settings: fake.credentials }));
});
afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

function settingsFor(subDirectory: string): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.mode = 'console';
  Object.assign(settings.data_source_settings.console_data_settings, {
    setting_path: 'console_access_settings.yaml',
    device_id: 'cam-1',
    sub_directory_name: subDirectory,
    first_timestamp: t(0),
    number_of_inference_results: 100,
    number_of_images: 100,
  });
  Object.assign(settings.heat_map_settings.params, { image_size_h: 320, image_size_v: 320, grid_num_h: 32, grid_num_v: 32 });
  Object.assign(settings.output_settings, { output_dir: 'out', output_video_width: 64, output_video_height: 48 });
  return settings;
}

describe('runPipeline with mode console', () => {
  it('Case 2 writes one detect JSON per inference, named by T', async () => {
    const summary = await runPipeline(settingsFor(''), { cwd: dir });
    const expected = Array.from({ length: 16 }, (_, i) => t(i * 500));
    expect(summary.frames).toBe(16);
    expect(summary.timestamps).toEqual(expected);
    expect((await readdir(join(dir, 'out/detect'))).sort()).toEqual(expected.map((T) => `${T}.json`));
    const first = JSON.parse(await readFile(join(dir, 'out/detect', `${t(0)}.json`), 'utf8')) as { timestamp: string };
    expect(first.timestamp).toBe(t(0));
  });

  it('Case 1 names the video after the sub-directory and keeps one frame per image', async () => {
    const summary = await runPipeline(settingsFor('dir1'), { cwd: dir });
    expect(summary.frames).toBe(8);
    expect(summary.timestamps).toEqual(Array.from({ length: 8 }, (_, i) => t(i * 1000)));
    expect(existsSync(join(dir, 'out/video/dir1_heatmap.mp4'))).toBe(true);
  });
});

const CLI = join(import.meta.dirname, '../../bin/crowdheat');
const BUILT = existsSync(join(import.meta.dirname, '../../dist/src-main/cli.js'));

describe.skipIf(!BUILT)('crowdheat run with mode console (built CLI)', () => {
  /** Runs the CLI on settings whose range is written as `range` in the YAML; resolves with its exit code and output. */
  async function runWithRange(range: { first: string; last: string }) {
    const text = settingsToYaml(settingsFor(''))
      .replace(/first_timestamp: .*/, `first_timestamp: ${range.first}`)
      .replace(/last_timestamp: .*/, `last_timestamp: ${range.last}`);
    await writeFile(join(dir, 'heat_map_app.yaml'), text);
    return promisify(execFile)(process.execPath, [CLI, 'run', '--config_path', 'heat_map_app.yaml', '--quiet'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', CROWDHEAT_CACHE_DIR: join(dir, 'cache') },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  it('reads first_timestamp and last_timestamp written as ISO 8601 with offsets, unquoted', async () => {
    // 21:00:02 in Tokyo is 12:00:02 UTC; 08:00:03.5 in New York (EDT) is 12:00:03.500 UTC.
    const result = await runWithRange({ first: '2024-05-01T21:00:02+09:00', last: '2024-05-01T08:00:03.500-04:00' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await readdir(join(dir, 'out/detect'))).sort()).toEqual([t(2000), t(2500), t(3000), t(3500)].map((T) => `${T}.json`));
  });

  it('a range without data exits 2 with one line naming the device and the range, and writes no outputs', async () => {
    const result = await runWithRange({ first: '"20240501130000000"', last: '2024-05-01T14:00:00Z' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'crowdheat: no data for device cam-1 between 2024-05-01T13:00:00.000Z and 2024-05-01T14:00:00.000Z on the Console\n',
    );
    expect(existsSync(join(dir, 'out/summary.json'))).toBe(false);
    expect(existsSync(join(dir, 'out/griddata.npy'))).toBe(false);
  });

  it('keeps what it fetched in CROWDHEAT_CACHE_DIR: a second run asks the Console nothing and writes the same outputs', async () => {
    const range = { first: `"${t(0)}"`, last: `"${t(7500)}"` };
    const first = await runWithRange(range);
    expect(first.code).toBe(0);
    const detect = await readFile(join(dir, 'out/detect', `${t(3000)}.json`), 'utf8');
    const asked = fake.apiRequests().length;
    expect(asked).toBe(1);
    await rm(join(dir, 'out'), { recursive: true });
    const second = await runWithRange(range);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(fake.apiRequests()).toHaveLength(asked);
    expect((await readdir(join(dir, 'out/detect'))).length).toBe(16);
    expect(await readFile(join(dir, 'out/detect', `${t(3000)}.json`), 'utf8')).toBe(detect);
  });

  it('two runs at once share the cache: both finish, and the cache then holds the Console\'s list exactly', async () => {
    const text = settingsToYaml(settingsFor(''))
      .replace(/first_timestamp: .*/, `first_timestamp: "${t(0)}"`)
      .replace(/last_timestamp: .*/, `last_timestamp: "${t(7500)}"`);
    await writeFile(join(dir, 'heat_map_app.yaml'), text);
    const run = (out: string) =>
      promisify(execFile)(process.execPath, [CLI, 'run', '--config_path', 'heat_map_app.yaml', '--output_dir', out, '--quiet'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', CROWDHEAT_CACHE_DIR: join(dir, 'cache') },
      });
    const results = await Promise.all([run('out-a'), run('out-b')]);
    expect(results.map((result) => result.stderr)).toEqual(['', '']);
    for (const out of ['out-a', 'out-b']) expect((await readdir(join(dir, out, 'detect'))).length).toBe(16);
    const cache = await ConsoleCache.open(cacheFileIn(join(dir, 'cache')), { endpoint: fake.credentials.console_endpoint });
    expect(await cache.inferenceTimes('cam-1')).toEqual(fake.inferenceTimes('cam-1'));
    expect(await cache.coveredIntervals('cam-1')).toEqual([{ first: t(0), last: t(7500) }]);
  }, 120_000);

  it('crowdheat console cache prints each device\'s part, and --clear empties one device or the whole cache', async () => {
    expect((await runWithRange({ first: `"${t(0)}"`, last: `"${t(7500)}"` })).code).toBe(0);
    const cache = (...args: string[]) =>
      promisify(execFile)(process.execPath, [CLI, 'console', 'cache', ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', CROWDHEAT_CACHE_DIR: join(dir, 'cache') },
      });
    const file = join(dir, 'cache', 'console-cache.duckdb');
    const listed = (await cache()).stdout.split('\n');
    expect(listed[0]).toMatch(new RegExp(`^Console cache ${file}: (\\d+ kB|\\d+\\.\\d MB)$`));
    const endpoint = fake.credentials.console_endpoint.replace(/[.]/g, '\\.');
    expect(listed[1]).toMatch(
      new RegExp(`^cam-1 of ${endpoint}: 16 inferences, 0 images, \\d+ kB; complete from ${t(0)} \\(2024-05-01T12:00:00\\.000Z\\) to ${t(7500)} \\(2024-05-01T12:00:07\\.500Z\\)$`),
    );
    // Another Console's cam-1 is not this one's: clearing it leaves this one's part.
    const other = (await cache('--clear', '--device', 'cam-1', '--endpoint', 'http://127.0.0.1:9/api/v1/')).stdout.split('\n');
    expect(other[0]).toBe('Console cache: cleared device cam-1 of http://127.0.0.1:9/api/v1');
    expect(other[2]).toBe(listed[1]);
    const alone = await cache('--clear', '--endpoint', fake.credentials.console_endpoint).catch((error: { code: number; stderr: string }) => error);
    expect(alone).toMatchObject({ code: 2, stderr: expect.stringContaining('--endpoint goes with --clear --device ID') as unknown });
    const cleared = (await cache('--clear', '--device', 'cam-1', '--endpoint', fake.credentials.console_endpoint)).stdout.split('\n');
    expect(cleared[0]).toBe(`Console cache: cleared device cam-1 of ${fake.credentials.console_endpoint}`);
    expect(cleared[2]).toBe('no device data');
    expect((await cache('--clear')).stdout).toBe(`Console cache ${file}: cleared\n`);
    expect(existsSync(file)).toBe(false);
    const refused = await cache('--device', 'cam-1').catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2 });
  });

  it('summary.json and the closing line say how many inferences came from the cache and how many were fetched', async () => {
    const text = settingsToYaml(settingsFor(''));
    await writeFile(join(dir, 'heat_map_app.yaml'), text);
    const run = (first: number, last: number) =>
      promisify(execFile)(
        process.execPath,
        [CLI, 'run', '--config_path', 'heat_map_app.yaml',
          '--set', `data_source_settings.console_data_settings.first_timestamp=${new Date(START + first).toISOString()}`,
          '--set', `data_source_settings.console_data_settings.last_timestamp=${new Date(START + last).toISOString()}`],
        { cwd: dir, env: { PATH: process.env.PATH ?? '', CROWDHEAT_CACHE_DIR: join(dir, 'cache') } },
      );
    const file = join(dir, 'cache', 'console-cache.duckdb');
    const used = async () =>
      (JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as { console_cache?: unknown }).console_cache;
    const closing = (stderr: string) => stderr.trimEnd().split('\n').at(-1);
    const first = await run(0, 3500);
    expect(closing(first.stderr)).toBe(`Console cache ${file}: 0 inferences from the cache, 8 fetched; 0 images from the cache, 0 fetched.`);
    expect(await used()).toEqual({ file, inferences_from_cache: 0, inferences_fetched: 8, images_from_cache: 0, images_fetched: 0 });
    const again = await run(0, 3500);
    expect(closing(again.stderr)).toBe(`Console cache ${file}: 8 inferences from the cache, 0 fetched; 0 images from the cache, 0 fetched.`);
    expect(await used()).toEqual({ file, inferences_from_cache: 8, inferences_fetched: 0, images_from_cache: 0, images_fetched: 0 });
    // 2 s … 7.5 s: 2 s … 3.5 s (4 inferences) are kept, 4 s … 7.5 s (8) are not.
    const overlapping = await run(2000, 7500);
    expect(closing(overlapping.stderr)).toBe(`Console cache ${file}: 4 inferences from the cache, 8 fetched; 0 images from the cache, 0 fetched.`);
    expect(await used()).toEqual({ file, inferences_from_cache: 4, inferences_fetched: 8, images_from_cache: 0, images_fetched: 0 });
  });

  it('an ISO 8601 moment without an offset is refused before anything is fetched', async () => {
    const result = await runWithRange({ first: '2024-05-01T12:00:00', last: '""' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('data_source_settings.console_data_settings.first_timestamp must be');
    expect(result.stderr).toContain('ISO 8601 with an offset');
    expect(fake.apiRequests()).toEqual([]);
  });
});
