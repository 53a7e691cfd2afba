/** Evaluation metrics in plain TypeScript, the definitions the field uses. */

export interface RulMetrics {
  readonly rmse: number;
  readonly mae: number;
  /** PHM08 (NASA) score: sum of exp(-d/13)-1 for early predictions and exp(d/10)-1 for late ones, d = predicted - true. */
  readonly nasaScore: number;
  readonly count: number;
}

export const rulMetrics = (predicted: ArrayLike<number>, actual: ArrayLike<number>): RulMetrics => {
  const n = actual.length;
  let se = 0;
  let ae = 0;
  let score = 0;
  for (let i = 0; i < n; i += 1) {
    const d = (predicted[i] as number) - (actual[i] as number);
    se += d * d;
    ae += Math.abs(d);
    // Late predictions (d > 0) are punished harder: a maintenance planned too late is a failure in service.
    score += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
  }
  return { rmse: n > 0 ? Math.sqrt(se / n) : NaN, mae: n > 0 ? ae / n : NaN, nasaScore: score, count: n };
};

/** RMSE per band (from, to] of true remaining life ("error by remaining life"), e.g. bands of 25 cycles. */
export const errorByRemainingLife = (
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  band: number,
): { from: number; to: number; count: number; rmse: number; bias: number }[] => {
  const groups = new Map<number, { se: number; sum: number; n: number }>();
  for (let i = 0; i < actual.length; i += 1) {
    // Bands are (from, to], so a RUL equal to the cap (125) falls in the last band below it, not a band of its own.
    const v = actual[i] as number;
    const k = v > 0 ? Math.ceil(v / band) - 1 : 0;
    const d = (predicted[i] as number) - (actual[i] as number);
    const g = groups.get(k) ?? { se: 0, sum: 0, n: 0 };
    g.se += d * d;
    g.sum += d;
    g.n += 1;
    groups.set(k, g);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, g]) => ({
      from: k * band,
      to: (k + 1) * band,
      count: g.n,
      rmse: Math.sqrt(g.se / g.n),
      bias: g.sum / g.n,
    }));
};

export { alarmMetrics, confusion, type AlarmMetrics, type ConfusionMetrics } from '../../../shared/alarm-metrics.js';

/** The q-quantile (linear interpolation) of a sample. */
export const quantile = (values: ArrayLike<number>, q: number): number => {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
};

/**
 * The RUL figures a run reports: against the true RUL (`rmse`, `mae`, `nasa_score`), and, when the labels were
 * capped, the RMSE against the capped truth beside it, named `rmse_capped` (papers report either; C-MAPSS FD001
 * has 11 of 100 test engines above the usual cap of 125). The PHM08 score is defined on cycles: on timestamped
 * data (µs) its exponentials overflow to Infinity, so it is left out there.
 */
export const rulFigures = (
  predicted: ArrayLike<number>,
  set: { readonly y: ArrayLike<number>; readonly truth?: ArrayLike<number> },
  round: (x: number) => number,
  timeKind: 'timestamp' | 'cycle',
): Record<string, number> => {
  const m = rulMetrics(predicted, set.truth ?? set.y);
  return {
    rmse: round(m.rmse),
    ...(set.truth === undefined ? {} : { rmse_capped: round(rulMetrics(predicted, set.y).rmse) }),
    mae: round(m.mae),
    ...(timeKind === 'cycle' ? { nasa_score: round(m.nasaScore) } : {}),
    scored_windows: m.count,
  };
};

/** Bands of true remaining life for "error by remaining life": 25 cycles, or one day on timestamps (µs). */
export const remainingLifeBand = (timeKind: 'timestamp' | 'cycle'): number =>
  timeKind === 'cycle' ? 25 : 86_400_000_000;
