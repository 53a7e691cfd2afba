import { anomalyRuleOf, DEFAULT_NORMAL_FRACTION, type LabelConfig } from './training.js';

/**
 * How a run's rows are labelled, in words: the same sentence in the train dialog (before training) and in the run
 * record (after), so no rule acts silently. Spans are on the data's axis: µs on timestamps, cycles otherwise.
 */

const UNITS: readonly (readonly [number, string])[] = [
  [86_400e6, 'd'],
  [3_600e6, 'h'],
  [60e6, 'min'],
  [1e6, 's'],
];

/** A span in the units a person reads: "2 d", "90 min", "50 cycles". */
export const formatSpan = (span: number, timeKind: 'timestamp' | 'cycle'): string => {
  if (timeKind === 'cycle') return `${span} cycle${span === 1 ? '' : 's'}`;
  for (const [us, unit] of UNITS) {
    if (span >= us && Number.isInteger(Math.round((span / us) * 100) / 100)) return `${span / us} ${unit}`;
  }
  const [us, unit] = UNITS.find(([u]) => span >= u) ?? [1e6, 's'];
  return `${Number((span / us).toFixed(2))} ${unit}`;
};

const failures = (failureAt: 'event' | 'event-or-end'): string =>
  failureAt === 'event'
    ? 'Failures: failure events only.'
    : 'Failures: failure events; an asset without one is taken to fail at its last reading (failureAt "event-or-end").';

/** The rule that labels a run's rows, in one or two sentences. */
export const describeLabels = (label: LabelConfig, timeKind: 'timestamp' | 'cycle'): string => {
  const span = (s: number) => formatSpan(s, timeKind);
  switch (label.kind) {
    case 'rul':
      return `Remaining useful life: time to each life's failure${label.cap === null ? '' : `, capped at ${span(label.cap)}`}; lives that have not failed are not labelled. ${failures(label.failureAt)}`;
    case 'failure-horizon':
      return `1 when a failure comes within ${span(label.horizon)} after the window, else 0. ${failures(label.failureAt)}`;
    case 'anomaly': {
      const rule = anomalyRuleOf(label);
      const start =
        label.normalRows !== undefined
          ? `first ${label.normalRows} rows`
          : label.normalSpan !== undefined
            ? `first ${span(label.normalSpan)}`
            : `first ${DEFAULT_NORMAL_FRACTION * 100}% of rows`;
      switch (rule) {
        case 'first-normal':
          return `Normal: the ${start} of each asset. Abnormal: every later row (all of them are scored).`;
        case 'lives':
          return `Normal: the ${start} of each life (install or repair to failure). Abnormal: within ${span(label.abnormalWithin ?? 0)} before a failure and inside anomaly events. Rows between are not labelled and not scored. ${failures(label.failureAt)}`;
        case 'column': {
          const c = label.column;
          if (c === undefined) return 'Labels from a label column (none named).';
          return `Labels from the column "${c.tag}": ${c.normal.join(', ')} normal; ${c.abnormal === undefined ? 'any other code' : c.abnormal.join(', ')} abnormal${c.abnormal === undefined ? '' : '; other codes not labelled'}; rows without a value are not labelled.`;
        }
      }
    }
  }
};
