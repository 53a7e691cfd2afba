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

export interface AlarmMetrics {
  /**
   * Mean warning time over detected episodes: for a failure, from the first alarm inside its abnormal period to the
   * failure; for an anomaly event (labelled abnormal windows that end before the life does), from the first alarm
   * inside it to its last abnormal window.
   */
  readonly meanLeadTime: number;
  /** Assets that failed without any alarm in the abnormal period. */
  readonly missedFailures: number;
  readonly detectedFailures: number;
  /** Anomaly events (abnormal periods not ending in a failure) with and without an alarm inside them. */
  readonly detectedAnomalies: number;
  readonly missedAnomalies: number;
  /** Alarms (rising edges) raised while the asset was normal. */
  readonly falseAlarms: number;
  /**
   * False alarms per asset and 30 days (timestamp data) or per asset and 1000 cycles (cycle data); NaN on timestamp
   * data observed for less than a day in all (a few minutes of data would extrapolate to thousands per month).
   */
  readonly falseAlarmsPerAssetPeriod: number;
  readonly periodUnit: 'asset-month' | 'asset-1000-cycles';
}

const MONTH_US = 30 * 24 * 3600 * 1e6;
/** The least observed asset-time (µs) a per-month false-alarm figure is given for. */
export const MIN_OBSERVED_FOR_MONTHLY_US = 24 * 3600 * 1e6;

/**
 * Alarm-level figures technicians care about, from window scores in time order per asset. An alarm is a rising
 * edge (score crosses the threshold): consecutive alarming windows are one alarm, as an operator sees them.
 * Abnormal windows in a row form one episode: the one that runs to the end of a life with a failure is that
 * failure's, any other (an anomaly event, or abnormal windows of a life that did not fail) is an anomaly episode.
 * Each is detected (an alarm inside it) or missed on its own.
 */
export const alarmMetrics = (input: {
  readonly score: ArrayLike<number>;
  readonly label: ArrayLike<number>;
  readonly asset: ArrayLike<number>;
  readonly end: ArrayLike<number>;
  /** Per asset: its failure time, or every failure when it failed more than once (one per life), or null. */
  readonly failureTimes: ReadonlyMap<number, number | readonly number[] | null>;
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
  const counts = { detectedFailures: 0, missedFailures: 0, detectedAnomalies: 0, missedAnomalies: 0 };
  for (const [a, idx] of assets) {
    idx.sort((p, q) => (end[p] as number) - (end[q] as number));
    const given = input.failureTimes.get(a) ?? null;
    const failures = given === null ? [] : typeof given === 'number' ? [given] : [...given].sort((p, q) => p - q);
    let open: { life: number; firstAlarm: number | null; last: number } | null = null;
    // reachedEnd: the episode's abnormal windows run to the end of its life (no normal window after them).
    const close = (reachedEnd: boolean) => {
      if (open === null) return;
      const failure = reachedEnd ? failures[open.life] : undefined;
      if (failure !== undefined) {
        if (open.firstAlarm === null) counts.missedFailures += 1;
        else {
          counts.detectedFailures += 1;
          leads.push(failure - open.firstAlarm);
        }
      } else if (open.firstAlarm === null) counts.missedAnomalies += 1;
      else {
        counts.detectedAnomalies += 1;
        leads.push(open.last - open.firstAlarm);
      }
      open = null;
    };
    let life = 0;
    let previous = false;
    for (const i of idx) {
      const t = end[i] as number;
      while (life < failures.length && t > (failures[life] as number)) life += 1;
      if (open !== null && open.life !== life) close(true);
      const alarm = (score[i] as number) > threshold;
      const positive = (label[i] as number) >= 0.5;
      if (positive) {
        open ??= { life, firstAlarm: null, last: t };
        // An alarm already raised when the abnormal period begins still warns of it.
        if (alarm) open.firstAlarm ??= t;
        open.last = t;
      } else {
        close(false);
        if (alarm && !previous) falseAlarms += 1;
      }
      previous = alarm;
    }
    close(true);
    const first = idx[0];
    const last = idx[idx.length - 1];
    if (first !== undefined && last !== undefined) observed += (end[last] as number) - (end[first] as number);
  }
  const unit = input.timeKind === 'timestamp' ? MONTH_US : 1000;
  const tooShort = input.timeKind === 'timestamp' && observed < MIN_OBSERVED_FOR_MONTHLY_US;
  return {
    meanLeadTime: leads.length > 0 ? leads.reduce((s, v) => s + v, 0) / leads.length : 0,
    ...counts,
    falseAlarms,
    falseAlarmsPerAssetPeriod: tooShort ? NaN : observed > 0 ? falseAlarms / (observed / unit) : 0,
    periodUnit: input.timeKind === 'timestamp' ? 'asset-month' : 'asset-1000-cycles',
  };
};
