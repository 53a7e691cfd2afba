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

export const smoothSeries = (series: AssetSeries, alpha: number | null): AssetSeries =>
  alpha === null ? series : { ...series, values: series.values.map((v) => smooth(v, alpha)) };
