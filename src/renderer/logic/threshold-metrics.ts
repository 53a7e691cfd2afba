import { alarmMetrics, confusion, type AlarmMetrics, type ConfusionMetrics } from '../../shared/alarm-metrics.js';
import type { RunDetail, RunFailures } from '../../shared/training.js';

/** A scored window: `label` 1 for abnormal (failure within horizon, anomaly), 0 for normal; `score` the model output. */
export interface ScoredWindow {
  readonly label: number;
  readonly score: number;
}

export interface ConfusionMatrix {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export interface ThresholdMetrics extends ConfusionMetrics {
  readonly threshold: number;
}

/** Alarm metrics at a threshold, by the rule the trainer records them with (src/shared/alarm-metrics.ts). */
export const thresholdMetrics = (windows: readonly ScoredWindow[], threshold: number): ThresholdMetrics => ({
  threshold,
  ...confusion(
    windows.map((w) => w.score),
    windows.map((w) => w.label),
    threshold,
  ),
});

/**
 * Alarm-level figures at a threshold (lead time, detected and missed failures, false alarms per asset-month or per
 * asset and 1000 cycles), by the rule the trainer records them with; null for a run without failure times.
 */
export const alarmFigures = (
  predictions: RunDetail['predictions'],
  failures: RunFailures | null,
  threshold: number,
): AlarmMetrics | null => {
  if (failures === null || predictions.length === 0) return null;
  const index = new Map<string, number>();
  for (const p of predictions) if (!index.has(p.asset)) index.set(p.asset, index.size);
  return alarmMetrics({
    score: predictions.map((p) => p.score),
    label: predictions.map((p) => p.label),
    asset: predictions.map((p) => index.get(p.asset) ?? -1),
    end: predictions.map((p) => p.t),
    failureTimes: new Map([...index].map(([name, i]) => [i, failures.failures[name] ?? null])),
    threshold,
    timeKind: failures.timeKind,
  });
};

/** The confusion matrix as rows (true class) by columns (predicted class), for display. */
export const confusionRows = (
  m: ConfusionMatrix,
): readonly { readonly actual: 'abnormal' | 'normal'; readonly alarm: number; readonly noAlarm: number }[] => [
  { actual: 'abnormal', alarm: m.tp, noAlarm: m.fn },
  { actual: 'normal', alarm: m.fp, noAlarm: m.tn },
];

export interface SliderScale {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

/**
 * The slider's range: from just below the lowest score (everything alarms) to the highest (nothing alarms),
 * in `steps` steps; a recorded threshold outside the scores widens it so it stays reachable.
 */
export const sliderScale = (windows: readonly ScoredWindow[], recorded: number | null, steps = 200): SliderScale => {
  let min = Infinity;
  let max = -Infinity;
  for (const w of windows) {
    if (!Number.isFinite(w.score)) continue;
    if (w.score < min) min = w.score;
    if (w.score > max) max = w.score;
  }
  if (recorded !== null && Number.isFinite(recorded)) {
    min = Math.min(min, recorded);
    max = Math.max(max, recorded);
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1, step: 1 / steps };
  if (max === min) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return { min: min - pad, max: max + pad, step: (2 * pad) / steps };
  }
  const span = max - min;
  // Start a step below the lowest score so "every window alarms" is a position of the slider too.
  const step = span / steps;
  return { min: min - step, max, step };
};

/** The threshold a run recorded (artifact.thresholds.score), if any. */
export const recordedThreshold = (artifact: Record<string, unknown> | null): number | null => {
  const thresholds = artifact?.['thresholds'];
  if (typeof thresholds !== 'object' || thresholds === null) return null;
  const score = (thresholds as Record<string, unknown>)['score'];
  return typeof score === 'number' && Number.isFinite(score) ? score : null;
};
