import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  readonly openWorkspace: () => void;
  readonly openSample: () => void;
  readonly openRecent: (path: string) => void;
  readonly about: () => void;
  /** Help → Open Log Folder: the structured log a support engineer asks for. */
  readonly openLogFolder: () => void;
  readonly checkForUpdates: () => void;
}

export interface MenuModel {
  readonly appName: string;
  readonly platform: NodeJS.Platform;
  /** Reload and developer tools appear only in development builds. */
  readonly isPackaged: boolean;
  readonly recent: readonly string[];
  readonly actions: MenuActions;
}

/** Menu labels treat '&' as a mnemonic marker on Windows and Linux; paths must show it literally. */
const literal = (text: string): string => text.replace(/&/g, '&&');

/** The application menu as plain data (Menu.buildFromTemplate turns it into the real thing). */
export const buildMenuTemplate = (model: MenuModel): MenuItemConstructorOptions[] => {
  const isMac = model.platform === 'darwin';
  const { actions } = model;
  const recentItems: MenuItemConstructorOptions[] =
    model.recent.length === 0
      ? [{ label: 'No Recent Workspaces', enabled: false }]
      : model.recent.map((path) => ({ label: literal(path), click: () => actions.openRecent(path) }));

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: model.appName,
      submenu: [
        { label: `About ${model.appName}`, click: () => actions.about() },
        { label: 'Check for Updates…', click: () => actions.checkForUpdates() },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: '&File',
    submenu: [
      {
        id: 'open-workspace',
        label: 'Open Workspace…',
        accelerator: 'CmdOrCtrl+O',
        click: () => actions.openWorkspace(),
      },
      { id: 'open-sample', label: 'Open Sample Data', click: () => actions.openSample() },
      { id: 'recent', label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
    ],
  });
  template.push({ role: 'editMenu' });
  template.push({
    label: '&View',
    submenu: [
      ...(model.isPackaged
        ? []
        : ([
            { role: 'reload' },
            { role: 'forceReload' },
            { role: 'toggleDevTools' },
            { type: 'separator' },
          ] satisfies MenuItemConstructorOptions[])),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({
    label: '&Help',
    role: 'help',
    submenu: [
      { id: 'open-log-folder', label: 'Open Log Folder', click: () => actions.openLogFolder() },
      { id: 'check-updates', label: 'Check for Updates…', click: () => actions.checkForUpdates() },
      { type: 'separator' },
      { id: 'about', label: `About ${model.appName}`, click: () => actions.about() },
    ],
  });
  return template;
};
