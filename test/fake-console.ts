/**
 * A fake AITRIOS Console: a real HTTP server on 127.0.0.1 (ephemeral port) answering the
 * endpoints crowdheat uses (SPEC §6) the way the Console does, with faults that can be
 * switched on: 429 with Retry-After, 5xx, dropped connections, hangs, expired and revoked
 * tokens. It records every request so tests can assert what was asked.
 *
 * ```ts
 * const fake = await FakeConsole.start({ devices: [{ device_id: 'cam1', records, directories }] });
 * const client = new ConsoleClient(fake.credentials);
 * await fake.stop();
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { encodeObjectDetectionTop, type EncodableDetection } from '../src-shared/flatbuffers/index.js';
import type { ConsoleCredentials } from '../src-shared/console/types.js';

export interface FakeInference {
  T: string;
  /** Defaults to `defaultDetections(T)`. */
  detections?: EncodableDetection[];
  /** Served instead of the encoded detections (e.g. a corrupt buffer). */
  rawO?: string;
}

export interface FakeRecord {
  id: string;
  inferences: FakeInference[];
}

export interface FakeDevice {
  device_id: string;
  device_name?: string;
  /** `connectionState` in the device list; defaults to `Connected`. */
  connection_state?: string;
  records?: FakeRecord[];
  /** Image directory → image names (`<T>.jpg`); contents are JPEGs the fake makes. */
  directories?: Record<string, string[]>;
}

export interface FakeConsoleOptions {
  devices: FakeDevice[];
  clientId?: string;
  clientSecret?: string;
  /** `expires_in` of issued tokens, seconds. */
  tokenLifetimeS?: number;
  /** The fake's clock for token expiry, ms since the epoch. */
  now?: () => number;
  /** Error bodies quote the credentials back, to prove the client scrubs what it shows. */
  echoCredentialsInErrors?: boolean;
  /** Size of the JPEGs served. */
  imageWidth?: number;
  imageHeight?: number;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'drop' }
  | { kind: 'hang' };

export type FaultTarget = 'token' | 'api' | 'any';

export interface RecordedRequest {
  method: string;
  /** Path below the server root, without the query. */
  path: string;
  query: Record<string, string>;
  /** The bearer token sent, if any. */
  token?: string;
}

/** Colours of the served images: image i (in name order) is `IMAGE_COLORS[i % 4]`. */
export const IMAGE_COLORS: readonly (readonly [number, number, number])[] = [
  [200, 40, 40],
  [40, 200, 40],
  [40, 40, 200],
  [220, 220, 60],
];

export const API_PREFIX = '/api/v1';
export const TOKEN_PATH = '/oauth2/default/v1/token';

/** Distinct default detection sets; few enough that the fake encodes each once. */
const DEFAULT_VARIANTS = 251;

/** Detections the fake serves for an inference at T unless told otherwise: 1–3 boxes, a function of T. */
export function defaultDetections(T: string): EncodableDetection[] {
  const seed = Number(T.slice(-6)) % DEFAULT_VARIANTS;
  const count = 1 + (seed % 3);
  const detections: EncodableDetection[] = [];
  for (let k = 0; k < count; k++) {
    const left = (seed * 7 + k * 40) % 280;
    const top = (seed * 3 + k * 25) % 250;
    detections.push({ left, top, right: left + 30, bottom: top + 60, score: 0.5 + k / 8, class_id: 0 });
  }
  return detections;
}

interface TokenState {
  expiresAt: number;
  revoked: boolean;
}

interface PendingFault {
  fault: Fault;
  target: FaultTarget;
  /** Matching requests still to let through before this fault fires. */
  skip: number;
}

interface DeviceState {
  device: FakeDevice;
  /** Records newest first by their newest inference, as the Console returns them. */
  records: FakeRecord[];
  directories: Map<string, string[]>;
}

export class FakeConsole {
  readonly requests: RecordedRequest[] = [];
  /** Every token handed out, so tests can check none leaks. */
  readonly issuedTokens: string[] = [];
  tokenRequests = 0;
  private readonly tokens = new Map<string, TokenState>();
  private readonly faults: PendingFault[] = [];
  private readonly devices = new Map<string, DeviceState>();
  private readonly sockets = new Set<Socket>();
  private readonly jpegs: Buffer[] = [];
  private rejectAllTokens = false;
  /** The port while `refuseConnections` holds it closed, else null. */
  private closedPort: number | null = null;

  private constructor(
    private readonly server: Server,
    private readonly options: Required<Omit<FakeConsoleOptions, 'devices'>>,
  ) {}

  static async start(options: FakeConsoleOptions): Promise<FakeConsole> {
    const server = createServer();
    const fake = new FakeConsole(server, {
      clientId: options.clientId ?? 'crowdheat-test-client',
      clientSecret: options.clientSecret ?? 'S3cr3t-value-never-shown',
      tokenLifetimeS: options.tokenLifetimeS ?? 3600,
      now: options.now ?? Date.now,
      echoCredentialsInErrors: options.echoCredentialsInErrors ?? false,
      imageWidth: options.imageWidth ?? 64,
      imageHeight: options.imageHeight ?? 48,
    });
    for (const device of options.devices) fake.addDevice(device);
    for (const [r, g, b] of IMAGE_COLORS) {
      fake.jpegs.push(
        await sharp({
          create: { width: fake.options.imageWidth, height: fake.options.imageHeight, channels: 3, background: { r, g, b } },
        })
          .jpeg({ quality: 95 })
          .toBuffer(),
      );
    }
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      fake.handle(request, response).catch((error: unknown) => {
        fake.send(response, 500, { result: 'ERROR', code: 'E_FAKE', message: String(error) });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get origin(): string {
    const port = this.closedPort ?? (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${port}`;
  }

  get credentials(): ConsoleCredentials {
    return {
      console_endpoint: `${this.origin}${API_PREFIX}`,
      portal_authorization_endpoint: `${this.origin}${TOKEN_PATH}`,
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    };
  }

  addDevice(device: FakeDevice): void {
    const records = [...(device.records ?? [])].sort((a, b) => compareDesc(newestT(a), newestT(b)));
    const directories = new Map(
      Object.entries(device.directories ?? {}).map(([name, images]) => [name, [...images].sort()]),
    );
    this.devices.set(device.device_id, { device, records, directories });
  }

  /** The next matching requests (`count` of them) fail with `fault`, in the order injected. */
  inject(fault: Fault, count = 1, target: FaultTarget = 'api'): void {
    for (let i = 0; i < count; i++) this.faults.push({ fault, target, skip: 0 });
  }

  /**
   * Fails the `count` matching requests that follow the next `after` ones with `fault`: a fault
   * in the middle of a run (e.g. the third page of a fetch) without the test timing it. Every
   * matching request counts, a failed one too.
   */
  injectAfter(after: number, fault: Fault, count = 1, target: FaultTarget = 'api'): void {
    for (let i = 0; i < count; i++) this.faults.push({ fault, target, skip: after });
  }

  /**
   * New records of a device, as a device uploads them while a run or a follow goes on; later
   * requests see them (in the Console's newest-first order).
   */
  appendRecords(deviceId: string, records: FakeRecord[]): void {
    const state = this.deviceState(deviceId);
    state.records.push(...records);
    state.records.sort((a, b) => compareDesc(newestT(a), newestT(b)));
  }

  /** New images in a device's folder (created when missing); names are kept sorted as the Console lists them. */
  appendImages(deviceId: string, directory: string, names: string[]): void {
    const state = this.deviceState(deviceId);
    state.directories.set(directory, [...(state.directories.get(directory) ?? []), ...names].sort());
  }

  /** Every inference T the fake holds for a device, oldest first: the list a test compares stored frames with. */
  inferenceTimes(deviceId: string): string[] {
    return this.deviceState(deviceId)
      .records.flatMap((record) => record.inferences.map((inference) => inference.T))
      .sort();
  }

  /** Every token issued so far expires now. */
  expireTokens(): void {
    for (const state of this.tokens.values()) state.expiresAt = -Infinity;
  }

  revokeTokens(): void {
    for (const state of this.tokens.values()) state.revoked = true;
  }

  /** From now on no token is accepted, fresh ones included. */
  rejectEveryToken(): void {
    this.rejectAllTokens = true;
  }

  apiRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.path.startsWith(API_PREFIX));
  }

  private deviceState(deviceId: string): DeviceState {
    const state = this.devices.get(deviceId);
    if (state === undefined) throw new Error(`fake Console: no device ${deviceId}`);
    return state;
  }

  /**
   * Closes the listening socket (and drops open connections), so requests are refused as by a
   * Console that is down, until `acceptConnections`; the port is kept for it.
   */
  async refuseConnections(): Promise<void> {
    this.closedPort = (this.server.address() as AddressInfo).port;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port after `refuseConnections`. */
  async acceptConnections(): Promise<void> {
    const port = this.closedPort;
    if (port === null) return;
    this.closedPort = null;
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    if (this.closedPort !== null) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    const authorization = request.headers.authorization;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    this.requests.push({
      method: request.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      ...(token === undefined ? {} : { token }),
    });
    const body = await readBody(request);

    const isToken = url.pathname === TOKEN_PATH;
    const matches = (pending: PendingFault): boolean => pending.target === 'any' || (pending.target === 'token') === isToken;
    // Faults waiting their turn count this request down; the first ready one fires.
    let faultIndex = -1;
    for (let i = 0; i < this.faults.length; i++) {
      const pending = this.faults[i];
      if (!matches(pending)) continue;
      if (pending.skip === 0) {
        if (faultIndex < 0) faultIndex = i;
      } else {
        pending.skip -= 1;
      }
    }
    if (faultIndex >= 0) {
      const [{ fault }] = this.faults.splice(faultIndex, 1);
      if (fault.kind === 'drop') {
        request.socket.destroy();
        return;
      }
      if (fault.kind === 'hang') return;
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
      this.send(response, fault.status, errorBody(`E${fault.status}`, 'injected fault'), headers);
      return;
    }

    if (isToken) {
      this.issueToken(request, body, response);
      return;
    }
    if (!url.pathname.startsWith(API_PREFIX)) {
      this.send(response, 404, errorBody('E_NOT_FOUND', `no route ${url.pathname}`));
      return;
    }
    if (!this.tokenAccepted(token)) {
      this.send(response, 401, errorBody('E_UNAUTHORIZED', 'access token expired, revoked or unknown'));
      return;
    }
    this.route(decodeURIComponent(url.pathname.slice(API_PREFIX.length)), url.searchParams, response);
  }

  private issueToken(request: IncomingMessage, body: string, response: ServerResponse): void {
    this.tokenRequests += 1;
    const form = new URLSearchParams(body);
    const contentType = request.headers['content-type'] ?? '';
    if (
      request.method !== 'POST' ||
      !contentType.startsWith('application/x-www-form-urlencoded') ||
      form.get('grant_type') !== 'client_credentials' ||
      form.get('scope') !== 'system'
    ) {
      this.send(response, 400, { error: 'invalid_request', error_description: 'bad token request' });
      return;
    }
    if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
      const quoted = this.options.echoCredentialsInErrors ? ` (got ${form.get('client_id')} / ${form.get('client_secret')})` : '';
      this.send(response, 401, {
        error: 'invalid_client',
        error_description: `The client credentials are invalid${quoted}`,
      });
      return;
    }
    const value = `tok-${this.issuedTokens.length + 1}-${Math.random().toString(36).slice(2)}`;
    this.issuedTokens.push(value);
    this.tokens.set(value, { expiresAt: this.options.now() + this.options.tokenLifetimeS * 1000, revoked: false });
    this.send(response, 200, {
      token_type: 'Bearer',
      expires_in: this.options.tokenLifetimeS,
      access_token: value,
      scope: 'system',
    });
  }

  private tokenAccepted(token: string | undefined): boolean {
    if (token === undefined || this.rejectAllTokens) return false;
    const state = this.tokens.get(token);
    return state !== undefined && !state.revoked && this.options.now() < state.expiresAt;
  }

  private route(path: string, query: URLSearchParams, response: ServerResponse): void {
    if (path === '/devices') {
      const devices = [...this.devices.values()].map(({ device }) => ({
        device_id: device.device_id,
        place: 'test bench',
        comment: '',
        property: { device_name: device.device_name ?? device.device_id },
        connectionState: device.connection_state ?? 'Connected',
      }));
      this.send(response, 200, { devices });
      return;
    }
    if (path === '/devices/images/directories') {
      const wanted = query.get('device_id');
      const devices = [...this.devices.values()]
        .filter(({ device }) => wanted === null || device.device_id === wanted)
        .map(({ device, directories }) => ({
          device_id: device.device_id,
          device_name: device.device_name ?? device.device_id,
          Image: [...directories.keys()],
        }));
      this.send(response, 200, [{ group_id: 'default', devices }]);
      return;
    }
    const results = /^\/devices\/([^/]+)\/inferenceresults$/.exec(path);
    if (results !== null) {
      this.inferenceResults(results[1], query, response);
      return;
    }
    const images = /^\/devices\/([^/]+)\/images\/directories\/([^/]+)$/.exec(path);
    if (images !== null) {
      this.images(images[1], images[2], query, response);
      return;
    }
    this.send(response, 404, errorBody('E_NOT_FOUND', `no route ${path}`));
  }

  private inferenceResults(deviceId: string, query: URLSearchParams, response: ServerResponse): void {
    const state = this.devices.get(deviceId);
    if (state === undefined) {
      this.send(response, 404, errorBody('E_DEVICE_NOT_FOUND', `device ${deviceId} not found`));
      return;
    }
    const count = Number(query.get('NumberOfInferenceresults'));
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      this.send(response, 400, errorBody('E_PARAMETER', 'NumberOfInferenceresults must be 1-10000'));
      return;
    }
    const filter = query.get('filter');
    const conditions = filter === null ? [] : parseFilter(filter);
    if (conditions === null) {
      this.send(response, 400, errorBody('E_PARAMETER', 'filter not understood'));
      return;
    }
    const matching: FakeRecord[] = [];
    for (const record of state.records) {
      if (matching.length === count) break;
      if (record.inferences.some((inference) => conditions.every((condition) => condition(inference.T)))) {
        matching.push(record);
      }
    }
    const raw = query.get('raw') === '1';
    this.send(
      response,
      200,
      matching.map((record) => ({
        id: record.id,
        device_id: deviceId,
        model_id: 'people-detection',
        model_version_id: 'people-detection:v1.01',
        inference_result: {
          DeviceID: deviceId,
          ModelID: 'people-detection',
          Image: true,
          Inferences: record.inferences.map((inference) => ({
            T: inference.T,
            O: raw ? (inference.rawO ?? encodeDetections(inference)) : 'decoded output omitted',
          })),
        },
      })),
    );
  }

  private images(deviceId: string, directory: string, query: URLSearchParams, response: ServerResponse): void {
    const state = this.devices.get(deviceId);
    if (state === undefined) {
      this.send(response, 404, errorBody('E_DEVICE_NOT_FOUND', `device ${deviceId} not found`));
      return;
    }
    const names = state.directories.get(directory);
    if (names === undefined) {
      this.send(response, 404, errorBody('E_DIRECTORY_NOT_FOUND', `directory ${directory} not found`));
      return;
    }
    const count = Number(query.get('number_of_images') ?? '50');
    const skip = Number(query.get('skip') ?? '0');
    const order = query.get('order_by') ?? 'ASC';
    if (!Number.isInteger(count) || count < 0 || count > 256 || !Number.isInteger(skip) || skip < 0) {
      this.send(response, 400, errorBody('E_PARAMETER', 'number_of_images must be 0-256 and skip >= 0'));
      return;
    }
    if (order !== 'ASC' && order !== 'DESC') {
      this.send(response, 400, errorBody('E_PARAMETER', 'order_by must be ASC or DESC'));
      return;
    }
    const positions = names.map((_, index) => index);
    if (order === 'DESC') positions.reverse();
    const page = positions.slice(skip, skip + count);
    this.send(response, 200, {
      total_image_count: names.length,
      images: page.map((index) => ({
        name: names[index],
        contents: this.jpegs[index % this.jpegs.length].toString('base64'),
      })),
    });
  }

  private send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (response.headersSent) return;
    let text = JSON.stringify(body);
    if (this.options.echoCredentialsInErrors && status >= 400) {
      text = JSON.stringify({ ...(body as object), echoed: this.options.clientSecret });
    }
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(text);
  }
}

function errorBody(code: string, message: string): Record<string, string> {
  return { result: 'ERROR', code, message, time: new Date(0).toISOString() };
}

const encodedDefaults = new Map<number, string>();

/** Base64 FlatBuffers of an inference's detections; default ones are encoded once per variant. */
function encodeDetections(inference: FakeInference): string {
  if (inference.detections !== undefined) {
    return Buffer.from(encodeObjectDetectionTop(inference.detections)).toString('base64');
  }
  const variant = Number(inference.T.slice(-6)) % DEFAULT_VARIANTS;
  let encoded = encodedDefaults.get(variant);
  if (encoded === undefined) {
    encoded = Buffer.from(encodeObjectDetectionTop(defaultDetections(inference.T))).toString('base64');
    encodedDefaults.set(variant, encoded);
  }
  return encoded;
}

function newestT(record: FakeRecord): string {
  let newest = '';
  for (const inference of record.inferences) if (inference.T > newest) newest = inference.T;
  return newest;
}

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * The T conditions of a Cosmos filter `EXISTS(SELECT VALUE i FROM i IN c.Inferences WHERE ...)`,
 * or null when the filter has another shape.
 */
function parseFilter(filter: string): ((t: string) => boolean)[] | null {
  const shape = /^EXISTS\(SELECT VALUE i FROM i IN c\.Inferences WHERE (.+)\)$/.exec(filter.trim());
  if (shape === null) return null;
  const conditions: ((t: string) => boolean)[] = [];
  for (const part of shape[1].split(' AND ')) {
    const condition = /^i\.T (>=|<=|>|<) "(\d{17})"$/.exec(part.trim());
    if (condition === null) return null;
    const [, operator, bound] = condition;
    conditions.push(
      operator === '>='
        ? (t) => t >= bound
        : operator === '<='
          ? (t) => t <= bound
          : operator === '>'
            ? (t) => t > bound
            : (t) => t < bound,
    );
  }
  return conditions;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
