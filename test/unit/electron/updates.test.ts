import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageBoxOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildInfo } from '../../../src/main/core/update/build-info.js';
import type { RunningJobKind } from '../../../src/main/core/update/install-gate.js';
import { saveUpdateUrl } from '../../../src/main/core/update/update-settings.js';
import { generateUpdateKeys } from '../../../src/main/core/update/update-signature.js';
import { createUpdateController, type UpdateControllerOptions } from '../../../src/main/electron/updates.js';
import { FakeAutoUpdater, publishRelease } from './fakes.js';

/*
 * The desktop update prompts over the real core check: a signed release in a folder (the plant share), served by
 * the app's 127.0.0.1 bridge to a stand-in for electron-updater that really fetches from it. The user answers
 * each question; nothing installs without "Restart and install", and never while a job runs.
 */

const keys = generateUpdateKeys();
const buildInfo = (overrides: Partial<BuildInfo> = {}): BuildInfo => ({
  name: 'pdm-studio',
  version: '0.1.0',
  commit: 'abc',
  dirty: false,
  buildDate: '2026-12-01T00:00:00.000Z',
  signed: true,
  signing: 'test',
  updatePublicKey: keys.publicKey,
  source: 'build-info',
  ...overrides,
});

let dir: string;
let share: string;
let userData: string;
let updater: FakeAutoUpdater;
let running: RunningJobKind[];
let asked: MessageBoxOptions[];
let answers: number[];
let installer: Buffer;

const controller = (overrides: Partial<UpdateControllerOptions> = {}) =>
  createUpdateController({
    autoUpdater: updater,
    ask: async (box) => {
      asked.push(box);
      return answers.shift() ?? 0;
    },
    buildInfo: buildInfo(),
    userDataDir: userData,
    platform: 'linux',
    arch: 'x64',
    kind: 'appimage',
    runningJobs: () => running,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    env: {},
    ...overrides,
  });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-updates-'));
  share = join(dir, 'share');
  userData = join(dir, 'user-data');
  await mkdir(share, { recursive: true });
  installer = randomBytes(200_000);
  await publishRelease(share, '0.2.0', keys.privateKey, installer);
  await saveUpdateUrl(userData, share);
  updater = new FakeAutoUpdater('latest-linux.yml', join(dir, 'downloads'));
  running = [];
  asked = [];
  answers = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('update prompts (src/main/electron/updates.ts)', () => {
  it('offers the newer version, downloads it through electron-updater, verifies it, and installs on "Restart"', async () => {
    answers = [0, 0]; // Download, Restart and install
    expect(await controller().check(true)).toBe('installing');
    expect(asked.map((b) => b.message)).toEqual(['PdM Studio 0.2.0 is available.', 'Install PdM Studio 0.2.0 now?']);
    expect(asked[0]?.buttons).toEqual(['Download', 'Later']);
    expect(asked[1]?.buttons).toEqual(['Restart and install', 'Install when I quit', 'Later']);
    expect(updater.feedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // the share, served on loopback
    expect(updater.autoDownload).toBe(false);
    expect(updater.installs).toBe(1);
  });

  it('does nothing the user did not choose: "Later" downloads nothing, "Install when I quit" does not restart', async () => {
    answers = [1];
    expect(await controller().check(true)).toBe('declined');
    expect(await readdir(dir)).not.toContain('downloads');
    answers = [0, 1];
    expect(await controller().check(true)).toBe('install-at-quit');
    expect(updater.installs).toBe(0);
    expect(updater.autoInstallOnAppQuit).toBe(true);
  });

  it('never restarts during a running training or import; offers the install once they have finished', async () => {
    running = ['training', 'import'];
    const updates = controller();
    answers = [0, 0];
    expect(await updates.check(false)).toBe('deferred');
    expect(asked.at(-1)).toMatchObject({
      message: 'PdM Studio 0.2.0 is downloaded and verified.',
      detail:
        'a training run and a file import are running; the update installs once they have finished. You will be asked then.',
    });
    expect(updater.installs).toBe(0);
    running = ['import'];
    expect(await updates.jobsChanged()).toBeNull(); // still one running: no question
    expect(updater.installs).toBe(0);
    running = [];
    answers = [0];
    expect(await updates.jobsChanged()).toBe('installing');
    expect(asked.at(-1)?.message).toBe('Install PdM Studio 0.2.0 now?');
    expect(updater.installs).toBe(1);
  });

  it('does not restart when a job started while the question was open', async () => {
    const updates = controller({
      ask: async (box) => {
        asked.push(box);
        if (box.message === 'Install PdM Studio 0.2.0 now?') running = ['opcua-import'];
        return 0;
      },
    });
    expect(await updates.check(true)).toBe('deferred');
    expect(asked.at(-1)?.detail).toMatch(/^a historian import is running/);
    expect(updater.installs).toBe(0);
  });

  it('refuses a download that does not match the signed SHA-512, and offers no install', async () => {
    updater.tamper = true;
    answers = [0, 0];
    expect(await controller().check(true)).toBe('refused');
    expect(asked.at(-1)).toMatchObject({ type: 'error', message: 'The update was refused.' });
    expect(String(asked.at(-1)?.detail)).toMatch(/does not match the SHA-512 in the signed feed/);
    expect(updater.installs).toBe(0);
  });

  it('refuses when electron-updater sees another release than the signed check', async () => {
    updater.reportVersion = '0.3.0';
    answers = [0];
    expect(await controller().check(true)).toBe('refused');
    expect(updater.installs).toBe(0);
  });

  it('refuses a feed changed on the share, even when checking quietly', async () => {
    const feed = join(share, 'latest-linux.yml');
    await writeFile(feed, (await readFile(feed, 'utf8')).replace('version: 0.2.0', 'version: 0.2.1'));
    expect(await controller().check(false)).toBe('refused');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toBe('The update was refused.');
  });

  it('reports up to date, no source, and a build that cannot verify updates only when asked', async () => {
    expect(await controller({ buildInfo: buildInfo({ version: '0.2.0' }) }).check(true)).toBe('up-to-date');
    expect(asked.at(-1)?.message).toBe('PdM Studio 0.2.0 is up to date.');
    asked = [];
    expect(await controller({ buildInfo: buildInfo({ version: '0.2.0' }) }).check(false)).toBe('up-to-date');
    expect(asked).toEqual([]);
    await saveUpdateUrl(userData, null);
    expect(await controller().check(true)).toBe('no-source');
    expect(asked.at(-1)?.detail).toMatch(
      /"updates": \{ "url": "\.\.\." \} in .*settings\.json \(or in PDM_STUDIO_UPDATE_URL\)/,
    );
    await saveUpdateUrl(userData, share);
    expect(await controller({ buildInfo: buildInfo({ updatePublicKey: null }) }).check(true)).toBe('failed');
    expect(asked.at(-1)?.detail).toMatch(/this build has no update-signing key/);
  });
});
