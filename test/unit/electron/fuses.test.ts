import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { afterPack } from '../../../scripts/packaging/after-pack.mjs';
import { beforePack } from '../../../scripts/packaging/before-pack.mjs';
import { FUSES, fuseConfig, packagedBinary, readFuses } from '../../../scripts/packaging/fuses.mjs';

/*
 * The fuses the packaging step sets. No Electron binary can be downloaded here, so the afterPack hook runs on a
 * stand-in binary carrying Electron's fuse wire (sentinel, wire version 1, length, one byte per fuse: '0' off,
 * '1' on) at the path electron-builder's unpacked output has for each platform, and @electron/fuses reads it back.
 */

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults for the 8 fuses @electron/fuses knows, plus a 9th it does not (left as it is). */
const DEFAULT_WIRE = '10111001' + '1';

const fakeElectron = (wire = DEFAULT_WIRE) =>
  Buffer.concat([
    Buffer.from('\x7fELF...binary before the wire...'),
    Buffer.from(SENTINEL, 'latin1'),
    Buffer.from([1, wire.length]),
    Buffer.from(wire, 'latin1'),
    Buffer.from('...and after it'),
  ]);

const X64 = 1;
const ARM64 = 3;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const packed = async (platform: string, executable: string) => {
  const appOutDir = await mkdtemp(join(tmpdir(), 'pdm-fuses-'));
  dirs.push(appOutDir);
  const context = {
    appOutDir,
    electronPlatformName: platform,
    arch: X64,
    packager: { appInfo: { productFilename: 'PdM Studio' }, executableName: 'pdm-studio' },
  };
  const file = join(appOutDir, executable);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, fakeElectron());
  return { context, file };
};

describe('Electron fuses (scripts/packaging/fuses.mjs)', () => {
  it('turn off run-as-node, NODE_OPTIONS and --inspect; turn on cookie encryption, asar integrity, asar only', () => {
    expect(FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: true,
    });
  });

  it('become the @electron/fuses V1 wire positions, resetting the ad-hoc signature on Apple silicon only', () => {
    expect(fuseConfig({ platform: 'linux', arch: X64 })).toEqual({
      version: '1',
      resetAdHocDarwinSignature: false,
      0: false,
      1: true,
      2: false,
      3: false,
      4: true,
      5: true,
      6: false,
      7: true,
    });
    expect(fuseConfig({ platform: 'darwin', arch: ARM64 })['resetAdHocDarwinSignature']).toBe(true);
    expect(fuseConfig({ platform: 'darwin', arch: X64 })['resetAdHocDarwinSignature']).toBe(false);
    expect(fuseConfig({ platform: 'win32', arch: ARM64 })['resetAdHocDarwinSignature']).toBe(false);
  });

  it.each([
    ['linux', 'pdm-studio'],
    ['win32', 'PdM Studio.exe'],
    ['darwin', 'PdM Studio.app/Contents/Frameworks/Electron Framework.framework/Electron Framework'],
  ])('the afterPack hook sets them in the %s binary, and they read back', async (platform, executable) => {
    const { context, file } = await packed(platform, executable);
    const binary = packagedBinary(context);
    expect(await readFuses(binary)).toMatchObject({ RunAsNode: true, EnableNodeCliInspectArguments: true });
    await afterPack(context);
    expect(await readFuses(binary)).toEqual(FUSES);
    // the 9th fuse, unknown to this @electron/fuses, is left as Electron built it
    const bytes = await readFile(file);
    const wire = bytes.indexOf(SENTINEL) + SENTINEL.length;
    expect(bytes.toString('latin1', wire + 2, wire + 11)).toBe('01001101' + '1');
    expect(bytes.subarray(0, 10)).toEqual(fakeElectron().subarray(0, 10));
  });

  it('names the binary at the path electron-builder unpacks it to', () => {
    const packager = { appInfo: { productFilename: 'PdM Studio' }, executableName: 'pdm-studio' };
    expect(packagedBinary({ appOutDir: '/o', electronPlatformName: 'linux', arch: X64, packager })).toBe(
      '/o/pdm-studio',
    );
    expect(packagedBinary({ appOutDir: '/o', electronPlatformName: 'win32', arch: X64, packager })).toBe(
      '/o/PdM Studio.exe',
    );
    expect(packagedBinary({ appOutDir: '/o', electronPlatformName: 'darwin', arch: ARM64, packager })).toBe(
      '/o/PdM Studio.app',
    );
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const { context, file } = await packed('linux', 'pdm-studio');
    await writeFile(file, 'not electron');
    await expect(afterPack(context)).rejects.toThrow(/sentinel/);
  });

  it('beforePack refuses a target whose Electron zip the preflight did not provide, in one line', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pdm-zips-'));
    dirs.push(folder);
    const error = await beforePack({ electronPlatformName: 'win32', arch: X64 }, folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^electron-v[\d.]+-win32-x64\.zip is not in .*PDM_DIST_TARGETS=win32-x64/);
    expect((error as Error).message).not.toContain('\n');
    const version = JSON.parse(await readFile('node_modules/electron/package.json', 'utf8')) as { version: string };
    await writeFile(join(folder, `electron-v${version.version}-win32-x64.zip`), 'zip');
    await expect(beforePack({ electronPlatformName: 'win32', arch: X64 }, folder)).resolves.toBeUndefined();
  });
});
