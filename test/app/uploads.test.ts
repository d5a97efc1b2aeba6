/**
 * Dropped files in the browser host: their bytes go over real HTTP to `POST /uploads`, land in
 * the host's work folder, and are inspected there like any file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiError } from '../../src-shared/api.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { startWebHost, type WebHost } from '../../src-main/host/serve.js';
import { receiveUpload, safeUploadName } from '../../src-main/host/uploads.js';
import { httpClient, type ClosableApiClient } from '../../src-renderer/api/client.js';

const SEED_CSV = '0,1,2\n0,"{""perception"": {""object_detection_list"": []}}"\n1,"{""perception"": {""object_detection_list"": []}}"\n';

describe('safeUploadName', () => {
  it.each([
    ['clip.mp4', 'clip.mp4'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\evil.csv', 'evil.csv'],
    ['..', 'upload'],
    ['', 'upload'],
    ['.bashrc', 'bashrc'],
    ['name. ', 'name'],
    ['a<b>:c"d|e?f*g\u0000h\u001f.csv', 'a_b__c_d_e_f_g_h_.csv'],
    ['会場カメラ 1.mp4', '会場カメラ 1.mp4'],
  ])('%j → %j', (name, safe) => {
    expect(safeUploadName(name)).toBe(safe);
  });

  it('shortens a long name to 60 characters, keeping its extension', () => {
    expect(safeUploadName(`${'あ'.repeat(100)}.mp4`)).toBe(`${'あ'.repeat(56)}.mp4`);
  });
});

describe('receiveUpload', () => {
  it('leaves nothing when the stream fails half-way', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crowdheat-uploads-'));
    try {
      const failing = Readable.from(
        (async function* () {
          yield Buffer.alloc(64 * 1024, 1);
          throw new Error('connection lost');
        })(),
      );
      await expect(receiveUpload(root, 'clip.mp4', failing)).rejects.toThrow('connection lost');
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('POST /uploads on the web host', () => {
  let rendererDir: string;
  let host: WebHost;
  let client: ClosableApiClient;
  let closed = false;

  beforeAll(async () => {
    rendererDir = await mkdtemp(join(tmpdir(), 'crowdheat-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>crowdheat test page</title>');
    host = await startWebHost({ port: 0, rendererDir, cwd: rendererDir, runAnalysis: runPipeline });
    client = httpClient({
      baseUrl: `http://127.0.0.1:${host.port}`,
      token: host.token,
      openSocket: (url) => new WebSocket(url) as unknown as ReturnType<Parameters<typeof httpClient>[0]['openSocket']>,
    });
  });

  afterAll(async () => {
    client.close();
    if (!closed) await host.close();
    await rm(rendererDir, { recursive: true, force: true });
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${host.port}${path}`, { method: 'POST', body, headers });
  const bearer = () => ({ Authorization: `Bearer ${host.token}` });

  it('refuses an upload without the token (401) and keeps nothing', async () => {
    const answer = await post('/uploads?name=meta.csv', SEED_CSV);
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: { name: string } }).error.name).toBe('Unauthorized');
  });

  it('answers 400 without a name and 405 to a GET', async () => {
    const nameless = await post('/uploads', SEED_CSV, bearer());
    expect(nameless.status).toBe(400);
    expect(await nameless.json()).toEqual({ error: { name: 'BadRequest', message: "upload: give the file's name in ?name=" } });
    const get = await fetch(`http://127.0.0.1:${host.port}/uploads?name=a.csv`, { headers: bearer() });
    expect(get.status).toBe(405);
  });

  it('stores the bytes intact under the name, in a folder of its own', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const path = await client.localPath(new File([bytes], 'clip.mp4'));
    expect(basename(path)).toBe('clip.mp4');
    expect(basename(dirname(dirname(path)))).toBe('uploads');
    expect((await readFile(path)).equals(bytes)).toBe(true);
    // The same name again gets its own copy.
    const again = await client.localPath(new File([bytes], 'clip.mp4'));
    expect(dirname(again)).not.toBe(dirname(path));
  });

  it('neutralises path traversal in the name', async () => {
    const path = await client.localPath(new File(['x'], '../../../escaped.csv'));
    expect(basename(path)).toBe('escaped.csv');
    expect(basename(dirname(dirname(path)))).toBe('uploads');
    const dots = await client.localPath(new File(['x'], '..'));
    expect(basename(dots)).toBe('upload');
    expect(dirname(dirname(dots))).toBe(dirname(dirname(path)));
  });

  it('inspects what was uploaded, and names a file it cannot use', async () => {
    const csv = await client.localPath(new File([SEED_CSV], 'meta.csv'));
    expect(await client.call('inspectFile', { path: csv })).toEqual({ kind: 'metadata', path: csv, format: 'seed_csv' });
    const empty = await client.localPath(new File([], 'nothing.csv'));
    const inspecting = client.call('inspectFile', { path: empty });
    await expect(inspecting).rejects.toBeInstanceOf(ApiError);
    await expect(inspecting).rejects.toThrow('nothing.csv: not a video, metadata or settings file crowdheat can read (the file is empty)');
  });

  it("resolves a relative path against the host's folder and asks for a path", async () => {
    await expect(client.call('inspectFile', { path: 'index.html' })).rejects.toThrow(
      'index.html: not a video, metadata or settings file crowdheat can read (text, but not settings YAML, a seed CSV, a MOTChallenge det/gt file or inference JSON)',
    );
    await expect(client.call('inspectFile', { path: '' })).rejects.toThrow('inspectFile: give the path of a file');
  });

  it('keeps no file of an upload aborted half-way, and nothing under the real name while it runs', async () => {
    const first = await client.localPath(new File(['kept'], 'kept.txt'));
    const uploads = dirname(dirname(first));
    const before = await readdir(uploads);
    const request = httpRequest({
      host: '127.0.0.1',
      port: host.port,
      path: '/uploads?name=big.mp4',
      method: 'POST',
      headers: { ...bearer(), 'Content-Length': String(10 * 1024 * 1024) },
    });
    request.on('error', () => undefined);
    request.write(Buffer.alloc(256 * 1024, 7));
    // Wait until the host is writing the partial copy, then look at it and cut the connection.
    let folder = '';
    await expect
      .poll(async () => {
        const added = (await readdir(uploads)).find((entry) => !before.includes(entry));
        folder = added === undefined ? '' : join(uploads, added);
        return folder;
      })
      .not.toBe('');
    await expect.poll(async () => (await readdir(folder).catch(() => [])).length).toBe(1);
    expect((await readdir(folder))[0]).toMatch(/^\.big\.mp4\..*\.partial$/);
    request.destroy();
    await expect.poll(() => existsSync(folder)).toBe(false);
    expect((await readdir(uploads)).sort()).toEqual([...before].sort());
  });

  it('deletes every upload when the host closes', async () => {
    const path = await client.localPath(new File(['x'], 'last.csv'));
    closed = true;
    await host.close();
    expect(existsSync(dirname(dirname(path)))).toBe(false);
  });
});
