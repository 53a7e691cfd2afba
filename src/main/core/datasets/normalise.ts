import type { AssetSeries } from './series.js';

export interface Normalisation {
  readonly method: 'z-score' | 'min-max' | 'none';
  /** value' = (value - center) / scale, per signal. */
  readonly center: number[];
  readonly scale: number[];
}

/** Count, mean, sum of squared deviations from the mean (M2), min and max of one signal's finite values. */
export interface SignalStats {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Welford's one-pass update (Knuth TAOCP vol. 2, 4.2.2): the textbook sum-of-squares formula subtracts two
 * nearly equal large numbers when a signal sits far from zero with a small spread (a temperature in kelvin, a
 * pressure in Pa, a counter), and its variance comes out as noise or zero. Welford accumulates deviations from the
 * running mean, which stay small.
 */
export const signalStats = (series: readonly AssetSeries[], signal: number): SignalStats => {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const a of series) {
    for (const v of a.values[signal] ?? []) {
      // A slot the gap policy left missing is not a value.
      if (!Number.isFinite(v)) continue;
      n += 1;
      const delta = v - mean;
      mean += delta / n;
      m2 += delta * (v - mean);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { n, mean, m2, min, max };
};

/**
 * Fit on training assets only: statistics that saw validation or test data would leak their future into the
 * model and flatter its scores. A constant signal gets scale 1 so it maps to 0 instead of dividing by zero.
 */
export const fitNormalisation = (
  method: Normalisation['method'],
  series: readonly AssetSeries[],
  signalCount: number,
): Normalisation => {
  const center: number[] = [];
  const scale: number[] = [];
  for (let s = 0; s < signalCount; s += 1) {
    if (method === 'none') {
      center.push(0);
      scale.push(1);
      continue;
    }
    const stats = signalStats(series, s);
    if (method === 'z-score') {
      const sd = stats.n > 1 ? Math.sqrt(stats.m2 / (stats.n - 1)) : 0;
      center.push(stats.mean);
      scale.push(sd > 1e-12 ? sd : 1);
    } else {
      center.push(Number.isFinite(stats.min) ? stats.min : 0);
      scale.push(stats.max - stats.min > 1e-12 ? stats.max - stats.min : 1);
    }
  }
  return { method, center, scale };
};

export const applyNormalisation = (series: AssetSeries, norm: Normalisation): AssetSeries => ({
  ...series,
  values: series.values.map((v, s) => {
    const c = norm.center[s] ?? 0;
    const k = norm.scale[s] ?? 1;
    return v.map((x) => (x - c) / k);
  }),
});
