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
    .map(([k, g]) => ({ from: k * band, to: (k + 1) * band, count: g.n, rmse: Math.sqrt(g.se / g.n), bias: g.sum / g.n }));
};

export { confusion, type ConfusionMetrics } from '../../../shared/alarm-metrics.js';

export interface AlarmMetrics {
  /** Mean time from the first alarming window inside the abnormal period to the failure (assets that got one). */
  readonly meanLeadTime: number;
  /** Assets that failed without any alarm in the abnormal period. */
  readonly missedFailures: number;
  readonly detectedFailures: number;
  /** Alarms (rising edges) raised while the asset was normal. */
  readonly falseAlarms: number;
  /** False alarms per asset and 30 days (timestamp data) or per asset and 1000 cycles (cycle data). */
  readonly falseAlarmsPerAssetPeriod: number;
  readonly periodUnit: 'asset-month' | 'asset-1000-cycles';
}

const MONTH_US = 30 * 24 * 3600 * 1e6;

/**
 * Alarm-level figures technicians care about, from window scores in time order per asset. An alarm is a rising
 * edge (score crosses the threshold): consecutive alarming windows are one alarm, as an operator sees them.
 */
export const alarmMetrics = (input: {
  readonly score: ArrayLike<number>;
  readonly label: ArrayLike<number>;
  readonly asset: ArrayLike<number>;
  readonly end: ArrayLike<number>;
  readonly failureTimes: ReadonlyMap<number, number | null>;
  readonly threshold: number;
  readonly timeKind: 'timestamp' | 'cycle';
}): AlarmMetrics => {
  const { score, label, asset, end, threshold } = input;
  const assets = new Map<number, number[]>();
  for (let i = 0; i < score.length; i += 1) {
    const a = asset[i] as number;
    const list = assets.get(a) ?? [];
    list.push(i);
    assets.set(a, list);
  }
  let falseAlarms = 0;
  let observed = 0;
  const leads: number[] = [];
  let missed = 0;
  for (const [a, idx] of assets) {
    idx.sort((p, q) => (end[p] as number) - (end[q] as number));
    let previous = false;
    let firstTrueAlarm: number | null = null;
    let hasPositive = false;
    for (const i of idx) {
      const alarm = (score[i] as number) > threshold;
      const positive = (label[i] as number) >= 0.5;
      hasPositive ||= positive;
      // An alarm already raised when the abnormal period begins still warns of this failure.
      if (alarm && positive) firstTrueAlarm ??= end[i] as number;
      else if (alarm && !previous) falseAlarms += 1;
      previous = alarm;
    }
    const first = idx[0];
    const last = idx[idx.length - 1];
    if (first !== undefined && last !== undefined) observed += (end[last] as number) - (end[first] as number);
    const failure = input.failureTimes.get(a) ?? null;
    if (hasPositive && failure !== null) {
      if (firstTrueAlarm === null) missed += 1;
      else leads.push(failure - firstTrueAlarm);
    }
  }
  const unit = input.timeKind === 'timestamp' ? MONTH_US : 1000;
  return {
    meanLeadTime: leads.length > 0 ? leads.reduce((s, v) => s + v, 0) / leads.length : 0,
    missedFailures: missed,
    detectedFailures: leads.length,
    falseAlarms,
    falseAlarmsPerAssetPeriod: observed > 0 ? falseAlarms / (observed / unit) : 0,
    periodUnit: input.timeKind === 'timestamp' ? 'asset-month' : 'asset-1000-cycles',
  };
};

/** The q-quantile (linear interpolation) of a sample. */
export const quantile = (values: ArrayLike<number>, q: number): number => {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
};
