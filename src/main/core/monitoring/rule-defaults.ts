import type { AlertRuleInput } from '../../../shared/monitoring.js';
import type { ManifestAlarmRule, ManifestCore } from '../../../shared/registry-manifest.js';

/**
 * A starting alert rule from what the package's own run measured, so a new deployment does not begin with an
 * invented number: the anomaly or failure-probability threshold the run chose on its validation windows, or for
 * remaining useful life, twice the run's RMSE (an alert when the model's RUL is within two typical errors of a
 * failure). Persistence 3 of 5 windows keeps one noisy window from setting it. A package that carries its anomaly
 * alarm rule (manifest `alarmRule`) starts from that rule instead. The user edits it before saving.
 */
export interface RuleDefaults {
  readonly rule: AlertRuleInput | null;
  /** Where the numbers come from, in the user's words. */
  readonly basis: string;
}

const firstMetric = (metrics: Readonly<Record<string, number>>, names: readonly string[]) => {
  for (const name of names) {
    const value = metrics[name];
    if (value !== undefined && Number.isFinite(value)) return { name, value };
  }
  return null;
};

const round = (x: number) => Number(x.toPrecision(4));

/**
 * The alert rule of the package's anomaly alarm rule: alarm above its level when k of the last n windows are
 * above it, exactly as the run's evaluation counted alarms (so the false-alarm figures of the model card hold),
 * with no hysteresis and no delays, which the run did not evaluate. The level is kept as recorded (not rounded):
 * scores are squared errors, often far below 1.
 */
export const ruleOfAlarmRule = (alarm: ManifestAlarmRule): RuleDefaults => {
  const { k, n } = alarm.rule.persistence;
  const who =
    alarm.thresholdSource === 'saved'
      ? `the alarm threshold ${alarm.by} saved for the run (${alarm.reason})`
      : `the run's threshold (${alarm.reason})`;
  // Deployment alert rules have no smoothing step: say so rather than drop it silently.
  const smoothing =
    alarm.rule.smoothing === null
      ? ''
      : `; the run also smoothed scores (EWMA weight ${alarm.rule.smoothing}) before persistence, which alert rules do not do, so this rule judges unsmoothed scores`;
  return {
    rule: { output: alarm.output, direction: 'above', setLevel: alarm.threshold, k, n },
    basis: `the package's alarm rule: ${who}, ${k} of ${n} windows above it${smoothing}`,
  };
};

export const ruleDefaultsOf = (
  manifest: Pick<ManifestCore, 'task' | 'thresholds' | 'outputs' | 'alarmRule'> & {
    readonly evaluation: { readonly metrics: Readonly<Record<string, number>> };
  },
): RuleDefaults => {
  const output = manifest.outputs[0]?.name ?? 'output';
  if (manifest.alarmRule !== undefined) return ruleOfAlarmRule(manifest.alarmRule);
  switch (manifest.task) {
    case 'anomaly':
    case 'failure-horizon': {
      const threshold = manifest.thresholds['score'];
      if (threshold === undefined || !Number.isFinite(threshold)) {
        return { rule: null, basis: 'the run recorded no score threshold: set the level by hand' };
      }
      return {
        rule: {
          output,
          direction: 'above',
          setLevel: round(threshold),
          clearLevel: round(threshold * 0.9),
          k: 3,
          n: 5,
        },
        basis: `the run's threshold on validation windows (${round(threshold)})`,
      };
    }
    case 'rul': {
      const rmse = firstMetric(manifest.evaluation.metrics, ['rmse', 'test_rmse', 'rmse_capped', 'val_rmse']);
      if (rmse === null) return { rule: null, basis: 'the run recorded no RMSE: set the level by hand' };
      const level = round(2 * rmse.value);
      return {
        rule: { output, direction: 'below', setLevel: level, clearLevel: round(2.5 * rmse.value), k: 3, n: 5 },
        basis: `twice the run's ${rmse.name} (${round(rmse.value)})`,
      };
    }
  }
};
