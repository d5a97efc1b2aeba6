/**
 * Console analyses through the back end as the web host runs them: `crowdheat serve` (the built
 * CLI) with its real pipeline worker, the fake Console on 127.0.0.1, the API over HTTP and the
 * event WebSocket. Credentials saved in the app reach the worker over IPC and nowhere else; with
 * none saved, a run reads `setting_path` like the command line.
 */
import { readdir, readFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEvent, CredentialsInput, RunInfo } from '../../src-shared/api.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import { httpClient, type ClosableApiClient, type EventSocket } from '../../src-renderer/api/client.js';
import { FakeConsole, TOKEN_PATH, type FakeRecord } from '../fake-console.js';
import { SERVE_BUILT, startServe, type ServeProcess } from '../serve-process.js';

const START = Date.UTC(2024, 4, 1, 12, 0, 0, 0);
const t = (offsetMs: number): string => formatTimestamp(START + offsetMs);
/** Record r holds inferences 2r and 2r+1; inference k shows k % 3 + 1 people. */
const RECORDS = 6;
const peopleAt = (k: number): number => (k % 3) + 1;
const WRONG_SECRET = 'wr0ng-secret-Qx81-never-shown';

function records(): FakeRecord[] {
  return Array.from({ length: RECORDS }, (_, r) => ({
    id: `r${r}`,
    inferences: [2 * r, 2 * r + 1].map((k) => ({
      T: t(k * 500),
      detections: Array.from({ length: peopleAt(k) }, (_, p) => ({ left: 10 + p * 50, top: 20, right: 40 + p * 50, bottom: 120, score: 0.9, class_id: 0 })),
    })),
  }));
}

/** Files under `dir`, recursively, with their paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe.skipIf(!SERVE_BUILT)('Console analyses through the back end (crowdheat serve, its worker, the fake Console)', () => {
  let root: string;
  let cwd: string;
  let fake: FakeConsole;
  let serve: ServeProcess;
  let client: ClosableApiClient;
  const events: ApiEvent[] = [];
  const infos: RunInfo[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'crowdheat-console-runs-'));
    cwd = join(root, 'cwd');
    // The host's work folders (and anything its worker writes to a temp dir) land here, to be searched.
    const temp = join(root, 'tmp');
    await mkdir(cwd);
    await mkdir(temp);
    fake = await FakeConsole.start({
      devices: [{ device_id: 'cam-1', device_name: 'Entrance', records: records() }],
      // Error bodies quote the secret back: what the app shows must still not carry it.
      echoCredentialsInErrors: true,
    });
    // No CLIENT_SECRET & co. and no proxy: a run can only find credentials the app or the file gives it.
    serve = await startServe(cwd, { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: temp });
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    client = httpClient({
      baseUrl: serve.url.origin,
      token: serve.token,
      openSocket: (url) => {
        const socket = new WebSocket(url);
        socket.on('open', opened);
        return socket as unknown as EventSocket;
      },
    });
    client.subscribe((event) => events.push(event));
    await open;
  });

  afterAll(async () => {
    client?.close();
    await serve?.stop();
    await fake?.stop();
    await rm(root, { recursive: true, force: true });
  });

  function settings(overrides: Partial<Settings['data_source_settings']['console_data_settings']> = {}): Settings {
    const result = defaultSettings();
    result.data_source_settings.mode = 'console';
    Object.assign(result.data_source_settings.console_data_settings, {
      setting_path: 'absent/console_access_settings.yaml',
      device_id: 'cam-1',
      number_of_inference_results: 4,
      ...overrides,
    });
    Object.assign(result.heat_map_settings.params, { image_size_h: 320, image_size_v: 320, grid_num_h: 32, grid_num_v: 32 });
    Object.assign(result.output_settings, { output_video_width: 64, output_video_height: 48 });
    return result;
  }

  /** Analyses `runSettings`; resolves with the final event, the run's info and the files searched for secrets. */
  async function analyse(runSettings: Settings): Promise<{ final: ApiEvent; info: RunInfo; searched: string[] }> {
    const { runId } = await client.call('analyse', { settings: runSettings });
    const isFinal = (event: ApiEvent): boolean => 'runId' in event && event.runId === runId && (event.type === 'done' || event.type === 'error');
    const final = await new Promise<ApiEvent>((resolve) => {
      const seen = events.find(isFinal);
      if (seen !== undefined) return resolve(seen);
      const unsubscribe = client.subscribe((event) => {
        if (!isFinal(event)) return;
        unsubscribe();
        resolve(event);
      });
    });
    const info = await client.call('getRunInfo', { runId });
    infos.push(info);
    const searched = await expectNoSecretAnywhere();
    return { final, info, searched };
  }

  /** Neither secret in any event, run info, file under the test's folders, or line the host printed. */
  async function expectNoSecretAnywhere(): Promise<string[]> {
    const accessFile = join(cwd, 'console_access_settings.yaml');
    const files = await filesUnder(root);
    for (const secret of [fake.credentials.client_secret, WRONG_SECRET]) {
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(JSON.stringify(infos)).not.toContain(secret);
      expect(serve.output()).not.toContain(secret);
      for (const file of files) {
        // The one file the user wrote the secret into for the command line's way.
        if (file === accessFile) continue;
        expect({ file, holdsSecret: (await readFile(file)).includes(secret) }).toEqual({ file, holdsSecret: false });
      }
    }
    return files;
  }

  const save = (input: Partial<CredentialsInput>) => client.call('saveCredentials', { ...fake.credentials, ...input });

  it('analyses with the saved credentials and never reads setting_path', async () => {
    await save({});
    const { final, info, searched } = await analyse(settings());
    // The search covered the run's work folder: its outputs and previews.
    const inRun = searched.filter((file) => file.includes(`${info.runId}/`)).map((file) => file.slice(file.indexOf(info.runId) + info.runId.length + 1));
    expect(inRun).toEqual(expect.arrayContaining(['output/summary.json', 'output/griddata.npy', 'preview/index.json', 'output/crowdheat.duckdb']));
    // The newest 4 records (r2…r5) hold inferences 4…11, analysed oldest first.
    const inferences = [4, 5, 6, 7, 8, 9, 10, 11];
    expect(final).toEqual({ type: 'done', runId: info.runId, frames: 8 });
    const series = await client.call('timelineSeries', { runId: info.runId, fromFrame: 0, toFrame: 8, columns: 8 });
    expect(series.columns.map((column) => column.max)).toEqual(inferences.map(peopleAt));
    expect(series.columns.map((column) => column.t)).toEqual(inferences.map((k) => t(k * 500)));
  });

  it('without saved credentials reads setting_path, as the command line does', async () => {
    await client.call('clearCredentials', {});
    await writeFile(join(cwd, 'console_access_settings.yaml'), dump({ console_access_settings: fake.credentials }));
    const { final, info } = await analyse(settings({ setting_path: 'console_access_settings.yaml', number_of_inference_results: 1 }));
    expect(final).toEqual({ type: 'done', runId: info.runId, frames: 2 });
    const series = await client.call('timelineSeries', { runId: info.runId, fromFrame: 0, toFrame: 2, columns: 2 });
    expect(series.columns.map((column) => column.max)).toEqual([10, 11].map(peopleAt));
  });

  it('without saved credentials and without the file, names the file and the variables', async () => {
    const { final, info } = await analyse(settings());
    const message =
      `data_source_settings.console_data_settings.setting_path: ${join(cwd, 'absent/console_access_settings.yaml')} does not exist ` +
      'and the environment sets none of CONSOLE_ENDPOINT, PORTAL_AUTHORIZATION_ENDPOINT, CLIENT_ID, CLIENT_SECRET';
    expect(final).toEqual({ type: 'error', runId: info.runId, message, cancelled: false });
    expect(info).toMatchObject({ state: 'failed', error: message });
  });

  const refusal =
    `Console rejected the credentials (client_id crowdheat-test-client): ` +
    `The client credentials are invalid (got crowdheat-test-client / [redacted]) (HTTP 401, POST ${TOKEN_PATH}); ` +
    'check client_id and client_secret';

  it('refuses to save a wrong secret: the Console\'s refusal, nothing kept, the secret nowhere', async () => {
    await client.call('clearCredentials', {});
    await expect(save({ client_secret: WRONG_SECRET })).rejects.toThrow(refusal);
    expect((await client.call('credentialsStatus', {})).configured).toBe(false);
    await expectNoSecretAnywhere();
  });

  it('with a wrong secret in the credentials file, the analysis fails with the Console\'s refusal and without the secret', async () => {
    await writeFile(
      join(cwd, 'console_access_settings.yaml'),
      dump({ console_access_settings: { ...fake.credentials, client_secret: WRONG_SECRET } }),
    );
    const { final, info } = await analyse(settings({ setting_path: 'console_access_settings.yaml' }));
    expect(final.type === 'error' && final.message).toBe(refusal);
    expect(info.state).toBe('failed');
  });

  it('refuses to save credentials of an unreachable Console, naming it', async () => {
    const closed = await FakeConsole.start({ devices: [] });
    const { console_endpoint, portal_authorization_endpoint } = closed.credentials;
    await closed.stop();
    const refused = await save({ console_endpoint, portal_authorization_endpoint }).then(
      () => 'saved',
      (error: unknown) => (error as Error).message,
    );
    // The client's retries end the line: "(5 attempts, 1.2 s in all)".
    expect(refused.replace(/ \(\d attempts?, [\d.]+ s in all\)$/, '')).toBe(
      `cannot reach ${portal_authorization_endpoint}: connect ECONNREFUSED ${new URL(portal_authorization_endpoint).host}`,
    );
    expect((await client.call('credentialsStatus', {})).configured).toBe(false);
  }, 60_000);

  it('Forget drops the secret and the client id and keeps both endpoints', async () => {
    const saved = await save({});
    expect(saved).toMatchObject({
      configured: true,
      client_id: fake.credentials.client_id,
      console_endpoint: fake.credentials.console_endpoint,
      portal_authorization_endpoint: fake.credentials.portal_authorization_endpoint,
    });
    expect(await client.call('clearCredentials', {})).toEqual({
      configured: false,
      storage: saved.storage,
      console_endpoint: fake.credentials.console_endpoint,
      portal_authorization_endpoint: fake.credentials.portal_authorization_endpoint,
    });
  });

  it('finds the device\'s oldest and newest inference results', async () => {
    await save({});
    expect(await client.call('consoleRange', { device_id: 'cam-1' })).toEqual({
      device_id: 'cam-1',
      inferences: { oldest: t(0), newest: t((2 * RECORDS - 1) * 500) },
    });
  });

  it('no data in the range fails the analysis with the device and the range named', async () => {
    await save({});
    const { final, info } = await analyse(settings({ first_timestamp: t(60_000), last_timestamp: '2024-05-01T12:02:00Z' }));
    const message = 'no data for device cam-1 between 2024-05-01T12:01:00.000Z and 2024-05-01T12:02:00.000Z on the Console';
    expect(final).toEqual({ type: 'error', runId: info.runId, message, cancelled: false });
    expect(info).toMatchObject({ state: 'failed', error: message });
  });

  it('keeps what an analysis fetched: the same range again asks the Console nothing, the cache lists the device, Clear empties it', async () => {
    await save({});
    await client.call('clearConsoleCache', {});
    const range = settings({ first_timestamp: t(0), last_timestamp: t(5500), number_of_inference_results: 100 });
    const inferenceRequests = (): number => fake.apiRequests().filter((request) => request.path.endsWith('/inferenceresults')).length;
    const before = inferenceRequests();
    const first = await analyse(range);
    expect(first.final).toEqual({ type: 'done', runId: first.info.runId, frames: 12 });
    expect(inferenceRequests()).toBe(before + 1);
    const second = await analyse(range);
    expect(second.final).toEqual({ type: 'done', runId: second.info.runId, frames: 12 });
    // Frame for frame the same people (a 12-column series of 12 frames is every frame's count).
    const series = async (runId: string) =>
      (await client.call('timelineSeries', { runId, fromFrame: 0, toFrame: 12, columns: 12 })).columns.map(({ min, max, t: frameT }) => ({ min, max, t: frameT }));
    const firstSeries = await series(first.info.runId);
    expect(firstSeries).toHaveLength(12);
    expect(await series(second.info.runId)).toEqual(firstSeries);
    expect(inferenceRequests()).toBe(before + 1);

    const kept = await client.call('consoleCacheInfo', {});
    expect(kept.file.endsWith('console-cache.duckdb')).toBe(true);
    expect(kept.devices.map(({ bytes, ...rest }) => ({ ...rest, sized: bytes > 0 }))).toEqual([
      { endpoint: fake.credentials.console_endpoint, device_id: 'cam-1', inferences: 12, images: 0, first_t: t(0), last_t: t(5500), sized: true },
    ]);
    // Another Console's cam-1 is another device: clearing it leaves this one's part.
    expect((await client.call('clearConsoleCache', { device_id: 'cam-1', endpoint: 'http://127.0.0.1:9/api/v1' })).devices).toHaveLength(1);
    await expect(client.call('clearConsoleCache', { endpoint: fake.credentials.console_endpoint })).rejects.toThrow(
      'clearConsoleCache: endpoint must be a Console endpoint, given with a device_id',
    );
    expect((await client.call('clearConsoleCache', { device_id: 'cam-1', endpoint: fake.credentials.console_endpoint })).devices).toEqual([]);
    expect((await client.call('clearConsoleCache', {})).file_bytes).toBe(0);
  }, 120_000);
});
