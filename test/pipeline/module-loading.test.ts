/**
 * What a run loads: a local run never uses the Console client, so it must not pay for loading
 * it (undici, its HTTP stack, is about 0.2 CPU s of start-up). Checked on the built pipeline in
 * a fresh Node process, as the CLI's worker runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '../../dist');
const BUILT = existsSync(join(DIST, 'src-main/pipeline/run.js'));

/** Runs `body` (an ES module's text) in a fresh Node; returns whether undici was loaded by its end. */
function loadsUndici(body: string, cwd: string): boolean {
  const script = `
    import { createRequire } from 'node:module';
    ${body}
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify(loaded.some((path) => path.includes('/node_modules/undici/'))));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`node failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as boolean;
}

describe.skipIf(!BUILT)('module loading of a run (built pipeline)', () => {
  let dir = '';
  const url = (path: string): string => pathToFileURL(join(DIST, path)).href;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowdheat-modules-'));
    const box = '{""class_id"": 0, ""bounding_box"": {""left"": 10, ""top"": 10, ""right"": 40, ""bottom"": 60}, ""score"": 0.9}';
    const rows = [0, 1, 2].map((index) => `${index},"{""perception"": {""object_detection_list"": [${box}]}}"`);
    await writeFile(join(dir, 'meta.csv'), ['0,1', ...rows].join('\n') + '\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a local run does not load the Console client (undici)', () => {
    const body = `
      const { runPipeline } = await import(${JSON.stringify(url('src-main/pipeline/run.js'))});
      const { defaultSettings } = await import(${JSON.stringify(url('src-shared/settings/types.js'))});
      const settings = defaultSettings();
      settings.data_source_settings.local_data_settings.meta_file = 'meta.csv';
      Object.assign(settings.heat_map_settings.params, { image_size_h: 160, image_size_v: 120, grid_num_h: 16, grid_num_v: 12 });
      Object.assign(settings.output_settings, { output_dir: 'out', output_video_width: 64, output_video_height: 48 });
      const summary = await runPipeline(settings, { cwd: ${JSON.stringify(dir)} });
      if (summary.frames !== 3) throw new Error('expected 3 frames, got ' + summary.frames);
    `;
    expect(loadsUndici(body, dir)).toBe(false);
  });

  it('the Console source, when a run needs it, does load undici (so the check above can fail)', () => {
    expect(loadsUndici(`await import(${JSON.stringify(url('src-main/console/source.js'))});`, dir)).toBe(true);
  });
});
