import { useCallback, useMemo, useState } from 'react';
import type { Signal, TimeKind } from '../../shared/domain.js';
import {
  extentOf,
  minSpanFor,
  panRange,
  presetRange,
  sameRange,
  zoomRange,
  type Range,
  type RangePreset,
} from '../logic/range-math.js';

export interface ChartRange {
  /** The zoomed range; null shows all data (the query leaves from/to out). */
  readonly range: Range | null;
  /** What the axis shows: the zoomed range, else the extent of the picked signals. */
  readonly display: Range | null;
  readonly extent: Range | null;
  readonly kind: TimeKind;
  readonly setRange: (range: Range | null) => void;
  readonly zoom: (factor: number, anchor?: number) => void;
  readonly pan: (fraction: number) => void;
  readonly preset: (preset: RangePreset) => void;
  readonly reset: () => void;
}

/** Zoom and pan state of the trend chart, kept within the readings of the picked signals. */
export const useChartRange = (picked: readonly Signal[]): ChartRange => {
  const kind: TimeKind = picked[0]?.timeKind ?? 'timestamp';
  const extent = useMemo(() => extentOf(picked), [picked]);
  const [state, setState] = useState<{ range: Range | null; kind: TimeKind }>({ range: null, kind });
  // A new time axis (or an empty chart) starts unzoomed.
  const range = state.kind === kind && picked.length > 0 ? state.range : null;
  const display = range ?? extent;

  const setRange = useCallback(
    (next: Range | null) => {
      const normalised = next !== null && extent !== null && sameRange(next, extent) ? null : next;
      setState({ range: normalised, kind });
    },
    [extent, kind],
  );

  const zoom = useCallback(
    (factor: number, anchor = 0.5) => {
      if (display === null) return;
      setRange(zoomRange(display, factor, anchor, extent, minSpanFor(kind)));
    },
    [display, extent, kind, setRange],
  );

  const pan = useCallback(
    (fraction: number) => {
      if (display === null) return;
      setRange(panRange(display, fraction, extent));
    },
    [display, extent, setRange],
  );

  const preset = useCallback((id: RangePreset) => setRange(presetRange(id, kind, extent)), [extent, kind, setRange]);

  const reset = useCallback(() => setState({ range: null, kind }), [kind]);

  return { range, display, extent, kind, setRange, zoom, pan, preset, reset };
};
