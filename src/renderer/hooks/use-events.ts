import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventEdit, EventsImportResult, WorkspaceEvent } from '../../shared/historian.js';
import { useApiEvents, useServices } from './services.js';

export interface EventsState {
  readonly events: readonly WorkspaceEvent[];
  readonly loading: boolean;
  readonly save: (edit: EventEdit) => Promise<WorkspaceEvent>;
  readonly remove: (id: number) => Promise<void>;
  readonly importFile: (path: string) => Promise<EventsImportResult>;
}

/** Events of these assets, reloaded when events or the workspace change. */
export const useEvents = (assets: readonly string[]): EventsState => {
  const { api, reportError } = useServices();
  const [events, setEvents] = useState<readonly WorkspaceEvent[]>([]);
  const [loading, setLoading] = useState(false);
  const [version, setVersion] = useState(0);
  const seq = useRef(0);
  const key = JSON.stringify(assets);

  useEffect(() => {
    const id = ++seq.current;
    const list = JSON.parse(key) as string[];
    if (list.length === 0) {
      setEvents([]);
      setLoading(false);
      return;
    }
    setLoading(true);
    api.listEvents({ assets: list }).then(
      (rows) => {
        if (id !== seq.current) return;
        setEvents(rows);
        setLoading(false);
      },
      (error: unknown) => {
        if (id !== seq.current) return;
        setLoading(false);
        reportError(error);
      },
    );
  }, [api, reportError, key, version]);

  useApiEvents((event) => {
    if (event.type === 'events-changed' || event.type === 'workspace-changed') setVersion((v) => v + 1);
  });

  const save = useCallback(
    async (edit: EventEdit) => {
      const saved = await api.saveEvent(edit);
      setVersion((v) => v + 1);
      return saved;
    },
    [api],
  );

  const remove = useCallback(
    async (id: number) => {
      await api.deleteEvent({ id });
      setVersion((v) => v + 1);
    },
    [api],
  );

  const importFile = useCallback(
    async (path: string) => {
      const result = await api.importEventsFile({ path });
      setVersion((v) => v + 1);
      return result;
    },
    [api],
  );

  return { events, loading, save, remove, importFile };
};
