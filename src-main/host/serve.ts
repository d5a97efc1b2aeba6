/**
 * The web host: the same `api.ts` over HTTP + WebSocket on 127.0.0.1, so the renderer runs in
 * any browser (and in the browser tests).
 *
 * Anything on the machine can reach 127.0.0.1, so every request must carry the session token
 * (a random 128-bit value printed in the URL) in `?token=`, an `Authorization: Bearer` header,
 * or the cookie set when the page loads; and the `Host` header must name this machine, which
 * stops a web page from reaching the host through DNS rebinding.
 *
 * Besides `api.ts` (`POST /api/<name>`, events on `/events`) it serves the built page, preview
 * pictures, and `POST /uploads`, which keeps a copy of a file dropped on the page (uploads.ts).
 *
 * ```ts
 * const host = await startWebHost({ port: 0 });
 * console.log(host.url); // http://127.0.0.1:43121/?token=…
 * await host.close();
 * ```
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { isRequestName, UPLOAD_PATH, type ApiErrorBody, type ApiEvent, type RequestName, type UploadAnswer } from '../../src-shared/api.js';
import { CrowdheatError, isCrowdheatError } from '../../src-shared/errors.js';
import { makeFolder } from '../sinks/atomic.js';
import { oneLine, showValue } from '../../src-shared/messages.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import { ConsoleClient } from '../../src-shared/console/client.js';
import { Backend, type CredentialStore } from '../app/backend.js';
import type { RunAnalysis } from '../app/analysis.js';
import { packageVersion, rendererDir } from '../app/package-root.js';
import { prepareDemoSettings } from '../app/demo.js';
import { DATA_DIR_ENV, defaultDataDir } from '../app/data-dir.js';
import { parseFlags, UsageError, type CliCommand } from '../cli/command.js';
import { runInWorker } from '../pipeline/worker-client.js';
import { MAX_KEPT_UPLOAD_BYTES, MAX_UPLOAD_BYTES, UploadStore, UploadTooLargeError } from './uploads.js';

export interface WebHostOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer; defaults to the package's `dist/renderer`. */
  rendererDir?: string;
  /** Directory relative paths resolve against; defaults to the process's. */
  cwd?: string;
  /** How analyses run; defaults to `runInWorker`, a worker process per analysis. */
  runAnalysis?: RunAnalysis;
  /** Largest upload in bytes (default MAX_UPLOAD_BYTES, 2 GiB); a larger one is answered 413. */
  maxUploadBytes?: number;
  /** Most bytes of uploads kept at once (default MAX_KEPT_UPLOAD_BYTES, 4 GiB); the oldest go first. */
  maxKeptUploadBytes?: number;
  /** Where the host logs what went wrong (one line each); defaults to stderr. */
  log?: (line: string) => void;
  /**
   * The folder of the library of analyses and the demo, kept between starts (`crowdheat serve`
   * passes the app data folder, app/data-dir.ts). Default: a temporary folder `close` deletes.
   */
  dataDir?: string;
}

export interface WebHost {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The host's data folder (analyses, the demo); deleted by `close` only when it was a temporary one. */
  readonly workRoot: string;
  close(): Promise<void>;
}

const TOKEN_COOKIE = 'crowdheat_token';
/** The page loads only its own scripts and talks only to this host (its WebSocket included). */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Session credentials of the web host live in memory only: closing the host forgets them. */
export class MemoryCredentialStore implements CredentialStore {
  readonly storage = 'memory, for this session only';
  private credentials: ConsoleCredentials | null = null;
  async load(): Promise<ConsoleCredentials | null> {
    return this.credentials;
  }
  async save(credentials: ConsoleCredentials): Promise<void> {
    this.credentials = { ...credentials };
  }
  async clear(): Promise<void> {
    this.credentials = null;
  }
}

export async function startWebHost(options: WebHostOptions = {}): Promise<WebHost> {
  const token = randomBytes(16).toString('hex');
  const staticRoot = options.rendererDir ?? rendererDir();
  const temporary = options.dataDir === undefined;
  const workRoot = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'crowdheat-serve-')));
  if (!temporary) await mkdir(workRoot, { recursive: true });
  // Uploads are copies for one session: never in a data folder kept between starts.
  const uploadRoot = temporary ? workRoot : await mkdtemp(join(tmpdir(), 'crowdheat-uploads-'));
  const sockets = new Set<WebSocket>();
  const broadcast = (event: ApiEvent): void => {
    const text = JSON.stringify(event);
    for (const socket of sockets) socket.send(text);
  };
  const backend = new Backend({
    host: 'web',
    version: packageVersion(),
    cwd: options.cwd ?? process.cwd(),
    workRoot,
    runAnalysis: options.runAnalysis ?? runInWorker,
    credentials: new MemoryCredentialStore(),
    openConsole: (credentials) => new ConsoleClient(credentials),
    prepareDemo: prepareDemoSettings,
    emit: broadcast,
    imageUrl: async (runId, index) => `/runs/${runId}/preview/${index}.jpg?token=${token}`,
  });

  const server = createServer();
  const webSockets = new WebSocketServer({ noServer: true });
  let port = 0;
  const guard = new RequestGuard(token, () => port);
  const uploads = new UploadStore(
    join(uploadRoot, 'uploads'),
    options.maxUploadBytes ?? MAX_UPLOAD_BYTES,
    options.maxKeptUploadBytes ?? MAX_KEPT_UPLOAD_BYTES,
  );
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handleRequest(request, response, guard, backend, staticRoot, uploads, log).catch((error: unknown) => {
      logFailure(log, 'web host: a request failed', error);
      if (!response.headersSent) sendJson(response, 500, errorBody('InternalError', 'internal error of the web host'));
      else response.destroy();
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = guard.refusal(request) ?? (pathOf(request) === '/events' ? null : { status: 404, body: errorBody('NotFound', 'no such endpoint') });
    if (refusal !== null) {
      socket.end(`HTTP/1.1 ${refusal.status} Refused\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify(refusal.body)}`);
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new CrowdheatError('web host: cannot read the listening address');
  port = address.port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    workRoot,
    close: async () => {
      for (const socket of sockets) socket.terminate();
      webSockets.close();
      await new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      await backend.dispose();
      await uploads.clear();
      await rm(uploadRoot, { recursive: true, force: true });
    },
  };
}

interface Refusal {
  status: number;
  body: ApiErrorBody;
}

/** The two checks every request passes: a Host header naming this machine, and the token. */
class RequestGuard {
  private readonly expected: Buffer;

  constructor(
    token: string,
    private readonly port: () => number,
  ) {
    this.expected = Buffer.from(token);
  }

  refusal(request: IncomingMessage): Refusal | null {
    const allowedHosts = [`127.0.0.1:${this.port()}`, `localhost:${this.port()}`];
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      return { status: 403, body: errorBody('Forbidden', 'the Host header must be 127.0.0.1 or localhost with the port') };
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedHosts.map((host) => `http://${host}`).includes(origin)) {
      return { status: 403, body: errorBody('Forbidden', 'requests from other origins are refused') };
    }
    const given = tokenOf(request);
    if (given === null || !this.matches(given)) {
      return { status: 401, body: errorBody('Unauthorized', 'missing or wrong session token: open the URL crowdheat serve printed') };
    }
    return null;
  }

  private matches(given: string): boolean {
    const bytes = Buffer.from(given);
    return bytes.length === this.expected.length && timingSafeEqual(bytes, this.expected);
  }
}

function tokenOf(request: IncomingMessage): string | null {
  const fromQuery = targetOf(request)?.searchParams.get('token') ?? null;
  if (fromQuery !== null) return fromQuery;
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === TOKEN_COOKIE && value !== undefined) return value;
  }
  return null;
}

/** The request's target as a URL, or null when it cannot be read as one. */
function targetOf(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** The request's path ('' when its target is malformed: no route matches it). */
function pathOf(request: IncomingMessage): string {
  return targetOf(request)?.pathname ?? '';
}

/**
 * One line in the log for a failure: its message, cut and escaped; the stack only with
 * CROWDHEAT_DEBUG=1 (a request must not be able to fill the log).
 */
function logFailure(log: (line: string) => void, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log(oneLine(`${what}: ${message}`));
  if (process.env.CROWDHEAT_DEBUG === '1' && error instanceof Error && error.stack !== undefined) log(error.stack);
}

async function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  guard: RequestGuard,
  backend: Backend,
  staticRoot: string,
  uploads: UploadStore,
  log: (line: string) => void,
): Promise<void> {
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Cache-Control', 'no-store');
  const refusal = guard.refusal(request);
  if (refusal !== null) {
    // A person who opened a link without its token reads a sentence; programs get JSON.
    if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) sendRefusalPage(response, refusal);
    else sendJson(response, refusal.status, refusal.body);
    return;
  }
  if (targetOf(request) === null) {
    sendJson(response, 400, errorBody('BadRequest', 'the request target is not a valid URL'));
    return;
  }
  const path = pathOf(request);
  if (path.startsWith('/api/')) {
    await handleApi(request, response, backend, path.slice('/api/'.length), log);
    return;
  }
  if (path === UPLOAD_PATH) {
    await handleUpload(request, response, uploads);
    return;
  }
  const preview = /^\/runs\/([\w-]+)\/preview\/(\d+)\.jpg$/.exec(path);
  if (preview !== null && request.method === 'GET') {
    const file = backend.previewImagePath(preview[1], Number(preview[2]));
    if (file === null) sendJson(response, 404, errorBody('NotFound', 'no such preview picture'));
    else await sendFile(response, file, 'image/jpeg');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, errorBody('MethodNotAllowed', `${request.method} is not allowed here`));
    return;
  }
  await serveStatic(request, response, staticRoot, path, tokenOf(request) ?? '');
}

async function handleApi(
  request: IncomingMessage,
  response: ServerResponse,
  backend: Backend,
  name: string,
  log: (line: string) => void,
): Promise<void> {
  if (request.method !== 'POST') {
    sendJson(response, 405, errorBody('MethodNotAllowed', 'API requests are POST'));
    return;
  }
  if (!isRequestName(name)) {
    sendJson(response, 404, errorBody('NotFound', `no API request named ${JSON.stringify(name)}`));
    return;
  }
  let body: unknown;
  try {
    const text = await readBody(request);
    body = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    sendJson(response, 400, errorBody('BadRequest', oneLine(`the request body is not JSON: ${(error as Error).message}`)));
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendJson(response, 400, errorBody('BadRequest', 'the request body must be a JSON object'));
    return;
  }
  try {
    const handler = backend.handlers[name] as (request: unknown) => Promise<unknown>;
    sendJson(response, 200, await handler(body));
  } catch (error) {
    if (isCrowdheatError(error)) {
      sendJson(response, 400, errorBody(error.name, error.message));
      return;
    }
    logFailure(log, `web host: ${name as RequestName} failed`, error);
    sendJson(response, 500, errorBody('InternalError', `${name} failed unexpectedly: ${(error as Error).message}`));
  }
}

/** A dropped file's bytes (`POST /uploads?name=…`): answers the path of the host's copy. */
async function handleUpload(request: IncomingMessage, response: ServerResponse, uploads: UploadStore): Promise<void> {
  if (request.method !== 'POST') {
    sendJson(response, 405, errorBody('MethodNotAllowed', 'uploads are POST'));
    return;
  }
  const name = targetOf(request)?.searchParams.get('name') ?? '';
  if (name === '') {
    sendJson(response, 400, errorBody('BadRequest', "upload: give the file's name in ?name="));
    return;
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > uploads.maxBytes) {
    // Refused before a byte is read; the connection closes rather than drain what was announced.
    response.setHeader('Connection', 'close');
    const refusal = new UploadTooLargeError(showValue(name), uploads.maxBytes);
    sendJson(response, 413, errorBody(refusal.name, refusal.message));
    return;
  }
  let answer: UploadAnswer;
  try {
    answer = { path: await uploads.receive(name, request) };
  } catch (error) {
    // An aborted upload has no one left to answer; its partial copy is already gone.
    if (error instanceof UploadTooLargeError) {
      response.setHeader('Connection', 'close');
      sendJson(response, 413, errorBody(error.name, error.message));
      request.destroy();
    } else if (!request.destroyed) {
      sendJson(response, 500, errorBody('UploadError', oneLine(`${showValue(name)}: upload failed: ${(error as Error).message}`)));
    }
    return;
  }
  sendJson(response, 200, answer);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new Error(`larger than ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  path: string,
  token: string,
): Promise<void> {
  let relative: string;
  try {
    relative = path === '/' ? 'index.html' : decodeURIComponent(path.slice(1));
  } catch {
    sendJson(response, 400, errorBody('BadRequest', 'malformed %-escape in the path'));
    return;
  }
  const file = normalize(join(root, relative));
  if (!file.startsWith(root + sep)) {
    sendJson(response, 404, errorBody('NotFound', 'no such file'));
    return;
  }
  if (relative === 'index.html') {
    // The page's own scripts and styles are fetched without the query: the cookie carries the token for them.
    response.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    response.setHeader('Content-Security-Policy', PAGE_CSP);
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  await sendFile(response, file, type, request.method === 'HEAD');
}

/** Streams a regular file (never reads one whole into memory); anything else is a 404. */
async function sendFile(response: ServerResponse, file: string, type: string, headOnly = false): Promise<void> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    const hint = file.endsWith('index.html') ? ' (build the renderer first: npm run build)' : '';
    sendJson(response, 404, errorBody('NotFound', `no such file${hint}`));
    return;
  }
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': size });
  if (headOnly) {
    response.end();
    return;
  }
  // A file that changed size meanwhile ends the connection rather than lie about its length.
  await pipeline(createReadStream(file, { start: 0, end: Math.max(0, size - 1) }), response).catch(() => response.destroy());
}

function sendRefusalPage(response: ServerResponse, refusal: Refusal): void {
  const text = refusal.body.error.message.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
  const page = `<!doctype html><meta charset="utf-8"><title>crowdheat</title><p style="font: 16px sans-serif; margin: 2em">crowdheat: ${text}.</p>\n`;
  response.writeHead(refusal.status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(page) });
  response.end(page);
}

function errorBody(name: string, message: string): ApiErrorBody {
  return { error: { name, message } };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** `crowdheat serve [--port N]`, for the command line's dispatcher table. */
export const serveCliCommand: CliCommand = {
  summary: 'open the app in a browser: serve it on 127.0.0.1 with a session token',
  help: `Usage: crowdheat serve [--port N] [--data-dir DIR]

Serves the desktop app's window to a browser on this computer only (127.0.0.1). The first line
printed is the URL to open; it carries a random session token that every request must present.
Runs until Ctrl-C (or SIGTERM). Analyses stay in the data folder between starts.

  --port N         listen on port N (default: a free port)
  --data-dir DIR   the library of analyses (default: $${DATA_DIR_ENV}, else the app data
                   folder, e.g. ~/.local/share/crowdheat)`,
  async run(args, context) {
    const { values } = parseFlags('serve', args, { port: { type: 'string' }, 'data-dir': { type: 'string' } });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (values.port !== undefined && !(/^\d+$/.test(values.port) && port <= 65535)) {
      throw new UsageError(`--port ${JSON.stringify(values.port)} is not a port number (0–65535)`, 'serve');
    }
    const chosen = values['data-dir'];
    if (chosen !== undefined && chosen.trim() === '') throw new UsageError('--data-dir must name a folder', 'serve');
    const dataDir = resolve(context.cwd, chosen ?? defaultDataDir());
    // The runs' own folder maker: a folder that cannot be made is one line and exit 2 (a bad
    // argument), and a path under /proc does not hang in node's recursive mkdir.
    await makeFolder(dataDir, context.signal, '--data-dir');
    const host = await startWebHost({ port, cwd: context.cwd, dataDir });
    context.stdout.write(`${host.url}\n`);
    context.stderr.write('crowdheat: serving on 127.0.0.1 only; open the URL above in a browser. Ctrl-C stops.\n');
    await new Promise<void>((resolvePromise) => {
      const stop = (): void => {
        process.off('SIGTERM', stop);
        context.signal.removeEventListener('abort', stop);
        resolvePromise();
      };
      process.on('SIGTERM', stop);
      context.signal.addEventListener('abort', stop);
    });
    await host.close();
    return 0;
  },
};
