import type { AlertRuleInput } from '../../../shared/monitoring.js';
import type { ManifestCore } from '../../../shared/registry-manifest.js';

/**
 * A starting alert rule from what the package's own run measured, so a new deployment does not begin with an
 * invented number: the anomaly or failure-probability threshold the run chose on its validation windows, or for
 * remaining useful life, twice the run's RMSE (an alert when the model's RUL is within two typical errors of a
 * failure). Persistence 3 of 5 windows keeps one noisy window from setting it. The user edits it before saving.
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

export const ruleDefaultsOf = (
  manifest: Pick<ManifestCore, 'task' | 'thresholds' | 'outputs'> & {
    readonly evaluation: { readonly metrics: Readonly<Record<string, number>> };
  },
): RuleDefaults => {
  const output = manifest.outputs[0]?.name ?? 'output';
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
