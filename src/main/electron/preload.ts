// Sandboxed preload: esbuild bundles this file (and the shared contract it imports) into preload.cjs,
// because a sandboxed preload can neither be ESM nor require our own modules. It exposes the typed API
// on `window.pdm` and never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../../shared/api.js';
import { EVENT_CHANNEL } from './channels.js';
import { buildDesktopImageBridge, buildPdmBridge } from './preload-api.js';

const bridge = buildPdmBridge(
  (channel, args) => ipcRenderer.invoke(channel, args),
  (listener) => {
    const handler = (_event: IpcRendererEvent, payload: ApiEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
);

contextBridge.exposeInMainWorld('pdm', bridge);
contextBridge.exposeInMainWorld(
  'pdmDesktop',
  buildDesktopImageBridge((channel, args) => ipcRenderer.invoke(channel, args)),
);
