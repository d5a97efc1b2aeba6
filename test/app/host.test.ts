import { request as httpRequest } from 'node:http';
import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEvent } from '../../src-shared/api.js';
import { ApiError, newExportId } from '../../src-shared/api.js';
import { startWebHost, type WebHost } from '../../src-main/host/serve.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { httpClient, type ClosableApiClient } from '../../src-renderer/api/client.js';
import { FakeConsole } from '../fake-console.js';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request, so tests can send any Host header. */
function send(port: number, options: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

let rendererDir: string;
let cwd: string;
let host: WebHost;

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'crowdheat-renderer-'));
  cwd = await mkdtemp(join(tmpdir(), 'crowdheat-cwd-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>crowdheat test page</title>');
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'export {};');
  host = await startWebHost({ port: 0, rendererDir, cwd, runAnalysis: runPipeline });
});

afterAll(async () => {
  await host.close();
  await rm(rendererDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

describe('web host access checks', () => {
  it('prints a URL on 127.0.0.1 carrying a 128-bit token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses the page and the API without the token with a 401 JSON error', async () => {
    const page = await send(host.port, { path: '/' });
    expect(page.status).toBe(401);
    expect(JSON.parse(page.body).error.name).toBe('Unauthorized');
    const api = await send(host.port, { path: '/api/hostInfo', method: 'POST', body: '{}' });
    expect(api.status).toBe(401);
  });

  it('tells a browser without the token, in a sentence, what to open', async () => {
    const page = await send(host.port, { path: '/', headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('crowdheat: missing or wrong session token: open the URL crowdheat serve printed.');
  });

  it('refuses a wrong token of the right length', async () => {
    const wrong = host.token.replace(/^./, host.token[0] === 'a' ? 'b' : 'a');
    const answer = await send(host.port, { path: `/?token=${wrong}` });
    expect(answer.status).toBe(401);
  });

  it('refuses a Host header naming another machine even with the token (DNS rebinding)', async () => {
    const answer = await send(host.port, { path: `/?token=${host.token}`, headers: { Host: `evil.example:${host.port}` } });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.name).toBe('Forbidden');
  });

  it('refuses a request from another origin', async () => {
    const answer = await send(host.port, {
      path: '/api/hostInfo',
      method: 'POST',
      body: '{}',
      headers: { Authorization: `Bearer ${host.token}`, Origin: 'http://evil.example' },
    });
    expect(answer.status).toBe(403);
  });

  it('serves the page with the token in the URL and sets the cookie its scripts load with', async () => {
    const page = await send(host.port, { path: `/?token=${host.token}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('crowdheat test page');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(cookie).toBe(`crowdheat_token=${host.token}`);
    const script = await send(host.port, { path: '/assets/app.js', headers: { Cookie: cookie } });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await send(host.port, { path: '/assets/app.js' })).status).toBe(401);
  });

  it('answers API requests with a Bearer token, also on localhost', async () => {
    const answer = await send(host.port, {
      path: '/api/hostInfo',
      method: 'POST',
      body: '{}',
      headers: { Authorization: `Bearer ${host.token}`, Host: `localhost:${host.port}` },
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ host: 'web', nativeDialogs: false, cwd });
  });

  it('names an unknown request and a body that is not JSON', async () => {
    const headers = { Authorization: `Bearer ${host.token}` };
    const unknown = await send(host.port, { path: '/api/deleteEverything', method: 'POST', body: '{}', headers });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).toBe('no API request named "deleteEverything"');
    const broken = await send(host.port, { path: '/api/hostInfo', method: 'POST', body: '{', headers });
    expect(broken.status).toBe(400);
  });

  it('refuses requests whose settings or export fields have the wrong shape with a 400 naming them', async () => {
    const headers = { Authorization: `Bearer ${host.token}` };
    const answer = async (name: string, body: unknown) => {
      const reply = await send(host.port, { path: `/api/${name}`, method: 'POST', body: JSON.stringify(body), headers });
      return { status: reply.status, message: JSON.parse(reply.body).error.message as string };
    };
    expect(await answer('analyse', { settings: {} })).toEqual({
      status: 400,
      message: 'analyse: the settings have no data_source_settings section',
    });
    expect(await answer('validateSettings', { settings: { data_source_settings: { local_data_settings: {} } } })).toEqual({
      status: 400,
      message: 'validateSettings: the settings have no data_source_settings.console_data_settings section',
    });
    expect(await answer('exportYaml', {})).toEqual({ status: 400, message: 'exportYaml: the settings have no data_source_settings section' });
  });

  it('does not serve files outside the renderer folder', async () => {
    const answer = await send(host.port, { path: `/..%2f..%2fetc%2fpasswd?token=${host.token}` });
    expect(answer.status).toBe(404);
  });

  it('refuses the event WebSocket without the token and accepts it with the token', async () => {
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${host.port}/events`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('error', () => undefined);
    });
    expect(refused).toBe(401);
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${host.token}`);
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', reject);
    });
    socket.close();
  });
});

describe('ApiClient over HTTP against the web host', () => {
  let client: ClosableApiClient;
  const events: ApiEvent[] = [];

  beforeAll(() => {
    client = httpClient({
      baseUrl: `http://127.0.0.1:${host.port}`,
      token: host.token,
      openSocket: (url) => new WebSocket(url) as unknown as ReturnType<Parameters<typeof httpClient>[0]['openSocket']>,
    });
    client.subscribe((event) => events.push(event));
  });

  afterAll(() => client.close());

  function nextEvent(test: (event: ApiEvent) => boolean): Promise<ApiEvent> {
    return new Promise((resolve) => {
      const seen = events.find(test);
      if (seen !== undefined) {
        resolve(seen);
        return;
      }
      const unsubscribe = client.subscribe((event) => {
        if (test(event)) {
          unsubscribe();
          resolve(event);
        }
      });
    });
  }

  it('carries a back-end error message to the caller as an ApiError', async () => {
    const failure = client.call('getRunInfo', { runId: 'run-none' });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toThrow('no analysis "run-none" is open (open it from the recent analyses)');
  });

  it('validates settings and round-trips them through YAML', async () => {
    const { settings } = await client.call('openDemo', {});
    expect((await client.call('validateSettings', { settings })).issues).toEqual([]);
    // Exports default to a folder beside the user's files, not to the host's temporary data folder.
    expect(settings.output_settings.output_dir).toBe('crowdheat-demo');
    expect(settings.data_source_settings.local_data_settings.meta_file.startsWith(join(tmpdir(), 'crowdheat-serve-'))).toBe(true);
    const broken = structuredClone(settings);
    broken.output_settings.transparency = 3;
    const { issues } = await client.call('validateSettings', { settings: broken });
    expect(issues.map((issue) => issue.key)).toEqual(['output_settings.transparency']);
    const { text } = await client.call('exportYaml', { settings });
    const imported = await client.call('importYaml', { text });
    // The exported file is self-contained: the grid parameters inline, no param file.
    expect(imported.settings).toEqual({ ...settings, heat_map_settings: { ...settings.heat_map_settings, param_file: '' } });
  });

  it('keeps credentials, checked with the Console first, without ever returning the secret', async () => {
    const fake = await FakeConsole.start({ devices: [], clientSecret: 'very-secret-value' });
    try {
      const status = await client.call('saveCredentials', fake.credentials);
      expect(status).toEqual({
        configured: true,
        storage: 'memory, for this session only',
        console_endpoint: fake.credentials.console_endpoint,
        portal_authorization_endpoint: fake.credentials.portal_authorization_endpoint,
        client_id: fake.credentials.client_id,
      });
      expect(fake.tokenRequests).toBe(1);
      expect(JSON.stringify(await client.call('credentialsStatus', {}))).not.toContain('very-secret-value');
      expect((await client.call('clearCredentials', {})).configured).toBe(false);
      await expect(client.call('listDevices', {})).rejects.toThrow('Console: enter the credentials first');
    } finally {
      await fake.stop();
    }
  });

  it('analyses the demo, serves every frame grid, and exports griddata.npy equal to them', async () => {
    const { settings } = await client.call('openDemo', {});
    const { runId } = await client.call('analyse', { settings });
    const finished = await nextEvent((event) => 'runId' in event && event.runId === runId && (event.type === 'done' || event.type === 'error'));
    expect(finished).toEqual({ type: 'done', runId, frames: 600 });
    const info = await client.call('getRunInfo', { runId });
    // The demo's 960×540 video gives 480×270 previews.
    expect(info).toMatchObject({ state: 'done', frameCount: 600, hasImages: true, previewWidth: 480, previewHeight: 270 });
    const series = await client.call('timelineSeries', { runId, fromFrame: 0, toFrame: 600, columns: 600 });
    expect(series.columns).toHaveLength(600);

    // The demo video is 30 fps: a picture a second, so frame 120 has its own and frame 123 shows 120's until asked.
    const frame = await client.call('getFrame', { runId, index: 123 });
    expect(frame.count).toBe(series.columns[123].max);
    expect(frame.pictureFrame).toBe(120);
    expect(frame.imageUrl).toBe(`/runs/${runId}/preview/120.jpg?token=${host.token}`);
    expect(await client.call('getFramePicture', { runId, index: 123 })).toEqual({
      imageUrl: `/runs/${runId}/preview/123.jpg?token=${host.token}`,
      pictureFrame: 123,
    });
    expect((await client.call('getFrame', { runId, index: 123 })).pictureFrame).toBe(123);
    const picture = await fetch(`http://127.0.0.1:${host.port}${frame.imageUrl}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await picture.arrayBuffer()).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(frame.grid).toHaveLength(64 * 36);
    await expect(client.call('getFrame', { runId, index: 600 })).rejects.toThrow(
      'getFrame: frame 600 does not exist (the analysis has frames 0 to 599)',
    );

    const folder = join(cwd, 'exported');
    // The caller chooses the id, so it can listen before it asks; the back end refuses a malformed one.
    await expect(client.call('export', { exportId: 'x y', runId, outputs: ['npy'], folder: 'exported' })).rejects.toThrow(
      'export: the export id "x y" is not 8 to 64 letters, digits, - or _',
    );
    const exportId = newExportId();
    expect(exportId).toMatch(/^export-[0-9a-f]{24}$/);
    expect(await client.call('export', { exportId, runId, outputs: ['npy', 'detect-json', 'summary'], folder: 'exported' })).toEqual({ exportId });
    const exported = await nextEvent((event) => 'exportId' in event && event.exportId === exportId && event.type !== 'export-progress');
    expect(exported).toMatchObject({ type: 'export-done', folder });
    expect((await readdir(folder)).sort()).toEqual(['detect', 'griddata.npy', 'summary.json']);
    expect(await readdir(join(folder, 'detect'))).toHaveLength(600);

    const npy = await readFile(join(folder, 'griddata.npy'));
    const headerLength = npy.readUInt16LE(8);
    const cells = 64 * 36;
    const offset = 10 + headerLength + 123 * cells * 4;
    const fromNpy = Array.from({ length: cells }, (_, i) => npy.readInt32LE(offset + i * 4));
    expect(frame.grid).toEqual(fromNpy);

    // A folder that cannot be made fails the export before anything is written.
    await writeFile(join(cwd, 'blocked'), 'a file, not a folder');
    const { exportId: blocked } = await client.call('export', { exportId: newExportId(), runId, outputs: ['video', 'npy'], folder: 'blocked/inside' });
    const failed = await nextEvent((event) => 'exportId' in event && event.exportId === blocked && event.type !== 'export-progress');
    expect(failed).toMatchObject({ type: 'export-error', cancelled: false });
    expect(failed.type === 'export-error' && failed.message).toBe(
      `export: cannot create the folder ${join(cwd, 'blocked/inside')}: part of the path is a file, not a folder (ENOTDIR)`,
    );
    expect((await readdir(cwd)).sort()).toEqual(['blocked', 'exported']);
  }, 240_000);
});
