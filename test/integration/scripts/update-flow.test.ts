import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signFeeds } from '../../../scripts/packaging/sign-update.mjs';
import {
  checkForUpdate,
  downloadUpdate,
  verifyInstallerFile,
  type UpdateCheck,
  type UpdateTarget,
} from '../../../src/main/core/update/update-check.js';
import { UpdateError } from '../../../src/main/core/update/update-error.js';
import { generateUpdateKeys } from '../../../src/main/core/update/update-signature.js';
import { parseUpdateSource, serveFolder } from '../../../src/main/core/update/update-source.js';

/*
 * The offline update flow end to end in plain Node: a release folder as `npm run dist` leaves it (installer,
 * electron-builder's latest-linux.yml, and its signature by scripts/packaging/sign-update.mjs) served by a plain
 * HTTP server on 127.0.0.1 and read as a file share; the app's check finds the newer version, checks the feed's
 * signature and the installer's SHA-512 and size, and refuses anything changed.
 */

const INSTALLER = 'pdm-studio-0.2.0-x86_64.AppImage';
const keys = generateUpdateKeys();
const otherKeys = generateUpdateKeys();

let release: string;
let downloads: string;
let server: Server;
let baseUrl: string;
const requests: string[] = [];
let installer: Buffer;

const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');

/** electron-builder's feed for one installer (the fields and layout it writes). */
const feedFor = (bytes: Buffer, version = '0.2.0') =>
  [
    `version: ${version}`,
    'files:',
    `  - url: ${INSTALLER}`,
    `    sha512: ${sha512(bytes)}`,
    `    size: ${bytes.length}`,
    '    blockMapSize: 1234',
    `path: ${INSTALLER}`,
    `sha512: ${sha512(bytes)}`,
    "releaseDate: '2026-12-01T12:00:00.000Z'",
    '',
  ].join('\n');

/** What `npm run dist` + postdist leave in release/: installer, feed, feed signature. */
const publish = async (bytes: Buffer, version = '0.2.0', privateKey = keys.privateKey) => {
  await writeFile(join(release, INSTALLER), bytes);
  await writeFile(join(release, 'latest-linux.yml'), feedFor(bytes, version));
  expect(signFeeds(release, privateKey)).toEqual(['latest-linux.yml']);
};

const target = (overrides: Partial<UpdateTarget> = {}): UpdateTarget => ({
  currentVersion: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  kind: 'appimage',
  publicKey: keys.publicKey,
  ...overrides,
});

const available = (check: UpdateCheck) => {
  if (check.status !== 'available') throw new Error(`expected an update, got ${JSON.stringify(check)}`);
  return check;
};

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpdateError);
  return error as UpdateError;
};

beforeAll(async () => {
  release = await mkdtemp(join(tmpdir(), 'pdm-release-'));
  // A plain static file server, as on the registry host or any plant web server.
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const name = decodeURIComponent((request.url ?? '/').slice(1));
    const file = join(release, name);
    stat(file).then(
      (info) => {
        response.writeHead(200, { 'content-length': info.size });
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await rm(release, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const name of await readdir(release)) await rm(join(release, name), { force: true });
  downloads = await mkdtemp(join(tmpdir(), 'pdm-downloads-'));
  installer = randomBytes(3 * 1024 * 1024 + 17);
  await publish(installer);
  requests.length = 0;
});

describe('update from an HTTP server on 127.0.0.1', () => {
  it('finds the newer version, with the installer the signed feed names', async () => {
    const check = available(await checkForUpdate(parseUpdateSource(baseUrl), target()));
    expect(check).toMatchObject({
      current: '0.1.0',
      version: '0.2.0',
      releaseDate: '2026-12-01T12:00:00.000Z',
      installer: { name: INSTALLER, sha512: sha512(installer), size: installer.length },
    });
    expect(requests).toEqual(['/latest-linux.yml', '/latest-linux.yml.sig']);
  });

  it('downloads it and keeps it only once its size and SHA-512 match the signed feed', async () => {
    const source = parseUpdateSource(baseUrl);
    const check = available(await checkForUpdate(source, target()));
    const progress: number[] = [];
    const file = await downloadUpdate(source, check, downloads, { onProgress: (bytes) => progress.push(bytes) });
    expect(file).toBe(join(downloads, INSTALLER));
    expect((await readFile(file)).equals(installer)).toBe(true);
    expect(progress.at(-1)).toBe(installer.length);
    await expect(verifyInstallerFile(file, check.installer)).resolves.toBeUndefined();
  });

  it('reports up to date when the published version is not newer', async () => {
    expect(await checkForUpdate(parseUpdateSource(baseUrl), target({ currentVersion: '0.2.0' }))).toEqual({
      status: 'up-to-date',
      current: '0.2.0',
      latest: '0.2.0',
    });
    expect((await checkForUpdate(parseUpdateSource(baseUrl), target({ currentVersion: '1.0.0' }))).status).toBe(
      'up-to-date',
    );
    // a prerelease of the published version is older than it
    expect((await checkForUpdate(parseUpdateSource(baseUrl), target({ currentVersion: '0.2.0-rc.1' }))).status).toBe(
      'available',
    );
  });

  it('refuses an installer replaced on the server after the check (same size), and leaves no file', async () => {
    const source = parseUpdateSource(baseUrl);
    const check = available(await checkForUpdate(source, target()));
    const tampered = Buffer.from(installer);
    tampered[1000] = (tampered[1000] ?? 0) ^ 0xff;
    await writeFile(join(release, INSTALLER), tampered);
    const error = await refusal(downloadUpdate(source, check, downloads));
    expect(error.code).toBe('hash-mismatch');
    expect(error.message).toBe(
      `${baseUrl}${INSTALLER} does not match the SHA-512 in the signed feed: refused (the installer was changed or damaged)`,
    );
    expect(await readdir(downloads)).toEqual([]);
  });

  it('refuses an installer longer than the signed size as soon as it is', async () => {
    const source = parseUpdateSource(baseUrl);
    const check = available(await checkForUpdate(source, target()));
    await writeFile(join(release, INSTALLER), Buffer.concat([installer, Buffer.from('appended payload')]));
    expect((await refusal(downloadUpdate(source, check, downloads))).code).toBe('size-mismatch');
    expect(await readdir(downloads)).toEqual([]);
  });

  it('refuses a feed rewritten to match a substituted installer (the signature no longer fits)', async () => {
    const evil = randomBytes(4096);
    await writeFile(join(release, INSTALLER), evil);
    await writeFile(join(release, 'latest-linux.yml'), feedFor(evil, '9.9.9'));
    const error = await refusal(checkForUpdate(parseUpdateSource(baseUrl), target()));
    expect(error.code).toBe('bad-signature');
    expect(error.message).toBe(
      `${baseUrl}latest-linux.yml is not signed by this build's update key (changed after signing, or signed with another key): refused`,
    );
  });

  it('refuses a feed signed with another key, an unsigned feed, and checks nothing without a key', async () => {
    await publish(installer, '0.2.0', otherKeys.privateKey);
    expect((await refusal(checkForUpdate(parseUpdateSource(baseUrl), target()))).code).toBe('bad-signature');
    await rm(join(release, 'latest-linux.yml.sig'));
    const unsigned = await refusal(checkForUpdate(parseUpdateSource(baseUrl), target()));
    expect(unsigned.code).toBe('unsigned');
    expect(unsigned.message).toBe(`${baseUrl}latest-linux.yml has no signature (latest-linux.yml.sig): refused`);
    requests.length = 0;
    expect((await refusal(checkForUpdate(parseUpdateSource(baseUrl), target({ publicKey: null })))).code).toBe(
      'no-key',
    );
    expect(requests).toEqual([]);
  });

  it('says which file is missing when nothing is published for this platform', async () => {
    const error = await refusal(
      checkForUpdate(parseUpdateSource(baseUrl), target({ platform: 'win32', kind: 'nsis' })),
    );
    expect(error.code).toBe('not-found');
    expect(error.message).toBe(`${baseUrl}latest.yml does not exist (HTTP 404)`);
  });

  it('says so when the server cannot be reached', async () => {
    // a port nothing listens on any more
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const address = closed.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((done) => closed.close(done));
    const url = `http://127.0.0.1:${port}/updates`;
    const error = await refusal(checkForUpdate(parseUpdateSource(url), target()));
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(new RegExp(`^cannot reach ${url}/latest-linux\\.yml: .*ECONNREFUSED`));
  });

  it('refuses a signed feed whose installer name leaves the update folder', async () => {
    await writeFile(
      join(release, 'latest-linux.yml'),
      feedFor(installer).replaceAll(INSTALLER, '../../etc/x.AppImage'),
    );
    signFeeds(release, keys.privateKey);
    const error = await refusal(checkForUpdate(parseUpdateSource(baseUrl), target()));
    expect(error.code).toBe('bad-feed');
  });
});

describe('update from a plant file share (a folder)', () => {
  it('finds, downloads and verifies the same release from the folder', async () => {
    const source = parseUpdateSource(release);
    expect(source).toEqual({ kind: 'folder', dir: release });
    const check = available(await checkForUpdate(source, target()));
    expect(check.installer.location).toBe(join(release, INSTALLER));
    const file = await downloadUpdate(source, check, downloads);
    expect((await readFile(file)).equals(installer)).toBe(true);
  });

  it('serves the folder on 127.0.0.1 for electron-updater, read-only and only its own files', async () => {
    const outside = join(release, '..', `pdm-outside-${process.pid}.txt`);
    await writeFile(outside, 'secret');
    const bridge = await serveFolder(release);
    try {
      expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const feed = await fetch(`${bridge.url}/latest-linux.yml`);
      expect(await feed.text()).toBe(feedFor(installer));
      // the HTTP path through the bridge gives the same verified update as reading the folder
      const check = available(await checkForUpdate(parseUpdateSource(bridge.url), target()));
      const file = await downloadUpdate(parseUpdateSource(bridge.url), check, join(downloads, 'via-bridge'));
      expect((await readFile(file)).equals(installer)).toBe(true);
      expect((await fetch(`${bridge.url}/..%2Fpdm-outside-${process.pid}.txt`)).status).toBe(404);
      expect((await fetch(`${bridge.url}/%2E%2E`)).status).toBe(404);
      expect((await fetch(`${bridge.url}/latest-linux.yml`, { method: 'PUT', body: 'x' })).status).toBe(405);
    } finally {
      await bridge.close();
      await rm(outside, { force: true });
    }
  });

  it('checks a file downloaded by electron-updater before it may install', async () => {
    const check = available(await checkForUpdate(parseUpdateSource(release), target()));
    const downloaded = join(downloads, 'pending', INSTALLER);
    await mkdir(join(downloads, 'pending'), { recursive: true });
    await writeFile(downloaded, installer);
    await expect(verifyInstallerFile(downloaded, check.installer)).resolves.toBeUndefined();
    const changed = Buffer.from(installer);
    changed[0] = (changed[0] ?? 0) ^ 1;
    await writeFile(downloaded, changed);
    expect((await refusal(verifyInstallerFile(downloaded, check.installer))).code).toBe('hash-mismatch');
  });
});

describe('the update source setting', () => {
  it('takes an http(s) URL, an absolute folder, a UNC share or a file:// URL, and says what else it needs', () => {
    expect(parseUpdateSource('https://registry.plant.local/pdm-studio/')).toEqual({
      kind: 'http',
      base: 'https://registry.plant.local/pdm-studio',
    });
    expect(parseUpdateSource('file:///srv/share/pdm')).toEqual({ kind: 'folder', dir: '/srv/share/pdm' });
    expect(parseUpdateSource('/mnt/share/pdm')).toEqual({ kind: 'folder', dir: '/mnt/share/pdm' });
    expect(parseUpdateSource('\\\\fileserver\\it\\pdm-studio').kind).toBe('folder');
    expect(() => parseUpdateSource('share/pdm')).toThrow(
      'update source "share/pdm": use an http(s):// URL or the absolute path of a folder',
    );
    expect(() => parseUpdateSource('https://user:pw@host/x')).toThrow(/without user, query or #fragment/);
  });
});
