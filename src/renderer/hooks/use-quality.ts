import { useEffect, useRef, useState } from 'react';
import type { QualityRow } from '../../shared/domain.js';
import { useServices } from './services.js';

export interface QualityState {
  readonly rows: readonly QualityRow[];
  readonly loading: boolean;
}

/** Data-quality rows for these signals (at most 64 per call, as the API allows). */
export const useQuality = (signalIds: readonly number[], refreshKey: number): QualityState => {
  const { api, reportError } = useServices();
  const [state, setState] = useState<QualityState>({ rows: [], loading: false });
  const seq = useRef(0);
  const idsKey = signalIds.slice(0, 64).join(',');

  useEffect(() => {
    const id = ++seq.current;
    if (idsKey === '') {
      setState({ rows: [], loading: false });
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    api.getQuality({ signalIds: idsKey.split(',').map(Number) }).then(
      (rows) => {
        if (id === seq.current) setState({ rows, loading: false });
      },
      (error: unknown) => {
        if (id !== seq.current) return;
        setState((s) => ({ ...s, loading: false }));
        reportError(error);
      },
    );
  }, [api, reportError, idsKey, refreshKey]);

  return state;
};
