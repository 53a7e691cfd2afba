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

/**
 * The part of a result to draw for the picked signals: their series when the result has all of them
 * (possibly for an older range), else null (a newly picked signal is still loading).
 */
export const completeResult = (result: TrendResult | null, signalIds: readonly number[]): TrendResult | null => {
  if (result === null || signalIds.length === 0) return null;
  const wanted = new Set(signalIds);
  const series = result.series.filter((s) => wanted.has(s.signalId));
  if (series.length < wanted.size) return null;
  return series.length === result.series.length ? result : { ...result, series };
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

export interface ChartAxis {
  readonly id: string;
  /** Unit, or the tag of a signal without a unit (which gets a scale of its own). */
  readonly label: string | null;
  readonly orientation: 'left' | 'right';
  /** Axes beyond MAX_VISIBLE_AXES still scale their lines but draw no ticks. */
  readonly hide: boolean;
  /** The line colour when the axis belongs to one signal; null for a shared axis. */
  readonly color: string | null;
}

export interface AxisPlan {
  readonly axes: readonly ChartAxis[];
  readonly axisOf: ReadonlyMap<number, string>;
}

export const MAX_VISIBLE_AXES = 4;

/**
 * One y axis per unit (signals with the same unit share a scale); a signal without a unit gets its own
 * axis, since unitless sensors rarely share a magnitude. Axes alternate left and right; only the first
 * MAX_VISIBLE_AXES draw ticks.
 */
export const planAxes = (signals: readonly Pick<Signal, 'id' | 'unit' | 'tag'>[]): AxisPlan => {
  const members = new Map<string, { label: string | null; ids: number[]; firstIndex: number }>();
  const axisOf = new Map<number, string>();
  signals.forEach((s, index) => {
    const id = s.unit === null || s.unit === '' ? `signal:${s.id}` : `unit:${s.unit}`;
    axisOf.set(s.id, id);
    const entry = members.get(id);
    if (entry === undefined) members.set(id, { label: s.unit || s.tag, ids: [s.id], firstIndex: index });
    else entry.ids.push(s.id);
  });
  const axes: ChartAxis[] = [...members.entries()].map(([id, m], i) => ({
    id,
    label: m.label,
    orientation: i % 2 === 0 ? 'left' : 'right',
    hide: i >= MAX_VISIBLE_AXES,
    color: m.ids.length === 1 ? colorFor(m.firstIndex) : null,
  }));
  if (axes.length === 0) axes.push({ id: 'none', label: null, orientation: 'left', hide: false, color: null });
  return { axes, axisOf };
};

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
export const plotLayout = (
  width: number,
  axes: readonly Pick<ChartAxis, 'orientation' | 'hide'>[],
): { left: number; width: number } => {
  const visible = axes.filter((a) => !a.hide);
  const left = visible.filter((a) => a.orientation === 'left').length;
  const right = visible.length - left;
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
