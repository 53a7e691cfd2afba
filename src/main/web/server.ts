import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ApiEvent } from '../../shared/api.js';
import { CONTENT_SECURITY_POLICY, CROSS_ORIGIN_ISOLATION_HEADERS } from '../../shared/content-security-policy.js';
import { API_PREFIX, EVENTS_PATH, TOKEN_FRAGMENT_KEY, TOKEN_HEADER } from '../../shared/web-protocol.js';
import type { CoreService } from '../core/app/app-core.js';
import { dispatch } from '../core/app/dispatch.js';
import { log } from '../core/log/logger.js';

export interface WebServerOptions {
  readonly core: CoreService;
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Fixed token for tests; a fresh random one per launch otherwise. */
  readonly token?: string;
}

export interface WebServer {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly close: () => Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
/** The renderer training engine returns a whole run (weights, predictions, TypedJson) in one call. */
const LARGE_BODY_METHODS: Readonly<Record<string, number>> = { finishTrainingHandoff: 512 << 20 };

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  ...CROSS_ORIGIN_ISOLATION_HEADERS,
  'cross-origin-resource-policy': 'same-origin',
} as const;

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'invalid-argument': 400,
  'no-workspace': 409,
  'not-found': 404,
  cancelled: 409,
  'untrusted-certificate': 502,
  forbidden: 403,
  unauthorized: 401,
  conflict: 409,
  integrity: 409,
  failed: 500,
};

const sameSecret = (given: string | null | undefined, expected: string): boolean => {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const readBody = async (req: IncomingMessage, limit: number): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Browser mode: the API contract over HTTP, bound to loopback, every call authorised by a per-launch token.
 * Host and Origin are checked too, so a page from another site cannot reach the API through DNS rebinding.
 */
export const startWebServer = async (options: WebServerOptions): Promise<WebServer> => {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const staticRoot = resolve(options.staticDir);
  const { core } = options;
  const clients = new Set<ServerResponse>();
  let allowedHosts: readonly string[] = [];

  const unsubscribe = core.onEvent((event: ApiEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of clients) client.write(frame);
  });

  const serveStatic = async (pathname: string, res: ServerResponse) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      // A malformed percent-escape (e.g. "/%") is the client's mistake, not a server failure.
      sendJson(res, 400, {
        ok: false,
        error: { code: 'invalid-argument', message: `malformed URL path: ${JSON.stringify(pathname.slice(0, 80))}` },
      });
      return;
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    const file = resolve(staticRoot, relative);
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
      sendJson(res, 403, { ok: false, error: { code: 'invalid-argument', message: 'forbidden path' } });
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': extname(file) === '.html' ? 'no-store' : 'max-age=3600',
      });
      res.end(body);
    } catch {
      sendJson(res, 404, { ok: false, error: { code: 'not-found', message: `no such file: ${pathname}` } });
    }
  };

  /** A refused request, logged with its path and reason (never the token it carried or lacked). */
  const refuse = (res: ServerResponse, status: number, message: string, path: string) => {
    log.warn('web', 'request refused', { status, path, reason: message });
    sendJson(res, status, { ok: false, error: { code: 'invalid-argument', message } });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      if (!allowedHosts.includes(req.headers.host ?? '')) {
        refuse(res, 421, 'unexpected Host header', url.pathname);
        return;
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
        refuse(res, 403, 'cross-origin request refused', url.pathname);
        return;
      }
      if (url.pathname === EVENTS_PATH) {
        if (!sameSecret(url.searchParams.get('token'), token)) {
          refuse(res, 401, 'missing or wrong token', url.pathname);
          return;
        }
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        clients.add(res);
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(keepAlive);
          clients.delete(res);
        });
        return;
      }
      if (url.pathname.startsWith(API_PREFIX)) {
        if (req.method !== 'POST') {
          sendJson(res, 405, { ok: false, error: { code: 'invalid-argument', message: 'use POST' } });
          return;
        }
        if (!sameSecret(req.headers[TOKEN_HEADER] as string | undefined, token)) {
          refuse(res, 401, 'missing or wrong token', url.pathname);
          return;
        }
        let args: unknown;
        try {
          const name = url.pathname.slice(API_PREFIX.length);
          const body = await readBody(req, LARGE_BODY_METHODS[name] ?? MAX_BODY_BYTES);
          args = body.length === 0 ? {} : JSON.parse(body);
        } catch (error) {
          sendJson(res, 400, {
            ok: false,
            error: { code: 'invalid-argument', message: `bad request body: ${(error as Error).message}` },
          });
          return;
        }
        const result = await dispatch(core.handlers, url.pathname.slice(API_PREFIX.length), args);
        sendJson(res, result.ok ? 200 : (STATUS_BY_CODE[result.error.code] ?? 500), result);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { ok: false, error: { code: 'invalid-argument', message: 'method not allowed' } });
        return;
      }
      await serveStatic(url.pathname, res);
    })().catch((error: unknown) => {
      log.error('web', 'request failed', { path: (req.url ?? '').split('?')[0] ?? '', error });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'failed', message: String(error) } });
      else res.end();
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = [`${host}:${port}`, `localhost:${port}`];
  const origin = `http://${host}:${port}`;
  return {
    url: `${origin}/#${TOKEN_FRAGMENT_KEY}=${token}`,
    origin,
    token,
    close: async () => {
      unsubscribe();
      for (const client of clients) client.end();
      const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      // A page that polls (the follow switch's countdown, every second) keeps its keep-alive connection busy, so
      // close() alone waited as long as the page stayed open: idle connections go now, busy ones after 2 s.
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(cut);
    },
  };
};

export const defaultStaticDir = (distMainWebDir: string): string => join(distMainWebDir, '..', '..', 'renderer');
