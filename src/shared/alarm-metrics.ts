/**
 * Alarm metrics at a threshold, the one rule trainer and views share: a window alarms when its score is above
 * the threshold; it is abnormal when its label is at least 0.5.
 */
export interface ConfusionMetrics {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Share of normal windows flagged: fp / (fp + tn). */
  readonly falseAlarmRate: number;
  /** Share of abnormal windows missed: fn / (fn + tp). */
  readonly missedAlarmRate: number;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

export const confusion = (score: ArrayLike<number>, label: ArrayLike<number>, threshold: number): ConfusionMetrics => {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < label.length; i += 1) {
    const alarm = (score[i] as number) > threshold;
    const positive = (label[i] as number) >= 0.5;
    if (alarm && positive) tp += 1;
    else if (alarm) fp += 1;
    else if (positive) fn += 1;
    else tn += 1;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
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
