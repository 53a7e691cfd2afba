import { smoothingRates, type Smoothing } from '../../../shared/model-inputs.js';

/**
 * One asset's signals on a common time grid: `values[s][i]` is signal s at time `t[i]`.
 * Times are cycles or µs, as the workspace stores them.
 */
export interface AssetSeries {
  readonly asset: string;
  readonly t: Float64Array;
  readonly values: readonly Float64Array[];
}

/** A failure (or anomaly) event on an asset, as the label builders need it. */
export interface AssetEvent {
  readonly asset: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number | null;
}

/**
 * Causal exponential smoothing: s[i] = a*x[i] + (1-a)*s[i-1]. Uses only the past, so scoring can repeat it.
 * A gap (NaN, a slot the gap policy left missing) stays NaN and does not reset the state: windows over it are
 * dropped anyway, and the values after it must not all turn NaN.
 */
export const smooth = (values: Float64Array, alpha: number): Float64Array => {
  const out = new Float64Array(values.length);
  let state = NaN;
  for (let i = 0; i < values.length; i += 1) {
    const x = values[i] as number;
    if (Number.isNaN(x)) {
      out[i] = NaN;
      continue;
    }
    state = Number.isNaN(state) ? x : alpha * x + (1 - alpha) * state;
    out[i] = state;
  }
  return out;
};

/** Time since the latest life start at or before each time (`starts` ascending); NaN before the first start. */
export const ageInLife = (t: Float64Array, starts: readonly number[]): Float64Array => {
  const out = new Float64Array(t.length);
  let k = -1;
  for (let i = 0; i < t.length; i += 1) {
    const ti = t[i] as number;
    while (k + 1 < starts.length && (starts[k + 1] as number) <= ti) k += 1;
    out[i] = k < 0 ? NaN : ti - (starts[k] as number);
  }
  return out;
};

/**
 * The model's inputs over an asset's grid, in modelInputNames order: every signal smoothed at each rate (as read
 * when there is none), then its age in life when `lifeStarts` is given (times ascending, from the whole record).
 */
export const modelInputSeries = (
  series: AssetSeries,
  smoothing: Smoothing,
  lifeStarts: readonly number[] | null,
): AssetSeries => {
  const rates = smoothingRates(smoothing);
  const smoothed = rates.length === 0 ? series.values : rates.flatMap((r) => series.values.map((v) => smooth(v, r)));
  return { ...series, values: lifeStarts === null ? smoothed : [...smoothed, ageInLife(series.t, lifeStarts)] };
};
