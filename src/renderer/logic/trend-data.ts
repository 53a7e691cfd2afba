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

/**
 * One row per distinct time, with a value for every series whose line passes there: its point, or between two
 * points the value on the straight segment joining them (so every line draws as before while each row has all
 * keys). Inside a gap of a series its value is null, so the chart breaks the line there (connectNulls off);
 * a row in the middle of each gap makes sure there is a null to break at.
 */
export type ChartRow = { t: number } & Record<string, number | null>;

/** A stretch of one series without data: no finite reading between two drawn points (times in the axis unit). */
export interface Gap {
  readonly signalId: number;
  /** The last point before the gap. */
  readonly from: number;
  /** The first point after it. */
  readonly to: number;
}

/** A pause longer than this many sample periods between two readings is a gap. */
export const GAP_PERIODS = 3;

/** Median distance between consecutive times (null with fewer than two). */
export const medianSpacing = (t: readonly number[]): number | null => {
  if (t.length < 2) return null;
  const d: number[] = [];
  for (let i = 1; i < t.length; i++) d.push((t[i] as number) - (t[i - 1] as number));
  d.sort((a, b) => a - b);
  return d[Math.floor((d.length - 1) / 2)] as number;
};

/**
 * Gaps of one series: consecutive points farther apart than GAP_PERIODS sample periods (the signal's period,
 * else the median spacing of its points), and than one pixel column, since M4 keeps up to four points per column
 * that may lie almost a column apart with readings between them. Across columns, consecutive points are
 * consecutive finite readings, so a longer distance is time without data: missing readings, or readings
 * without a finite value (the workspace leaves those out of trends).
 */
export const findGaps = (
  series: Pick<TrendSeries, 'signalId' | 't'>,
  period: number | null,
  columnWidth: number,
): Gap[] => {
  const step = period !== null && period > 0 ? period : medianSpacing(series.t);
  if (step === null) return [];
  const threshold = Math.max(GAP_PERIODS * step, columnWidth);
  const gaps: Gap[] = [];
  for (let i = 1; i < series.t.length; i++) {
    const a = series.t[i - 1] as number;
    const b = series.t[i] as number;
    if (b - a > threshold) gaps.push({ signalId: series.signalId, from: a, to: b });
  }
  return gaps;
};

/** Gaps of every series of a result; `periods` gives each signal's sample period (null: use the spacing). */
export const resultGaps = (result: TrendResult | null, periods: ReadonlyMap<number, number | null>): Gap[] => {
  if (result === null) return [];
  const columnWidth = result.width > 0 ? (result.to - result.from) / result.width : 0;
  return result.series.flatMap((s) => findGaps(s, periods.get(s.signalId) ?? null, columnWidth));
};

const insideGap = (gaps: readonly Gap[] | undefined, t: number): boolean =>
  gaps !== undefined && gaps.some((g) => t > g.from && t < g.to);

/** Merge M4 series into rows for one chart sharing the x axis, breaking each line at its gaps. */
export const mergeSeries = (series: readonly TrendSeries[], gaps: readonly Gap[] = []): ChartRow[] => {
  const times = new Set<number>();
  for (const s of series) for (let i = 0; i < Math.min(s.t.length, s.v.length); i++) times.add(s.t[i] as number);
  for (const g of gaps) times.add((g.from + g.to) / 2);
  const rows: ChartRow[] = [...times].sort((a, b) => a - b).map((t) => ({ t }) as ChartRow);
  // Gaps join consecutive points: a time between two points is inside a gap when the earlier one starts it.
  const gapStarts = new Map<number, Set<number>>();
  for (const g of gaps) gapStarts.set(g.signalId, (gapStarts.get(g.signalId) ?? new Set()).add(g.from));
  for (const s of series) {
    const key = seriesKey(s.signalId);
    const n = Math.min(s.t.length, s.v.length);
    if (n === 0) continue;
    const starts = gapStarts.get(s.signalId);
    let j = 0;
    for (const row of rows) {
      const t = row.t;
      if (t < (s.t[0] as number) || t > (s.t[n - 1] as number)) continue;
      while (j < n - 1 && (s.t[j] as number) < t) j++;
      // s.t[j] is the first point at or after t.
      if ((s.t[j] as number) === t) {
        row[key] = s.v[j] as number;
        continue;
      }
      const ta = s.t[j - 1] as number;
      if (starts?.has(ta) === true) {
        row[key] = null;
        continue;
      }
      const tb = s.t[j] as number;
      const va = s.v[j - 1] as number;
      const vb = s.v[j] as number;
      row[key] = va + ((vb - va) * (t - ta)) / (tb - ta);
    }
  }
  return rows;
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
 * neighbours (what the drawn line shows); null outside the series and inside one of its `gaps`.
 */
export const valueAt = (series: Pick<TrendSeries, 't' | 'v'>, t: number, gaps?: readonly Gap[]): number | null => {
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
  if (insideGap(gaps, t)) return null;
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
