import type { Signal, TimeKind, TrendResult, TrendSeries } from '../../shared/domain.js';
import type { Range } from './range-math.js';

/** Colour per chart slot (8 signals at most), distinguishable on white and for common colour blindness. */
export const SERIES_COLORS: readonly string[] = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
];

export const colorFor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length] ?? '#333';

export const seriesKey = (signalId: number): string => `s${signalId}`;

/** One row per distinct time; a signal without a point at that time has no key (lines connect across). */
export type ChartRow = { t: number } & Record<string, number>;

/** Merge M4 series into rows for one chart sharing the x axis. */
export const mergeSeries = (series: readonly TrendSeries[]): ChartRow[] => {
  const rows = new Map<number, ChartRow>();
  for (const s of series) {
    const key = seriesKey(s.signalId);
    const n = Math.min(s.t.length, s.v.length);
    for (let i = 0; i < n; i++) {
      const t = s.t[i] as number;
      const v = s.v[i] as number;
      let row = rows.get(t);
      if (row === undefined) {
        row = { t } as ChartRow;
        rows.set(t, row);
      }
      row[key] = v;
    }
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
};

export interface PointCounts {
  /** Points drawn across all series. */
  readonly points: number;
  /** Raw readings those points summarise. */
  readonly raw: number;
  readonly perSeries: ReadonlyMap<number, number>;
}

export const countPoints = (result: TrendResult | null): PointCounts => {
  const perSeries = new Map<number, number>();
  let points = 0;
  let raw = 0;
  for (const s of result?.series ?? []) {
    const n = Math.min(s.t.length, s.v.length);
    perSeries.set(s.signalId, n);
    points += n;
    raw += s.rawCount;
  }
  return { points, raw, perSeries };
};

/**
 * A series' value at time t: the point itself when one sits there, else linear interpolation between its
 * neighbours (what the drawn line shows); null outside the series.
 */
export const valueAt = (series: Pick<TrendSeries, 't' | 'v'>, t: number): number | null => {
  const n = Math.min(series.t.length, series.v.length);
  if (n === 0 || !Number.isFinite(t)) return null;
  let lo = 0;
  let hi = n - 1;
  const t0 = series.t[0] as number;
  const tn = series.t[n - 1] as number;
  if (t < t0 || t > tn) return null;
  // Last index with series.t[i] <= t.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((series.t[mid] as number) <= t) lo = mid;
    else hi = mid - 1;
  }
  const ta = series.t[lo] as number;
  const va = series.v[lo] as number;
  if (ta === t || lo === n - 1) return va;
  const tb = series.t[lo + 1] as number;
  const vb = series.v[lo + 1] as number;
  return tb === ta ? va : va + ((vb - va) * (t - ta)) / (tb - ta);
};

export interface UnitAxis {
  readonly id: string;
  readonly unit: string | null;
  readonly orientation: 'left' | 'right';
}

/** One y axis per distinct unit, alternating left and right, in order of first appearance. */
export const unitAxes = (signals: readonly Pick<Signal, 'unit'>[]): UnitAxis[] => {
  const axes: UnitAxis[] = [];
  for (const s of signals) {
    const id = axisIdFor(s.unit);
    if (axes.some((a) => a.id === id)) continue;
    axes.push({ id, unit: s.unit, orientation: axes.length % 2 === 0 ? 'left' : 'right' });
  }
  if (axes.length === 0) axes.push({ id: axisIdFor(null), unit: null, orientation: 'left' });
  return axes;
};

export const axisIdFor = (unit: string | null): string => `unit:${unit ?? ''}`;

/** An x domain recharts can draw: a single instant is widened a little so the axis has a span. */
export const displayDomain = (range: Range, kind: TimeKind): [number, number] => {
  if (range.to > range.from) return [range.from, range.to];
  const pad = kind === 'cycle' ? 1 : 1_000_000;
  return [range.from - pad, range.to + pad];
};

/** Short caption for one signal in the legend. */
export const signalLabel = (s: Pick<Signal, 'asset' | 'tag' | 'unit'>): string =>
  `${s.asset} / ${s.tag}${s.unit ? ` [${s.unit}]` : ''}`;

/** Fixed chart geometry, so pixel positions convert to axis values without asking recharts. */
export const Y_AXIS_WIDTH = 64;
export const X_AXIS_HEIGHT = 28;
export const CHART_MARGIN = { top: 12, right: 12, bottom: 4, left: 4 } as const;

/** Horizontal extent of the plotting area for a chart `width` pixels wide with these y axes. */
export const plotLayout = (width: number, axes: readonly Pick<UnitAxis, 'orientation'>[]): { left: number; width: number } => {
  const left = axes.filter((a) => a.orientation === 'left').length;
  const right = axes.length - left;
  const plotLeft = CHART_MARGIN.left + left * Y_AXIS_WIDTH;
  return { left: plotLeft, width: Math.max(0, width - plotLeft - CHART_MARGIN.right - right * Y_AXIS_WIDTH) };
};

/** Compact y tick labels: 4 significant digits, exponent for extreme magnitudes. */
export const formatAxisNumber = (value: number): string => {
  if (!Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) return String(Number(value.toPrecision(4)));
  return value.toExponential(2);
};
