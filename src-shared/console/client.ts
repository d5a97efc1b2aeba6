/**
 * AITRIOS Console REST client (SPEC §6). It uses the global `fetch` alone, so the same code runs
 * in Node (the CLI, the pipeline process) and in a browser.
 *
 * Every request goes through one path: a bearer token (fetched with the client-credentials
 * grant, renewed 180 s before it expires and once more when the Console answers 401), bounded
 * retries with exponential backoff and full jitter on 429, 5xx and connection failures
 * (`Retry-After` wins when the Console sends it), a per-attempt timeout and the caller's abort
 * signal. The client secret and the tokens are scrubbed from every message it builds.
 *
 * ```ts
 * const client = new ConsoleClient(credentials);
 * const devices = await client.listDevices();
 * ```
 */
import { CancelledError } from '../errors.js';
import { ConsoleApiError, ConsoleCredentialsError, ConsoleError, ConsoleUnreachableError } from './errors.js';
import type {
  ConsoleCredentials,
  ConsoleDevice,
  ConsoleImagePage,
  ImageDirectoryGroup,
  ImageOrder,
} from './types.js';
import { isPlainObject } from '../objects.js';

/** How hard and how long the client tries; tests shrink these so faults cost milliseconds. */
export interface RetryDelays {
  /** Tries of one request, the first included. */
  attempts: number;
  /** Backoff before retry k (from 1) is uniform in [0, min(capMs, baseMs · 2^(k-1))). */
  baseMs: number;
  capMs: number;
  /** A `Retry-After` longer than this is cut to it, so a confused server cannot stall a run for hours. */
  maxRetryAfterMs: number;
  /**
   * Limit of one attempt: for the answer's headers, and again for each piece of its body (so a
   * large answer that keeps arriving is not cut, but one that stops is).
   */
  timeoutMs: number;
  /**
   * Limit of one request, every attempt and every wait between attempts included: a retry is
   * made only when its wait and its whole `timeoutMs` fit in what is left.
   */
  budgetMs: number;
  /** Waits between tries; rejects when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1): the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY_DELAYS: Readonly<RetryDelays> = Object.freeze({
  attempts: 5,
  baseMs: 500,
  capMs: 30_000,
  maxRetryAfterMs: 30_000,
  timeoutMs: 20_000,
  budgetMs: 50_000,
  sleep: abortableSleep,
  random: Math.random,
});

export interface ConsoleClientOptions {
  fetchImpl?: typeof fetch;
  /** Largest answer body read, in bytes (default MAX_RESPONSE_BYTES); a longer one is an error, not retried. */
  maxResponseBytes?: number;
  delays?: Partial<RetryDelays>;
  /** Clock for token expiry (ms since the epoch). */
  now?: () => number;
}

export interface InferenceResultsQuery {
  deviceId: string;
  /** `NumberOfInferenceresults`: the newest `count` records (1–10000). */
  count: number;
  /** Cosmos DB condition on the records, e.g. from `inferenceFilter`. */
  filter?: string;
  /** 1 asks for the device's payload as sent (`inference_result` with base64 outputs). */
  raw?: 0 | 1;
  signal?: AbortSignal;
}

export interface ImagesQuery {
  deviceId: string;
  subDirectory: string;
  /** `number_of_images`: 0–256 a request. */
  count: number;
  skip?: number;
  orderBy?: ImageOrder;
  signal?: AbortSignal;
}

/** Most records one inference-results request may ask for. */
export const MAX_INFERENCE_RESULTS_PER_REQUEST = 10_000;
/** Most images one images request may ask for. */
export const MAX_IMAGES_PER_REQUEST = 256;
/**
 * Largest answer body the client reads (bytes): 10,000 inference records with their raw payloads
 * take a few tens of MB. A body that goes on past it is abandoned, so memory stays bounded.
 */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Tokens are renewed this long before they expire. */
const TOKEN_RENEWAL_MARGIN_MS = 180_000;

interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
}

interface HeldToken {
  value: string;
  renewAt: number;
}

export class ConsoleClient {
  private readonly fetchImpl: typeof fetch;
  private readonly delays: RetryDelays;
  private readonly now: () => number;
  private readonly apiBase: string;
  private readonly maxResponseBytes: number;
  private token: HeldToken | null = null;
  private pendingToken: Promise<string> | null = null;
  /** Every token this client was given, so none can leak through a quoted server message. */
  private readonly issuedTokens = new Set<string>();

  constructor(
    private readonly credentials: ConsoleCredentials,
    options: ConsoleClientOptions = {},
  ) {
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.delays = { ...DEFAULT_RETRY_DELAYS, ...options.delays };
    this.now = options.now ?? Date.now;
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.apiBase = credentials.console_endpoint.replace(/\/+$/, '');
  }

  /** Fetches a token now (renewing any held one): the cheapest check that the credentials work. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    this.token = null;
    await this.accessToken(signal);
  }

  async listDevices(signal?: AbortSignal): Promise<ConsoleDevice[]> {
    const body = await this.getJson('/devices', new URLSearchParams(), signal);
    const devices = isPlainObject(body) ? body.devices : undefined;
    if (!Array.isArray(devices)) throw this.unexpected('GET', '/devices', 'no "devices" list');
    return devices.filter(
      (device): device is ConsoleDevice => isPlainObject(device) && typeof device.device_id === 'string',
    );
  }

  async listImageDirectories(deviceId?: string, signal?: AbortSignal): Promise<ImageDirectoryGroup[]> {
    const query = new URLSearchParams();
    if (deviceId !== undefined) query.set('device_id', deviceId);
    const path = '/devices/images/directories';
    const body = await this.getJson(path, query, signal);
    if (!Array.isArray(body)) throw this.unexpected('GET', path, 'not a list of groups');
    return body.filter((group): group is ImageDirectoryGroup => isPlainObject(group) && Array.isArray(group.devices));
  }

  /**
   * The newest `count` records of a device matching `filter`, newest first. Records are returned
   * as the Console sent them: a source checks each one and skips the malformed.
   */
  async getInferenceResults(query: InferenceResultsQuery): Promise<unknown[]> {
    if (!Number.isInteger(query.count) || query.count < 1 || query.count > MAX_INFERENCE_RESULTS_PER_REQUEST) {
      throw new RangeError(`NumberOfInferenceresults must be 1–${MAX_INFERENCE_RESULTS_PER_REQUEST}, got ${query.count}`);
    }
    const params = new URLSearchParams({ NumberOfInferenceresults: String(query.count) });
    if (query.filter !== undefined) params.set('filter', query.filter);
    params.set('raw', String(query.raw ?? 1));
    const path = `/devices/${encodeURIComponent(query.deviceId)}/inferenceresults`;
    const body = await this.getJson(path, params, query.signal);
    if (Array.isArray(body)) return body;
    // Some Console deployments wrap the list; accept that shape too.
    if (isPlainObject(body) && Array.isArray(body.data)) return body.data;
    throw this.unexpected('GET', path, 'not a list of records');
  }

  async getImages(query: ImagesQuery): Promise<ConsoleImagePage> {
    if (!Number.isInteger(query.count) || query.count < 0 || query.count > MAX_IMAGES_PER_REQUEST) {
      throw new RangeError(`number_of_images must be 0–${MAX_IMAGES_PER_REQUEST} a request, got ${query.count}`);
    }
    const params = new URLSearchParams({
      number_of_images: String(query.count),
      skip: String(query.skip ?? 0),
      order_by: query.orderBy ?? 'ASC',
    });
    const path =
      `/devices/${encodeURIComponent(query.deviceId)}` +
      `/images/directories/${encodeURIComponent(query.subDirectory)}`;
    const body = await this.getJson(path, params, query.signal);
    if (!isPlainObject(body) || !Array.isArray(body.images)) throw this.unexpected('GET', path, 'no "images" list');
    const images = body.images.filter(
      (image): image is { name: string; contents: string } =>
        isPlainObject(image) && typeof image.name === 'string' && typeof image.contents === 'string',
    );
    const total = typeof body.total_image_count === 'number' ? body.total_image_count : images.length;
    return { total_image_count: total, images };
  }

  private async getJson(path: string, query: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    const search = query.size > 0 ? `?${query.toString()}` : '';
    const url = `${this.apiBase}${path}${search}`;
    let renewed = false;
    for (;;) {
      const token = await this.accessToken(signal);
      const answer = await this.send(
        this.credentials.console_endpoint,
        url,
        { method: 'GET', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
        signal,
      );
      if (answer.status === 401 && !renewed) {
        // Expired early or revoked: one fresh token, then a 401 is final.
        renewed = true;
        if (this.token?.value === token) this.token = null;
        continue;
      }
      if (answer.status < 200 || answer.status >= 300) throw this.apiError(answer, 'GET', path);
      return this.parseJson(answer, 'GET', path);
    }
  }

  private async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token !== null && this.now() < this.token.renewAt) return this.token.value;
    // Concurrent requests share one token request.
    this.pendingToken ??= this.requestToken(signal).finally(() => {
      this.pendingToken = null;
    });
    return this.pendingToken;
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const { portal_authorization_endpoint: endpoint, client_id: clientId, client_secret: clientSecret } =
      this.credentials;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: 'system',
    });
    const answer = await this.send(
      endpoint,
      endpoint,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
      },
      signal,
    );
    const path = pathOf(endpoint);
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      throw new ConsoleCredentialsError(
        this.scrub(
          `Console rejected the credentials (client_id ${clientId}): ${describeAuthError(answer)} ` +
            `(HTTP ${answer.status}, POST ${path}); check client_id and client_secret`,
        ),
      );
    }
    if (answer.status < 200 || answer.status >= 300) throw this.apiError(answer, 'POST', path);
    const body = this.parseJson(answer, 'POST', path);
    const value = isPlainObject(body) ? body.access_token : undefined;
    if (typeof value !== 'string' || value === '') {
      throw this.unexpected('POST', path, 'no access_token in the answer');
    }
    this.issuedTokens.add(value);
    const lifetimeMs = isPlainObject(body) && typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3_600_000;
    // Short-lived tokens would otherwise be renewed before every request: keep at least half their life.
    const usableMs = Math.max(lifetimeMs - TOKEN_RENEWAL_MARGIN_MS, lifetimeMs / 2);
    this.token = { value, renewAt: this.now() + usableMs };
    return value;
  }

  /**
   * One request with retries, within `budgetMs` in all. Returns the last answer, whatever its
   * status, once it is not worth retrying, the attempts are spent or the budget would be
   * overrun; throws only when no answer came at all (ConsoleUnreachableError naming `endpoint`),
   * when the body is longer than the cap (ConsoleError), or on cancel (CancelledError).
   */
  private async send(endpoint: string, url: string, init: RequestInit, signal?: AbortSignal): Promise<HttpAnswer> {
    const { attempts, timeoutMs, budgetMs } = this.delays;
    const limitMs = Math.min(timeoutMs, budgetMs);
    const started = performance.now();
    // A retry starts only if it can have its whole limit, with its wait, inside the budget.
    const roomFor = (waitMs: number): boolean => performance.now() - started + waitMs + limitMs <= budgetMs;
    let lastReason = '';
    let lastTimedOut = false;
    let tries = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (signal?.aborted) throw new CancelledError();
      tries = attempt;
      let answer: HttpAnswer;
      try {
        answer = await this.attempt(url, init, limitMs, budgetMs - (performance.now() - started), signal);
      } catch (error) {
        if (signal?.aborted) throw new CancelledError();
        if (error instanceof ConsoleError) throw error;
        const reason = connectionFailure(error);
        if (reason === null) throw error;
        lastReason = reason;
        lastTimedOut = error instanceof AttemptTimeout;
        const wait = this.backoffMs(attempt);
        if (attempt === attempts || !roomFor(wait)) break;
        await this.pause(wait, signal);
        continue;
      }
      const retryable = answer.status === 429 || answer.status >= 500;
      if (!retryable || attempt === attempts) return answer;
      const wait = this.retryAfterMs(answer.headers) ?? this.backoffMs(attempt);
      if (!roomFor(wait)) return answer;
      await this.pause(wait, signal);
    }
    const elapsed = formatSeconds(performance.now() - started);
    const tried = tries === 1 ? '1 attempt' : `${tries} attempts`;
    const each = lastTimedOut ? `, each up to ${formatSeconds(limitMs)} s` : '';
    throw new ConsoleUnreachableError(
      withoutUserInfo(endpoint),
      this.scrub(`${lastReason} (${tried}${each}, ${elapsed} s in all)`),
    );
  }

  /**
   * One attempt: the answer's headers within `limitMs`, then its body with at most `limitMs`
   * between pieces and at most `maxResponseBytes` in all. The timer and the listener on the
   * caller's signal are held by this call until it settles: a signal combined with
   * `AbortSignal.any` can be garbage-collected in Node 20 while fetch waits, and never fire.
   * The whole attempt also ends at `deadlineMs` (what is left of the request's budget), so a body
   * that trickles a byte now and then, each piece inside `limitMs`, cannot hold a run forever.
   */
  private async attempt(
    url: string,
    init: RequestInit,
    limitMs: number,
    deadlineMs: number,
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, limitMs);
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, Math.max(0, deadlineMs));
    const onCancel = (): void => controller.abort();
    signal?.addEventListener('abort', onCancel, { once: true });
    arm();
    try {
      const response = await this.fetchImpl(url, { ...init, signal: controller.signal });
      const body = await this.readBody(response, init.method ?? 'GET', pathOf(url), arm);
      return { status: response.status, statusText: response.statusText, headers: response.headers, body };
    } catch (error) {
      if (timedOut && !(error instanceof ConsoleError)) throw new AttemptTimeout(limitMs);
      throw error;
    } finally {
      clearTimeout(timer);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onCancel);
    }
  }

  /** The body as text, refusing one longer than the cap; `progress` is called at every piece. */
  private async readBody(response: Response, method: string, path: string, progress: () => void): Promise<string> {
    const declared = Number(response.headers.get('content-length'));
    const tooLong = (): ConsoleError =>
      new ConsoleError(
        `Console: the answer to ${method} ${path} is longer than ${formatBytes(this.maxResponseBytes)}; ` +
          'ask for fewer records a request',
      );
    if (Number.isFinite(declared) && declared > this.maxResponseBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLong();
    }
    if (response.body === null) return '';
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parts: string[] = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      progress();
      length += value.byteLength;
      if (length > this.maxResponseBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLong();
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  }

  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.delays.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      throw error;
    }
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.delays.capMs, this.delays.baseMs * 2 ** (attempt - 1));
    return Math.floor(this.delays.random() * ceiling);
  }

  /** `Retry-After` as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
  private retryAfterMs(headers: Headers): number | null {
    const value = headers.get('retry-after')?.trim();
    if (value === undefined || value === '') return null;
    let ms: number;
    if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
    else {
      const at = Date.parse(value);
      if (Number.isNaN(at)) return null;
      ms = at - this.now();
    }
    return Math.min(Math.max(ms, 0), this.delays.maxRetryAfterMs);
  }

  private parseJson(answer: HttpAnswer, method: string, path: string): unknown {
    try {
      return JSON.parse(answer.body);
    } catch {
      throw this.unexpected(method, path, `not JSON (HTTP ${answer.status})`);
    }
  }

  private apiError(answer: HttpAnswer, method: string, path: string): ConsoleApiError {
    const body = tryParseJson(answer.body);
    // The documented shape is ConsoleErrorBody; anything else still yields a readable line.
    const errorBody: Record<string, unknown> = isPlainObject(body) ? body : {};
    const code =
      typeof errorBody.code === 'string' || typeof errorBody.code === 'number'
        ? String(errorBody.code)
        : String(answer.status);
    const detail =
      typeof errorBody.message === 'string' && errorBody.message !== ''
        ? errorBody.message
        : answer.statusText || oneLine(answer.body) || 'no message';
    return new ConsoleApiError(answer.status, this.scrub(oneLine(code)), this.scrub(oneLine(detail)), method, path);
  }

  private unexpected(method: string, path: string, what: string): ConsoleError {
    return new ConsoleError(`Console: unexpected answer to ${method} ${path}: ${what}`);
  }

  /** Replaces the secret and every token with a marker. */
  private scrub(text: string): string {
    let result = text;
    for (const secret of [this.credentials.client_secret, ...this.issuedTokens]) {
      if (secret.length > 0) result = result.split(secret).join('[redacted]');
    }
    return result;
  }
}

/** An attempt that got no answer (or no more of its body) within its limit. */
class AttemptTimeout extends Error {
  constructor(readonly limitMs: number) {
    super('no answer in time');
  }
}

/** Milliseconds as seconds with at most one decimal: 20000 → "20", 1250 → "1.3". */
function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** The reason to show for a failed attempt that deserves a retry, or null for any other error. */
function connectionFailure(error: unknown): string | null {
  if (error instanceof AttemptTimeout) return error.message;
  if (error instanceof TypeError) {
    const cause: unknown = error.cause;
    if (isPlainObject(cause)) {
      if (typeof cause.message === 'string' && cause.message !== '') return oneLine(cause.message);
      if (typeof cause.code === 'string') return cause.code;
    }
    return oneLine(error.message);
  }
  return null;
}

function describeAuthError(answer: HttpAnswer): string {
  const body = tryParseJson(answer.body);
  if (isPlainObject(body)) {
    for (const key of ['error_description', 'message', 'error', 'code']) {
      const value = body[key];
      if (typeof value === 'string' && value !== '') return oneLine(value);
    }
  }
  return answer.statusText || 'refused';
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}


function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function withoutUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
