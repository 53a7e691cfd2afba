import {
  ApiError,
  ApiErrorSchema,
  ApiEventSchema,
  apiMethodNames,
  type ApiEvent,
  type ApiMethodName,
  type PdmApi,
} from '../shared/api.js';
import { API_PREFIX, EVENTS_PATH, TOKEN_FRAGMENT_KEY, TOKEN_HEADER } from '../shared/web-protocol.js';

export type ApiEventListener = (event: ApiEvent) => void;
export type Unsubscribe = () => void;

/** What the views hold: the typed API plus the event stream. */
export interface ApiClient {
  readonly api: PdmApi;
  readonly onEvent: (listener: ApiEventListener) => Unsubscribe;
  readonly transport: 'electron' | 'http';
}

/**
 * What Electron's preload exposes as `window.pdm` (contextBridge): one async function per API method
 * plus `onEvent(listener) => unsubscribe`.
 */
export type PdmBridge = { readonly [M in ApiMethodName]?: PdmApi[M] } & {
  readonly onEvent?: (listener: ApiEventListener) => Unsubscribe;
};

declare global {
  interface Window {
    pdm?: PdmBridge;
  }
}

type AnyMethod = (input: unknown) => Promise<unknown>;

const buildApi = (call: (name: ApiMethodName, input: unknown) => Promise<unknown>): PdmApi =>
  Object.freeze(
    Object.fromEntries(apiMethodNames.map((name) => [name, (input: unknown) => call(name, input)])),
  ) as unknown as PdmApi;

/** Electron wraps errors thrown in main as "Error invoking remote method 'x': Error: message"; keep the message. */
export const cleanRemoteMessage = (message: string): string =>
  message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '');

const toError = (error: unknown): Error => {
  if (error instanceof Error) {
    const cleaned = cleanRemoteMessage(error.message);
    if (cleaned !== error.message) {
      const code = (error as { code?: unknown }).code;
      const parsed = ApiErrorSchema.shape.code.safeParse(code);
      return new ApiError(parsed.success ? parsed.data : 'failed', cleaned);
    }
    return error;
  }
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const shape = ApiErrorSchema.safeParse(error);
    if (shape.success) return new ApiError(shape.data.code, shape.data.message);
    return new Error(String((error as { message: unknown }).message));
  }
  return new Error(String(error));
};

/** The API through Electron's preload bridge. */
export const createBridgeClient = (bridge: PdmBridge): ApiClient => {
  const api = buildApi(async (name, input) => {
    const fn = bridge[name] as AnyMethod | undefined;
    if (typeof fn !== 'function') throw new ApiError('failed', `${name}: not exposed by the preload script`);
    try {
      return await fn(input ?? {});
    } catch (error) {
      throw toError(error);
    }
  });
  const onEvent = (listener: ApiEventListener): Unsubscribe => {
    if (typeof bridge.onEvent !== 'function') return () => undefined;
    return bridge.onEvent((raw) => {
      const parsed = ApiEventSchema.safeParse(raw);
      if (parsed.success) listener(parsed.data);
    });
  };
  return { api, onEvent, transport: 'electron' };
};

/** Minimal storage interface (sessionStorage in the browser). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const TOKEN_STORAGE_KEY = 'pdm-token';

/** The token from a `#token=...` fragment, if any. */
export const tokenFromHash = (hash: string): string | null => {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get(TOKEN_FRAGMENT_KEY);
  return token !== null && token !== '' ? token : null;
};

/** Token from the fragment (kept in storage for reloads) or from storage. */
export const readToken = (hash: string, storage: TokenStorage | null): string | null => {
  const fromHash = tokenFromHash(hash);
  if (fromHash !== null) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // Storage can be unavailable (privacy modes); the token still works for this page.
    }
    return fromHash;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
};

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number; statusText?: string; text(): Promise<string> }>;

export interface HttpApiOptions {
  readonly fetch: FetchLike;
  readonly token: string | null;
  /** Prefix before "/api/...", e.g. "http://127.0.0.1:4000"; empty for the page's own origin. */
  readonly baseUrl?: string;
}

/** The API over HTTP as web-protocol.ts describes it. */
export const createHttpApi = ({ fetch, token, baseUrl = '' }: HttpApiOptions): PdmApi =>
  buildApi(async (name, input) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers[TOKEN_HEADER] = token;
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await fetch(`${baseUrl}${API_PREFIX}${name}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(input ?? {}),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError('failed', `${name}: cannot reach the PdM Studio server (${reason})`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      throw new ApiError('failed', `${name}: unexpected answer from the server (HTTP ${status})`);
    }
    if (typeof body === 'object' && body !== null && 'ok' in body) {
      const envelope = body as { ok: unknown; result?: unknown; error?: unknown };
      if (envelope.ok === true) return envelope.result;
      const shape = ApiErrorSchema.safeParse(envelope.error);
      if (shape.success) throw new ApiError(shape.data.code, shape.data.message);
      const message =
        typeof envelope.error === 'object' && envelope.error !== null && 'message' in envelope.error
          ? String((envelope.error as { message: unknown }).message)
          : `${name}: request failed (HTTP ${response.status})`;
      throw new ApiError('failed', message);
    }
    throw new ApiError('failed', `${name}: malformed answer from the server (HTTP ${response.status})`);
  });

/** Minimal EventSource surface, so tests can pass a fake. */
export interface EventSourceLike {
  addEventListener(type: 'message', listener: (event: { data: string }) => void): void;
  close(): void;
}

/**
 * One shared EventSource, opened with the first listener and closed with the last; each `data:` line
 * carries one ApiEvent as JSON (invalid ones are ignored).
 */
export const createEventHub = (open: () => EventSourceLike): ((listener: ApiEventListener) => Unsubscribe) => {
  const listeners = new Set<ApiEventListener>();
  let source: EventSourceLike | null = null;
  return (listener) => {
    listeners.add(listener);
    if (source === null) {
      source = open();
      source.addEventListener('message', (message) => {
        let raw: unknown;
        try {
          raw = JSON.parse(message.data);
        } catch {
          return;
        }
        const parsed = ApiEventSchema.safeParse(raw);
        if (!parsed.success) return;
        for (const l of [...listeners]) l(parsed.data);
      });
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source !== null) {
        source.close();
        source = null;
      }
    };
  };
};

export const eventsUrl = (token: string | null, baseUrl = ''): string =>
  `${baseUrl}${EVENTS_PATH}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

export interface HttpClientOptions extends HttpApiOptions {
  readonly openEvents: (url: string) => EventSourceLike;
}

export const createHttpClient = (options: HttpClientOptions): ApiClient => ({
  api: createHttpApi(options),
  onEvent: createEventHub(() => options.openEvents(eventsUrl(options.token, options.baseUrl))),
  transport: 'http',
});

const sessionStorageOrNull = (): TokenStorage | null => {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
};

/**
 * The client for this page: the preload bridge under Electron, HTTP with the per-launch token in a browser.
 * In a browser the `#token=` fragment is moved to sessionStorage and removed from the address bar.
 */
export const createApiClient = (): ApiClient => {
  if (typeof window !== 'undefined' && window.pdm !== undefined) return createBridgeClient(window.pdm);
  const token = readToken(window.location.hash, sessionStorageOrNull());
  if (tokenFromHash(window.location.hash) !== null) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return createHttpClient({
    fetch: (url, init) => window.fetch(url, init),
    token,
    openEvents: (url) => new EventSource(url),
  });
};
