// Electron main process entry (ESM). The only runtime import of 'electron' in the main process: everything
// else is in desktop.ts, written against the objects passed here so that it can be tested with fakes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, screen, session, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { createAppCore } from '../core/app/app-core.js';
import { defaultUserDataDir } from '../core/app/user-data.js';
import { describeBuild, readBuildInfo } from '../core/update/build-info.js';
import { startDesktop } from './desktop.js';
import { createFileLog } from './log.js';

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
    electron: { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell, safeStorage },
    createAppCore,
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
