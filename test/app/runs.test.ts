/**
 * How the back end keeps analyses: one at a time, failed ones dropped at once, and the finished
 * ones on screen never pushed out by failures. Real runs (runPipeline on a small seed CSV) behind
 * the real web host; a gate holds a run open where the test needs it running.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEvent } from '../../src-shared/api.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/index.js';
import { startWebHost, type WebHost } from '../../src-main/host/serve.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { httpClient, type ClosableApiClient } from '../../src-renderer/api/client.js';
import { writeSeedCsv } from '../video/fixtures.js';

let cwd: string;
let host: WebHost;
let client: ClosableApiClient;
const events: ApiEvent[] = [];
/** Runs wait here until the test opens the gate. */
let gate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'crowdheat-runs-'));
  const rendererDir = join(cwd, 'renderer');
  await writeSeedCsv(join(cwd, 'meta.csv'), [[[0, 0, 100, 100]], [[50, 50, 300, 200]], []]);
  host = await startWebHost({
    port: 0,
    rendererDir,
    cwd,
    runAnalysis: async (settings, options) => {
      await gate;
      return runPipeline(settings, options);
    },
  });
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

function settingsFor(metaFile: string): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = metaFile;
  settings.data_source_settings.local_data_settings.video_file = '';
  return settings;
}

function ended(runId: string): Promise<ApiEvent> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const event = events.find((seen) => 'runId' in seen && seen.runId === runId && (seen.type === 'done' || seen.type === 'error'));
      if (event !== undefined) resolve(event);
      return event !== undefined;
    };
    if (check()) return;
    const unsubscribe = client.subscribe(() => {
      if (check()) unsubscribe();
    });
  });
}

describe('analyses in the back end', () => {
  it('runs one analysis at a time and refuses a second while the first runs', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const { runId } = await client.call('analyse', { settings: settingsFor('meta.csv') });
    await expect(client.call('analyse', { settings: settingsFor('meta.csv') })).rejects.toThrow(
      'an analysis is already running; wait for it or cancel it first',
    );
    open();
    expect(await ended(runId)).toEqual({ type: 'done', runId, frames: 3 });
    const again = await client.call('analyse', { settings: settingsFor('meta.csv') });
    expect(await ended(again.runId)).toMatchObject({ type: 'done' });
  });

  it('drops a failed analysis at once and never lets failures push out the finished one on screen', async () => {
    const { runId: good } = await client.call('analyse', { settings: settingsFor('meta.csv') });
    expect(await ended(good)).toMatchObject({ type: 'done' });
    const failures: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const { runId } = await client.call('analyse', { settings: settingsFor(`missing-${attempt}.csv`) });
      expect(await ended(runId)).toMatchObject({ type: 'error', cancelled: false });
      failures.push(runId);
    }
    const failed = await client.call('getRunInfo', { runId: failures[4] });
    expect(failed).toMatchObject({ state: 'failed', frameCount: 0 });
    expect(failed.error).toContain('missing-4.csv');
    // The failed runs' work folders are gone; the good run still answers every frame.
    for (const runId of failures) expect(existsSync(join(host.workRoot, 'runs', runId))).toBe(false);
    expect(existsSync(join(host.workRoot, 'runs', good))).toBe(true);
    const frame = await client.call('getFrame', { runId: good, index: 1 });
    expect(frame.count).toBe(1);
    expect(frame.grid.reduce((sum, value) => sum + value, 0)).toBeGreaterThan(0);
  });
});
