import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { UpdateError } from './update-error.js';

/**
 * Where updates are published: one URL in the settings, either an HTTP(S) server (a plain web server, or any
 * server that serves the release folder) or a folder (a plant file share: an absolute path, a UNC path
 * \\server\share\pdm-studio, or a file:// URL). Both hold what `npm run dist` leaves in release/: latest*.yml,
 * its .sig, and the installers.
 */
export type UpdateSource =
  { readonly kind: 'http'; readonly base: string } | { readonly kind: 'folder'; readonly dir: string };

export const parseUpdateSource = (text: string): UpdateSource => {
  const value = text.trim();
  if (value === '') throw new UpdateError('no-source', 'no update source is set');
  if (/^https?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UpdateError('bad-source', `update source "${value}" is not a valid URL`);
    }
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
      throw new UpdateError('bad-source', `update source "${value}": use a plain URL without user, query or #fragment`);
    return { kind: 'http', base: url.href.replace(/\/+$/, '') };
  }
  if (/^file:\/\//i.test(value)) {
    try {
      return { kind: 'folder', dir: fileURLToPath(value) };
    } catch {
      throw new UpdateError('bad-source', `update source "${value}" is not a valid file:// URL`);
    }
  }
  if (isAbsolute(value) || /^\\\\[^\\]+\\[^\\]+/.test(value)) return { kind: 'folder', dir: resolve(value) };
  throw new UpdateError(
    'bad-source',
    `update source "${value}": use an http(s):// URL or the absolute path of a folder (e.g. \\\\server\\share\\pdm-studio)`,
  );
};

export const describeSource = (source: UpdateSource): string => (source.kind === 'http' ? source.base : source.dir);

/** Feed and installer names are plain file names: nothing may reach outside the update folder. */
const checkName = (name: string, source: UpdateSource): string => {
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name) || name.includes('\0'))
    throw new UpdateError(
      'bad-feed',
      `"${name}" in the update feed at ${describeSource(source)} is not a plain file name`,
    );
  return name;
};

/** Where a file of the source is (a URL or a path), for messages and for electron-updater. */
export const locate = (source: UpdateSource, name: string): string =>
  source.kind === 'http'
    ? `${source.base}/${encodeURIComponent(checkName(name, source))}`
    : join(source.dir, checkName(name, source));

const httpGet = async (url: string, timeoutMs: number): Promise<Response> => {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new UpdateError('unreachable', `cannot reach ${url}: ${cause}`);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw new UpdateError('not-found', `${url} does not exist (HTTP 404)`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpdateError('unreachable', `${url} answered HTTP ${response.status}`);
  }
  return response;
};

/** A small file of the source (the feed, its signature), at most maxBytes. */
export const readSourceFile = async (
  source: UpdateSource,
  name: string,
  maxBytes: number,
  timeoutMs = 30_000,
): Promise<Buffer> => {
  const where = locate(source, name);
  if (source.kind === 'folder') {
    try {
      const info = await stat(where);
      if (!info.isFile()) throw new UpdateError('not-found', `${where} is not a file`);
      if (info.size > maxBytes) throw new UpdateError('bad-feed', `${where} is larger than ${maxBytes} bytes`);
      return await readFile(where);
    } catch (error) {
      if (error instanceof UpdateError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UpdateError('not-found', `${where} does not exist`);
      throw new UpdateError('unreachable', `cannot read ${where}: ${(error as Error).message}`);
    }
  }
  const response = await httpGet(where, timeoutMs);
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > maxBytes) throw new UpdateError('bad-feed', `${where} is larger than ${maxBytes} bytes`);
  return body;
};

/** A stream of a (large) file of the source: the installer. */
export const openSourceStream = async (source: UpdateSource, name: string, timeoutMs = 30_000): Promise<Readable> => {
  const where = locate(source, name);
  if (source.kind === 'folder') {
    try {
      await stat(where);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new UpdateError('not-found', `${where} does not exist`);
      throw new UpdateError('unreachable', `cannot read ${where}: ${(error as Error).message}`);
    }
    return createReadStream(where);
  }
  const response = await httpGet(where, timeoutMs);
  if (response.body === null) throw new UpdateError('unreachable', `${where} sent no body`);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
};

/**
 * electron-updater's generic provider speaks HTTP only: for a folder source the desktop app serves that folder
 * read-only on 127.0.0.1 (plain file names, GET and HEAD only) while it checks and downloads.
 */
export const serveFolder = async (
  dir: string,
): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const server = createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').split('?')[0]?.slice(1) ?? '');
    if ((request.method !== 'GET' && request.method !== 'HEAD') || name === '' || /[/\\]|^\.\.?$/.test(name)) {
      response.writeHead(request.method === 'GET' || request.method === 'HEAD' ? 404 : 405).end();
      return;
    }
    const file = join(dir, name);
    stat(file).then(
      (info) => {
        if (!info.isFile()) {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { 'content-length': info.size, 'content-type': 'application/octet-stream' });
        if (request.method === 'HEAD') response.end();
        else
          createReadStream(file)
            .on('error', () => response.destroy())
            .pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
};
