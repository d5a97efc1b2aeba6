import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsoleClient,
  DEFAULT_RETRY_DELAYS,
  type ConsoleClientOptions,
  type RetryDelays,
} from '../../src-shared/console/client.js';
import {
  ConsoleApiError,
  ConsoleCredentialsError,
  ConsoleUnreachableError,
} from '../../src-shared/console/errors.js';
import { CancelledError } from '../../src-shared/errors.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import { API_PREFIX, FakeConsole, TOKEN_PATH, type FakeDevice } from '../fake-console.js';

const DEVICE: FakeDevice = {
  device_id: 'cam-1',
  device_name: 'Entrance',
  records: [{ id: 'r1', inferences: [{ T: '20240501120000000' }] }],
  directories: { '20240501120000': ['20240501120000000.jpg'] },
};

/** Every message a failure produced in this file, checked at the end for secrets and tokens. */
const messages: string[] = [];
const secrets = new Set<string>();
let fake: FakeConsole | undefined;

afterEach(async () => {
  if (fake !== undefined) {
    secrets.add(fake.credentials.client_secret);
    for (const token of fake.issuedTokens) secrets.add(token);
    await fake.stop();
    fake = undefined;
  }
});

async function startFake(options: Partial<Parameters<typeof FakeConsole.start>[0]> = {}): Promise<FakeConsole> {
  fake = await FakeConsole.start({ devices: [DEVICE], ...options });
  return fake;
}

/** Retries that cost nothing: the waits are recorded, not slept. */
function quickDelays(waits: number[], overrides: Partial<RetryDelays> = {}): Partial<RetryDelays> {
  return {
    attempts: 4,
    baseMs: 100,
    capMs: 1000,
    timeoutMs: 5000,
    random: () => 0.5,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
    ...overrides,
  };
}

function clientOf(
  credentials: ConsoleCredentials,
  waits: number[] = [],
  options: ConsoleClientOptions = {},
): ConsoleClient {
  return new ConsoleClient(credentials, { delays: quickDelays(waits), ...options });
}

/** The API requests carried, in order, the tokens the fake issued at these positions (0 = the first). */
function expectTokensSent(server: FakeConsole, issued: number[]): void {
  expect(server.apiRequests().map((request) => request.token)).toEqual(issued.map((position) => server.issuedTokens[position]));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    messages.push(error.message);
    return error;
  }
  throw new Error('expected a failure');
}

describe('ConsoleClient tokens', () => {
  it('asks for a client-credentials token once and sends it as a bearer', async () => {
    const server = await startFake();
    const client = clientOf(server.credentials);
    const devices = await client.listDevices();
    await client.listDevices();
    expect(devices.map((device) => [device.device_id, device.property?.device_name])).toEqual([['cam-1', 'Entrance']]);
    expect(server.tokenRequests).toBe(1);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST ${TOKEN_PATH}`,
      `GET ${API_PREFIX}/devices`,
      `GET ${API_PREFIX}/devices`,
    ]);
    expectTokensSent(server, [0, 0]);
  });

  it('renews the token 180 s before it expires, before the Console refuses it', async () => {
    let clock = Date.UTC(2024, 4, 1);
    const server = await startFake({ now: () => clock, tokenLifetimeS: 3600 });
    const client = clientOf(server.credentials, [], { now: () => clock });
    await client.listDevices();
    clock += 3_600_000 - 180_000 - 1;
    await client.listDevices();
    expect(server.tokenRequests).toBe(1);
    clock += 1;
    await client.listDevices();
    expect(server.tokenRequests).toBe(2);
    expectTokensSent(server, [0, 0, 1]);
  });

  it('renews once when the Console says the token expired early', async () => {
    const server = await startFake();
    const client = clientOf(server.credentials);
    await client.listDevices();
    server.expireTokens();
    await client.listDevices();
    expect(server.tokenRequests).toBe(2);
    expectTokensSent(server, [0, 0, 1]);
  });

  it('renews once when the token was revoked', async () => {
    const server = await startFake();
    const client = clientOf(server.credentials);
    await client.listImageDirectories('cam-1');
    server.revokeTokens();
    const groups = await client.listImageDirectories('cam-1');
    expect(groups[0].devices[0].Image).toEqual(['20240501120000']);
    expect(server.tokenRequests).toBe(2);
  });

  it('fails clearly when even a fresh token is refused', async () => {
    const server = await startFake();
    const client = clientOf(server.credentials);
    server.rejectEveryToken();
    const error = await failure(client.listDevices());
    expect(error).toBeInstanceOf(ConsoleApiError);
    expect(error.message).toBe(
      'Console: E_UNAUTHORIZED: access token expired, revoked or unknown (HTTP 401, GET /devices)',
    );
    expect(server.tokenRequests).toBe(2);
  });

  it('names the client id, never the secret, when the credentials are wrong', async () => {
    const server = await startFake({ echoCredentialsInErrors: true });
    const client = clientOf({ ...server.credentials, client_id: 'wrong-id', client_secret: 'wrong-secret-xyz' });
    secrets.add('wrong-secret-xyz');
    const error = await failure(client.listDevices());
    expect(error).toBeInstanceOf(ConsoleCredentialsError);
    expect(error.message).toBe(
      'Console rejected the credentials (client_id wrong-id): The client credentials are invalid ' +
        `(got wrong-id / [redacted]) (HTTP 401, POST ${TOKEN_PATH}); check client_id and client_secret`,
    );
  });
});

describe('ConsoleClient retries', () => {
  it('honours Retry-After in seconds on 429', async () => {
    const server = await startFake();
    const waits: number[] = [];
    server.inject({ kind: 'status', status: 429, retryAfter: '2' });
    await clientOf(server.credentials, waits).listDevices();
    expect(waits).toEqual([2000]);
    expect(server.apiRequests()).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const server = await startFake();
    const waits: number[] = [];
    const date = 'Wed, 01 May 2024 12:00:07 GMT';
    server.inject({ kind: 'status', status: 429, retryAfter: date });
    const clock = Date.parse(date) - 7000;
    await clientOf(server.credentials, waits, { now: () => clock }).listDevices();
    expect(waits).toEqual([7000]);
  });

  it('cuts an excessive Retry-After to maxRetryAfterMs', async () => {
    const server = await startFake();
    const waits: number[] = [];
    server.inject({ kind: 'status', status: 429, retryAfter: '86400' });
    const client = new ConsoleClient(server.credentials, { delays: quickDelays(waits, { maxRetryAfterMs: 5000 }) });
    await client.listDevices();
    expect(waits).toEqual([5000]);
  });

  it('stops waiting between retries when the caller aborts', async () => {
    const server = await startFake();
    server.inject({ kind: 'status', status: 503 });
    const controller = new AbortController();
    // The real sleep, with a backoff long enough that only the abort (sent once it sleeps) can end it.
    const client = new ConsoleClient(server.credentials, {
      delays: {
        attempts: 3,
        budgetMs: 3_600_000,
        baseMs: 600_000,
        capMs: 600_000,
        random: () => 0.99,
        sleep: (ms, signal) => {
          setTimeout(() => controller.abort(), 10);
          return DEFAULT_RETRY_DELAYS.sleep(ms, signal);
        },
      },
    });
    expect(await failure(client.listDevices(controller.signal))).toBeInstanceOf(CancelledError);
    expect(server.apiRequests()).toHaveLength(1);
  });

  it('backs off exponentially with jitter on 503', async () => {
    const server = await startFake();
    const waits: number[] = [];
    server.inject({ kind: 'status', status: 503 }, 3);
    await clientOf(server.credentials, waits).listDevices();
    // random() is 0.5: half of 100, 200, 400 ms.
    expect(waits).toEqual([50, 100, 200]);
    expect(server.apiRequests()).toHaveLength(4);
  });

  it('caps the backoff', async () => {
    const server = await startFake();
    const waits: number[] = [];
    server.inject({ kind: 'status', status: 500 }, 5);
    const client = new ConsoleClient(server.credentials, {
      delays: quickDelays(waits, { attempts: 6, capMs: 300, random: () => 0.999 }),
    });
    await client.listDevices();
    expect(waits).toEqual([99, 199, 299, 299, 299]);
  });

  it('retries dropped connections, on the token endpoint too', async () => {
    const server = await startFake();
    const waits: number[] = [];
    server.inject({ kind: 'drop' }, 1, 'token');
    server.inject({ kind: 'drop' }, 2, 'api');
    const devices = await clientOf(server.credentials, waits).listDevices();
    expect(devices).toHaveLength(1);
    expect(waits).toEqual([50, 50, 100]);
  });

  it('retries an attempt that times out', async () => {
    const server = await startFake();
    server.inject({ kind: 'hang' });
    const client = new ConsoleClient(server.credentials, { delays: quickDelays([], { timeoutMs: 150 }) });
    expect(await client.listDevices()).toHaveLength(1);
    expect(server.apiRequests()).toHaveLength(2);
  });

  it('gives up after the last attempt with the Console code and message', async () => {
    const server = await startFake();
    server.inject({ kind: 'status', status: 503 }, 4);
    const error = await failure(clientOf(server.credentials).listDevices());
    expect(error).toBeInstanceOf(ConsoleApiError);
    expect(error.message).toBe('Console: E503: injected fault (HTTP 503, GET /devices)');
  });

  it('reports an unreachable Console after the last dropped connection', async () => {
    const server = await startFake();
    server.inject({ kind: 'drop' }, 4);
    const error = await failure(clientOf(server.credentials).listDevices());
    expect(error).toBeInstanceOf(ConsoleUnreachableError);
    expect(error.message.startsWith(`cannot reach ${server.origin}${API_PREFIX}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('ends a request whose body trickles within the per-piece limit at the request budget', async () => {
    // One byte every 20 ms of a declared 100000: every piece comes well inside the 300 ms limit
    // (a busy machine may hold the writer back for a while), so only the budget (1 s for the
    // whole request) can end it.
    const { createServer: createHttpServer } = await import('node:http');
    const timers: Array<ReturnType<typeof setInterval>> = [];
    const server = createHttpServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100000' });
      timers.push(setInterval(() => response.write(' '), 20));
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const { port } = server.address() as AddressInfo;
    const endpoint = `http://127.0.0.1:${port}/oauth2/token`;
    const client = new ConsoleClient(
      { console_endpoint: `http://127.0.0.1:${port}/api/v1`, portal_authorization_endpoint: endpoint, client_id: 'id', client_secret: 'secret-xyz' },
      { delays: quickDelays([], { timeoutMs: 300, budgetMs: 1000 }) },
    );
    const started = performance.now();
    try {
      const error = await failure(client.listDevices());
      expect(error).toBeInstanceOf(ConsoleUnreachableError);
      expect(error.message).toMatch(
        new RegExp(`^cannot reach ${endpoint}: no answer in time \\(1 attempt, each up to 0\\.3 s, 1(\\.[01])? s in all\\)$`),
      );
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      timers.forEach(clearInterval);
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    }
  });

  it('stops at once when the caller aborts', async () => {
    const server = await startFake();
    server.inject({ kind: 'hang' });
    const controller = new AbortController();
    const pending = clientOf(server.credentials).listDevices(controller.signal);
    // Abort once the hanging request is in (a fixed delay can come first on a loaded machine).
    const abortWhenHanging = setInterval(() => {
      if (server.apiRequests().length > 0) {
        clearInterval(abortWhenHanging);
        controller.abort();
      }
    }, 10);
    const error = await failure(pending);
    expect(error).toBeInstanceOf(CancelledError);
    expect(server.apiRequests()).toHaveLength(1);
  });
});

describe('ConsoleClient errors and queries', () => {
  it('turns a 404 into one line with code, message, status and path', async () => {
    const server = await startFake();
    const error = await failure(clientOf(server.credentials).getInferenceResults({ deviceId: 'nope', count: 5 }));
    expect(error).toBeInstanceOf(ConsoleApiError);
    expect(error.message).toBe(
      'Console: E_DEVICE_NOT_FOUND: device nope not found (HTTP 404, GET /devices/nope/inferenceresults)',
    );
  });

  it('names the endpoint it cannot reach', async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}/oauth2/token`;
    const client = clientOf({
      console_endpoint: `http://127.0.0.1:${port}/api/v1`,
      portal_authorization_endpoint: endpoint,
      client_id: 'id',
      client_secret: 'unreachable-secret',
    });
    secrets.add('unreachable-secret');
    const error = await failure(client.listDevices());
    expect(error).toBeInstanceOf(ConsoleUnreachableError);
    expect(error.message).toMatch(new RegExp(`^cannot reach ${endpoint}: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(4 attempts, [\\d.]+ s in all\\)$`));
  });

  it('sends the inference-results query as the Console expects', async () => {
    const server = await startFake();
    const filter = 'EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE i.T >= "20240501000000000")';
    const records = await clientOf(server.credentials).getInferenceResults({ deviceId: 'cam-1', count: 10, filter });
    expect(records).toHaveLength(1);
    expect(server.apiRequests()[0].query).toEqual({ NumberOfInferenceresults: '10', filter, raw: '1' });
  });

  it('pages images with skip and order_by', async () => {
    const server = await startFake();
    const page = await clientOf(server.credentials).getImages({
      deviceId: 'cam-1',
      subDirectory: '20240501120000',
      count: 256,
      skip: 0,
      orderBy: 'DESC',
    });
    expect(page.total_image_count).toBe(1);
    expect(page.images.map((image) => image.name)).toEqual(['20240501120000000.jpg']);
    expect(server.apiRequests()[0].query).toEqual({ number_of_images: '256', skip: '0', order_by: 'DESC' });
  });

  it('refuses page sizes the Console refuses', async () => {
    const server = await startFake();
    const client = clientOf(server.credentials);
    await expect(client.getImages({ deviceId: 'cam-1', subDirectory: 'x', count: 257 })).rejects.toThrow(RangeError);
    await expect(client.getInferenceResults({ deviceId: 'cam-1', count: 10_001 })).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('never shows the secret or a token in any message', () => {
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages) {
      for (const secret of secrets) expect(message).not.toContain(secret);
    }
  });

});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
