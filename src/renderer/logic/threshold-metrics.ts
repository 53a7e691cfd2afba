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

export interface ThresholdMetrics extends ConfusionMatrix {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Share of normal windows flagged: fp / (fp + tn). */
  readonly falseAlarmRate: number;
  /** Share of abnormal windows not flagged: fn / (fn + tp). */
  readonly missedAlarmRate: number;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/**
 * Alarm metrics at a threshold, the same rule the trainer records them with: a window alarms when its score is
 * above the threshold; it is abnormal when its label is at least 0.5.
 */
export const thresholdMetrics = (windows: readonly ScoredWindow[], threshold: number): ThresholdMetrics => {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const w of windows) {
    const alarm = w.score > threshold;
    const positive = w.label >= 0.5;
    if (alarm && positive) tp += 1;
    else if (alarm) fp += 1;
    else if (positive) fn += 1;
    else tn += 1;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    falseAlarmRate: ratio(fp, fp + tn),
    missedAlarmRate: ratio(fn, fn + tp),
  };
};

/** The confusion matrix as rows (true class) by columns (predicted class), for display. */
export const confusionRows = (m: ConfusionMatrix): readonly { readonly actual: 'abnormal' | 'normal'; readonly alarm: number; readonly noAlarm: number }[] => [
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
