import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseLaunch, electronPackageDir, findElectronBinary } from '../../../scripts/electron-binary.mjs';

describe('Electron binary detection (scripts/electron-binary.mjs)', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  const fakePackage = async (options: { pathTxt?: string; binary?: boolean; executable?: boolean }) => {
    dir = await mkdtemp(join(tmpdir(), 'pdm-electron-'));
    if (options.pathTxt !== undefined) await writeFile(join(dir, 'path.txt'), options.pathTxt);
    if (options.binary === true) {
      await mkdir(join(dir, 'dist'), { recursive: true });
      await writeFile(join(dir, 'dist', 'electron'), '#!/bin/sh\n');
      await chmod(join(dir, 'dist', 'electron'), options.executable === false ? 0o644 : 0o755);
    }
    return dir;
  };

  it('finds the installed electron package without loading it', () => {
    expect(electronPackageDir()).toMatch(/node_modules[\\/]electron$/);
  });

  it('reports the binary unavailable on this machine (never downloaded), and picks browser mode', () => {
    const result = findElectronBinary({ env: {} });
    expect(result.available).toBe(false);
    const launch = chooseLaunch({ env: { DISPLAY: ':0' } });
    expect(launch).toMatchObject({ mode: 'browser' });
    if (launch.mode === 'browser') {
      expect(launch.notice).toMatch(/^Electron binary not available here \(.+\); starting in browser mode\.$/);
      expect(launch.notice.split('\n')).toHaveLength(1);
    }
  });

  it('reports a missing package', () => {
    expect(findElectronBinary({ packageDir: null, env: {} })).toMatchObject({
      available: false,
      reason: /not installed/,
    });
  });

  it('reads path.txt and checks dist/<executable> exists and is executable', async () => {
    const pkg = await fakePackage({ pathTxt: 'electron', binary: true });
    expect(findElectronBinary({ packageDir: pkg, env: {}, platform: 'linux' })).toEqual({
      available: true,
      path: join(pkg, 'dist', 'electron'),
    });
    expect(chooseLaunch({ packageDir: pkg, env: { DISPLAY: ':0' }, platform: 'linux' })).toEqual({
      mode: 'electron',
      path: join(pkg, 'dist', 'electron'),
    });
  });

  it('is unavailable when path.txt names a file that is not there or not executable', async () => {
    const missing = await fakePackage({ pathTxt: 'electron' });
    expect(findElectronBinary({ packageDir: missing, env: {}, platform: 'linux' })).toMatchObject({
      available: false,
      reason: /does not exist/,
    });
    await rm(missing, { recursive: true, force: true });
    if (process.platform !== 'win32') {
      const notExecutable = await fakePackage({ pathTxt: 'electron', binary: true, executable: false });
      expect(findElectronBinary({ packageDir: notExecutable, env: {}, platform: 'linux' })).toMatchObject({
        available: false,
        reason: /not executable/,
      });
    }
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js', async () => {
    const pkg = await fakePackage({ binary: true });
    const env = { ELECTRON_OVERRIDE_DIST_PATH: join(pkg, 'dist') };
    expect(findElectronBinary({ packageDir: join(pkg, 'nowhere'), env, platform: 'linux' })).toEqual({
      available: true,
      path: join(pkg, 'dist', 'electron'),
    });
  });

  it('falls back to browser mode without a display, or when PDM_STUDIO_BROWSER=1', async () => {
    const pkg = await fakePackage({ pathTxt: 'electron', binary: true });
    expect(chooseLaunch({ packageDir: pkg, env: {}, platform: 'linux' })).toMatchObject({
      mode: 'browser',
      notice: expect.stringMatching(/no display/),
    });
    expect(
      chooseLaunch({ packageDir: pkg, env: { DISPLAY: ':0', PDM_STUDIO_BROWSER: '1' }, platform: 'linux' }),
    ).toMatchObject({
      mode: 'browser',
      notice: expect.stringMatching(/PDM_STUDIO_BROWSER/),
    });
    expect(
      chooseLaunch({ packageDir: pkg, env: { DISPLAY: ':0', PDM_STUDIO_BROWSER: '0' }, platform: 'linux' }),
    ).toMatchObject({
      mode: 'electron',
    });
  });
});
