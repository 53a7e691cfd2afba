import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunDetail, RunEvaluation, RunSummary } from '../../shared/training.js';
import { errorMessage } from '../logic/errors.js';
import { useApiEvents, useServices } from './services.js';

export interface RunsState {
  readonly runs: readonly RunSummary[];
  readonly loading: boolean;
  readonly refresh: () => Promise<void>;
  /** Delete a run (row and folder); the list refreshes. */
  readonly remove: (id: string) => Promise<boolean>;
}

/** The workspace's runs (listRuns), refreshed when a training job finishes. */
export const useRuns = (): RunsState => {
  const { api, reportError } = useServices();
  const [runs, setRuns] = useState<readonly RunSummary[]>([]);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const id = ++seq.current;
    setLoading(true);
    try {
      const list = await api.listRuns({});
      if (id === seq.current) setRuns(list);
    } catch (error) {
      if (id === seq.current) reportError(error);
    } finally {
      if (id === seq.current) setLoading(false);
    }
  }, [api, reportError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useApiEvents((event) => {
    if (event.type === 'job-finished' && event.job.kind === 'training') void refresh();
    else if (event.type === 'workspace-changed') void refresh();
  });

  const remove = useCallback(
    async (id: string) => {
      try {
        const { deleted } = await api.deleteRun({ id });
        return deleted;
      } catch (error) {
        reportError(error);
        return false;
      } finally {
        await refresh();
      }
    },
    [api, refresh, reportError],
  );

  return { runs, loading, refresh, remove };
};

export interface Loaded<T> {
  readonly data: T | null;
  readonly loading: boolean;
  readonly error: string | null;
}

/** One run in full (getRun) for the run view; `null` id: nothing. */
export const useRunDetail = (id: string | null): Loaded<RunDetail> => {
  const { api } = useServices();
  const [state, setState] = useState<Loaded<RunDetail> & { id: string | null }>({
    id: null,
    data: null,
    loading: false,
    error: null,
  });
  useEffect(() => {
    if (id === null) return;
    let live = true;
    setState({ id, data: null, loading: true, error: null });
    api.getRun({ id }).then(
      (data) => live && setState({ id, data, loading: false, error: null }),
      (error: unknown) => live && setState({ id, data: null, loading: false, error: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, id]);
  return state.id === id ? state : { data: null, loading: id !== null, error: null };
};

/** Re-score a run on demand (evaluateRun): per-prediction drivers of the worst windows. */
export const useRunEvaluation = (id: string): Loaded<RunEvaluation> & { readonly run: () => Promise<void> } => {
  const { api } = useServices();
  const [state, setState] = useState<Loaded<RunEvaluation>>({ data: null, loading: false, error: null });
  const run = useCallback(async () => {
    setState({ data: null, loading: true, error: null });
    try {
      setState({ data: await api.evaluateRun({ id }), loading: false, error: null });
    } catch (error) {
      setState({ data: null, loading: false, error: errorMessage(error) });
    }
  }, [api, id]);
  return { ...state, run };
};
