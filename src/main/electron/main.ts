// Electron main process entry (ESM). The only runtime import of 'electron' in the main process: everything
// else is in desktop.ts, written against the objects passed here so that it can be tested with fakes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, screen, session, shell } from 'electron';
import { createAppCore } from '../core/app/app-core.js';
import { defaultUserDataDir } from '../core/app/user-data.js';
import { startDesktop } from './desktop.js';

const mainDir = dirname(fileURLToPath(import.meta.url));

startDesktop({
  electron: { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell, safeStorage },
  createAppCore,
  userDataDir: defaultUserDataDir(),
  mainDir,
  indexHtml: join(mainDir, '..', '..', 'renderer', 'index.html'),
  argv: process.argv.slice(app.isPackaged ? 1 : 2),
  processEvents: process,
});
