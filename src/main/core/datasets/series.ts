import { slowestRateIndex, smoothingRates, type InputSpec } from '../../../shared/model-inputs.js';

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
 * The first steps of one life on the grid, per signal: what its baseline is the mean of. `t` holds the grid times in
 * [start, start + steps * period); `values[s]` signal s there, NaN where the slot had no good reading.
 */
export interface LifeBaseline {
  readonly start: number;
  readonly t: Float64Array;
  readonly values: readonly Float64Array[];
}

/** When an asset's lives began, and (for a model with change inputs) each life's first steps. */
export interface AssetLives {
  readonly starts: readonly number[];
  readonly baselines: readonly LifeBaseline[];
}

/** Each life's first `steps` grid slots, taken from a series that covers them (a whole record, gaps as NaN). */
export const lifeBaselines = (
  series: AssetSeries,
  starts: readonly number[],
  steps: number,
  period: number,
): LifeBaseline[] =>
  starts.map((start) => {
    const end = start + steps * period;
    let a = 0;
    while (a < series.t.length && (series.t[a] as number) < start) a += 1;
    let b = a;
    while (b < series.t.length && (series.t[b] as number) < end) b += 1;
    return { start, t: series.t.slice(a, b), values: series.values.map((v) => v.slice(a, b)) };
  });

/**
 * Each signal's change from its life's baseline: `level[s][i]` minus the mean of the life's first steps up to t[i]
 * (a running mean while they pass, then fixed). NaN before the first life or before any good baseline reading.
 */
export const changeFromBaseline = (
  t: Float64Array,
  level: readonly Float64Array[],
  baselines: readonly LifeBaseline[],
): Float64Array[] =>
  level.map((values, s) => {
    const out = new Float64Array(t.length);
    let k = -1;
    let j = 0;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < t.length; i += 1) {
      const ti = t[i] as number;
      let moved = false;
      while (k + 1 < baselines.length && (baselines[k + 1] as LifeBaseline).start <= ti) {
        k += 1;
        moved = true;
      }
      if (moved) {
        j = 0;
        sum = 0;
        count = 0;
      }
      const life = baselines[k];
      if (life !== undefined) {
        const base = life.values[s] as Float64Array;
        while (j < life.t.length && (life.t[j] as number) <= ti) {
          const v = base[j] as number;
          if (!Number.isNaN(v)) {
            sum += v;
            count += 1;
          }
          j += 1;
        }
      }
      out[i] = count === 0 ? NaN : (values[i] as number) - sum / count;
    }
    return out;
  });

/**
 * The model's inputs over an asset's grid, in modelInputNames order: every signal smoothed at each rate (as read
 * when there is none), then each signal's change from its life's baseline, then its age in life. `lives` (from the
 * whole record) is needed when the spec has a baseline or the age.
 */
export const modelInputSeries = (series: AssetSeries, spec: InputSpec, lives: AssetLives | null): AssetSeries => {
  const rates = smoothingRates(spec.smoothing);
  const smoothed = rates.length === 0 ? series.values : rates.flatMap((r) => series.values.map((v) => smooth(v, r)));
  const needsLives = spec.baseline !== null || spec.age;
  if (needsLives && lives === null) throw new Error('internal: the model reads life inputs, and no lives were given');
  const slowest = slowestRateIndex(spec.smoothing);
  const level = smoothed.slice(slowest * series.values.length, (slowest + 1) * series.values.length);
  const change = spec.baseline === null || lives === null ? [] : changeFromBaseline(series.t, level, lives.baselines);
  const age = spec.age && lives !== null ? [ageInLife(series.t, lives.starts)] : [];
  return { ...series, values: [...smoothed, ...change, ...age] };
};
