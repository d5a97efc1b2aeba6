/**
 * Two of the back end's answers to bad input in the app: a YAML import reports every problem
 * at once and resolves its relative paths against its own folder; an analysis that ends with
 * no frame is a failure that says why. Real files, the real web host, real runs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEvent, RunInfo } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/index.js';
import { startWebHost, type WebHost } from '../../src-main/host/serve.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { httpClient, type ClosableApiClient } from '../../src-renderer/api/client.js';
import { importSettingsFile, importSettingsText } from '../../src-main/app/import-settings.js';
import { noFramesError } from '../../src-main/app/analysis.js';
import { Diagnostics } from '../../src-main/pipeline/diagnostics.js';
import type { RunSummary } from '../../src-main/pipeline/types.js';
import { previewSink } from '../../src-main/sinks/preview.js';
import { writeSeedCsv } from '../video/fixtures.js';

let cwd: string;
let host: WebHost;
let client: ClosableApiClient;
const events: ApiEvent[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'crowdheat-import-'));
  host = await startWebHost({ port: 0, rendererDir: join(cwd, 'renderer'), cwd, runAnalysis: runPipeline });
  client = httpClient({
    baseUrl: `http://127.0.0.1:${host.port}`,
    token: host.token,
    openSocket: (url) => new WebSocket(url) as unknown as ReturnType<Parameters<typeof httpClient>[0]['openSocket']>,
  });
  client.subscribe((event) => events.push(event));
});

afterAll(async () => {
  client.close();
  await host.close();
  await rm(cwd, { recursive: true, force: true });
});

const BAD_YAML = [
  'data_source_settings:',
  '  mode: local',
  '  local_data_settings:',
  '    meta_file: data/det.txt',
  '    video_file: ../videos/cam.mp4',
  'heat_map_settings:',
  '  param_file: params.yaml',
  'output_settings:',
  '  output_dir: out',
  '  transparency: 1.7',
  '  cbar: "yes"',
  '  cmap: Redz',
  '  ffmpeg_path: ffmpeg',
  '',
].join('\n');

describe('importing settings YAML in the app', () => {
  it('reports every problem at once, keeps the good values, and resolves paths against the file’s folder', async () => {
    const folder = join(cwd, 'project', 'config');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'app.yaml'), BAD_YAML);
    await writeFile(join(folder, 'params.yaml'), 'grid_num_h: 48\ngrid_num_v: "27"\n');
    const imported = await client.call('importYaml', { path: 'project/config/app.yaml' });
    // The file is named as it was given (relative to the host's folder), as every settings read names it.
    const file = 'project/config/app.yaml';
    // Wrong types first (their defaults kept), then what is out of range or unknown (kept, for the form to mark).
    expect(imported.problems).toEqual([
      'heat_map_settings.param_file (params.yaml): grid_num_v must be an integer from 1 to 4194304, got "27"',
      `${file}: output_settings.cbar must be true or false, got "yes"`,
      `${file}: output_settings.transparency must be a number from 0 to 1, got 1.7`,
      `${file}: output_settings.cmap must be a Matplotlib colormap name (case-sensitive), got "Redz"; close matches: Reds, OrRd, RdBu, RdGy, RdPu`,
    ]);
    const { settings } = imported;
    expect(settings.data_source_settings.local_data_settings.meta_file).toBe(join(folder, 'data', 'det.txt'));
    expect(settings.data_source_settings.local_data_settings.video_file).toBe(join(cwd, 'project', 'videos', 'cam.mp4'));
    expect(settings.heat_map_settings.param_file).toBe(join(folder, 'params.yaml'));
    expect(settings.output_settings.output_dir).toBe(join(folder, 'out'));
    // A bare program name stays a name, looked up on the PATH.
    expect(settings.output_settings.ffmpeg_path).toBe('ffmpeg');
    // Good values are kept, wrong-typed ones keep their default, out-of-range ones stay for the form to mark.
    expect(settings.heat_map_settings.params.grid_num_h).toBe(48);
    expect(settings.heat_map_settings.params.grid_num_v).toBe(108);
    expect(settings.output_settings.cbar).toBe(false);
    expect(settings.output_settings.transparency).toBe(1.7);
    expect(settings.output_settings.cmap).toBe('Redz');
  });

  it('resolves the paths of uploaded text against the host’s folder, where its param file is read', async () => {
    await writeFile(join(cwd, 'params.yaml'), 'grid_num_h: 64\n');
    const imported = await importSettingsText(BAD_YAML.replace('  cmap: Redz\n', ''), cwd);
    expect(imported.settings.data_source_settings.local_data_settings.meta_file).toBe('data/det.txt');
    expect(imported.settings.heat_map_settings.params.grid_num_h).toBe(64);
    expect(imported.problems).toHaveLength(2);
  });

  it('imports a file without problems with none, and leaves absolute paths as written', async () => {
    const folder = join(cwd, 'clean');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'app.yaml'), `data_source_settings:\n  local_data_settings:\n    meta_file: ${JSON.stringify(join(cwd, 'x.csv'))}\n`);
    const imported = await importSettingsFile('clean/app.yaml', cwd);
    expect(imported.problems).toEqual([]);
    expect(imported.settings.data_source_settings.local_data_settings.meta_file).toBe(join(cwd, 'x.csv'));
  });
});

describe('a video path that holds no video', () => {
  it('is refused before the run, as a drop would be', async () => {
    await writeFile(join(cwd, 'det.txt'), '1,-1,10,20,30,40,0.9,-1,-1,-1\n2,-1,12,20,30,40,0.8,-1,-1,-1\n');
    await writeFile(join(cwd, 'notes.txt'), 'just notes\nmore notes\n');
    await writeSeedCsv(join(cwd, 'one.csv'), [[[0, 0, 100, 100]]]);
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'one.csv';
    settings.data_source_settings.local_data_settings.video_file = 'det.txt';
    await expect(client.call('analyse', { settings })).rejects.toThrow(
      'data_source_settings.local_data_settings.video_file: "det.txt" is a metadata file, not a video',
    );
    settings.data_source_settings.local_data_settings.video_file = 'notes.txt';
    await expect(client.call('analyse', { settings })).rejects.toThrow(
      'data_source_settings.local_data_settings.video_file: notes.txt: not a video, metadata or settings file crowdheat can read',
    );
  });
});

describe('an analysis that ends without frames', () => {
  it('fails and says why, so the window keeps the result it had', async () => {
    // Every source refuses an input without frames first; this is the back end's own guard,
    // met by a run whose real preview sink saw no frame (all records skipped).
    const summary = { skipped_records: 2, source: { mode: 'local', name: 'all-bad', meta_file: '/data/all-bad.csv' } };
    const emptyHost = await startWebHost({
      port: 0,
      rendererDir: join(cwd, 'renderer'),
      cwd,
      runAnalysis: async (settings, options) => {
        const sink = await previewSink({
          settings,
          params: settings.heat_map_settings.params,
          outputDir: join(cwd, 'unused'),
          source: { name: 'all-bad', hasImages: false, frames: async function* () {} },
          diagnostics: new Diagnostics(),
          signal: new AbortController().signal,
          timing: { current: null },
          ...(options.previewDir === undefined ? {} : { previewDir: options.previewDir }),
        });
        const ran = { ...summary, frames: 0 } as unknown as RunSummary;
        await sink!.finish(ran);
        return ran;
      },
    });
    const emptyClient = httpClient({
      baseUrl: `http://127.0.0.1:${emptyHost.port}`,
      token: emptyHost.token,
      openSocket: (url) => new WebSocket(url) as unknown as ReturnType<Parameters<typeof httpClient>[0]['openSocket']>,
    });
    try {
      const settings = defaultSettings();
      settings.data_source_settings.local_data_settings.meta_file = 'all-bad.csv';
      const { runId } = await emptyClient.call('analyse', { settings });
      const info = await settled(emptyClient, runId);
      expect(info.state).toBe('failed');
      expect(info.error).toBe('no frames to show: all 2 records of "/data/all-bad.csv" were skipped (see the warnings)');
      expect(info.frameCount).toBe(0);
    } finally {
      emptyClient.close();
      await emptyHost.close();
    }
  });

  it('names the cause by the source', () => {
    expect(noFramesError({ skipped_records: 1, source: { mode: 'local', name: 'x', meta_file: 'a.csv' } }).message).toBe(
      'no frames to show: the only record of "a.csv" was skipped (see the warnings)',
    );
    expect(noFramesError({ skipped_records: 0, source: { mode: 'console', name: 'x', device_id: 'cam-1' } }).message).toBe(
      'no frames to show: the Console device "cam-1" returned no inference results in the chosen range',
    );
    expect(noFramesError({ skipped_records: 0, source: { mode: 'local', name: 'x', meta_file: 'a.csv' } }).message).toBe(
      'no frames to show: "a.csv" holds no frames',
    );
  });

  it('still shows a run that has frames', async () => {
    const meta = join(cwd, 'good.csv');
    await writeSeedCsv(meta, [[[0, 0, 100, 100]], []]);
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = meta;
    const { runId } = await client.call('analyse', { settings });
    const info = await settled(client, runId);
    expect(info.state).toBe('done');
    expect(info.frameCount).toBe(2);
  });
});

async function settled(api: ClosableApiClient, runId: string): Promise<RunInfo> {
  for (;;) {
    const info = await api.call('getRunInfo', { runId });
    if (info.state !== 'running') return info;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
