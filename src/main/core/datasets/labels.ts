import {
  anomalyRuleOf,
  DEFAULT_NORMAL_FRACTION,
  type LabelColumn,
  type LabelConfig,
} from '../../../shared/training.js';
import { lifeBaselines, type AssetEvent, type AssetLives, type AssetSeries } from './series.js';

/**
 * One life of an asset: from install (the start of the record) or a repair to a failure. `failure` is null for a
 * censored life (it had not failed when the record ends); `end` is the last moment of the life that has readings
 * to label: the failure itself, or the end of the record.
 */
export interface Life {
  readonly start: number;
  readonly failure: number | null;
  readonly end: number;
}

/**
 * When the asset was back in service after a failure at `failure`: the failure work order's end when it has one,
 * else the end of the first maintenance (repair) work order that starts at or after the failure (and before the
 * next failure `next`), else the failure itself (an instant swap).
 */
const repairEnd = (failure: AssetEvent, events: readonly AssetEvent[], next: number): number => {
  if (failure.end !== null && failure.end > failure.start) return failure.end;
  const repair = events
    .filter((e) => e.kind === 'maintenance' && e.start >= failure.start && e.start < next)
    .sort((p, q) => p.start - q.start)[0];
  return repair === undefined ? failure.start : (repair.end ?? repair.start);
};

/**
 * Cut an asset's record into lives from its failure and maintenance events. Assets fail and are repaired many
 * times (the simulator's pumps every 18-60 days): labelling the whole record against one failure time gives
 * negative RUL and stale abnormal labels after the first repair, and ignores every later failure.
 * - No failure event: one life over the whole record, ending in a failure at the last reading when `failureAt`
 *   is 'event-or-end' (run-to-failure data such as C-MAPSS), censored otherwise. `finalRul` (the known life
 *   left after the last reading, C-MAPSS RUL_FD001) places that failure after the end of the record.
 * - Failure events: one life up to each failure, the next one starting when the repair ends; the part after the
 *   last repair is a censored life (the asset has not failed again yet). A maintenance work order without a
 *   preceding failure does not cut a life: a routine service is not a renewal we can date.
 */
export const assetLives = (
  series: AssetSeries,
  events: readonly AssetEvent[],
  failureAt: 'event' | 'event-or-end',
  finalRul?: number,
): Life[] => {
  const first = series.t[0];
  const last = series.t[series.t.length - 1];
  if (first === undefined || last === undefined) return [];
  if (finalRul !== undefined) return [{ start: first, failure: last + finalRul, end: last }];
  const own = events.filter((e) => e.asset === series.asset);
  const failures = own.filter((e) => e.kind === 'failure').sort((p, q) => p.start - q.start);
  if (failures.length === 0) {
    return [{ start: first, failure: failureAt === 'event-or-end' ? last : null, end: last }];
  }
  const lives: Life[] = [];
  let start = first;
  failures.forEach((f, k) => {
    const next = failures[k + 1]?.start ?? Infinity;
    // A failure before the record starts, or a second record inside the same repair, is not a new life; the
    // asset is back in service when its repair ends.
    if (f.start >= start) lives.push({ start, failure: f.start, end: Math.min(f.start, last) });
    start = Math.max(start, repairEnd(f, own, next), f.start);
  });
  if (start <= last) lives.push({ start, failure: null, end: last });
  return lives;
};

/** When each life of the asset began (ascending): its first reading, then the end of each repair after a failure. */
export const lifeStarts = (series: AssetSeries, events: readonly AssetEvent[]): number[] =>
  assetLives(series, events, 'event').map((life) => life.start);

/**
 * What a model's life inputs need from an asset's whole record: when its lives began, and, for change inputs, each
 * life's first `baseline` grid steps (gaps as NaN). Null when the model reads neither.
 */
export const lifeInputsOf = (
  series: AssetSeries,
  events: readonly AssetEvent[],
  spec: { readonly age: boolean; readonly baseline: number | null },
  period: number,
): AssetLives | null => {
  if (!spec.age && spec.baseline === null) return null;
  const starts = lifeStarts(series, events);
  return {
    starts,
    baselines: spec.baseline === null ? [] : lifeBaselines(series, starts, spec.baseline, period),
  };
};

/** A time per failure, as alarm metrics take it: null (none), one time, or every failure of an asset that failed again. */
export type FailureTimes = number | readonly number[] | null;

/** Every failure of the asset, one per life (see assetLives), in the shape FailureTimes gives. */
export const failureTimes = (
  series: AssetSeries,
  events: readonly AssetEvent[],
  failureAt: 'event' | 'event-or-end',
  finalRul?: number,
): FailureTimes => {
  const all = assetLives(series, events, failureAt, finalRul).flatMap((l) => (l.failure === null ? [] : [l.failure]));
  // One failure stays a number: failures.json of a run-to-failure dataset reads as it always did.
  return all.length === 0 ? null : all.length === 1 ? (all[0] as number) : all;
};

/**
 * When the asset fails: its first failure event, else (run-to-failure data) its last reading, else null
 * (a censored asset: it never failed while observed). `finalRul` overrides both for evaluation assets whose
 * true remaining life after the last reading is known (C-MAPSS RUL_FD001).
 */
export const failureTime = (
  series: AssetSeries,
  events: readonly AssetEvent[],
  failureAt: 'event' | 'event-or-end',
  finalRul?: number,
): number | null => assetLives(series, events, failureAt, finalRul).find((l) => l.failure !== null)?.failure ?? null;

/**
 * The label of every time step of one asset (NaN = no ground truth, the window is not used), per life
 * (see assetLives); steps between a failure and the end of its repair belong to no life and stay unlabelled:
 * - rul: time to the life's failure, capped; censored lives have no labels;
 * - failure-horizon: 1 when the life's failure comes within the horizon after t, else 0 (0 only where we know
 *   the asset survived the whole horizon, so the end of a censored record stays unlabelled);
 * - anomaly, by its rule (see AnomalyLabelSchema): 'lives': 0 in the first `normalSpan` (or `normalRows`) of each
 *   life, 1 within `abnormalWithin` of its failure or inside an anomaly event, NaN between (and during repairs);
 *   'first-normal': 0 in the asset's normal start, 1 on every later row; 'column': from the label column's values
 *   (`column`, on the same grid as the series).
 */
export const labelSteps = (
  series: AssetSeries,
  events: readonly AssetEvent[],
  label: LabelConfig,
  finalRul?: number,
  column?: Float64Array,
): Float64Array => {
  const n = series.t.length;
  if (label.kind === 'anomaly') {
    const rule = anomalyRuleOf(label);
    if (rule === 'first-normal') return firstNormalLabels(series, label);
    if (rule === 'column') {
      if (label.column === undefined || column === undefined)
        throw new Error(`the label column was not read for asset "${series.asset}"`);
      return columnLabels(column, label.column);
    }
  }
  const out = new Float64Array(n).fill(NaN);
  const lives = assetLives(series, events, label.failureAt, finalRul);
  const own = events.filter((e) => e.asset === series.asset);
  const last = series.t[n - 1] ?? 0;
  let li = 0;
  // The first step of the current life, so `normalRows` counts rows from each life's start.
  let lifeFirst = -1;
  let lifeOf = -1;
  for (let i = 0; i < n; i += 1) {
    const t = series.t[i] as number;
    while (li < lives.length && (lives[li] as Life).end < t) li += 1;
    const life = lives[li];
    const inLife = life !== undefined && life.start <= t;
    if (inLife && lifeOf !== li) {
      lifeOf = li;
      lifeFirst = i;
    }
    // Anomaly events are abnormal over their whole interval, also outside a life. A failure work order's
    // interval is the repair (the asset is down, not degrading): only its start is the failure.
    if (label.kind === 'anomaly') {
      const inEvent = own.some((e) =>
        e.kind === 'anomaly' ? e.start <= t && t <= (e.end ?? e.start) : e.kind === 'failure' && e.start === t,
      );
      if (inEvent) {
        out[i] = 1;
        continue;
      }
    }
    if (!inLife) continue;
    const failure = life.failure;
    switch (label.kind) {
      case 'rul':
        if (failure !== null) out[i] = label.cap === null ? failure - t : Math.min(label.cap, failure - t);
        break;
      case 'failure-horizon':
        if (failure !== null) out[i] = failure - t <= label.horizon ? 1 : 0;
        else if (last - t >= label.horizon) out[i] = 0;
        break;
      case 'anomaly': {
        const normal =
          label.normalRows !== undefined ? i - lifeFirst < label.normalRows : t - life.start < (label.normalSpan ?? 0);
        if (failure !== null && failure - t <= (label.abnormalWithin ?? 0)) out[i] = 1;
        else if (normal) out[i] = 0;
        break;
      }
    }
  }
  return out;
};

/**
 * 'first-normal': the asset's first `normalRows` rows, or the rows within `normalSpan` of its first reading, or
 * (neither given) its first DEFAULT_NORMAL_FRACTION of rows are normal (0); every later row is abnormal (1).
 */
export const firstNormalLabels = (
  series: AssetSeries,
  label: Extract<LabelConfig, { kind: 'anomaly' }>,
): Float64Array => {
  const n = series.t.length;
  const first = series.t[0] ?? 0;
  const out = new Float64Array(n);
  const rows =
    label.normalRows ?? (label.normalSpan === undefined ? Math.round(n * DEFAULT_NORMAL_FRACTION) : Infinity);
  for (let i = 0; i < n; i += 1) {
    const inSpan = label.normalSpan === undefined || (series.t[i] as number) - first < label.normalSpan;
    out[i] = i < rows && inSpan ? 0 : 1;
  }
  return out;
};

/** Labels from a label column: codes in `normal` are 0, in `abnormal` (default: any other code) 1, else NaN. */
export const columnLabels = (values: Float64Array, column: LabelColumn): Float64Array =>
  Float64Array.from(values, (v) =>
    Number.isNaN(v)
      ? NaN
      : column.normal.includes(v)
        ? 0
        : column.abnormal === undefined || column.abnormal.includes(v)
          ? 1
          : NaN,
  );
