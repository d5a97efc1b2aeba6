/**
 * A web host (`crowdheat serve`'s server) on loopback for app tests, with the first rows of the
 * real AITRIOS CSV as `sample.csv` in its folder and an API client subscribed to its events.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ApiEvent } from '../../src-shared/api.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import { startWebHost, type WebHost } from '../../src-main/host/serve.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { httpClient, type ClosableApiClient } from '../../src-renderer/api/client.js';

export interface TestHost {
  host: WebHost;
  client: ClosableApiClient;
  /** The host's folder: relative paths of requests resolve here; it holds `sample.csv`. */
  cwd: string;
  /** Every event the client has received so far. */
  events: ApiEvent[];
  /** The first event, past or coming, that passes `test`. */
  waitFor(test: (event: ApiEvent) => boolean): Promise<ApiEvent>;
  /** The `done` or `error` event of analysis `runId`. */
  finished(runId: string): Promise<ApiEvent>;
  close(): Promise<void>;
}

/**
 * Starts the host with `sample.csv` holding the real CSV's header and first `frames` rows. With
 * `folders`, the host works in that folder and keeps its library in that data folder (a restart
 * is a second host on the same two; `close` leaves them); else in new temporary ones.
 */
export async function startTestHost(frames = 120, folders?: { cwd: string; dataDir: string }): Promise<TestHost> {
  const rendererDir = await mkdtemp(join(tmpdir(), 'crowdheat-renderer-'));
  const cwd = folders?.cwd ?? (await mkdtemp(join(tmpdir(), 'crowdheat-cwd-')));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>crowdheat test page</title>');
  const rows = (await readFile('/work/shared/data/aitrios-sample.csv', 'utf8')).split('\n').slice(0, frames + 1).join('\n') + '\n';
  await writeFile(join(cwd, 'sample.csv'), rows);
  const host = await startWebHost({ port: 0, rendererDir, cwd, runAnalysis: runPipeline, ...(folders === undefined ? {} : { dataDir: folders.dataDir }) });
  const client = httpClient({
    baseUrl: `http://127.0.0.1:${host.port}`,
    token: host.token,
    openSocket: (url) => new WebSocket(url) as unknown as ReturnType<Parameters<typeof httpClient>[0]['openSocket']>,
  });
  const events: ApiEvent[] = [];
  client.subscribe((event) => events.push(event));
  const waitFor = (test: (event: ApiEvent) => boolean): Promise<ApiEvent> =>
    new Promise((resolve) => {
      const seen = events.find(test);
      if (seen !== undefined) return resolve(seen);
      const unsubscribe = client.subscribe((event) => {
        if (test(event)) {
          unsubscribe();
          resolve(event);
        }
      });
    });
  return {
    host,
    client,
    cwd,
    events,
    waitFor,
    finished: (runId) => waitFor((event) => 'runId' in event && event.runId === runId && (event.type === 'done' || event.type === 'error')),
    close: async () => {
      client.close();
      await host.close();
      await rm(rendererDir, { recursive: true, force: true });
      if (folders === undefined) await rm(cwd, { recursive: true, force: true });
    },
  };
}

/**
 * Default settings over the host's `sample.csv` with a time base: `fps` frames a second from
 * `start` (ISO 8601), and optionally a grid of `grid` columns × rows and the buckets' time zone.
 */
export function timedSampleSettings(options: { fps: number; start: string; grid?: [number, number]; timezone?: string }): Settings {
  const settings = defaultSettings();
  const local = settings.data_source_settings.local_data_settings;
  local.meta_file = 'sample.csv';
  local.metadata_fps = options.fps;
  local.start_time = options.start;
  if (options.grid !== undefined) settings.heat_map_settings.params = { ...settings.heat_map_settings.params, grid_num_h: options.grid[0], grid_num_v: options.grid[1] };
  if (options.timezone !== undefined) settings.output_settings.timezone = options.timezone;
  return settings;
}
