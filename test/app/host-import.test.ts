/**
 * The web host's importYaml reads a path as `crowdheat run` reads settings files: a device, a
 * FIFO or a folder is refused at once with one line, and the host keeps answering.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiError } from '../../src-shared/api.js';
import { startWebHost, type WebHost } from '../../src-main/host/serve.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { httpClient, type ClosableApiClient } from '../../src-renderer/api/client.js';

describe('importYaml by path through the web host', () => {
  let rendererDir = '';
  let cwd = '';
  let host: WebHost;
  let client: ClosableApiClient;

  beforeAll(async () => {
    rendererDir = await mkdtemp(join(tmpdir(), 'crowdheat-renderer-'));
    cwd = await mkdtemp(join(tmpdir(), 'crowdheat-import-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>crowdheat test page</title>');
    host = await startWebHost({ port: 0, rendererDir, cwd, runAnalysis: runPipeline });
    client = httpClient({
      baseUrl: `http://127.0.0.1:${host.port}`,
      token: host.token,
      openSocket: (url) => new WebSocket(url) as unknown as ReturnType<Parameters<typeof httpClient>[0]['openSocket']>,
    });
  });

  afterAll(async () => {
    client.close();
    await host.close();
    await rm(rendererDir, { recursive: true, force: true });
    await rm(cwd, { recursive: true, force: true });
  });

  async function importFailure(path: string): Promise<ApiError> {
    const error = await client.call('importYaml', { path }).then(
      () => new Error('the import succeeded'),
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }

  it('/dev/zero is refused in one line and the host still answers', async () => {
    const error = await importFailure('/dev/zero');
    expect(error.message).toBe('"/dev/zero": is a device, not a settings file');
    expect(error.kind).toBe('InputError');
    expect((await client.call('hostInfo', {})).cwd).toBe(cwd);
  });

  it('a FIFO is refused without waiting for a writer', async () => {
    const fifo = join(cwd, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const error = await importFailure('pipe.yaml');
    expect(error.message).toBe(`"pipe.yaml": is a named pipe (FIFO), not a settings file (looked for "${fifo}")`);
  });

  it("a text file that is not settings is refused without echoing its content", async () => {
    await writeFile(join(cwd, 'diary.txt'), 'Dear diary, the secret word is swordfish.\n');
    const error = await importFailure('diary.txt');
    expect(error.message).toBe(
      'diary.txt: expected a mapping with data_source_settings, heat_map_settings and output_settings, got text',
    );
  });
});
