import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../logic/errors.js';
import { applyJobsEvent, markCancelling, mergeJobList, runningCount, type JobRow } from '../logic/jobs-list.js';
import { useApiEvents, useServices } from './services.js';

/** While something runs, the list is also polled: events can be lost (a reconnecting browser). */
export const JOBS_POLL_MS = 2000;

export interface JobsPanelModel {
  readonly rows: readonly JobRow[];
  readonly cancel: (id: string) => Promise<void>;
  /** Desktop: opens the folder and answers null; browser mode: answers the path to show. */
  readonly openLogFolder: () => Promise<string | null>;
}

/** Every job of the app for the jobs panel: listJobs once, then job events, with a slow poll as a safety net. */
export const useJobs = (): JobsPanelModel => {
  const { api, reportError } = useServices();
  const [rows, setRows] = useState<readonly JobRow[]>([]);
  const refreshing = useRef(false);

  const refresh = useCallback(async () => {
    if (refreshing.current) return;
    refreshing.current = true;
    try {
      const listed = await api.listJobs({});
      setRows((current) => mergeJobList(current, listed));
    } catch {
      // The next event or poll tries again; the panel is informational.
    } finally {
      refreshing.current = false;
    }
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // The rows as last rendered, to tell whether an event names a job this view has not listed yet.
  const shown = useRef(rows);
  useEffect(() => {
    shown.current = rows;
  }, [rows]);

  useApiEvents((event) => {
    if (applyJobsEvent(shown.current, event).unknown) void refresh();
    setRows((current) => applyJobsEvent(current, event).rows);
  });

  const running = runningCount(rows) > 0;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), JOBS_POLL_MS);
    return () => clearInterval(timer);
  }, [refresh, running]);

  const cancel = useCallback(
    async (id: string) => {
      setRows((current) => markCancelling(current, id));
      try {
        await api.cancelJob({ jobId: id });
      } catch (error) {
        reportError(errorMessage(error));
      }
    },
    [api, reportError],
  );

  const openLogFolder = useCallback(async () => {
    try {
      const { path, opened } = await api.openLogFolder({});
      return opened ? null : path;
    } catch (error) {
      reportError(error);
      return null;
    }
  }, [api, reportError]);

  return { rows, cancel, openLogFolder };
};
