// Electron main process entry (ESM). The only runtime import of 'electron' in the main process: everything
// else is in desktop.ts, written against the objects passed here so that it can be tested with fakes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  safeStorage,
  screen,
  session,
  shell,
  utilityProcess,
} from 'electron';
import electronUpdater from 'electron-updater';
import { startCoreHost } from '../core-host/host-client.js';
import { defaultUserDataDir } from '../core/app/user-data.js';
import { describeBuild, readBuildInfo } from '../core/update/build-info.js';
import { startDesktop } from './desktop.js';
import { createFileLog } from './log.js';
import { utilityHostSpawner } from './utility-host.js';

const mainDir = dirname(fileURLToPath(import.meta.url));
const userDataDir = defaultUserDataDir();
const log = createFileLog(join(userDataDir, 'logs', 'main.log'));
// electron-updater downloads and installs; what to install is decided and verified by src/main/core/update.
const { autoUpdater } = electronUpdater;
autoUpdater.autoDownload = false;
autoUpdater.autoInstallOnAppQuit = false;
autoUpdater.logger = {
  info: (m) => log.info(`updater: ${String(m)}`),
  warn: (m) => log.warn(`updater: ${String(m)}`),
  error: (m) => log.error('updater', m),
  debug: () => undefined,
};

// `pdm-studio --version` on an installed app (the deb's /usr/bin/pdm-studio, the .exe, the AppImage): print, exit.
if (process.argv.includes('--version')) {
  process.stdout.write(`${describeBuild(readBuildInfo()).join('\n')}\n`);
  app.exit(0);
} else {
  startDesktop({
    electron: {
      app,
      BrowserWindow,
      dialog,
      ipcMain,
      Menu,
      screen,
      session,
      shell,
      safeStorage,
      clipboard,
      ClipboardItem,
      nativeImage,
    },
    // The core runs in a utility process: this process only forwards checked IPC calls and events to it.
    createAppCore: (options, onCrash) =>
      startCoreHost({
        spawn: utilityHostSpawner(utilityProcess, join(mainDir, '..', 'core-host', 'host-process.js')),
        userDataDir: options.userDataDir,
        shell: 'electron',
        selectPath: options.selectPath,
        openPath: options.openPath,
        secretCipher: options.secretCipher,
        pdfPrinter: options.pdfPrinter,
        onCrash,
        log: (level, message) => log[level](message),
      }),
    userDataDir,
    mainDir,
    indexHtml: join(mainDir, '..', '..', 'renderer', 'index.html'),
    argv: process.argv.slice(app.isPackaged ? 1 : 2),
    processEvents: process,
    log,
    // A development run has no installed release for electron-updater to replace.
    ...(app.isPackaged ? { autoUpdater } : {}),
  });
}
