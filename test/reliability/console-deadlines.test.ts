import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleClient, DEFAULT_RETRY_DELAYS } from '../../src-shared/console/client.js';
import { ConsoleError, ConsoleUnreachableError } from '../../src-shared/console/errors.js';
import { CancelledError } from '../../src-shared/errors.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';

/** A real loopback HTTP server whose handler decides how (or whether) to answer. */
interface Loopback {
  origin: string;
  /** Requests that reached the handler. */
  requests: number;
  close(): Promise<void>;
}

const servers: Loopback[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(handler: (response: ServerResponse) => void): Promise<Loopback> {
  const sockets = new Set<Socket>();
  const state = { requests: 0 };
  const server: Server = createServer((_request, response) => {
    state.requests += 1;
    handler(response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const loopback: Loopback = {
    origin: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(loopback);
  return loopback;
}

function credentialsFor(origin: string): ConsoleCredentials {
  return {
    console_endpoint: `${origin}/api/v1`,
    portal_authorization_endpoint: `${origin}/oauth2/token`,
    client_id: 'id',
    client_secret: 'deadline-secret',
  };
}

/** Milliseconds `promise` took to reject, and what it rejected with. */
async function timedFailure(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected a failure');
}

/** The V8 collector, callable from a test (the same as running node with --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

describe('Console client deadlines', () => {
  it('gives up on a token endpoint that accepts and never answers within its budget, naming the endpoint', async () => {
    const silent = await serve(() => undefined);
    const client = new ConsoleClient(credentialsFor(silent.origin), {
      delays: { attempts: 5, timeoutMs: 300, budgetMs: 1000, baseMs: 50, capMs: 100 },
    });
    const { error, ms } = await timedFailure(client.listDevices());
    expect(error).toBeInstanceOf(ConsoleUnreachableError);
    const message = (error as Error).message;
    const match = /^cannot reach (\S+): no answer in time \((\d) attempts, each up to 0\.3 s, ([\d.]+) s in all\)$/.exec(message);
    expect(match, message).not.toBeNull();
    expect(match?.[1]).toBe(`${silent.origin}/oauth2/token`);
    // The message is true: it retried, no more often than it says (a request aborted early may not
    // reach the server's handler), and within the budget.
    expect(Number(match?.[2])).toBeGreaterThanOrEqual(2);
    expect(silent.requests).toBeGreaterThanOrEqual(1);
    expect(silent.requests).toBeLessThanOrEqual(Number(match?.[2]));
    // The budget is 1 s; timers fire late on a loaded machine, so allow some lateness.
    expect(Number(match?.[3])).toBeLessThanOrEqual(2);
    // A deadline, not a speed: generous for a loaded machine, far below "never".
    expect(ms).toBeLessThan(5000);
    expect(message).not.toContain('deadline-secret');
  });

  it('fires its timeout while the garbage collector runs, with a cancel signal given', async () => {
    const gc = collector();
    const silent = await serve(() => undefined);
    const cancel = new AbortController();
    const client = new ConsoleClient(credentialsFor(silent.origin), {
      delays: { attempts: 1, timeoutMs: 300, budgetMs: 300 },
    });
    const collecting = setInterval(gc, 20);
    try {
      // Before, the attempt's signal was AbortSignal.any([cancel, timeout]): collected, it never fired.
      const watchdog = new Promise<'never fired'>((resolve) => setTimeout(() => resolve('never fired'), 4000));
      const outcome = await Promise.race([client.listDevices(cancel.signal).catch((error: unknown) => error), watchdog]);
      expect(outcome).toBeInstanceOf(ConsoleUnreachableError);
      expect((outcome as Error).message).toMatch(
        new RegExp(`^cannot reach ${silent.origin}/oauth2/token: no answer in time \\(1 attempt, each up to 0\\.3 s, [\\d.]+ s in all\\)$`),
      );
    } finally {
      clearInterval(collecting);
    }
  });

  it('still cancels at once while an attempt waits', async () => {
    const silent = await serve(() => undefined);
    const cancel = new AbortController();
    const client = new ConsoleClient(credentialsFor(silent.origin), { delays: { timeoutMs: 60_000, budgetMs: 60_000 } });
    setTimeout(() => cancel.abort(), 100);
    const { error, ms } = await timedFailure(client.listDevices(cancel.signal));
    expect(error).toBeInstanceOf(CancelledError);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses a body that never ends once it passes the size cap, with bounded memory and no retry', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const flood = await serve((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const pour = (): void => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pour);
      };
      pour();
    });
    const client = new ConsoleClient(credentialsFor(flood.origin), {
      maxResponseBytes: 1024 * 1024,
      delays: { attempts: 3, timeoutMs: 5000, budgetMs: 10_000 },
    });
    const { error } = await timedFailure(client.authenticate());
    expect(error).toBeInstanceOf(ConsoleError);
    expect((error as Error).message).toBe(
      'Console: the answer to POST /oauth2/token is longer than 1 MiB; ask for fewer records a request',
    );
    expect(flood.requests).toBe(1);
  });

  it('refuses at once a body whose declared length is past the cap', async () => {
    const large = await serve((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) });
      response.write('[');
    });
    const client = new ConsoleClient(credentialsFor(large.origin), { maxResponseBytes: 1024 * 1024 });
    const { error } = await timedFailure(client.authenticate());
    expect((error as Error).message).toBe(
      'Console: the answer to POST /oauth2/token is longer than 1 MiB; ask for fewer records a request',
    );
  });

  it('times out a body that stops arriving, and keeps the per-piece limit while pieces arrive', async () => {
    const stalls = await serve((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"access_token": "');
    });
    const client = new ConsoleClient(credentialsFor(stalls.origin), { delays: { attempts: 2, timeoutMs: 200, budgetMs: 2000, baseMs: 10, capMs: 10 } });
    const { error } = await timedFailure(client.authenticate());
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot reach ${stalls.origin}/oauth2/token: no answer in time \\(2 attempts, each up to 0\\.2 s, [\\d.]+ s in all\\)$`),
    );
    expect(stalls.requests).toBeGreaterThanOrEqual(1);
  });

  it('keeps every default wait of one request inside 60 s', () => {
    expect(DEFAULT_RETRY_DELAYS.budgetMs).toBe(50_000);
    expect(DEFAULT_RETRY_DELAYS.timeoutMs).toBeLessThanOrEqual(DEFAULT_RETRY_DELAYS.budgetMs);
    expect(DEFAULT_RETRY_DELAYS.maxRetryAfterMs).toBeLessThan(DEFAULT_RETRY_DELAYS.budgetMs);
  });
});
