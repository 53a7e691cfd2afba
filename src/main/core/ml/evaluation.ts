import * as tf from '@tensorflow/tfjs';
import type { WindowSet } from '../datasets/windows.js';
import { predictBatched } from './fit.js';
import { alarmMetrics, confusion } from './metrics.js';

/**
 * Scoring and figures shared by training (a run's recorded metrics) and evaluation (re-scoring a saved run):
 * one implementation, so `evaluate` reproduces exactly what training recorded.
 */

export const round = (x: number, digits = 6) => Number(x.toFixed(digits));

export const windowsTensor = (set: WindowSet) => tf.tensor3d(set.x, [set.n, set.length, set.features]);

/** The threshold maximising F1 on validation windows (failure-horizon classifiers). */
export const bestF1Threshold = (score: ArrayLike<number>, label: ArrayLike<number>): number => {
  let best = { t: 0.5, f1: -1 };
  for (let t = 0.05; t < 0.96; t += 0.01) {
    const f1 = confusion(score, label, t).f1;
    if (f1 > best.f1) best = { t: round(t, 2), f1 };
  }
  return best.t;
};

export const classificationMetrics = (
  score: ArrayLike<number>,
  set: WindowSet,
  failures: readonly (number | readonly number[] | null)[],
  threshold: number,
  timeKind: 'timestamp' | 'cycle',
  prefix: string,
): Record<string, number> => {
  const c = confusion(score, set.y, threshold);
  const alarms = alarmMetrics({
    score,
    label: set.y,
    asset: set.asset,
    end: set.end,
    failureTimes: new Map(failures.map((f, i) => [i, f])),
    threshold,
    timeKind,
  });
  const periodKey =
    alarms.periodUnit === 'asset-month' ? 'false_alarms_per_asset_month' : 'false_alarms_per_asset_1000_cycles';
  return {
    [`${prefix}precision`]: round(c.precision),
    [`${prefix}recall`]: round(c.recall),
    [`${prefix}f1`]: round(c.f1),
    [`${prefix}false_alarm_rate`]: round(c.falseAlarmRate),
    [`${prefix}missed_alarm_rate`]: round(c.missedAlarmRate),
    [`${prefix}tp`]: c.tp,
    [`${prefix}fp`]: c.fp,
    [`${prefix}tn`]: c.tn,
    [`${prefix}fn`]: c.fn,
    [`${prefix}mean_lead_time`]: round(alarms.meanLeadTime),
    [`${prefix}detected_failures`]: alarms.detectedFailures,
    [`${prefix}missed_failures`]: alarms.missedFailures,
    [`${prefix}detected_anomalies`]: alarms.detectedAnomalies,
    [`${prefix}missed_anomalies`]: alarms.missedAnomalies,
    [`${prefix}false_alarms`]: alarms.falseAlarms,
    // Left out (not 0, not extrapolated) when there is under a day of data to count per month over.
    ...(Number.isFinite(alarms.falseAlarmsPerAssetPeriod)
      ? { [`${prefix}${periodKey}`]: round(alarms.falseAlarmsPerAssetPeriod) }
      : {}),
  };
};

/** Mean squared reconstruction error per window of `x` [n, length, features], as a tensor (read it async on a GPU). */
export const reconstructionErrors = (model: tf.LayersModel, x: tf.Tensor): tf.Tensor =>
  tf.tidy(() => tf.mean(tf.square(tf.sub(predictBatched(model, x), x)), [1, 2]));

/** Mean squared reconstruction error per window: the autoencoder's anomaly score. */
export const reconstructionScores = (model: tf.LayersModel, set: WindowSet): Float32Array =>
  tf.tidy(() => reconstructionErrors(model, windowsTensor(set)).dataSync() as Float32Array);

export const lastSteps = (set: WindowSet): Float64Array[] =>
  Array.from({ length: set.n }, (_, w) => {
    const o = (w * set.length + set.length - 1) * set.features;
    return Float64Array.from(set.x.subarray(o, o + set.features));
  });

export const logLoss = (p: ArrayLike<number>, y: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < y.length; i += 1) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i] as number));
    s -= (y[i] as number) >= 0.5 ? Math.log(q) : Math.log(1 - q);
  }
  return s / Math.max(1, y.length);
};

export const meanAbsChange = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  let base = 0;
  for (let i = 0; i < a.length; i += 1) {
    s += Math.abs((a[i] as number) - (b[i] as number));
    base += Math.abs(b[i] as number);
  }
  return base > 0 ? s / base : 0;
};
