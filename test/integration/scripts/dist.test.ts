import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildInfoFileSchema } from '../../../src/main/core/update/build-info.js';
import { signFeed, verifyFeed } from '../../../src/main/core/update/update-signature.js';
import { createBuildInfo } from '../../../scripts/packaging/build-info.mjs';
import {
  defaultElectronCache,
  electronCacheFolders,
  electronVersion,
  electronZipName,
  findElectronZip,
} from '../../../scripts/packaging/electron-zip.mjs';
import { prepareDist } from '../../../scripts/packaging/preflight.mjs';
import { signingFor } from '../../../scripts/packaging/signing.mjs';
import { repoRoot } from '../../support/serve.js';

/** `npm run dist` on a machine without Electron's zip: one line saying what is missing and where it goes. */

let home: string;
const version = electronVersion(join(repoRoot, 'node_modules', 'electron'));
const hostZip = electronZipName(version, process.platform, process.arch);

/** The environment of a build machine whose Electron cache is empty (nothing inherited from this one). */
const cleanEnv = (extra: Record<string, string> = {}) => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/^(npm_|electron_|ELECTRON_|XDG_CACHE_HOME$|HOME$|LOCALAPPDATA$)/i.test(key))
      env[key] = value;
  return {
    ...env,
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    LOCALAPPDATA: join(home, 'local'),
    npm_config_update_notifier: 'false',
    ...extra,
  };
};

const dist = (env: Record<string, string>) => {
  const result = spawnSync('npm', ['run', 'dist'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'pdm-dist-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('npm run dist without the Electron cache', () => {
  it('exits non-zero with one line naming the zip and the cache folder, before building anything', () => {
    const run = dist(cleanEnv());
    expect(run.status).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      `npm run dist: Electron ${version} for ${process.platform}-${process.arch} is missing: put ${hostZip} in ${defaultElectronCache({ XDG_CACHE_HOME: join(home, 'cache'), LOCALAPPDATA: join(home, 'local') }, process.platform, home)}, or name its folder in ELECTRON_CACHE (see README "Build installers")`,
    ]);
    // no network stack trace, no build, no packaging
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at |ENOTFOUND|getaddrinfo/);
    expect(run.stdout).not.toMatch(/build:main|electron-builder --config/);
  });

  it('names ELECTRON_CACHE when it is set', () => {
    const cache = join(home, 'seed');
    const run = dist(cleanEnv({ ELECTRON_CACHE: cache }));
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim()).toBe(
      `npm run dist: Electron ${version} for ${process.platform}-${process.arch} is missing: put ${hostZip} in ${cache} (ELECTRON_CACHE) (see README "Build installers")`,
    );
  });

  it('refuses a zip in the cache that is not the one Electron published (checksums.json)', async () => {
    const cache = join(home, 'tampered');
    await mkdir(cache, { recursive: true });
    await writeFile(join(cache, hostZip), 'not the Electron release');
    const run = dist(cleanEnv({ ELECTRON_CACHE: cache }));
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${join(cache, hostZip)} is not Electron's published ${hostZip} (SHA-256`);
  });
});

describe('npm run dist with the zip in the cache (scripts/packaging/preflight.mjs)', () => {
  // A stand-in electron package (its version and checksums.json) and project, so the zip can be a small file.
  const setUp = async () => {
    const base = await mkdtemp(join(home, 'ok-'));
    const electronDir = join(base, 'electron');
    const root = join(base, 'project');
    const cache = join(base, 'cache', 'f00d');
    await mkdir(electronDir, { recursive: true });
    await mkdir(root, { recursive: true });
    await mkdir(cache, { recursive: true });
    const zip = join(cache, 'electron-v45.4.1-linux-x64.zip');
    await writeFile(zip, 'the release zip');
    const sha = createHash('sha256').update('the release zip').digest('hex');
    await writeFile(join(electronDir, 'package.json'), JSON.stringify({ version: '45.4.1' }));
    await writeFile(
      join(electronDir, 'checksums.json'),
      JSON.stringify({ 'electron-v45.4.1-linux-x64.zip': sha, 'electron-v45.4.1-win32-x64.zip': sha }),
    );
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'pdm-studio', version: '2.0.0' }));
    return { root, electronDir, zip, cacheRoot: join(base, 'cache') };
  };
  const dotenv = createRequire(import.meta.url)('dotenv') as { parse(text: string): Record<string, string> };

  it('links the checked zip where electron-builder.yml looks, writes the build info, and marks an unsigned build', async () => {
    const { root, electronDir, zip, cacheRoot } = await setUp();
    const line = await prepareDist({
      root,
      electronDir,
      env: { ELECTRON_CACHE: cacheRoot, PDM_STUDIO_COMMIT: 'c0ffee', SOURCE_DATE_EPOCH: '1764547200' },
      platform: 'linux',
      arch: 'x64',
      home,
    });
    expect(line).toBe(
      'dist: Electron 45.4.1 for linux-x64 from the cache (SHA-256 checked); UNSIGNED build of 2.0.0 (c0ffee); no update-signing key (PDM_UPDATE_PUBLIC_KEY_FILE): this build cannot take updates',
    );
    const linked = join(root, 'release', 'electron-zips', 'electron-v45.4.1-linux-x64.zip');
    expect((await lstat(linked)).isSymbolicLink()).toBe(true);
    expect(await readlink(linked)).toBe(zip);
    expect(
      BuildInfoFileSchema.parse(JSON.parse(await readFile(join(root, 'dist', 'build-info.json'), 'utf8'))),
    ).toMatchObject({
      version: '2.0.0',
      commit: 'c0ffee',
      buildDate: '2025-12-01T00:00:00.000Z',
      signed: false,
      signing: 'linux packages are not code-signed',
    });
    // what electron-builder's CLI loads from electron-builder.env
    expect(dotenv.parse(await readFile(join(root, 'electron-builder.env'), 'utf8'))).toEqual({
      PDM_STUDIO_UNSIGNED: '-unsigned',
      CSC_IDENTITY_AUTO_DISCOVERY: 'false',
    });
  });

  it('names a signed Windows build without "-unsigned"', async () => {
    const { root, electronDir, cacheRoot } = await setUp();
    await writeFile(join(cacheRoot, 'electron-v45.4.1-win32-x64.zip'), 'the release zip');
    const line = await prepareDist({
      root,
      electronDir,
      env: { ELECTRON_CACHE: cacheRoot, PDM_DIST_TARGETS: 'win32-x64', CSC_LINK: '/secure/cert.pfx' },
      platform: 'linux',
      arch: 'x64',
      home,
    });
    expect(line).toMatch(/for win32-x64 from the cache \(SHA-256 checked\); signed build of 2\.0\.0/);
    expect(dotenv.parse(await readFile(join(root, 'electron-builder.env'), 'utf8'))).toEqual({
      PDM_STUDIO_UNSIGNED: '',
    });
    expect(JSON.parse(await readFile(join(root, 'dist', 'build-info.json'), 'utf8'))).toMatchObject({ signed: true });
  });

  it('refuses a target it cannot read, in one line', async () => {
    const { root, electronDir } = await setUp();
    await expect(
      prepareDist({ root, electronDir, env: { PDM_DIST_TARGETS: 'windows' }, platform: 'linux', arch: 'x64', home }),
    ).rejects.toThrow('PDM_DIST_TARGETS: "windows" is not <platform>-<arch> (e.g. win32-x64, darwin-arm64)');
  });
});

describe('the Electron cache lookup', () => {
  it('finds a zip seeded directly in the folder, or in @electron/get per-URL subfolders as npm ci leaves it', async () => {
    const flat = join(home, 'flat');
    const hashed = join(home, 'hashed');
    await mkdir(flat, { recursive: true });
    await mkdir(join(hashed, 'a1b2c3'), { recursive: true });
    await writeFile(join(hashed, 'a1b2c3', hostZip), 'zip');
    expect(findElectronZip(hostZip, [{ folder: flat }])).toBeNull();
    expect(findElectronZip(hostZip, [{ folder: flat }, { folder: hashed }])).toBe(join(hashed, 'a1b2c3', hostZip));
    await writeFile(join(flat, hostZip), 'zip');
    expect(findElectronZip(hostZip, [{ folder: flat }, { folder: hashed }])).toBe(join(flat, hostZip));
    expect(findElectronZip(hostZip, [{ folder: join(home, 'does-not-exist') }])).toBeNull();
  });

  it('searches ELECTRON_CACHE, then electron_config_cache, then the platform default', () => {
    const env = { ELECTRON_CACHE: '/a', electron_config_cache: '/b', XDG_CACHE_HOME: '/x', LOCALAPPDATA: 'C:\\L' };
    expect(electronCacheFolders(env, 'linux', '/home/u').map((f) => f.folder)).toEqual(['/a', '/b', '/x/electron']);
    expect(defaultElectronCache({}, 'linux', '/home/u')).toBe('/home/u/.cache/electron');
    expect(defaultElectronCache({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/electron');
    expect(defaultElectronCache(env, 'win32', 'C:\\U')).toBe(join('C:\\L', 'electron', 'Cache'));
  });
});

describe('signing and build info', () => {
  it('a build is signed only when the environment provides the certificate or identity', () => {
    expect(signingFor({}, 'win32').signed).toBe(false);
    expect(signingFor({ CSC_LINK: '/secure/cert.pfx', CSC_KEY_PASSWORD: 'x' }, 'win32').signed).toBe(true);
    expect(signingFor({ WIN_CSC_LINK: '/secure/cert.pfx' }, 'win32').signed).toBe(true);
    expect(signingFor({}, 'darwin').signed).toBe(false);
    expect(signingFor({ CSC_NAME: 'Developer ID Application: Plant (TEAM)' }, 'darwin').signed).toBe(true);
    expect(signingFor({ CSC_LINK: '/secure/cert.pfx' }, 'linux')).toEqual({
      signed: false,
      detail: 'linux packages are not code-signed',
    });
  });

  it('dist/build-info.json carries version, commit, build date, signing and the update key, as the app reads it', async () => {
    const keyFile = join(home, 'update-public-key.pem');
    const { publicKey } = generateKeyPairSync('ed25519');
    await writeFile(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const info = createBuildInfo({
      root: repoRoot,
      env: { SOURCE_DATE_EPOCH: '1764547200', PDM_UPDATE_PUBLIC_KEY_FILE: keyFile },
      signed: false,
      signing: 'no CSC_LINK',
    });
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(BuildInfoFileSchema.parse(info)).toEqual({
      name: 'pdm-studio',
      version: pkg.version,
      commit: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim(),
      dirty: expect.any(Boolean),
      buildDate: '2025-12-01T00:00:00.000Z',
      signed: false,
      signing: 'no CSC_LINK',
      updatePublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
  });

  it('refuses an update key that is not Ed25519', async () => {
    const keyFile = join(home, 'rsa.pem');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await writeFile(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() =>
      createBuildInfo({ root: repoRoot, env: { PDM_UPDATE_PUBLIC_KEY_FILE: keyFile }, signed: false, signing: '' }),
    ).toThrow(/an Ed25519 public key is needed, this is rsa/);
  });
});

describe('npm run update-keys', () => {
  it('makes an Ed25519 pair the app verifies with, keeps the private key private, and never overwrites it', async () => {
    const folder = join(home, 'keys');
    const make = () =>
      spawnSync(process.execPath, [join(repoRoot, 'scripts', 'packaging', 'update-keys.mjs'), folder], {
        encoding: 'utf8',
      });
    const first = make();
    expect(first.status).toBe(0);
    const privateKey = await readFile(join(folder, 'update-signing-key.pem'), 'utf8');
    const publicKey = await readFile(join(folder, 'update-public-key.pem'), 'utf8');
    expect((await stat(join(folder, 'update-signing-key.pem'))).mode & 0o077).toBe(0);
    const feed = Buffer.from('version: 2.0.0\n');
    expect(verifyFeed(feed, signFeed(feed, privateKey), publicKey)).toBe(true);
    const again = make();
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`update-keys: ${folder} already holds a key pair; not overwritten\n`);
    expect(await readFile(join(folder, 'update-signing-key.pem'), 'utf8')).toBe(privateKey);
  });
});
