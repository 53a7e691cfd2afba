import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { log as structuredLog } from '../log/logger.js';
import { HTTP_STATUS, RegistryError } from './errors.js';
import type { FolderStore, Staged } from './folder-store.js';
import { SUMS_FILE } from './hash.js';
import { defaultKeyDir, loadOrCreateKey, SERVER_PRINCIPAL, type SigningKey } from './keys.js';
import { checkFileName, checkModelName, sameUser } from './names.js';
import type { GovernAction, VersionRef } from './registry-types.js';
import { GENERATED_FILES, MANIFEST_FILE, MODEL_CARD_FILE } from './run-source.js';
import { mayDo, type Operation, type RegistryUser, type UserDirectory } from './users.js';
import { verifyRegistry } from './verify.js';

/**
 * The registry over HTTP(S): the same FolderStore behind bearer tokens and roles.
 *
 *   GET    /v1/whoami
 *   GET    /v1/models
 *   GET    /v1/models/<name>/versions/<n|production|latest>
 *   GET    /v1/models/<name>/versions/<n|production|latest>/files/<file>
 *   POST   /v1/models/<name>/(approve|reject|promote|rollback|archive)   {"version":n,"reason":"..."}
 *   POST   /v1/uploads                      {"name":"<model>"}        -> {"uploadId","maxBytes"}
 *   PUT    /v1/uploads/<id>/files/<file>    raw bytes                 -> {"sha256","bytes"}
 *   POST   /v1/uploads/<id>/commit          {"files":{"<file>":"<sha256>"}} -> {"name","version"}
 *   DELETE /v1/uploads/<id>
 *   GET    /v1/verify
 *
 * Every path segment is decoded once and checked against a strict pattern; anything with "..", a
 * backslash, an encoded slash, or an empty segment is refused before routing. Uploads land in a staging
 * folder, are hashed as they arrive, and become visible only through the same commit as a folder publish.
 */
export interface RegistryServerOptions {
  readonly store: FolderStore;
  readonly users: UserDirectory;
  readonly host?: string;
  readonly port?: number;
  /** Largest total size of one upload (all files of a package). */
  readonly maxUploadBytes?: number;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly log?: (line: string) => void;
  /** The key the server signs its audit entries with (default: `_server` in `keyDir`, created on first use). */
  readonly serverKey?: SigningKey;
  /** The server's own key folder, outside the registry (default: the server user's, or $PDM_KEY_DIR). */
  readonly keyDir?: string;
  readonly limits?: Partial<ServerLimits>;
}

/**
 * What keeps one client from taking the server away from everyone else: uploads are capped per user and in
 * total (a few slots stay free for admins), an idle upload expires in minutes, and slow or stalled requests
 * are cut off (headers, whole request, and socket inactivity).
 */
export interface ServerLimits {
  readonly maxUploads: number;
  readonly maxUploadsPerUser: number;
  /** Slots only an admin may take, so an admin can always publish (or clean up) while authors are busy. */
  readonly adminSlots: number;
  readonly uploadIdleMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** A socket that sends or receives nothing for this long is closed (a stalled upload body). */
  readonly socketIdleMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxUploads: 32,
  maxUploadsPerUser: 4,
  adminSlots: 2,
  uploadIdleMs: 5 * 60_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30 * 60_000,
  socketIdleMs: 60_000,
};

export interface RegistryServer {
  readonly url: string;
  readonly close: () => Promise<void>;
}

const MAX_JSON_BYTES = 64 * 1024;
const UPLOAD_ID = /^[0-9a-f]{32}$/;

interface Upload {
  readonly id: string;
  readonly user: string;
  readonly name: string;
  readonly staged: Staged;
  readonly idempotencyKey: string | null;
  readonly files: Map<string, { sha256: string; bytes: number }>;
  bytes: number;
  busy: boolean;
  touched: number;
}

const GovernBodySchema = z
  .object({ version: z.number().int().positive().optional(), reason: z.string().max(2000).optional() })
  .strict();
const UploadBodySchema = z
  .object({
    name: z.string().max(64),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._-]{8,128}$/)
      .optional(),
  })
  .strict();
const CommitBodySchema = z
  .object({ files: z.record(z.string().max(128), z.string().regex(/^[0-9a-f]{64}$/)) })
  .strict();

const bad = (message: string): never => {
  throw new RegistryError('invalid-argument', message);
};

/** Splits and checks the raw request path; no segment is trusted as a path before this. */
export const parseRequestPath = (rawUrl: string | undefined): string[] => {
  const url = rawUrl ?? '';
  const path = url.split('?')[0] ?? '';
  if (!path.startsWith('/') || path.startsWith('//')) bad('request path must be relative to the server root');
  if (/\\|%2f|%5c|%00/i.test(path)) bad('request path contains an encoded slash, backslash or NUL');
  const segments = path.slice(1).split('/');
  if (segments.at(-1) === '') segments.pop();
  return segments.map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return bad('request path is not valid percent-encoding');
    }
    if (
      decoded === '' ||
      decoded === '.' ||
      decoded.includes('..') ||
      decoded.includes('/') ||
      decoded.startsWith('~')
    ) {
      bad(`request path segment ${JSON.stringify(decoded.slice(0, 40))} is not allowed`);
    }
    return decoded;
  });
};

const parseRef = (value: string): VersionRef =>
  value === 'production' || value === 'latest'
    ? value
    : /^[1-9][0-9]{0,8}$/.test(value)
      ? Number(value)
      : bad(`invalid version ${JSON.stringify(value)}`);

const readJson = async <T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> => {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    bad('expected content-type application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new RegistryError('too-large', `request body over ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return bad('request body is not JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    bad(`invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return (parsed as { data: T }).data;
};

const HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...HEADERS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/**
 * Streams a package file with the hash it must have. The server does not hash it again: the consumer does, against
 * SHA256SUMS as checked with the hash-chained publish record (FolderStore.readPackage), which is what makes a
 * tampered file fail however it reached the server; `x-content-sha256` lets any other client check it too.
 */
const sendPackageFile = async (res: ServerResponse, path: string, expected: string) => {
  const info = await stat(path);
  res.writeHead(200, {
    ...HEADERS,
    'content-type': 'application/octet-stream',
    'content-length': info.size,
    'x-content-sha256': expected,
  });
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), res);
};

export const startRegistryServer = async (options: RegistryServerOptions): Promise<RegistryServer> => {
  const { users } = options;
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const maxUploadBytes = options.maxUploadBytes ?? 2 * 1024 ** 3;
  const log = options.log ?? (() => undefined);
  // Every entry the server appends is signed by the server's key; the actor is the token's user.
  const serverKey = options.serverKey ?? (await loadOrCreateKey(options.keyDir ?? defaultKeyDir(), SERVER_PRINCIPAL));
  const store = options.store.asServer(serverKey);
  await store.signingKey(SERVER_PRINCIPAL);
  const uploads = new Map<string, Upload>();
  users.onError(log);
  await users.load();
  users.assertUsable();

  const authenticate = async (req: IncomingMessage): Promise<RegistryUser> => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,200})$/.exec(header);
    if (match === null)
      throw new RegistryError('unauthorized', 'a bearer token is required (Authorization: Bearer <token>)');
    const user = await users.authenticate(match[1] as string);
    if (user === null) throw new RegistryError('unauthorized', 'unknown token');
    return user;
  };

  const allow = (user: RegistryUser, operation: Operation) => {
    if (!mayDo(user.role, operation))
      throw new RegistryError('forbidden', `${user.name} (${user.role}) may not ${operation}`);
  };

  const uploadOf = (id: string, user: RegistryUser): Upload => {
    if (!UPLOAD_ID.test(id)) bad('invalid upload id');
    const upload = uploads.get(id);
    if (upload === undefined || upload.user !== user.name) throw new RegistryError('not-found', 'no such upload');
    upload.touched = Date.now();
    return upload;
  };

  const dropUpload = async (upload: Upload) => {
    uploads.delete(upload.id);
    await store.discardStaging(upload.staged.id);
  };

  const receiveFile = async (req: IncomingMessage, upload: Upload, file: string) => {
    if (GENERATED_FILES.includes(file)) bad(`${file} is written by the registry and cannot be uploaded`);
    if (upload.files.has(file)) throw new RegistryError('conflict', `${file} was already uploaded`);
    const left = maxUploadBytes - upload.bytes;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > left)
      throw new RegistryError('too-large', `upload over the limit of ${maxUploadBytes} bytes`);
    const part = join(upload.staged.dir, `${file}.part`);
    const out = createWriteStream(part, { flags: 'wx' });
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > left) throw new RegistryError('too-large', `upload over the limit of ${maxUploadBytes} bytes`);
        hash.update(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'close');
    } catch (error) {
      out.destroy();
      await rm(part, { force: true });
      throw error;
    }
    const digest = hash.digest('hex');
    const claimed = req.headers['x-content-sha256'];
    if (typeof claimed === 'string' && claimed !== digest) {
      await rm(part, { force: true });
      bad(`${file}: received bytes do not match x-content-sha256`);
    }
    await rename(part, join(upload.staged.dir, file));
    upload.files.set(file, { sha256: digest, bytes });
    upload.bytes += bytes;
    return { file, sha256: digest, bytes };
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<unknown> => {
    const segments = parseRequestPath(req.url);
    const method = req.method ?? 'GET';
    const [v1, area, a, b, c, d] = segments;
    if (v1 !== 'v1') throw new RegistryError('not-found', 'unknown endpoint');
    const user = await authenticate(req);
    if (area === 'whoami' && segments.length === 2 && method === 'GET') return { name: user.name, role: user.role };
    if (area === 'verify' && segments.length === 2 && method === 'GET') {
      allow(user, 'read');
      return verifyRegistry(store);
    }
    if (area === 'models') {
      allow(user, 'read');
      if (segments.length === 2 && method === 'GET') return store.list();
      const name = checkModelName(a);
      if (b === 'versions' && c !== undefined && method === 'GET') {
        const ref = parseRef(c);
        if (segments.length === 5) return store.show(name, ref);
        if (segments.length === 6 && d === 'verify') {
          const { version, problems } = await store.checkOne(name, ref);
          return {
            ok: problems.length === 0,
            problems: problems.map((p) => ({
              kind: 'package',
              model: name,
              version,
              file: p.file,
              message: p.message,
            })),
            checked: { entries: 0, packages: 1, files: 0 },
            head: null,
          };
        }
        if (segments.length === 7 && d === 'files') {
          const file = checkFileName(segments[6]);
          const pkg = await store.readPackage(name, ref);
          const label = `${name} version ${pkg.detail.version}: ${file}`;
          const generated: Readonly<Record<string, string>> = {
            [MANIFEST_FILE]: pkg.files.manifestText,
            [MODEL_CARD_FILE]: pkg.files.cardText,
          };
          if (file === SUMS_FILE || generated[file] !== undefined) {
            const text =
              file === SUMS_FILE
                ? [...pkg.files.sums].map(([n, h]) => `${h}  ${n}\n`).join('')
                : (generated[file] as string);
            res.writeHead(200, {
              ...HEADERS,
              'content-type': 'application/octet-stream',
              'content-length': Buffer.byteLength(text),
            });
            res.end(text);
            return undefined;
          }
          const expected =
            pkg.files.sums.get(file) ??
            (() => {
              throw new RegistryError('not-found', `${label} is not part of the package`);
            })();
          await sendPackageFile(res, join(pkg.dir, file), expected);
          return undefined;
        }
      }
      const actions: readonly string[] = ['approve', 'reject', 'promote', 'rollback', 'archive'];
      if (segments.length === 4 && method === 'POST' && b !== undefined && actions.includes(b)) {
        const action = b as GovernAction;
        allow(user, action);
        const body = await readJson(req, GovernBodySchema);
        const result = await store.govern(action, { name, ...body }, user.name);
        log(`${user.name} ${action} ${name} v${result.version}`);
        return result;
      }
      throw new RegistryError('not-found', 'unknown endpoint');
    }
    if (area === 'uploads') {
      allow(user, 'publish');
      if (segments.length === 2 && method === 'POST') {
        const body = await readJson(req, UploadBodySchema);
        const name = checkModelName(body.name);
        if (body.idempotencyKey !== undefined) {
          const done = await store.findIdempotent(name, user.name, body.idempotencyKey);
          if (done !== null) return { done };
        }
        const mine = [...uploads.values()].filter((u) => sameUser(u.user, user.name)).length;
        if (mine >= limits.maxUploadsPerUser)
          throw new RegistryError(
            'unavailable',
            `${user.name} already has ${mine} uploads in progress, the most one user may have; finish or cancel one, or wait: idle uploads expire after ${Math.round(limits.uploadIdleMs / 60_000)} min`,
          );
        const open = user.role === 'admin' ? limits.maxUploads : limits.maxUploads - limits.adminSlots;
        if (uploads.size >= open)
          throw new RegistryError('unavailable', 'too many uploads in progress; try again in a few minutes');
        const id = randomBytes(16).toString('hex');
        uploads.set(id, {
          id,
          user: user.name,
          name,
          idempotencyKey: body.idempotencyKey ?? null,
          staged: await store.newStaging(),
          files: new Map(),
          bytes: 0,
          busy: false,
          touched: Date.now(),
        });
        return { uploadId: id, maxBytes: maxUploadBytes };
      }
      const upload = uploadOf(a ?? '', user);
      if (upload.busy) throw new RegistryError('conflict', 'this upload is busy with another request');
      upload.busy = true;
      try {
        if (segments.length === 5 && b === 'files' && method === 'PUT')
          return await receiveFile(req, upload, checkFileName(c));
        if (segments.length === 4 && b === 'commit' && method === 'POST') {
          const body = await readJson(req, CommitBodySchema);
          const claimed = new Map(Object.entries(body.files).map(([file, hex]) => [checkFileName(file), hex]));
          const received = [...upload.files.keys()].sort();
          if ([...claimed.keys()].sort().join('/') !== received.join('/'))
            bad(`commit lists ${[...claimed.keys()].join(', ')} but ${received.join(', ')} were uploaded`);
          for (const [file, hex] of claimed) {
            if (upload.files.get(file)?.sha256 !== hex)
              bad(`${file}: the bytes received do not match the hash the client computed; nothing was published`);
          }
          const result = await store.commit(
            upload.staged.id,
            upload.name,
            user.name,
            new Map([...upload.files].map(([f, v]) => [f, v.sha256])),
            upload.idempotencyKey === null ? {} : { idempotencyKey: upload.idempotencyKey },
          );
          uploads.delete(upload.id);
          log(`${user.name} publish ${result.name} v${result.version}`);
          return result;
        }
        if (segments.length === 3 && method === 'DELETE') {
          await dropUpload(upload);
          return { deleted: true };
        }
      } catch (error) {
        // A failed commit or a refused file ends the upload: the client starts over with a clean slate.
        if (!(error instanceof RegistryError && error.code === 'conflict')) await dropUpload(upload);
        throw error;
      } finally {
        upload.busy = false;
      }
    }
    throw new RegistryError('not-found', 'unknown endpoint');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const result = await route(req, res);
      if (result !== undefined) sendJson(res, 200, { ok: true, result });
    } catch (error) {
      const known = error instanceof RegistryError;
      const code = known ? error.code : 'integrity';
      const message = known ? error.message : 'internal error';
      if (!known) log(`error: ${error instanceof Error ? error.message : String(error)}`);
      // The structured log names the request, never its Authorization header.
      const request = { method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '' };
      if (!known) structuredLog.error('registry', 'server request failed', { ...request, error });
      else if (code !== 'not-found' && code !== 'invalid-argument')
        structuredLog.warn('registry', 'server refused', { ...request, code, reason: message });
      const headers = code === 'unauthorized' ? { 'www-authenticate': 'Bearer' } : {};
      if (!res.headersSent) {
        res.setHeader('connection', 'close');
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      }
      sendJson(res, HTTP_STATUS[code], { ok: false, error: { code, message } });
      // Do not read the rest of a refused upload.
      if (!req.complete) req.resume();
    }
  };

  // Header and request deadlines are enforced on this interval; Node's default (30 s) would let them slip.
  const timeouts = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(timeouts, (q, r) => void handle(q, r))
      : createHttpsServer({ ...options.tls, ...timeouts }, (q, r) => void handle(q, r));
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // No 'timeout' listener: Node destroys a socket idle for this long (a body that stopped arriving).
  server.setTimeout(limits.socketIdleMs);
  const sweep = setInterval(
    () => {
      for (const upload of uploads.values())
        if (!upload.busy && Date.now() - upload.touched > limits.uploadIdleMs) {
          log(`upload ${upload.id.slice(0, 8)} of ${upload.user} expired after ${limits.uploadIdleMs} ms idle`);
          void dropUpload(upload);
        }
    },
    Math.max(50, Math.min(30_000, Math.floor(limits.uploadIdleMs / 4))),
  );
  sweep.unref();
  const host = options.host ?? '127.0.0.1';
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    close: async () => {
      clearInterval(sweep);
      server.closeAllConnections();
      server.close();
      await Promise.all([...uploads.values()].map(dropUpload));
    },
  };
};
