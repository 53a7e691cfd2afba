import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ApiEvent, PdmApi } from '../../shared/api.js';
import type { ApiClient, ApiEventListener, Unsubscribe } from '../api-client.js';

export type SelectPathKind = 'directory' | 'open-file' | 'save-file';

/** What every view may use: the API, its events, the error banner, and whether native path dialogs exist. */
export interface Services {
  readonly api: PdmApi;
  readonly onEvent: (listener: ApiEventListener) => Unsubscribe;
  readonly reportError: (error: unknown) => void;
  /** null until the first selectPath call tells; false: the shell has no dialog (browser mode). */
  readonly pathDialogSupported: boolean | null;
  readonly setPathDialogSupported: (supported: boolean) => void;
  readonly shell: 'electron' | 'web' | 'cli' | null;
  /** The open workspace's display time zone (IANA or UTC): times are shown and typed in it. */
  readonly displayZone: string;
  /** Store a new display time zone in the workspace; errors go to the banner. */
  readonly setDisplayZone: (zone: string) => void;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({
  client,
  reportError,
  shell,
  workspacePath,
  children,
}: {
  client: ApiClient;
  reportError: (error: unknown) => void;
  shell: 'electron' | 'web' | 'cli' | null;
  /** The open workspace, whose settings (display time zone) are loaded when it changes; null: none open. */
  workspacePath: string | null;
  children: ReactNode;
}) {
  const [pathDialogSupported, setPathDialogSupported] = useState<boolean | null>(null);
  const [displayZone, setZone] = useState('UTC');
  useEffect(() => {
    setZone('UTC');
    if (workspacePath === null) return;
    let live = true;
    client.api.getWorkspaceSettings({}).then(
      (settings) => live && setZone(settings.displayTimeZone),
      (error: unknown) => live && reportError(error),
    );
    return () => {
      live = false;
    };
  }, [client, workspacePath, reportError]);
  const setDisplayZone = useCallback(
    (zone: string) => {
      client.api.setWorkspaceSettings({ displayTimeZone: zone }).then(
        (settings) => setZone(settings.displayTimeZone),
        (error: unknown) => reportError(error),
      );
    },
    [client, reportError],
  );
  const value: Services = {
    displayZone,
    setDisplayZone,
    api: client.api,
    onEvent: client.onEvent,
    reportError,
    pathDialogSupported,
    setPathDialogSupported,
    shell,
  };
  return <ServicesContext.Provider value={value}>{children}</ServicesContext.Provider>;
}

export const useServices = (): Services => {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices: no ServicesProvider above this component');
  return services;
};

/** Subscribe to API events for the component's lifetime; the latest listener is always called. */
export const useApiEvents = (listener: (event: ApiEvent) => void): void => {
  const { onEvent } = useServices();
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  });
  useEffect(() => onEvent((event) => ref.current(event)), [onEvent]);
};

export interface PathPicker {
  /** Show a "Browse…" button: true until the shell said it has no dialogs. */
  readonly canBrowse: boolean;
  /** The chosen path; null when cancelled or unsupported (then canBrowse turns false). */
  readonly browse: (kind: SelectPathKind, title?: string) => Promise<string | null>;
}

export const usePathPicker = (): PathPicker => {
  const { api, pathDialogSupported, setPathDialogSupported, shell } = useServices();
  const browse = useCallback(
    async (kind: SelectPathKind, title?: string): Promise<string | null> => {
      const answer = await api.selectPath(title === undefined ? { kind } : { kind, title });
      setPathDialogSupported(answer.supported);
      if (!answer.supported) return null;
      return answer.paths[0] ?? null;
    },
    [api, setPathDialogSupported],
  );
  // Browser mode has no dialogs (the files live on the server machine); Electron has native ones.
  return { canBrowse: pathDialogSupported ?? shell !== 'web', browse };
};
