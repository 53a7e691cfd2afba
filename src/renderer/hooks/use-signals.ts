import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Signal } from '../../shared/domain.js';
import { useServices } from './services.js';

export interface SignalsState {
  readonly signals: readonly Signal[];
  readonly byId: ReadonlyMap<number, Signal>;
  readonly loading: boolean;
  /** Increments on every successful load, so dependants (quality) can refresh. */
  readonly version: number;
  readonly refresh: () => Promise<void>;
  /** Replace some signals in place (answers of updateSignals). */
  readonly replace: (updated: readonly Signal[]) => void;
}

export const useSignals = (): SignalsState => {
  const { api, reportError } = useServices();
  const [signals, setSignals] = useState<readonly Signal[]>([]);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const id = ++seq.current;
    setLoading(true);
    try {
      const list = await api.listSignals({});
      if (id !== seq.current) return;
      setSignals(list);
      setVersion((v) => v + 1);
    } catch (error) {
      if (id === seq.current) reportError(error);
    } finally {
      if (id === seq.current) setLoading(false);
    }
  }, [api, reportError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const replace = useCallback((updated: readonly Signal[]) => {
    const byId = new Map(updated.map((s) => [s.id, s]));
    setSignals((list) => list.map((s) => byId.get(s.id) ?? s));
    setVersion((v) => v + 1);
  }, []);

  const byId = useMemo(() => new Map(signals.map((s) => [s.id, s])), [signals]);
  return { signals, byId, loading, version, refresh, replace };
};
