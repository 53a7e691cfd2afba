import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { isRegistryErrorCode, RegistryError } from './errors.js';
import { parseSums, SUMS_FILE } from './hash.js';
import { checkFileName, checkModelName, checkVersion } from './names.js';
import type {
  FetchResult,
  GovernAction,
  GovernResult,
  ModelSummary,
  Registry,
  VerifyReport,
  VersionDetail,
  VersionRef,
} from './registry-types.js';
import { readRunSource } from './run-source.js';

/**
 * The registry client for `pdm-studio registry serve`. Publishing streams each file of the run folder,
 * hashing it on the way, and commits with the hashes it computed: the server publishes only if the bytes
 * it received hash the same. Fetching hashes every byte received against SHA256SUMS before the folder is
 * renamed into place. The token goes only into the Authorization header, never into messages.
 */
interface Reply {
  readonly status: number;
  readonly message: IncomingMessage;
}

export class HttpRegistry implements Registry {
  private readonly base: URL;

  constructor(
    readonly location: string,
    private readonly token: string,
  ) {
    this.base = new URL(location);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:')
      throw new RegistryError('invalid-argument', `registry URL must be http(s): ${location}`);
  }

  private send(
    method: string,
    path: string,
    headers: Record<string, string | number>,
    body?: (req: import('node:http').ClientRequest) => Promise<void>,
  ): Promise<Reply> {
    const url = new URL(path, this.base);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Reply>((resolve, reject) => {
      const req = request(url, { method, headers: { ...headers, authorization: `Bearer ${this.token}` } });
      let replied = false;
      req.on('response', (message) => {
        replied = true;
        resolve({ status: message.statusCode ?? 0, message });
      });
      // The server may answer (413, 403) and close before the body is sent: the answer wins over EPIPE.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (!replied)
          reject(new RegistryError('unavailable', `registry ${this.base.origin}: ${error.code ?? error.message}`));
      });
      if (body === undefined) req.end();
      else
        body(req).catch((error: unknown) => {
          req.destroy();
          if (!replied) reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  }

  private static async json<T>(reply: Reply): Promise<T> {
    const chunks: Buffer[] = [];
    for await (const chunk of reply.message as AsyncIterable<Buffer>) chunks.push(chunk);
    let body: { ok?: boolean; result?: T; error?: { code?: string; message?: string } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      throw new RegistryError('unavailable', `registry answered HTTP ${reply.status} without JSON`);
    }
    if (body.ok === true) return body.result as T;
    const code = isRegistryErrorCode(body.error?.code) ? body.error.code : 'unavailable';
    throw new RegistryError(code, body.error?.message ?? `HTTP ${reply.status}`);
  }

  private async call<T>(method: string, path: string, payload?: unknown): Promise<T> {
    if (payload === undefined) return HttpRegistry.json<T>(await this.send(method, path, {}));
    const text = JSON.stringify(payload);
    return HttpRegistry.json<T>(
      await this.send(
        method,
        path,
        { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        async (req) => {
          req.end(text);
        },
      ),
    );
  }

  whoami(): Promise<{ name: string; role: string }> {
    return this.call('GET', '/v1/whoami');
  }

  /**
   * Publishes with an idempotency key (a new one per call unless given): if the connection drops before the
   * answer (a server crash, a proxy timeout), the publish is repeated with the same key, and the server
   * answers with the version the first attempt made instead of making another.
   */
  async publish(input: {
    readonly runDir: string;
    readonly name: string;
    readonly idempotencyKey?: string;
  }): Promise<{ name: string; version: number }> {
    const idempotencyKey = input.idempotencyKey ?? randomBytes(16).toString('hex');
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.publishOnce(input, idempotencyKey);
      } catch (error) {
        const lost =
          error instanceof RegistryError && error.code === 'unavailable' && /registry http/.test(error.message);
        if (!lost || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  private async publishOnce(
    input: { readonly runDir: string; readonly name: string },
    idempotencyKey: string,
  ): Promise<{ name: string; version: number }> {
    const name = checkModelName(input.name);
    const source = await readRunSource(input.runDir);
    const opened = await this.call<{ uploadId?: string; maxBytes?: number; done?: { name: string; version: number } }>(
      'POST',
      '/v1/uploads',
      { name, idempotencyKey },
    );
    if (opened.done !== undefined) return opened.done;
    const { uploadId, maxBytes } = opened as { uploadId: string; maxBytes?: number };
    try {
      // A refused body races the socket close (the answer can be lost to a reset), so an oversized package is refused before any byte is sent.
      const total = source.files.reduce((sum, file) => sum + file.bytes, 0);
      if (maxBytes !== undefined && total > maxBytes)
        throw new RegistryError(
          'too-large',
          `package of ${total} bytes is over the registry's upload limit of ${maxBytes} bytes`,
        );
      const hashes: Record<string, string> = {};
      for (const file of source.files) {
        const path = join(input.runDir, file.name);
        const hash = createHash('sha256');
        const size = (await stat(path)).size;
        const reply = await this.send(
          'PUT',
          `/v1/uploads/${uploadId}/files/${encodeURIComponent(file.name)}`,
          { 'content-type': 'application/octet-stream', 'content-length': size },
          async (req) => {
            for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
              hash.update(chunk);
              if (!req.write(chunk)) await once(req, 'drain');
            }
            req.end();
          },
        );
        const received = await HttpRegistry.json<{ sha256: string }>(reply);
        hashes[file.name] = hash.digest('hex');
        if (received.sha256 !== hashes[file.name])
          throw new RegistryError('integrity', `${file.name} arrived damaged (hash differs); nothing was published`);
      }
      return await this.call('POST', `/v1/uploads/${uploadId}/commit`, { files: hashes });
    } catch (error) {
      await this.call('DELETE', `/v1/uploads/${uploadId}`).catch(() => undefined);
      throw error;
    }
  }

  list(): Promise<ModelSummary[]> {
    return this.call('GET', '/v1/models');
  }

  show(name: string, ref: VersionRef): Promise<VersionDetail> {
    return this.call('GET', `/v1/models/${checkModelName(name)}/versions/${String(ref)}`);
  }

  govern(
    action: GovernAction,
    input: { readonly name: string; readonly version?: number; readonly reason?: string },
  ): Promise<GovernResult> {
    const body = {
      ...(input.version !== undefined && action !== 'rollback' ? { version: input.version } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    };
    return this.call('POST', `/v1/models/${checkModelName(input.name)}/${action}`, body);
  }

  verify(): Promise<VerifyReport> {
    return this.call('GET', '/v1/verify');
  }

  verifyVersion(name: string, version: number): Promise<VerifyReport> {
    return this.call('GET', `/v1/models/${checkModelName(name)}/versions/${checkVersion(version)}/verify`);
  }

  async fetch(name: string, ref: VersionRef, destDir: string): Promise<FetchResult> {
    const detail = await this.show(name, ref);
    const exists = await stat(destDir).then(
      () => true,
      () => false,
    );
    if (exists) throw new RegistryError('conflict', `${destDir} already exists`);
    const partial = `${destDir}.partial-${randomBytes(4).toString('hex')}`;
    await mkdir(partial, { recursive: true });
    const base = `/v1/models/${name}/versions/${detail.version}/files/`;
    try {
      let bytes = 0;
      const got = new Map<string, string>();
      for (const fileName of [...detail.files.map((f) => f.name), SUMS_FILE]) {
        const file = { name: checkFileName(fileName) };
        const reply = await this.send('GET', base + encodeURIComponent(file.name), {});
        if (reply.status !== 200) await HttpRegistry.json(reply);
        const hash = createHash('sha256');
        const out = createWriteStream(join(partial, file.name), { flags: 'wx' });
        for await (const chunk of reply.message as AsyncIterable<Buffer>) {
          hash.update(chunk);
          bytes += chunk.length;
          if (!out.write(chunk)) await once(out, 'drain');
        }
        if (!reply.message.complete)
          throw new RegistryError(
            'integrity',
            `${name} version ${detail.version}: ${file.name} was cut off; the server refused or lost it`,
          );
        out.end();
        await once(out, 'close');
        got.set(file.name, hash.digest('hex'));
      }
      // SHA256SUMS as received must list exactly these files with exactly these hashes.
      const sums = parseSums(await readFile(join(partial, SUMS_FILE), 'utf8'));
      if (sums.size !== detail.files.length)
        throw new RegistryError(
          'integrity',
          `${name} version ${detail.version}: ${SUMS_FILE} does not list the package's files`,
        );
      for (const file of detail.files) {
        if (sums.get(file.name) !== got.get(file.name) || file.sha256 !== got.get(file.name)) {
          throw new RegistryError(
            'integrity',
            `${name} version ${detail.version}: ${file.name} does not match ${SUMS_FILE}; refused`,
          );
        }
      }
      await rename(partial, destDir);
      return { name, version: detail.version, dir: destDir, files: detail.files.length + 1, bytes };
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      throw error;
    }
  }
}
