/**
 * The renderer's one `ApiClient`, over two transports: the Electron preload's bridge, or the
 * web host's HTTP (`POST /api/<name>`) and WebSocket (`/events`). Components see only the
 * interface.
 */
import {
  ApiError,
  UPLOAD_PATH,
  type ApiClient,
  type ApiErrorBody,
  type ApiEvent,
  type ApiEventListener,
  type PreloadBridge,
  type RequestName,
  type RequestOf,
  type ResponseOf,
  type UploadAnswer,
} from '../../src-shared/api.js';

/** The part of the WebSocket API the client uses (the browser's, or `ws` in Node tests). */
export interface EventSocket {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close' | 'open', listener: () => void): void;
  close(): void;
}

export interface HttpClientOptions {
  /** `http://127.0.0.1:PORT` (no trailing slash); `''` for the page's own origin. */
  baseUrl: string;
  token: string;
  fetchImpl?: typeof fetch;
  openSocket: (url: string) => EventSocket;
}

export interface ClosableApiClient extends ApiClient {
  close(): void;
}

const RECONNECT_DELAY_MS = 1000;

export function httpClient(options: HttpClientOptions): ClosableApiClient {
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const listeners = new Set<ApiEventListener>();
  let socket: EventSocket | null = null;
  let closed = false;

  const connect = (): void => {
    const base = options.baseUrl === '' ? window.location.origin : options.baseUrl;
    const url = `${base.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(options.token)}`;
    const opened = options.openSocket(url);
    socket = opened;
    opened.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      const parsed = JSON.parse(event.data) as ApiEvent;
      for (const listener of listeners) listener(parsed);
    });
    // A host restarted or a laptop woken from sleep: reconnect rather than go silent.
    opened.addEventListener('close', () => {
      if (!closed) setTimeout(connect, RECONNECT_DELAY_MS);
    });
  };

  return {
    async call<K extends RequestName>(name: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
      let response: Response;
      try {
        response = await fetchImpl(`${options.baseUrl}/api/${name}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
          body: JSON.stringify(request),
        });
      } catch {
        throw new ApiError('cannot reach crowdheat: is `crowdheat serve` still running?', 'NetworkError');
      }
      return answerOf<ResponseOf<K>>(response, `${name} failed`);
    },
    async localPath(file) {
      let response: Response;
      try {
        // The File as the body: the browser streams it from disk, never holding a video in memory.
        response = await fetchImpl(`${options.baseUrl}${UPLOAD_PATH}?name=${encodeURIComponent(file.name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${options.token}` },
          body: file,
        });
      } catch {
        throw new ApiError(`${file.name}: cannot send it to crowdheat: is \`crowdheat serve\` still running?`, 'NetworkError');
      }
      return (await answerOf<UploadAnswer>(response, `${file.name}: upload failed`)).path;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (socket === null) connect();
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}

export function bridgeClient(bridge: PreloadBridge): ApiClient {
  return {
    async call<K extends RequestName>(name: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
      const result = await bridge.invoke(name, request);
      if (!result.ok) throw new ApiError(result.error.message, result.error.name);
      return result.value as ResponseOf<K>;
    },
    subscribe: (listener) => bridge.onEvent(listener),
    async localPath(file) {
      const path = bridge.pathForFile(file);
      if (path === '') throw new ApiError(`${file.name}: not a file on this computer (drop it from a folder)`, 'InputError');
      return path;
    },
  };
}

/** The JSON body of a successful answer, or an ApiError carrying the host's message. */
async function answerOf<T>(response: Response, failure: string): Promise<T> {
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (body as ApiErrorBody | null)?.error;
    throw new ApiError(error?.message ?? `${failure} (HTTP ${response.status})`, error?.name ?? 'HttpError');
  }
  return body as T;
}

/** The client for this page: Electron's bridge when present, else the web host named by the page's URL. */
export function connectApi(): ApiClient {
  const bridge = (window as { crowdheat?: PreloadBridge }).crowdheat;
  if (bridge !== undefined) return bridgeClient(bridge);
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  return httpClient({ baseUrl: '', token, openSocket: (url) => new WebSocket(url) });
}

/** A message for a person from anything a request may throw. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
