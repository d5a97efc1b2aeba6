import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useProxyFromEnvironment } from '../../src-main/console/proxy.js';
import { ConsoleClient } from '../../src-shared/console/client.js';
import { FakeConsole } from '../fake-console.js';

/** A real forwarding proxy on 127.0.0.1: CONNECT tunnels and absolute-URI requests, both recorded. */
async function startProxy(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((incoming, outgoing) => {
    seen.push(`${incoming.method} ${incoming.url}`);
    const target = new URL(incoming.url ?? '');
    const forward = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  server.on('connect', (incoming, socket, head) => {
    seen.push(`CONNECT ${incoming.url}`);
    const [host, port] = (incoming.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

describe('proxy from the environment', () => {
  let fake: FakeConsole;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    fake = await FakeConsole.start({ devices: [{ device_id: 'cam-1' }] });
    proxy = await startProxy();
  });
  afterAll(async () => {
    await fake.stop();
    proxy.server.closeAllConnections();
    await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
  });

  it('does nothing without HTTPS_PROXY or HTTP_PROXY', () => {
    expect(useProxyFromEnvironment({ NO_PROXY: 'example.com' })).toBe(false);
  });

  it('sends the token and API requests of the global fetch through the proxy', async () => {
    expect(useProxyFromEnvironment({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url })).toBe(true);
    const devices = await new ConsoleClient(fake.credentials).listDevices();
    expect(devices.map((device) => device.device_id)).toEqual(['cam-1']);
    const host = new URL(fake.origin).host;
    // undici tunnels plain http through CONNECT too; how many tunnels depends on connection reuse.
    expect(new Set(proxy.seen)).toEqual(new Set([`CONNECT ${host}`]));
    expect(fake.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
  });
});
