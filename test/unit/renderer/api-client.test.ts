import { describe, expect, it, vi } from 'vitest';
import { ApiError, apiMethodNames, type ApiEvent } from '../../../src/shared/api.js';
import {
  TOKEN_STORAGE_KEY,
  cleanRemoteMessage,
  createBridgeClient,
  createEventHub,
  createHttpApi,
  eventsUrl,
  readToken,
  tokenFromHash,
  type EventSourceLike,
  type FetchLike,
  type PdmBridge,
} from '../../../src/renderer/api-client.js';

const reply = (status: number, body: unknown): Awaited<ReturnType<FetchLike>> => ({
  ok: status < 400,
  status,
  statusText: '',
  text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('token handling', () => {
  it('reads the token from the fragment and keeps it for reloads', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    expect(tokenFromHash('#token=abc123')).toBe('abc123');
    expect(tokenFromHash('#other=1&token=x%2By')).toBe('x+y');
    expect(tokenFromHash('')).toBeNull();
    expect(readToken('#token=abc123', storage)).toBe('abc123');
    expect(store.get(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(readToken('', storage)).toBe('abc123');
    expect(readToken('', null)).toBeNull();
  });
});

describe('createHttpApi', () => {
  it('has one function per API method', () => {
    const api = createHttpApi({ fetch: vi.fn(), token: 't' });
    for (const name of apiMethodNames) expect(typeof api[name]).toBe('function');
    expect(Object.keys(api).sort()).toEqual([...apiMethodNames].sort());
  });

  it('POSTs JSON to /api/<method> with the token header and returns the result', async () => {
    const fetch = vi.fn<FetchLike>(async () => reply(200, { ok: true, result: { supported: false, paths: [] } }));
    const api = createHttpApi({ fetch, token: 'secret' });
    await expect(api.selectPath({ kind: 'directory' })).resolves.toEqual({ supported: false, paths: [] });
    expect(fetch).toHaveBeenCalledWith('/api/selectPath', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pdm-token': 'secret' },
      body: JSON.stringify({ kind: 'directory' }),
    });
  });

  it('sends an empty object for methods without arguments and honours a base URL', async () => {
    const fetch = vi.fn<FetchLike>(async () => reply(200, { ok: true, result: [] }));
    const api = createHttpApi({ fetch, token: null, baseUrl: 'http://127.0.0.1:9' });
    await api.listSignals({});
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:9/api/listSignals');
    expect(init.body).toBe('{}');
    expect(init.headers).not.toHaveProperty('x-pdm-token');
  });

  it('throws the server error with its message and code', async () => {
    const fetch = vi.fn<FetchLike>(async () =>
      reply(404, { ok: false, error: { code: 'no-workspace', message: 'no workspace is open' } }),
    );
    const api = createHttpApi({ fetch, token: 't' });
    const error = await api.listSignals({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: 'no workspace is open', code: 'no-workspace' });
  });

  it('reports non-JSON answers and network failures clearly', async () => {
    const html = createHttpApi({ fetch: async () => reply(502, '<html>bad gateway</html>'), token: 't' });
    await expect(html.getAppInfo({})).rejects.toThrow(/getAppInfo: unexpected answer from the server \(HTTP 502\)/);
    const down = createHttpApi({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
      token: 't',
    });
    await expect(down.getAppInfo({})).rejects.toThrow(/cannot reach the PdM Studio server \(Failed to fetch\)/);
  });
});

describe('events over SSE', () => {
  class FakeSource implements EventSourceLike {
    listener: ((e: { data: string }) => void) | null = null;
    closed = false;
    addEventListener(_type: 'message', listener: (e: { data: string }) => void) {
      this.listener = listener;
    }
    close() {
      this.closed = true;
    }
    emit(data: string) {
      this.listener?.({ data });
    }
  }

  it('shares one source, parses and validates events, closes with the last listener', () => {
    const sources: FakeSource[] = [];
    const subscribe = createEventHub(() => {
      const s = new FakeSource();
      sources.push(s);
      return s;
    });
    const a: ApiEvent[] = [];
    const b: ApiEvent[] = [];
    const offA = subscribe((e) => a.push(e));
    const offB = subscribe((e) => b.push(e));
    expect(sources).toHaveLength(1);
    const source = sources[0]!;
    source.emit(JSON.stringify({ type: 'workspace-changed' }));
    source.emit('not json');
    source.emit(JSON.stringify({ type: 'unknown' }));
    source.emit(JSON.stringify({ type: 'job-progress', jobId: 'j', fraction: null, message: 'm' }));
    expect(a).toEqual([
      { type: 'workspace-changed' },
      { type: 'job-progress', jobId: 'j', fraction: null, message: 'm' },
    ]);
    expect(b).toHaveLength(2);
    offA();
    expect(source.closed).toBe(false);
    offB();
    expect(source.closed).toBe(true);
    subscribe(() => undefined);
    expect(sources).toHaveLength(2);
  });

  it('puts the token in the query string', () => {
    expect(eventsUrl('a b')).toBe('/api/events?token=a%20b');
    expect(eventsUrl(null)).toBe('/api/events');
  });
});

describe('bridge client', () => {
  it('forwards calls and events, and cleans Electron error prefixes', async () => {
    let listener: ((e: ApiEvent) => void) | null = null;
    const bridge: PdmBridge = {
      listSignals: async () => [],
      getAppInfo: async () => {
        throw new Error("Error invoking remote method 'pdm:getAppInfo': Error: disk full");
      },
      onEvent: (l) => {
        listener = l;
        return () => {
          listener = null;
        };
      },
    };
    const client = createBridgeClient(bridge);
    await expect(client.api.listSignals({})).resolves.toEqual([]);
    await expect(client.api.getAppInfo({})).rejects.toThrow(/^disk full$/);
    await expect(client.api.getJob({ jobId: 'x' })).rejects.toThrow(/not exposed by the preload/);
    const seen: ApiEvent[] = [];
    const off = client.onEvent((e) => seen.push(e));
    (listener as ((e: ApiEvent) => void) | null)?.({ type: 'workspace-changed' });
    expect(seen).toEqual([{ type: 'workspace-changed' }]);
    off();
    expect(listener).toBeNull();
    expect(cleanRemoteMessage("Error invoking remote method 'x': ApiError: nope")).toBe('nope');
  });
});
