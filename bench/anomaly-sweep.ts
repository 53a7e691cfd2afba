/**
 * Alarm rules compared on the raw scores `bench/anomaly.ts --dump FILE` wrote, without training again: for each
 * rule (JSON merged over the model's default alarm rule), per model and variant in the dump, the pooled F1, false-alarm
 * rate and missed-alarm rate, with thresholds from each run's own held-out normal scores exactly as the benchmark
 * sets them. For choosing a rule on seeds the reported figures do not use.
 *
 * Run: npx tsx bench/anomaly-sweep.ts --dump FILE --rules '[{"robustZ":2.5},{"persistence":{"k":4,"n":6}}]'
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { confusion } from '../src/main/core/ml/metrics.js';
import { AlarmRuleSchema, alarmScores, defaultAlarmRule, ruleThreshold } from '../src/shared/alarm-rule.js';

interface DumpedRun {
  readonly raw: readonly number[];
  readonly calibration: number;
  readonly label: readonly number[];
}

const { values } = parseArgs({ options: { dump: { type: 'string' }, rules: { type: 'string' } } });
if (values.dump === undefined) throw new Error('--dump FILE (written by bench/anomaly.ts --dump) is required');
const dump = JSON.parse(await readFile(values.dump, 'utf8')) as Record<string, DumpedRun>;
const overrides = JSON.parse(values.rules ?? '[{}]') as readonly object[];

const groups = new Map<string, DumpedRun[]>();
for (const [key, run] of Object.entries(dump)) {
  const group = key.split('/').slice(0, 2).join('/');
  groups.set(group, [...(groups.get(group) ?? []), run]);
}

const r4 = (v: number) => Number(v.toFixed(4));
const rows = [...groups].flatMap(([group, runs]) =>
  overrides.map((override) => {
    const rule = AlarmRuleSchema.parse({ ...defaultAlarmRule(group.split('/')[0] ?? ''), ...override });
    const labels: number[] = [];
    const alarms: number[] = [];
    for (const run of runs) {
      const scores = alarmScores(run.raw, new Int32Array(run.raw.length), rule);
      const threshold = ruleThreshold(scores.subarray(0, run.calibration), rule, 0.99);
      scores.subarray(run.calibration).forEach((s) => alarms.push(s > threshold ? 1 : 0));
      labels.push(...run.label);
    }
    const c = confusion(alarms, labels, 0.5);
    return {
      group,
      rule: override,
      f1: r4(c.f1),
      falseAlarmRate: r4(c.falseAlarmRate),
      missedAlarmRate: r4(c.missedAlarmRate),
    };
  }),
);
for (const row of rows) console.log(JSON.stringify(row));
