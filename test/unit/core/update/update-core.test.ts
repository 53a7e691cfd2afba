import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeBuild, readBuildInfo, type BuildInfo } from '../../../../src/main/core/update/build-info.js';
import { installBlocker } from '../../../../src/main/core/update/install-gate.js';
import { UpdateError } from '../../../../src/main/core/update/update-error.js';
import { feedFileName, installerKindFor, parseFeed } from '../../../../src/main/core/update/update-feed.js';
import { readUpdateSetting, saveUpdateUrl } from '../../../../src/main/core/update/update-settings.js';
import { generateUpdateKeys, signFeed, verifyFeed } from '../../../../src/main/core/update/update-signature.js';
import { compareVersions } from '../../../../src/main/core/update/version-order.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-update-core-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('version order', () => {
  it('orders releases and prereleases as semver does', () => {
    const sorted = ['1.0.0', '0.10.0', '0.2.0', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0-beta', '0.2.1', 'v0.9.9'].sort(
      compareVersions,
    );
    expect(sorted).toEqual(['0.2.0', '0.2.1', 'v0.9.9', '0.10.0', '1.0.0-beta', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0']);
    expect(compareVersions('1.2.3+build.7', '1.2.3')).toBe(0);
    expect(() => compareVersions('latest', '1.0.0')).toThrow('"latest" is not a version (major.minor.patch)');
  });
});

describe('install gate', () => {
  it('lets an install restart the app only when no import or training runs, and says what runs', () => {
    expect(installBlocker([])).toBeNull();
    expect(installBlocker(['training'])).toBe('a training run is running; the update installs once it has finished');
    expect(installBlocker(['import', 'opcua-import', 'import'])).toBe(
      'a file import and a historian import are running; the update installs once they have finished',
    );
    expect(installBlocker(['job'])).toMatch(/^an import or training run is running/);
  });
});

describe('update setting', () => {
  it('is one URL in settings.json, kept beside the other settings; PDM_STUDIO_UPDATE_URL wins', async () => {
    expect(await readUpdateSetting(dir, {})).toEqual({ url: null, from: join(dir, 'settings.json') });
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ theme: 'dark', updates: { channel: 'x' } }));
    await saveUpdateUrl(dir, '\\\\fileserver\\it\\pdm-studio');
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({
      theme: 'dark',
      updates: { channel: 'x', url: '\\\\fileserver\\it\\pdm-studio' },
    });
    expect((await readUpdateSetting(dir, {})).url).toBe('\\\\fileserver\\it\\pdm-studio');
    expect(await readUpdateSetting(dir, { PDM_STUDIO_UPDATE_URL: 'https://updates.plant/pdm' })).toEqual({
      url: 'https://updates.plant/pdm',
      from: 'PDM_STUDIO_UPDATE_URL',
    });
    await expect(saveUpdateUrl(dir, 'updates')).rejects.toThrow(/use an http\(s\):\/\/ URL or the absolute path/);
    await saveUpdateUrl(dir, null);
    expect((await readUpdateSetting(dir, {})).url).toBeNull();
  });

  it('names the settings file when it is not JSON', async () => {
    await writeFile(join(dir, 'settings.json'), '{ not json');
    await expect(readUpdateSetting(dir, {})).rejects.toThrow(`${join(dir, 'settings.json')} is not valid JSON`);
  });
});

describe('update feed', () => {
  it("reads electron-builder's feed names per platform, and the installer kind of this install", () => {
    expect(feedFileName('win32', 'x64')).toBe('latest.yml');
    expect(feedFileName('darwin', 'arm64')).toBe('latest-mac.yml');
    expect(feedFileName('linux', 'x64')).toBe('latest-linux.yml');
    expect(feedFileName('linux', 'arm64')).toBe('latest-linux-arm64.yml');
    expect(installerKindFor('linux', { APPIMAGE: '/opt/PdM.AppImage' })).toBe('appimage');
    expect(installerKindFor('linux', {})).toBe('deb');
    expect(installerKindFor('win32', {})).toBe('nsis');
    expect(installerKindFor('darwin', {})).toBe('mac-zip');
  });

  it('says which field of which feed is wrong', () => {
    expect(() => parseFeed('version: 1.0.0\nfiles:\n  - url: a.exe\n    sha512: short\n', 'X/latest.yml')).toThrow(
      'X/latest.yml: field files.0.sha512 a base64 SHA-512',
    );
    const error = (() => {
      try {
        parseFeed('version: [', 'X/latest.yml');
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UpdateError);
    expect((error as UpdateError).code).toBe('bad-feed');
  });

  it('signatures hold for the exact bytes only, and only under the signing key', () => {
    const keys = generateUpdateKeys();
    const feed = Buffer.from('version: 1.0.0\n');
    const signature = signFeed(feed, keys.privateKey);
    expect(verifyFeed(feed, signature, keys.publicKey)).toBe(true);
    expect(verifyFeed(Buffer.from('version: 1.0.1\n'), signature, keys.publicKey)).toBe(false);
    expect(verifyFeed(feed, signature, generateUpdateKeys().publicKey)).toBe(false);
    expect(verifyFeed(feed, 'garbage', keys.publicKey)).toBe(false);
  });
});

describe('build info', () => {
  const info = (overrides: Partial<BuildInfo> = {}) => ({
    name: 'pdm-studio',
    version: '1.4.0',
    commit: '0123456789abcdef0123',
    dirty: false,
    buildDate: '2026-12-01T22:00:00.000Z',
    signed: true,
    signing: 'Authenticode certificate from CSC_LINK',
    updatePublicKey: null,
    ...overrides,
  });

  it('reads dist/build-info.json of a packaged build', async () => {
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'pdm-studio', version: '9.9.9' }));
    await writeFile(join(dir, 'dist', 'build-info.json'), JSON.stringify(info()));
    const read = readBuildInfo(dir);
    expect(read).toEqual({ ...info(), source: 'build-info' });
    expect(describeBuild(read)).toEqual([
      'PdM Studio 1.4.0',
      'commit 0123456789ab',
      'built 2026-12-01T22:00:00.000Z',
      'signed (Authenticode certificate from CSC_LINK)',
    ]);
  });

  it('in a checkout, trusts the file only while HEAD is the commit it was built from', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'pdm-studio', version: '9.9.9' }));
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'one');
    const built = git('rev-parse', 'HEAD');
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(join(dir, 'dist', 'build-info.json'), JSON.stringify(info({ commit: built })));
    expect(readBuildInfo(dir)).toMatchObject({ source: 'build-info', version: '1.4.0', signed: true });
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'two');
    const read = readBuildInfo(dir);
    expect(read).toMatchObject({
      source: 'checkout',
      version: '9.9.9',
      commit: git('rev-parse', 'HEAD'),
      signed: false,
    });
    expect(read.signing).toMatch(/build-info\.json is from an older commit; development checkout/);
  });

  it('says UNSIGNED, and falls back to package.json when the file is damaged', async () => {
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'pdm-studio', version: '9.9.9' }));
    await writeFile(join(dir, 'dist', 'build-info.json'), JSON.stringify({ ...info(), signed: 'yes' }));
    const read = readBuildInfo(dir);
    expect(read).toMatchObject({ version: '9.9.9', signed: false, source: 'checkout' });
    expect(describeBuild(read).at(-1)).toBe(
      `UNSIGNED build (${join(dir, 'dist', 'build-info.json')} is not a build-info file (signed); development checkout, not a packaged build)`,
    );
  });
});
