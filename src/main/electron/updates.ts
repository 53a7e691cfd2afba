import { basename } from 'node:path';
import type { MessageBoxOptions } from 'electron';
import type { BuildInfo } from '../core/update/build-info.js';
import { installBlocker, type RunningJobKind } from '../core/update/install-gate.js';
import { checkForUpdate, verifyInstallerFile, type UpdateCheck } from '../core/update/update-check.js';
import { UpdateError } from '../core/update/update-error.js';
import type { InstallerKind } from '../core/update/update-feed.js';
import { readUpdateSetting, UPDATE_URL_ENV } from '../core/update/update-settings.js';
import { describeSource, parseUpdateSource, serveFolder, type UpdateSource } from '../core/update/update-source.js';
import type { FileLog } from './log.js';

/*
 * The desktop side of updates, thin on purpose: src/main/core/update decides (signed feed, newer version,
 * SHA-512), electron-updater downloads and installs, and this asks the user at each step. Nothing installs
 * without the user's "Restart and install", and never while an import or a training run is going.
 */

/** electron-updater's AppUpdater as far as this uses it (main.ts passes the real `autoUpdater`). */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{
    readonly updateInfo: { readonly version: string; readonly files: readonly { url: string; sha512: string }[] };
  } | null>;
  downloadUpdate(): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdateControllerOptions {
  readonly autoUpdater: AutoUpdaterLike;
  /** Shows a message box and answers the index of the button chosen (dialog.showMessageBox in the app). */
  readonly ask: (box: MessageBoxOptions) => Promise<number>;
  readonly buildInfo: BuildInfo;
  readonly userDataDir: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly kind: InstallerKind;
  /** The imports and training runs under way now. */
  readonly runningJobs: () => readonly RunningJobKind[];
  readonly log: Pick<FileLog, 'info' | 'warn' | 'error'>;
  readonly env?: NodeJS.ProcessEnv;
}

export type UpdateOutcome =
  | 'no-source'
  | 'failed'
  | 'refused'
  | 'up-to-date'
  | 'declined'
  | 'deferred'
  | 'later'
  | 'install-at-quit'
  | 'installing'
  | 'busy';

export interface UpdateController {
  /** Look for an update; `interactive` (the menu) also reports "up to date" and problems in a dialog. */
  readonly check: (interactive: boolean) => Promise<UpdateOutcome>;
  /** A job finished: a downloaded update waiting for it is offered again once nothing runs. */
  readonly jobsChanged: () => Promise<UpdateOutcome | null>;
}

const TITLE = 'PdM Studio updates';

export const createUpdateController = (options: UpdateControllerOptions): UpdateController => {
  const { autoUpdater, ask, log } = options;
  let working = false;
  let ready: { readonly version: string; readonly file: string } | null = null;
  let deferred = false;

  const tell = async (type: 'info' | 'warning' | 'error', message: string, detail?: string) => {
    await ask({ type, title: TITLE, message, ...(detail === undefined ? {} : { detail }), buttons: ['OK'] });
  };

  const offerInstall = async (): Promise<UpdateOutcome> => {
    if (ready === null) return 'later';
    const blocked = installBlocker(options.runningJobs());
    if (blocked !== null) {
      deferred = true;
      log.info(`update ${ready.version} ready; waiting: ${blocked}`);
      await tell(
        'info',
        `PdM Studio ${ready.version} is downloaded and verified.`,
        `${blocked}. You will be asked then.`,
      );
      return 'deferred';
    }
    const choice = await ask({
      type: 'question',
      title: TITLE,
      message: `Install PdM Studio ${ready.version} now?`,
      detail: 'The app closes, installs the update and starts again. Your workspace is kept.',
      buttons: ['Restart and install', 'Install when I quit', 'Later'],
      defaultId: 0,
      cancelId: 2,
    });
    if (choice === 0) {
      // A job may have started while the question was open.
      const nowBlocked = installBlocker(options.runningJobs());
      if (nowBlocked !== null) {
        deferred = true;
        await tell('info', `PdM Studio ${ready.version} will install later.`, `${nowBlocked}. You will be asked then.`);
        return 'deferred';
      }
      log.info(`installing update ${ready.version} (${ready.file})`);
      autoUpdater.quitAndInstall(false, true);
      return 'installing';
    }
    if (choice === 1) {
      autoUpdater.autoInstallOnAppQuit = true;
      log.info(`update ${ready.version} installs when the app quits`);
      return 'install-at-quit';
    }
    return 'later';
  };

  /** electron-updater fetches the feed again: it must be the very release the signed check approved. */
  const download = async (
    source: UpdateSource,
    check: Extract<UpdateCheck, { status: 'available' }>,
  ): Promise<UpdateOutcome> => {
    const bridge = source.kind === 'folder' ? await serveFolder(source.dir) : null;
    try {
      autoUpdater.autoDownload = false;
      autoUpdater.autoInstallOnAppQuit = false;
      autoUpdater.setFeedURL({ provider: 'generic', url: source.kind === 'http' ? source.base : (bridge?.url ?? '') });
      const found = await autoUpdater.checkForUpdates();
      const same =
        found !== null &&
        found.updateInfo.version === check.version &&
        found.updateInfo.files.some((f) => f.url === check.installer.name && f.sha512 === check.installer.sha512);
      if (!same) {
        log.warn(
          `update refused: the feed at ${describeSource(source)} changed between the signed check and the download`,
        );
        await tell(
          'error',
          'The update was refused.',
          `The update feed at ${describeSource(source)} changed while it was being read. Try again later, or ask IT.`,
        );
        return 'refused';
      }
      const files = await autoUpdater.downloadUpdate();
      const file = files.find((f) => basename(f) === check.installer.name) ?? files[0];
      if (file === undefined) throw new UpdateError('not-found', 'the download produced no file');
      await verifyInstallerFile(file, check.installer);
      ready = { version: check.version, file };
      log.info(`update ${check.version} downloaded and verified: ${file}`);
      return await offerInstall();
    } finally {
      await bridge?.close();
    }
  };

  const check = async (interactive: boolean): Promise<UpdateOutcome> => {
    if (working) return 'busy';
    working = true;
    try {
      if (ready !== null) return await offerInstall();
      const setting = await readUpdateSetting(options.userDataDir, options.env);
      if (setting.url === null) {
        if (interactive)
          await tell(
            'info',
            'No update source is set.',
            `Ask IT for the update share or server, and set it as "updates": { "url": "..." } in ${setting.from} (or in ${UPDATE_URL_ENV}).`,
          );
        return 'no-source';
      }
      const source = parseUpdateSource(setting.url);
      const result = await checkForUpdate(source, {
        currentVersion: options.buildInfo.version,
        platform: options.platform,
        arch: options.arch,
        kind: options.kind,
        publicKey: options.buildInfo.updatePublicKey,
      });
      if (result.status === 'up-to-date') {
        log.info(`updates: ${result.current} is current (${describeSource(source)} has ${result.latest})`);
        if (interactive)
          await tell('info', `PdM Studio ${result.current} is up to date.`, `Checked ${describeSource(source)}.`);
        return 'up-to-date';
      }
      const choice = await ask({
        type: 'info',
        title: TITLE,
        message: `PdM Studio ${result.version} is available.`,
        detail: [
          `You have ${result.current}. From ${describeSource(source)}; signature checked.`,
          ...(result.releaseNotes === null ? [] : ['', result.releaseNotes]),
        ].join('\n'),
        buttons: ['Download', 'Later'],
        defaultId: 0,
        cancelId: 1,
      });
      if (choice !== 0) return 'declined';
      return await download(source, result);
    } catch (error) {
      const refused =
        error instanceof UpdateError &&
        ['unsigned', 'bad-signature', 'hash-mismatch', 'size-mismatch', 'bad-feed'].includes(error.code);
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`update check: ${message}`);
      if (interactive || refused)
        await tell(
          refused ? 'error' : 'warning',
          refused ? 'The update was refused.' : 'Could not check for updates.',
          message,
        );
      return refused ? 'refused' : 'failed';
    } finally {
      working = false;
    }
  };

  const jobsChanged = async (): Promise<UpdateOutcome | null> => {
    if (!deferred || options.runningJobs().length > 0) return null;
    deferred = false;
    return offerInstall();
  };

  return { check, jobsChanged };
};
