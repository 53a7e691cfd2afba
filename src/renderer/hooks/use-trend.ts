import { useEffect, useRef, useState } from 'react';
import type { TrendResult } from '../../shared/domain.js';
import { errorMessage } from '../logic/errors.js';
import type { Range } from '../logic/range-math.js';
import { useServices } from './services.js';

export interface TrendState {
  /** The last answer that matches the current request or came before it (kept while the next loads). */
  readonly result: TrendResult | null;
  readonly loading: boolean;
  readonly error: string | null;
}

export const TREND_DEBOUNCE_MS = 100;

/** Query arguments; `from`/`to` left out for "all data". */
export const trendRequest = (signalIds: readonly number[], range: Range | null, width: number) => ({
  signalIds: [...signalIds],
  width: Math.min(10_000, Math.max(1, Math.round(width))),
  ...(range === null ? {} : { from: range.from, to: range.to }),
});

/**
 * M4 trend for the picked signals, re-queried (debounced) when the selection, range or width changes;
 * answers to superseded requests are discarded.
 */
export const useTrend = (
  signalIds: readonly number[],
  range: Range | null,
  width: number,
  refreshKey = 0,
): TrendState => {
  const { api, reportError } = useServices();
  const [state, setState] = useState<TrendState>({ result: null, loading: false, error: null });
  const seq = useRef(0);
  const idsKey = signalIds.join(',');
  const from = range?.from;
  const to = range?.to;

  useEffect(() => {
    const id = ++seq.current;
    const ids = idsKey === '' ? [] : idsKey.split(',').map(Number);
    if (ids.length === 0 || width < 1) {
      setState({ result: null, loading: false, error: null });
      return;
    }
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    const timer = setTimeout(() => {
      const request = trendRequest(ids, from === undefined || to === undefined ? null : { from, to }, width);
      api.queryTrend(request).then(
        (result) => {
          if (id === seq.current) setState({ result, loading: false, error: null });
        },
        (error: unknown) => {
          if (id !== seq.current) return;
          setState((s) => ({ ...s, loading: false, error: errorMessage(error) }));
          reportError(error);
        },
      );
    }, TREND_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [api, reportError, idsKey, from, to, width, refreshKey]);

  return state;
};
