import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/host/serve.js';
import { runPipeline } from '../../src-main/pipeline/run.js';

interface Answer {
  status: number;
  body: string;
}

/** A raw HTTP request; `path` is sent as written (malformed escapes included). */
function send(port: number, options: { path: string; method?: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // The host may close the connection after answering a refused upload early.
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A request written on a bare socket, for targets an HTTP client would not send. */
function sendRaw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, 3000);
  });
}

let rendererDir: string;
let host: WebHost;
const logged: string[] = [];
const MAX_UPLOAD = 64 * 1024;

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'crowdheat-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>crowdheat test page</title>');
  host = await startWebHost({
    port: 0,
    rendererDir,
    cwd: rendererDir,
    runAnalysis: runPipeline,
    maxUploadBytes: MAX_UPLOAD,
    maxKeptUploadBytes: 3 * MAX_UPLOAD,
    log: (line) => logged.push(line),
  });
});

afterAll(async () => {
  await host.close();
  await rm(rendererDir, { recursive: true, force: true });
});

const auth = (): Record<string, string> => ({ Authorization: `Bearer ${host.token}` });
const upload = (name: string, body: Buffer, headers: Record<string, string> = {}): Promise<Answer> =>
  send(host.port, { path: `/uploads?name=${encodeURIComponent(name)}`, method: 'POST', headers: { ...auth(), ...headers }, body });
const uploadsFolder = (): string => join(host.workRoot, 'uploads');
const keptFiles = async (): Promise<string[]> => {
  if (!existsSync(uploadsFolder())) return [];
  const folders = await readdir(uploadsFolder());
  // An upload's folder may be removed between the two reads (the host cleaning up): it holds nothing then.
  const filesOf = (folder: string): Promise<string[]> => readdir(join(uploadsFolder(), folder)).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  return (await Promise.all(folders.map(filesOf))).flat().sort();
};

describe('web host: malformed requests', () => {
  it('answers a malformed %-escape with 400 and logs no stack trace', async () => {
    const answer = await send(host.port, { path: '/assets/%E0%A4%A', headers: auth() });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: { name: 'BadRequest', message: 'malformed %-escape in the path' } });
    expect(logged.join('\n')).not.toContain('    at ');
  });

  it('answers a request target that is not a URL with 400', async () => {
    const answer = await sendRaw(host.port, `GET //: HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${host.token}\r\nConnection: close\r\n\r\n`);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(logged.join('\n')).not.toContain('    at ');
  });

  it('answers a body that is not JSON with 400, one line', async () => {
    const answer = await send(host.port, { path: '/api/inspectFile', method: 'POST', headers: auth(), body: '{"a":\n\u001b[2J' });
    expect(answer.status).toBe(400);
    const message = (JSON.parse(answer.body) as { error: { message: string } }).error.message;
    expect(message.startsWith('the request body is not JSON: ')).toBe(true);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(String.fromCharCode(27));
  });

  it('still answers other requests while an upload trickles in', async () => {
    const slow = httpRequest({
      host: '127.0.0.1',
      port: host.port,
      path: '/uploads?name=slow.bin',
      method: 'POST',
      headers: { ...auth(), 'Content-Length': '1000' },
    });
    slow.on('error', () => undefined);
    slow.write('x');
    const answer = await send(host.port, { path: '/', headers: auth() });
    expect(answer.status).toBe(200);
    slow.destroy();
    // The abandoned upload's partial copy goes too.
    for (let look = 0; look < 50 && (await keptFiles()).some((name) => name.includes('slow.bin')); look++) {
      await new Promise((wait) => setTimeout(wait, 20));
    }
    expect((await keptFiles()).filter((name) => name.includes('slow.bin'))).toEqual([]);
  });
});

describe('web host: uploads have a cap and are removed when no longer used', () => {
  it('refuses an upload whose declared length is over the cap with 413, keeping nothing', async () => {
    const before = await keptFiles();
    const answer = await upload('huge.mp4', randomBytes(MAX_UPLOAD + 1));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: { name: 'UploadTooLarge', message: 'huge.mp4: larger than the 64 KiB an upload may be; give its path instead' },
    });
    expect(await keptFiles()).toEqual(before);
  });

  it('stops an upload sent without a length once it passes the cap, keeping nothing', async () => {
    const before = await keptFiles();
    const answer = await upload('chunked.mp4', randomBytes(MAX_UPLOAD * 2), { 'Transfer-Encoding': 'chunked' }).catch(
      (error: unknown) => error,
    );
    // The host answers 413 and closes; a client still sending may see the close first.
    if (!(answer instanceof Error)) expect((answer as Answer).status).toBe(413);
    await new Promise((wait) => setTimeout(wait, 100));
    expect(await keptFiles()).toEqual(before);
  });

  it('keeps an upload of exactly the cap', async () => {
    const bytes = randomBytes(MAX_UPLOAD);
    const answer = await upload('exact.bin', bytes);
    expect(answer.status).toBe(200);
    const { path } = JSON.parse(answer.body) as { path: string };
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('deletes the earlier copy of a file uploaded again under the same name', async () => {
    const first = JSON.parse((await upload('meta.csv', Buffer.from('0,1,2\n'))).body) as { path: string };
    const second = JSON.parse((await upload('meta.csv', Buffer.from('0,1,2\n3,4,5\n'))).body) as { path: string };
    expect(second.path).not.toBe(first.path);
    expect(existsSync(dirname(first.path))).toBe(false);
    expect(await readFile(second.path, 'utf8')).toBe('0,1,2\n3,4,5\n');
  });

  it('deletes the oldest copies once the kept uploads pass their total cap, never the newest', async () => {
    const paths: string[] = [];
    for (const name of ['a.bin', 'b.bin', 'c.bin', 'd.bin']) {
      const answer = await upload(name, randomBytes(MAX_UPLOAD));
      paths.push((JSON.parse(answer.body) as { path: string }).path);
    }
    // 3 × the cap may be kept: with exact.bin and meta.csv before them, the oldest go first.
    expect(await keptFiles()).toEqual(['b.bin', 'c.bin', 'd.bin']);
    expect(paths.slice(1).every((path) => existsSync(path))).toBe(true);
  });

  it('deletes every upload when the host closes', async () => {
    const local = await startWebHost({ port: 0, rendererDir, cwd: rendererDir, runAnalysis: runPipeline });
    const answer = await send(local.port, {
      path: '/uploads?name=x.csv',
      method: 'POST',
      headers: { Authorization: `Bearer ${local.token}` },
      body: '0,1,2\n',
    });
    const { path } = JSON.parse(answer.body) as { path: string };
    expect(existsSync(path)).toBe(true);
    await local.close();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(local.workRoot)).toBe(false);
  });
});
