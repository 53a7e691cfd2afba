import type { AssetSeries } from './series.js';

export interface Normalisation {
  readonly method: 'z-score' | 'min-max' | 'none';
  /** value' = (value - center) / scale, per signal. */
  readonly center: number[];
  readonly scale: number[];
}

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
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const a of series) {
      for (const v of a.values[s] ?? []) {
        // A slot the gap policy left missing is not a value.
        if (!Number.isFinite(v)) continue;
        n += 1;
        sum += v;
        sumSq += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (method === 'z-score') {
      const mean = n > 0 ? sum / n : 0;
      const sd = n > 1 ? Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))) : 0;
      center.push(mean);
      scale.push(sd > 1e-12 ? sd : 1);
    } else {
      center.push(Number.isFinite(min) ? min : 0);
      scale.push(max - min > 1e-12 ? max - min : 1);
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
