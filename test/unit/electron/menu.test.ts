import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, type MenuModel } from '../../../src/main/electron/menu.js';

const model = (overrides: Partial<MenuModel> = {}): MenuModel => ({
  appName: 'PdM Studio',
  platform: 'linux',
  isPackaged: false,
  recent: [],
  actions: {
    openWorkspace: vi.fn(),
    openSample: vi.fn(),
    openRecent: vi.fn(),
    about: vi.fn(),
    checkForUpdates: vi.fn(),
    openLogFolder: vi.fn(),
  },
  ...overrides,
});

const submenu = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] =>
  Array.isArray(item?.submenu) ? item.submenu : [];
const top = (template: MenuItemConstructorOptions[], label: string) =>
  template.find((i) => i.label?.replace('&', '') === label);
const roles = (items: MenuItemConstructorOptions[]) => items.map((i) => i.role).filter((r) => r !== undefined);

describe('application menu', () => {
  it('has File with Open Workspace (Ctrl/Cmd+O), sample data, recent workspaces and Quit', () => {
    const m = model({ recent: ['/data/a&b', '/data/c'] });
    const file = submenu(top(buildMenuTemplate(m), 'File'));
    const open = file.find((i) => i.id === 'open-workspace');
    expect(open?.accelerator).toBe('CmdOrCtrl+O');
    open?.click?.({} as never, undefined, {} as never);
    expect(m.actions.openWorkspace).toHaveBeenCalledOnce();
    file.find((i) => i.id === 'open-sample')?.click?.({} as never, undefined, {} as never);
    expect(m.actions.openSample).toHaveBeenCalledOnce();
    const recent = submenu(file.find((i) => i.id === 'recent'));
    expect(recent.map((i) => i.label)).toEqual(['/data/a&&b', '/data/c']);
    recent[0]?.click?.({} as never, undefined, {} as never);
    expect(m.actions.openRecent).toHaveBeenCalledWith('/data/a&b');
    expect(roles(file)).toContain('quit');
  });

  it('shows a disabled placeholder when there are no recent workspaces', () => {
    const file = submenu(top(buildMenuTemplate(model()), 'File'));
    expect(submenu(file.find((i) => i.id === 'recent'))).toEqual([{ label: 'No Recent Workspaces', enabled: false }]);
  });

  it('offers reload and developer tools only in development', () => {
    const dev = roles(submenu(top(buildMenuTemplate(model()), 'View')));
    expect(dev).toEqual(
      expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools', 'zoomIn', 'zoomOut', 'resetZoom']),
    );
    const packaged = roles(submenu(top(buildMenuTemplate(model({ isPackaged: true })), 'View')));
    expect(packaged).not.toContain('toggleDevTools');
    expect(packaged).not.toContain('reload');
    expect(packaged).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom']));
  });

  it('has Help → About, and the macOS app menu on macOS', () => {
    const m = model();
    const help = submenu(top(buildMenuTemplate(m), 'Help'));
    help.find((i) => i.id === 'about')?.click?.({} as never, undefined, {} as never);
    expect(m.actions.about).toHaveBeenCalledOnce();
    help.find((i) => i.id === 'open-log-folder')?.click?.({} as never, undefined, {} as never);
    expect(m.actions.openLogFolder).toHaveBeenCalledOnce();
    const mac = buildMenuTemplate(model({ platform: 'darwin' }));
    expect(mac[0]?.label).toBe('PdM Studio');
    expect(roles(submenu(mac[0]))).toContain('quit');
  });

  it('has Help → Check for Updates… (and in the macOS app menu)', () => {
    const m = model();
    const help = submenu(top(buildMenuTemplate(m), 'Help'));
    help.find((i) => i.id === 'check-updates')?.click?.({} as never, undefined, {} as never);
    expect(m.actions.checkForUpdates).toHaveBeenCalledOnce();
    const mac = model({ platform: 'darwin' });
    submenu(buildMenuTemplate(mac)[0])
      .find((i) => i.label === 'Check for Updates…')
      ?.click?.({} as never, undefined, {} as never);
    expect(mac.actions.checkForUpdates).toHaveBeenCalledOnce();
  });
});
