/**
 * A column of a data file that holds labels rather than measurements (a 0/1 failure flag, a machine state code)
 * imports as a signal like any other; without a mark it would become a model input, and its user would have to know
 * to pick it as the label column. A signal is marked as a candidate label column at import when both its name and
 * its values say so; the user can unmark it (updateSignals).
 */

/** Words that name labels in plant exports and public data sets (machine_status, failure, fault_code, ...). */
const LABEL_WORDS: ReadonlySet<string> = new Set([
  'label',
  'labels',
  'target',
  'class',
  'failure',
  'failures',
  'failed',
  'fail',
  'fault',
  'faults',
  'faulty',
  'state',
  'status',
  'anomaly',
  'anomalies',
  'anomalous',
  'abnormal',
  'alarm',
  'broken',
  'outlier',
  'condition',
  'health',
]);

/** The words of a tag: split at anything not a letter or digit and at camelCase boundaries, lower case. */
const words = (tag: string): string[] =>
  tag
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');

/** Whether a tag's name looks like a label's: one of its words is a label word ("machine_status", "FaultCode"). */
export const labelLikeName = (tag: string): boolean => words(tag).some((w) => LABEL_WORDS.has(w));

/** At most this many distinct codes: a state column, not a quantised measurement. */
export const MAX_LABEL_CODES = 10;
/** Codes beyond this size are ids or counters, not states. */
const MAX_CODE = 1000;

/** What the import measures of a signal's readings (non-null values only). */
export interface ValueSummary {
  readonly count: number;
  readonly distinct: number;
  /** Every value is a whole number. */
  readonly integral: boolean;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * A candidate label column: a label-like name and values that are all 0/1 or a few small integer state codes.
 * A sensor whose name merely contains such a word ("status_pressure" with continuous values) is not one.
 */
export const isLabelCandidate = (tag: string, values: ValueSummary): boolean =>
  labelLikeName(tag) &&
  values.count > 0 &&
  values.integral &&
  values.distinct >= 1 &&
  values.distinct <= MAX_LABEL_CODES &&
  values.min !== null &&
  values.max !== null &&
  Math.abs(values.min) <= MAX_CODE &&
  Math.abs(values.max) <= MAX_CODE;
