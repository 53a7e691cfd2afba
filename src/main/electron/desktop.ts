import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as electron from 'electron';
import type { BrowserWindow, ClipboardItem, NativeImage, OpenDialogOptions, WebContents } from 'electron';
import type { ApiEvent } from '../../shared/api.js';
import type { AppCoreOptions, CoreService, SelectPath } from '../core/app/app-core.js';
import { dispatch } from '../core/app/dispatch.js';
import { reopenLastWorkspace } from '../core/app/reopen-workspace.js';
import { fileKeyCipher } from '../core/historians/secrets.js';
import { logDirIn } from '../core/log/logger.js';
import { describeBuild, readBuildInfo, type BuildInfo } from '../core/update/build-info.js';
import type { RunningJobKind } from '../core/update/install-gate.js';
import { installerKindFor } from '../core/update/update-feed.js';
import { EVENT_CHANNEL } from './channels.js';
import { registerChartImageHandlers } from './chart-image-ipc.js';
import { createSenderCheck, registerIpcHandlers } from './ipc.js';
import { createFileLog, describeError, type FileLog } from './log.js';
import { buildMenuTemplate } from './menu.js';
import { createKeychainCipher, type SafeStorageLike } from './secret-cipher.js';
import { createUpdateController, type AutoUpdaterLike, type UpdateController } from './updates.js';
import { externalUrlToOpen, isAppUrl, withContentSecurityPolicy } from './security.js';
import { loadWindowState, MIN_SIZE, restoreBounds, saveWindowState, type Rect } from './window-state.js';
import { electronPdfPrinter } from './electron-pdf-printer.js';

/*
 * The desktop shell. Everything here is written against the Electron objects handed in through
 * `DesktopOptions.electron` (main.ts passes the real module's exports; the unit tests pass fakes), so this
 * file only imports Electron's types.
 */

type ElectronModule = typeof electron;
export type ElectronDeps = Pick<
  ElectronModule,
  'app' | 'BrowserWindow' | 'dialog' | 'ipcMain' | 'Menu' | 'screen' | 'session' | 'shell'
> & {
  /** Keeps connection-profile passwords with the OS keychain; omitted or unavailable: the file key (logged). */
  readonly safeStorage?: SafeStorageLike;
  /** Chart images to the clipboard; omitted: "Copy image" answers that the clipboard is not available. */
  readonly clipboard?: { write(items: ClipboardItem[]): Promise<void> };
  readonly ClipboardItem?: typeof ClipboardItem;
  readonly nativeImage?: { createFromBuffer(buffer: Buffer): NativeImage };
};

/** Stands in for a missing safeStorage: never available. */
const NO_SAFE_STORAGE: SafeStorageLike = {
  isEncryptionAvailable: () => false,
  encryptString: () => {
    throw new Error('safeStorage is not available');
  },
  decryptString: () => {
    throw new Error('safeStorage is not available');
  },
};

/** The bits of `process` used for crash logging (injected so tests do not install global handlers). */
export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface DesktopOptions {
  readonly electron: ElectronDeps;
  /**
   * Starts the core: main.ts starts it in a utility process (src/main/core-host), so heavy SQL and row
   * materialisation never run on this process's event loop; `onCrash` is told, in the user's words, when that
   * process stopped unexpectedly (it is restarted). Tests pass an in-process fake.
   */
  readonly createAppCore: (options: AppCoreOptions, onCrash: (message: string) => void) => Promise<CoreService>;
  /** The app's data folder, shared with the CLI (PDM_STUDIO_HOME or the platform default). */
  readonly userDataDir: string;
  /** The folder holding main.js and preload.cjs (dist/main/electron). */
  readonly mainDir: string;
  /** dist/renderer/index.html. */
  readonly indexHtml: string;
  readonly argv: readonly string[];
  readonly platform?: NodeJS.Platform;
  readonly processEvents?: ProcessEvents;
  readonly log?: FileLog;
  /** electron-updater's autoUpdater; omitted: no update checks (the menu says so). */
  readonly autoUpdater?: AutoUpdaterLike;
  /** dist/build-info.json or, in a checkout, git (the About box, the update check). */
  readonly buildInfo?: BuildInfo;
  readonly arch?: string;
}

/** A packaged app looks for updates this long after it started, when an update source is set. */
export const STARTUP_UPDATE_CHECK_MS = 30_000;

export const APP_NAME = 'PdM Studio';

/** `--workspace <dir>` or `--workspace=<dir>` on the command line (first and second instances). */
export const workspaceArg = (argv: readonly string[]): string | undefined => {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--workspace=')) return arg.slice('--workspace='.length) || undefined;
    if (arg === '--workspace' || arg === '-w') {
      const next = argv[i + 1];
      return next !== undefined && !next.startsWith('-') ? next : undefined;
    }
  }
  return undefined;
};

/** The secure defaults every window of the app is created with. */
export const secureWebPreferences = (preload: string, isPackaged: boolean) =>
  ({
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    devTools: !isPackaged,
  }) as const;

export interface Desktop {
  /** Resolves once the window is loading (or immediately when another instance already runs). */
  readonly ready: Promise<void>;
  readonly window: () => BrowserWindow | null;
}

/** Start the desktop app: single-instance lock, session hardening, the core, IPC, menu, and the window. */
export const startDesktop = (options: DesktopOptions): Desktop => {
  const { app, BrowserWindow: Window, dialog, ipcMain, Menu, screen, session, shell } = options.electron;
  const platform = options.platform ?? process.platform;
  const log = options.log ?? createFileLog(logDirIn(options.userDataDir));
  const indexUrl = pathToFileURL(options.indexHtml).href;
  const preload = join(options.mainDir, 'preload.cjs');
  const windowStateFile = join(options.userDataDir, 'window-state.json');
  const buildInfo = options.buildInfo ?? readBuildInfo();

  options.processEvents?.on('uncaughtException', (error) => log.error('uncaught exception', error));
  options.processEvents?.on('unhandledRejection', (reason) => log.error('unhandled rejection', reason));

  // Must happen before 'ready': one data folder for the CLI and the desktop app, Chromium's own files beside it.
  app.setPath('userData', options.userDataDir);
  app.setPath('sessionData', join(options.userDataDir, 'session'));
  app.enableSandbox();

  let win: BrowserWindow | null = null;
  let core: CoreService | null = null;
  let disposeIpc: (() => void) | null = null;
  let stateWrites: Promise<void> = Promise.resolve();
  let updates: UpdateController | null = null;
  /** Imports and training runs under way (from the core's job events), which an update install must wait for. */
  const runningJobs = new Map<string, RunningJobKind>();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.resolve(), window: () => null };
  }

  const parentWindow = (): BrowserWindow | undefined => (win !== null && !win.isDestroyed() ? win : undefined);

  const showError = (message: string, detail: string) => {
    const parent = parentWindow();
    const box = { type: 'error' as const, title: APP_NAME, message, detail };
    void (parent === undefined ? dialog.showMessageBox(box) : dialog.showMessageBox(parent, box)).catch(
      () => undefined,
    );
  };

  const selectPath: SelectPath = async ({ kind, title }) => {
    const parent = parentWindow();
    if (kind === 'save-file') {
      const options = { title };
      const result =
        parent === undefined ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(parent, options);
      return { supported: true, paths: result.canceled || !result.filePath ? [] : [result.filePath] };
    }
    const properties: OpenDialogOptions['properties'] =
      kind === 'directory' ? ['openDirectory', 'createDirectory'] : ['openFile', 'multiSelections'];
    const options = { title, properties };
    const result =
      parent === undefined ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
    return { supported: true, paths: result.canceled ? [] : result.filePaths };
  };

  const run = async (
    what: string,
    method: 'openWorkspace' | 'openSampleWorkspace' | 'openLogFolder',
    args: { path?: string },
  ) => {
    if (core === null) return;
    const result = await dispatch(core.handlers, method, args);
    if (!result.ok) {
      log.warn(`${what} failed: ${result.error.message}`);
      showError(`Could not ${what}.`, result.error.message);
    }
  };

  const openWorkspaceAt = (path: string) => run('open the workspace', 'openWorkspace', { path });

  /** Without --workspace, the workspace open when the app last closed comes back (reopen-workspace.ts). */
  const reopenLast = async () => {
    if (core === null) return;
    const outcome = await reopenLastWorkspace(core.handlers);
    switch (outcome.kind) {
      case 'none':
        return;
      case 'reopened':
        log.info(`reopened the last workspace ${outcome.path}`);
        return;
      case 'gone':
        log.info(`last workspace not reopened: ${outcome.message}`);
        return;
      case 'failed':
        log.warn(`reopen the last workspace failed: ${outcome.message}`);
        showError('Could not reopen the last workspace.', outcome.message);
        return;
    }
  };

  const about = () => {
    const parent = parentWindow();
    const [title, ...build] = describeBuild(buildInfo);
    const box = {
      type: 'info' as const,
      title: `About ${APP_NAME}`,
      message: title ?? APP_NAME,
      detail: [
        'Predictive maintenance workbench for plant reliability engineers.',
        '',
        ...build,
        '',
        `Electron ${process.versions['electron'] ?? '?'} · Chromium ${process.versions['chrome'] ?? '?'} · Node ${process.versions.node}`,
        `Data folder: ${options.userDataDir}`,
      ].join('\n'),
    };
    void (parent === undefined ? dialog.showMessageBox(box) : dialog.showMessageBox(parent, box)).catch(
      () => undefined,
    );
  };

  const checkForUpdates = (interactive: boolean) => {
    if (updates === null) {
      if (interactive)
        showError('Updates are not available here.', 'This copy of PdM Studio was not installed by its installer.');
      return;
    }
    void updates.check(interactive).catch((error: unknown) => log.error('update check', error));
  };

  const refreshMenu = async () => {
    const recent = core === null ? [] : (await core.handlers.listRecentWorkspaces({})).map((r) => r.path);
    const template = buildMenuTemplate({
      appName: APP_NAME,
      platform,
      isPackaged: app.isPackaged,
      recent,
      actions: {
        openWorkspace: () => {
          void (async () => {
            const choice = await selectPath({ kind: 'directory', title: 'Open Workspace' });
            const path = choice.paths[0];
            if (path !== undefined) await openWorkspaceAt(path);
          })().catch((error: unknown) => log.error('open workspace', error));
        },
        openSample: () => {
          void run('open the sample data', 'openSampleWorkspace', {}).catch((error: unknown) =>
            log.error('open sample', error),
          );
        },
        openRecent: (path) => {
          void openWorkspaceAt(path).catch((error: unknown) => log.error('open recent workspace', error));
        },
        about,
        openLogFolder: () => {
          void run('open the log folder', 'openLogFolder', {}).catch((error: unknown) =>
            log.error('open log folder', error),
          );
        },
        checkForUpdates: () => checkForUpdates(true),
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  /** Job events tell which imports and training runs are under way (progress first, 'job-finished' last). */
  const trackJobs = (event: ApiEvent) => {
    if (event.type === 'job-progress' && !runningJobs.has(event.jobId)) {
      runningJobs.set(event.jobId, 'job');
      void core?.handlers
        .getJob({ jobId: event.jobId })
        .then((job) => {
          if (runningJobs.has(job.id)) runningJobs.set(job.id, job.kind);
        })
        .catch(() => undefined);
    } else if (event.type === 'job-finished') {
      runningJobs.delete(event.job.id);
      void updates?.jobsChanged().catch((error: unknown) => log.error('update after job', error));
    }
  };

  const forward = (event: ApiEvent) => {
    trackJobs(event);
    if (win !== null && !win.isDestroyed() && !win.webContents.isDestroyed())
      win.webContents.send(EVENT_CHANNEL, event);
    if (event.type === 'workspace-changed')
      void refreshMenu().catch((error: unknown) => log.error('menu refresh', error));
  };

  /** Navigation, pop-ups and <webview> are refused for every web contents the app creates. */
  const harden = (contents: WebContents) => {
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (isAppUrl(url, indexUrl)) return;
      event.preventDefault();
      const external = externalUrlToOpen(url);
      log.warn(`navigation blocked${external === null ? '' : ' (opened in the browser)'}: ${url.slice(0, 200)}`);
      if (external !== null)
        void shell.openExternal(external).catch((error: unknown) => log.error('openExternal', error));
    };
    contents.on('will-navigate', (event) => guard(event, event.url));
    contents.on('will-redirect', (event) => guard(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const external = externalUrlToOpen(url);
      if (external !== null)
        void shell.openExternal(external).catch((error: unknown) => log.error('openExternal', error));
      else log.warn(`window.open blocked: ${url.slice(0, 200)}`);
      return { action: 'deny' };
    });
  };

  const hardenSession = () => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, permission, callback) => {
      log.warn(`permission request denied: ${permission}`);
      callback(false);
    });
    ses.setPermissionCheckHandler(() => false);
    ses.webRequest.onHeadersReceived((details, callback) => {
      if (details.url.startsWith('devtools:')) {
        callback({});
        return;
      }
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
    });
  };

  const rememberWindowState = (bounds: Rect, maximized: boolean) => {
    stateWrites = stateWrites
      .then(() => saveWindowState(windowStateFile, bounds, maximized))
      .catch((error: unknown) => log.error('saving window state', error));
    return stateWrites;
  };

  const createWindow = async () => {
    const saved = await loadWindowState(windowStateFile);
    const primary = screen.getPrimaryDisplay();
    const displays = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)];
    const bounds = restoreBounds(
      saved,
      displays.map((d) => d.workArea),
    );
    const window = new Window({
      x: bounds.x,
      y: bounds.y,
      width: bounds.width,
      height: bounds.height,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: APP_NAME,
      backgroundColor: '#ffffff',
      webPreferences: secureWebPreferences(preload, app.isPackaged),
    });
    win = window;
    if (bounds.maximized) window.maximize();
    window.once('ready-to-show', () => window.show());

    let timer: ReturnType<typeof setTimeout> | undefined;
    const capture = () => {
      if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
      void rememberWindowState(window.getNormalBounds(), window.isMaximized());
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(capture, 500);
    };
    window.on('resize', later);
    window.on('move', later);
    window.on('maximize', later);
    window.on('unmaximize', later);
    window.on('close', () => {
      clearTimeout(timer);
      capture();
    });
    window.on('closed', () => {
      if (win === window) win = null;
    });

    const contents = window.webContents;
    contents.on('render-process-gone', (_event, details) => {
      log.error(`renderer gone: ${details.reason} (exit code ${details.exitCode})`);
      if (details.reason === 'clean-exit' || window.isDestroyed()) return;
      void dialog
        .showMessageBox(window, {
          type: 'error',
          title: APP_NAME,
          message: 'The window stopped working.',
          detail: `Reason: ${details.reason}. Reload it? Your workspace on disk is unaffected.`,
          buttons: ['Reload', 'Close'],
          defaultId: 0,
          cancelId: 1,
        })
        .then(({ response }) => {
          if (window.isDestroyed()) return;
          if (response === 0)
            void window.loadFile(options.indexHtml).catch((error: unknown) => log.error('reload', error));
          else window.close();
        })
        .catch((error: unknown) => log.error('crash dialog', error));
    });
    contents.on('unresponsive', () => log.warn('renderer unresponsive'));
    contents.on('responsive', () => log.info('renderer responsive again'));
    contents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
      if (isMainFrame) log.error(`page failed to load (${code} ${description}): ${url.slice(0, 200)}`);
    });
    contents.on('preload-error', (_event, path, error) => log.error(`preload failed (${path})`, error));

    if (!existsSync(options.indexHtml)) {
      log.error(`renderer missing: ${options.indexHtml}`);
      showError(
        'The user interface is not built.',
        `Missing ${options.indexHtml}. Run "npm run build" and start again.`,
      );
      return;
    }
    await window.loadFile(options.indexHtml);
  };

  const shutdown = async () => {
    disposeIpc?.();
    disposeIpc = null;
    await stateWrites;
    const closing = core;
    core = null;
    await closing?.dispose();
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const window = parentWindow();
    if (window !== undefined) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    }
    const workspace = workspaceArg(argv);
    if (workspace !== undefined)
      void openWorkspaceAt(resolve(workingDirectory, workspace)).catch((error: unknown) =>
        log.error('second instance', error),
      );
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (win === null && core !== null)
      void createWindow().catch((error: unknown) => log.error('creating the window', error));
  });
  app.on('render-process-gone', (_event, _contents, details) => {
    if (details.reason !== 'clean-exit') log.warn(`a renderer process ended: ${details.reason}`);
  });
  let cleanedUp = false;
  let cleaning = false;
  app.on('will-quit', (event) => {
    if (cleanedUp) return;
    event.preventDefault();
    if (cleaning) return;
    cleaning = true;
    void shutdown()
      .catch((error: unknown) => log.error('shutdown', error))
      .finally(() => {
        cleanedUp = true;
        app.quit();
      });
  });

  const ready = (async () => {
    await app.whenReady();
    log.info(
      `starting ${APP_NAME} ${app.getVersion()} (${app.isPackaged ? 'packaged' : 'development'}; ${describeBuild(buildInfo).slice(1).join('; ')})`,
    );
    hardenSession();
    // safeStorage answers only once the app is ready (Linux, Windows).
    const secretCipher = createKeychainCipher({
      safeStorage: options.electron.safeStorage ?? NO_SAFE_STORAGE,
      fallback: fileKeyCipher(options.userDataDir),
      log,
      platform,
    });
    core = await options.createAppCore(
      {
        userDataDir: options.userDataDir,
        shell: 'electron',
        selectPath,
        secretCipher,
        openPath: (path) => shell.openPath(path),
        // Reports print in a hidden, sandboxed window of their own (never the app's window).
        pdfPrinter: async () =>
          electronPdfPrinter({
            createWindow: () =>
              new Window({
                show: false,
                webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: true },
              }),
          }),
      },
      (message) => {
        log.error(message);
        showError('The PdM Studio core stopped unexpectedly.', message);
      },
    );
    const checkSender = createSenderCheck({ webContents: () => parentWindow()?.webContents ?? null, indexUrl });
    const disposeApi = registerIpcHandlers({ ipcMain, handlers: core.handlers, checkSender, log });
    const { clipboard, ClipboardItem: Item, nativeImage } = options.electron;
    const disposeImages = registerChartImageHandlers({
      ipcMain,
      checkSender,
      log,
      createImageFromPng: (png) => {
        if (nativeImage === undefined) throw new Error('the clipboard is not available here');
        return nativeImage.createFromBuffer(png);
      },
      clipboard: clipboard ?? null,
      ClipboardItem: Item ?? null,
      askSavePath: async (name, format) => {
        const parent = parentWindow();
        const dialogOptions = {
          title: 'Save chart image',
          defaultPath: join(app.getPath('downloads'), name),
          filters: [{ name: format === 'png' ? 'PNG image' : 'SVG image', extensions: [format] }],
        };
        const result =
          parent === undefined
            ? await dialog.showSaveDialog(dialogOptions)
            : await dialog.showSaveDialog(parent, dialogOptions);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
      writeFile: (path, data) => writeFile(path, data),
    });
    disposeIpc = () => {
      disposeApi();
      disposeImages();
    };
    core.onEvent(forward);
    if (options.autoUpdater !== undefined) {
      updates = createUpdateController({
        autoUpdater: options.autoUpdater,
        ask: async (box) => {
          const parent = parentWindow();
          return (parent === undefined ? await dialog.showMessageBox(box) : await dialog.showMessageBox(parent, box))
            .response;
        },
        buildInfo,
        userDataDir: options.userDataDir,
        platform,
        arch: options.arch ?? process.arch,
        kind: installerKindFor(platform),
        runningJobs: () => [...runningJobs.values()],
        log,
      });
      // A development run has no release to compare with; an installed app looks once, quietly, after starting.
      if (app.isPackaged) setTimeout(() => checkForUpdates(false), STARTUP_UPDATE_CHECK_MS).unref();
    }
    await refreshMenu();
    await createWindow();
    const workspace = workspaceArg(options.argv);
    if (workspace !== undefined) await openWorkspaceAt(resolve(workspace));
    else await reopenLast();
  })().catch((error: unknown) => {
    log.error('startup failed', error);
    dialog.showErrorBox(
      APP_NAME,
      `${APP_NAME} could not start: ${describeError(error).split('\n')[0] ?? ''}\n\nDetails: ${log.file}`,
    );
    app.exit(1);
  });

  return { ready, window: () => win };
};
