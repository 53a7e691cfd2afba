import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiMethodNames, type ApiEvent } from '../../../src/shared/api.js';
import { createAppCore, type AppCore, type AppCoreOptions } from '../../../src/main/core/app/app-core.js';
import {
  startDesktop,
  workspaceArg,
  type DesktopOptions,
  type ElectronDeps,
} from '../../../src/main/electron/desktop.js';
import type { FileLog } from '../../../src/main/electron/log.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/main/electron/security.js';
import type { BuildInfo } from '../../../src/main/core/update/build-info.js';
import { saveUpdateUrl } from '../../../src/main/core/update/update-settings.js';
import { generateUpdateKeys } from '../../../src/main/core/update/update-signature.js';
import type { MenuItemConstructorOptions } from 'electron';
import { FakeAutoUpdater, fakeHandlers, FakeIpcMain, publishRelease } from './fakes.js';

/*
 * The desktop shell driven through a fake Electron (the real module cannot load here: it would try to
 * download its binary). Checks the security-relevant wiring: window options, CSP, navigation and pop-up
 * denial, permission denial, IPC registration and sender checks, event forwarding, window state, shutdown.
 */

type Handler = (...args: never[]) => unknown;

class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = { url: '', parent: null, processId: 3, routingId: 1 };
  readonly sent: [string, unknown][] = [];
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  isDestroyed = () => false;
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
}

const world = () => {
  const app = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const paths: Record<string, string> = {};
  Object.assign(app, {
    isPackaged: false,
    setPath: (name: string, value: string) => {
      paths[name] = value;
    },
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    exit: vi.fn(),
    whenReady: () => Promise.resolve(),
    getVersion: () => '0.1.0',
  });
  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    bounds: { x: number; y: number; width: number; height: number };
    maximized = false;
    destroyed = false;
    readonly loadFile = vi.fn(async (file: string) => {
      this.webContents.mainFrame.url = pathToFileURL(file).href;
    });
    constructor(
      readonly options: {
        x: number;
        y: number;
        width: number;
        height: number;
        webPreferences: Record<string, unknown>;
      },
    ) {
      super();
      this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height };
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => false;
    isFullScreen = () => false;
    isMaximized = () => this.maximized;
    maximize = () => {
      this.maximized = true;
    };
    getNormalBounds = () => this.bounds;
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    close = vi.fn();
  }
  const headerListeners: Handler[] = [];
  let permissionRequest: Handler | null = null;
  let permissionCheck: Handler | null = null;
  const menus: unknown[] = [];
  const ipcMain = new FakeIpcMain();
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    dialog: {
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/data/picked'] })),
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: '/data/out.csv' })),
      showMessageBox: vi.fn(async () => ({ response: 1 })),
      showErrorBox: vi.fn(),
    },
    ipcMain,
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: unknown) => menus.push(menu),
    },
    screen: {
      getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
      getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Handler) => {
          permissionRequest = handler;
        },
        setPermissionCheckHandler: (handler: Handler) => {
          permissionCheck = handler;
        },
        webRequest: { onHeadersReceived: (listener: Handler) => headerListeners.push(listener) },
      },
    },
    shell: { openExternal: vi.fn(async () => undefined), openPath: vi.fn(async (_path: string) => '') },
  };
  const coreListeners = new Set<(event: ApiEvent) => void>();
  const { handlers, calls } = fakeHandlers();
  (handlers as unknown as Record<string, unknown>)['listRecentWorkspaces'] = async () => [
    { path: '/data/recent-ws', openedAt: '2024-01-01T00:00:00.000Z' },
  ];
  const core: AppCore & { disposed: boolean } = {
    handlers,
    onEvent: (listener) => {
      coreListeners.add(listener);
      return () => coreListeners.delete(listener);
    },
    currentWorkspace: () => null,
    disposed: false,
    dispose: async () => {
      core.disposed = true;
    },
  };
  const coreOptions: AppCoreOptions[] = [];
  const crashReporters: ((message: string) => void)[] = [];
  const createAppCore = async (options: AppCoreOptions, onCrash: (message: string) => void) => {
    coreOptions.push(options);
    crashReporters.push(onCrash);
    return core;
  };
  const lines: string[] = [];
  const log: FileLog = {
    file: '/tmp/main.log',
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m) => lines.push(`WARN ${m}`),
    error: (m) => lines.push(`ERROR ${m}`),
  };
  return {
    app,
    paths,
    windows,
    electron,
    ipcMain,
    menus,
    headerListeners,
    permission: () => ({ request: permissionRequest, check: permissionCheck }),
    core,
    coreListeners,
    coreOptions,
    crashReporters,
    createAppCore,
    calls,
    lines,
    log,
  };
};

describe('desktop shell with a fake Electron', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  const start = async (
    tweak?: (w: ReturnType<typeof world>) => void,
    argv: string[] = [],
    extra: Partial<DesktopOptions> = {},
  ) => {
    dir = await mkdtemp(join(tmpdir(), 'pdm-desktop-'));
    const indexHtml = join(dir, 'dist', 'renderer', 'index.html');
    await mkdir(join(dir, 'dist', 'renderer'), { recursive: true });
    await writeFile(indexHtml, '<!doctype html>');
    const w = world();
    tweak?.(w);
    const desktop = startDesktop({
      electron: w.electron as unknown as ElectronDeps,
      createAppCore: w.createAppCore,
      userDataDir: join(dir, 'user-data'),
      mainDir: join(dir, 'dist', 'main', 'electron'),
      indexHtml,
      argv,
      platform: 'linux',
      log: w.log,
      ...extra,
    });
    await desktop.ready;
    return { w, desktop, indexHtml, userDataDir: join(dir, 'user-data') };
  };

  it('creates one sandboxed, context-isolated window loading the built renderer', async () => {
    const { w, indexHtml, userDataDir } = await start();
    expect(w.windows).toHaveLength(1);
    const prefs = w.windows[0]?.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: join(dir, 'dist', 'main', 'electron', 'preload.cjs'),
    });
    expect(w.windows[0]?.loadFile).toHaveBeenCalledWith(indexHtml);
    expect(w.paths['userData']).toBe(userDataDir);
    expect(w.coreOptions[0]).toMatchObject({ userDataDir, shell: 'electron' });
    expect(typeof w.coreOptions[0]?.selectPath).toBe('function');
  });

  it('a core process that stopped unexpectedly is shown to the user and logged', async () => {
    const { w } = await start();
    expect(w.crashReporters).toHaveLength(1);
    const message = 'The PdM Studio core process stopped unexpectedly (exited with code 9). It restarts.';
    w.crashReporters[0]?.(message);
    expect(w.electron.dialog.showMessageBox).toHaveBeenCalledWith(
      w.windows[0],
      expect.objectContaining({ type: 'error', message: 'The PdM Studio core stopped unexpectedly.', detail: message }),
    );
    expect(w.lines).toContain(`ERROR ${message}`);
  });

  it('registers the IPC bridge and accepts calls only from the window main frame', async () => {
    const { w } = await start();
    expect([...w.ipcMain.listeners.keys()].sort()).toEqual(
      [...apiMethodNames.map((m) => `pdm:${m}`), 'pdm-desktop:copy-image', 'pdm-desktop:save-image'].sort(),
    );
    const contents = w.windows[0]?.webContents;
    if (contents === undefined) throw new Error('no window');
    const ok = await w.ipcMain.invoke('pdm:listSignals', { sender: contents, senderFrame: contents.mainFrame }, {});
    expect(ok).toEqual({ ok: true, result: { answeredBy: 'listSignals' } });
    const other = new FakeWebContents();
    const refused = await w.ipcMain.invoke('pdm:listSignals', { sender: other, senderFrame: other.mainFrame }, {});
    expect(refused).toMatchObject({ ok: false });
  });

  it('sets the CSP header on responses and denies every permission', async () => {
    const { w } = await start();
    const callback = vi.fn();
    w.headerListeners[0]?.({ url: 'file:///x/index.html', responseHeaders: {} } as never, callback as never);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: {
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'Cross-Origin-Opener-Policy': ['same-origin'],
        'Cross-Origin-Embedder-Policy': ['require-corp'],
        'Cross-Origin-Resource-Policy': ['cross-origin'],
      },
    });
    const granted = vi.fn();
    w.permission().request?.({} as never, 'geolocation' as never, granted as never);
    expect(granted).toHaveBeenCalledWith(false);
    expect(w.permission().check?.()).toBe(false);
  });

  it('blocks navigation away from the app and opens only https links externally', async () => {
    const { w, indexHtml } = await start();
    const contents = w.windows[0]?.webContents;
    if (contents === undefined) throw new Error('no window');
    const navigate = (url: string) => {
      const event = { url, preventDefault: vi.fn() };
      contents.emit('will-navigate', event);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://example.com/docs')).toBe(true);
    expect(navigate('http://example.com/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate(`${pathToFileURL(indexHtml).href}#/trends`)).toBe(false);
    expect(w.electron.shell.openExternal).toHaveBeenCalledTimes(1);
    expect(w.electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');

    expect(contents.openHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'http://example.org/' })).toEqual({ action: 'deny' });
    expect(w.electron.shell.openExternal).toHaveBeenCalledTimes(2);
    expect(w.electron.shell.openExternal).toHaveBeenLastCalledWith('https://example.org/');

    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('forwards core events to the window and refreshes the recent-workspaces menu', async () => {
    const { w } = await start();
    const event: ApiEvent = { type: 'job-progress', jobId: 'j1', fraction: 0.5, message: 'half' };
    for (const listener of w.coreListeners) listener(event);
    expect(w.windows[0]?.webContents.sent).toEqual([['pdm:event', event]]);
    const menusBefore = w.menus.length;
    for (const listener of w.coreListeners) listener({ type: 'workspace-changed' });
    await vi.waitFor(() => expect(w.menus.length).toBeGreaterThan(menusBefore));
    const template = (
      w.menus.at(-1) as { template: { label?: string; submenu?: { id?: string; submenu?: { label?: string }[] }[] }[] }
    ).template;
    const file = template.find((item) => item.label === '&File');
    expect(file?.submenu?.find((i) => i.id === 'recent')?.submenu?.map((i) => i.label)).toEqual(['/data/recent-ws']);
  });

  it('opens the log folder with shell.openPath, from the API and from Help → Open Log Folder', async () => {
    const { w } = await start();
    await expect(w.coreOptions[0]?.openPath?.('/data/user/logs')).resolves.toBe('');
    expect(w.electron.shell.openPath).toHaveBeenCalledWith('/data/user/logs');
    const template = (
      w.menus.at(-1) as { template: { label?: string; submenu?: { id?: string; click?: () => void }[] }[] }
    ).template;
    template
      .find((item) => item.label === '&Help')
      ?.submenu?.find((i) => i.id === 'open-log-folder')
      ?.click?.();
    await vi.waitFor(() => expect(w.calls).toContainEqual({ method: 'openLogFolder', input: {} }));
  });

  it('uses native dialogs for selectPath', async () => {
    const { w } = await start();
    const selectPath = w.coreOptions[0]?.selectPath;
    await expect(selectPath?.({ kind: 'directory' })).resolves.toEqual({ supported: true, paths: ['/data/picked'] });
    await expect(selectPath?.({ kind: 'save-file', title: 'Export' })).resolves.toEqual({
      supported: true,
      paths: ['/data/out.csv'],
    });
    expect(w.electron.dialog.showSaveDialog).toHaveBeenCalled();
  });

  it('opens a --workspace given on the command line through the validated API', async () => {
    const { w } = await start(undefined, ['--workspace', '/data/ws']);
    expect(w.calls).toContainEqual({ method: 'openWorkspace', input: { path: '/data/ws' } });
  });

  it('reopens the last workspace at start when no --workspace is given, and only then', async () => {
    const { w } = await start();
    expect(w.calls).toContainEqual({ method: 'openWorkspace', input: { path: '/data/recent-ws', mustExist: true } });
    expect(w.lines).toContain('INFO reopened the last workspace /data/recent-ws');
    const given = await start(undefined, ['--workspace', '/data/ws']);
    expect(given.w.calls.filter((c) => c.method === 'openWorkspace')).toEqual([
      { method: 'openWorkspace', input: { path: '/data/ws' } },
    ]);
  });

  it('a last workspace that is gone stays closed without an error box; one that fails to open says why', async () => {
    const refuse = (code: 'no-workspace' | 'failed', message: string) => (w: ReturnType<typeof world>) => {
      (w.core.handlers as unknown as Record<string, unknown>)['openWorkspace'] = async () => {
        throw new ApiError(code, message);
      };
    };
    const gone = await start(refuse('no-workspace', 'workspace /data/recent-ws does not exist'));
    expect(gone.w.lines).toContain('INFO last workspace not reopened: workspace /data/recent-ws does not exist');
    expect(gone.w.electron.dialog.showMessageBox).not.toHaveBeenCalled();
    const locked = await start(refuse('failed', 'the workspace is open in another PdM Studio'));
    expect(locked.w.lines).toContain(
      'WARN reopen the last workspace failed: the workspace is open in another PdM Studio',
    );
    expect(locked.w.electron.dialog.showMessageBox).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({
        message: 'Could not reopen the last workspace.',
        detail: 'the workspace is open in another PdM Studio',
      }),
    );
  });

  it('with the real app core: the workspace open at the last quit comes back; a deleted one is not recreated', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pdm-reopen-'));
    const userDataDir = join(root, 'user-data');
    const real = (w: ReturnType<typeof world>) => {
      w.createAppCore = async (options) => Object.assign(await createAppCore(options), { disposed: false });
    };
    const call = (w: ReturnType<typeof world>, method: string, input: unknown) => {
      const contents = w.windows[0]?.webContents;
      if (contents === undefined) throw new Error('no window');
      return w.ipcMain.invoke(`pdm:${method}`, { sender: contents, senderFrame: contents.mainFrame }, input);
    };
    const quit = async (w: ReturnType<typeof world>) => {
      w.app.emit('will-quit', { preventDefault: vi.fn() });
      await vi.waitFor(() => expect(w.app['quit']).toHaveBeenCalled());
    };
    try {
      const first = await start(real, ['--workspace', join(root, 'ws-a')], { userDataDir });
      expect(await call(first.w, 'openWorkspace', { path: join(root, 'ws-b') })).toMatchObject({ ok: true });
      await quit(first.w);

      const second = await start(real, [], { userDataDir });
      expect(await call(second.w, 'getAppInfo', {})).toMatchObject({
        ok: true,
        result: { workspace: { path: join(root, 'ws-b') } },
      });
      await quit(second.w);

      await rm(join(root, 'ws-b'), { recursive: true, force: true });
      const third = await start(real, [], { userDataDir });
      expect(third.w.lines).toContain(
        `INFO last workspace not reopened: workspace ${join(root, 'ws-b')} does not exist`,
      );
      expect(await call(third.w, 'getAppInfo', {})).toMatchObject({ ok: true, result: { workspace: null } });
      expect(existsSync(join(root, 'ws-b'))).toBe(false);
      await quit(third.w);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('restores window state onto a visible display, saves it on close, and disposes the core on quit', async () => {
    const { w, userDataDir } = await start();
    // Window state from a previous run on a monitor that is no longer there:
    const stateFile = join(userDataDir, 'window-state.json');
    await mkdir(userDataDir, { recursive: true });
    await writeFile(stateFile, JSON.stringify({ x: 5000, y: 3000, width: 1200, height: 700, maximized: true }));
    w.app.emit('activate'); // no-op: a window exists
    expect(w.windows).toHaveLength(1);
    w.windows[0]?.emit('closed');
    w.app.emit('activate'); // macOS re-open creates a new window from the saved state
    await vi.waitFor(() => expect(w.windows).toHaveLength(2));
    const second = w.windows[1];
    await vi.waitFor(() => expect(second?.loadFile).toHaveBeenCalled());
    expect(second?.options).toMatchObject({ width: 1200, height: 700 });
    expect(second?.options.x).toBeGreaterThanOrEqual(0);
    expect((second?.options.x ?? 0) + 1200).toBeLessThanOrEqual(1920);
    expect(second?.maximized).toBe(true);

    if (second === undefined) throw new Error('no window');
    second.bounds = { x: 100, y: 50, width: 1000, height: 650 };
    second.maximized = false;
    second.emit('close');
    const quit = { preventDefault: vi.fn() };
    w.app.emit('will-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(w.app['quit']).toHaveBeenCalled());
    expect(w.core.disposed).toBe(true);
    expect(w.ipcMain.listeners.size).toBe(0);
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 650,
      maximized: false,
    });
    const again = { preventDefault: vi.fn() };
    w.app.emit('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('quits at once when another instance holds the lock, and focuses the first window on a second launch', async () => {
    const { w: second } = await start((fresh) => {
      fresh.electron.app['requestSingleInstanceLock'] = vi.fn(() => false);
    });
    expect(second.app['quit']).toHaveBeenCalled();
    expect(second.windows).toHaveLength(0);
    await rm(dir, { recursive: true, force: true });

    const { w: first } = await start();
    first.app.emit('second-instance', {}, ['pdm-studio', '--workspace=rel/ws'], '/home/eng');
    expect(first.windows[0]?.focus).toHaveBeenCalled();
    await vi.waitFor(() =>
      expect(first.calls).toContainEqual({ method: 'openWorkspace', input: { path: '/home/eng/rel/ws' } }),
    );
  });

  it('logs a renderer crash', async () => {
    const { w } = await start();
    w.windows[0]?.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 9 });
    expect(w.lines.join('\n')).toMatch(/ERROR renderer gone: oom/);
    expect(w.electron.dialog.showMessageBox).toHaveBeenCalled();
  });

  it('hands the core a keychain cipher built on safeStorage once the app is ready', async () => {
    const encrypted: string[] = [];
    const safeStorage = {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (plain: string) => {
        encrypted.push(plain);
        return Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a));
      },
      decryptString: (data: Buffer) => Buffer.from([...data].map((b) => b ^ 0x5a)).toString(),
    };
    const { w } = await start((x) => Object.assign(x.electron, { safeStorage }));
    const cipher = w.coreOptions[0]?.secretCipher;
    expect(cipher?.kind).toBe('os-keychain');
    const stored = (await cipher?.encrypt('pw-123')) ?? '';
    expect(stored).toMatch(/^safestorage:v1:/);
    expect(stored).not.toContain('pw-123');
    expect(await cipher?.decrypt(stored)).toBe('pw-123');
    expect(encrypted).toEqual(['pw-123']);
    expect(w.lines).toContain('INFO connection passwords are kept with the OS keychain (Electron safeStorage)');
  });

  it('falls back to the file key, and logs it, when safeStorage is unavailable or missing', async () => {
    const unavailable = { isEncryptionAvailable: () => false, encryptString: vi.fn(), decryptString: vi.fn() };
    const { w } = await start((x) => Object.assign(x.electron, { safeStorage: unavailable }));
    expect(w.coreOptions[0]?.secretCipher?.kind).toBe('file-key');
    expect(w.lines.some((l) => /^WARN OS keychain not available .*encrypted at rest with the key file/.test(l))).toBe(
      true,
    );
    const stored = (await w.coreOptions[0]?.secretCipher?.encrypt('pw-123')) ?? '';
    expect(stored).toMatch(/^aes256gcm:v1:/);
    expect(unavailable.encryptString).not.toHaveBeenCalled();
    await rm(dir, { recursive: true, force: true });

    const { w: bare } = await start();
    expect(bare.coreOptions[0]?.secretCipher?.kind).toBe('file-key');
    expect(bare.lines.some((l) => l.startsWith('WARN OS keychain not available'))).toBe(true);
  });
});

describe('desktop release wiring', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
    dir = '';
  });
  const keys = generateUpdateKeys();
  const buildInfo: BuildInfo = {
    name: 'pdm-studio',
    version: '1.4.0',
    commit: '0123456789abcdef0123',
    dirty: false,
    buildDate: '2026-12-01T22:00:00.000Z',
    signed: false,
    signing: 'no CSC_LINK / WIN_CSC_LINK certificate',
    updatePublicKey: keys.publicKey,
    source: 'build-info',
  };

  const startWith = async (extra: Partial<DesktopOptions>) => {
    dir = await mkdtemp(join(tmpdir(), 'pdm-desktop-'));
    const indexHtml = join(dir, 'index.html');
    await writeFile(indexHtml, '<!doctype html>');
    const w = world();
    const answers = vi.fn(async () => ({ response: 0 }));
    w.electron.dialog.showMessageBox = answers;
    const options = {
      electron: w.electron as unknown as ElectronDeps,
      createAppCore: w.createAppCore,
      userDataDir: join(dir, 'user-data'),
      mainDir: dir,
      indexHtml,
      argv: [],
      platform: 'linux' as const,
      log: w.log,
      buildInfo,
      ...extra,
    };
    await startDesktop(options).ready;
    const menu = (w.menus.at(-1) as { template: MenuItemConstructorOptions[] }).template;
    const help = menu.find((i) => i.label === '&Help')?.submenu as MenuItemConstructorOptions[];
    const click = (id: string) => help.find((i) => i.id === id)?.click?.({} as never, undefined, {} as never);
    const boxes = () =>
      answers.mock.calls.map((call) => (call as unknown[]).at(-1) as { message: string; detail?: string });
    return { w, click, boxes, userDataDir: options.userDataDir };
  };

  it('the About box shows version, commit, build date and that the build is unsigned', async () => {
    const { click, boxes } = await startWith({});
    click('about');
    expect(boxes().at(-1)).toMatchObject({ message: 'PdM Studio 1.4.0' });
    expect(boxes().at(-1)?.detail).toContain(
      [
        'commit 0123456789ab',
        'built 2026-12-01T22:00:00.000Z',
        'UNSIGNED build (no CSC_LINK / WIN_CSC_LINK certificate)',
      ].join('\n'),
    );
  });

  it('Check for Updates never restarts while a job reported by the core runs; it installs after the job finished', async () => {
    const share = await mkdtemp(join(tmpdir(), 'pdm-share-'));
    try {
      await publishRelease(share, '1.5.0', keys.privateKey, Buffer.alloc(50_000, 7));
      const updater = new FakeAutoUpdater('latest-linux.yml', join(share, 'downloads'));
      const { w, click, boxes, userDataDir } = await startWith({ autoUpdater: updater });
      await saveUpdateUrl(userDataDir, share);
      for (const listener of w.coreListeners)
        listener({ type: 'job-progress', jobId: 'job-1', fraction: 0.1, message: 'importing' });
      click('check-updates');
      await vi.waitFor(() =>
        expect(boxes().at(-1)).toMatchObject({ message: 'PdM Studio 1.5.0 is downloaded and verified.' }),
      );
      expect(boxes().map((b) => b.message)).toEqual([
        'PdM Studio 1.5.0 is available.',
        'PdM Studio 1.5.0 is downloaded and verified.',
      ]);
      expect(updater.installs).toBe(0);
      for (const listener of w.coreListeners)
        listener({ type: 'job-finished', job: { id: 'job-1', kind: 'import', status: 'done' } } as unknown as ApiEvent);
      await vi.waitFor(() => expect(updater.installs).toBe(1));
      expect(boxes().at(-1)?.message).toBe('Install PdM Studio 1.5.0 now?');
    } finally {
      await rm(share, { recursive: true, force: true });
    }
  });
});

describe('workspaceArg', () => {
  it('reads --workspace <dir> and --workspace=<dir>', () => {
    expect(workspaceArg(['--workspace', '/a'])).toBe('/a');
    expect(workspaceArg(['.', '--workspace=/b', '--port', '1'])).toBe('/b');
    expect(workspaceArg(['--workspace', '--port'])).toBeUndefined();
    expect(workspaceArg([])).toBeUndefined();
  });
});
