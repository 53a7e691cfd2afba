import type { DatasetConfig } from '../../../shared/training.js';
import type { AssetSeries } from './series.js';

/*
 * Missing data on the dataset grid. The workspace answers with NaN in every grid slot that holds no good reading
 * (no reading at all, a NULL or non-finite value, or a bad-quality status); the dataset's gap policy decides what
 * happens to them here, and which windows may be trained on and scored.
 */

/** One asset on the grid after the gap policy, with what was real. */
export interface FilledSeries extends AssetSeries {
  /** Per step, how many signals hold a real (good) reading there; the rest are forward-filled or missing. */
  readonly real: Uint8Array;
}

/** What the gap policy did to one dataset part: the figures a run records beside its metrics. */
export interface GapReport {
  /** Grid values without a good reading, of `values` in all. */
  readonly missingValues: number;
  readonly values: number;
  /** Of the missing values, those forward-filled (the rest stay missing and exclude their windows). */
  readonly filledValues: number;
  /** Labelled windows before the policy, and those it dropped. */
  readonly windows: number;
  readonly droppedMissing: number;
  readonly droppedSyntheticEnd: number;
}

export const emptyGapReport: GapReport = {
  missingValues: 0,
  values: 0,
  filledValues: 0,
  windows: 0,
  droppedMissing: 0,
  droppedSyntheticEnd: 0,
};

export const addGapReports = (a: GapReport, b: GapReport): GapReport => ({
  missingValues: a.missingValues + b.missingValues,
  values: a.values + b.values,
  filledValues: a.filledValues + b.filledValues,
  windows: a.windows + b.windows,
  droppedMissing: a.droppedMissing + b.droppedMissing,
  droppedSyntheticEnd: a.droppedSyntheticEnd + b.droppedSyntheticEnd,
});

type Resample = DatasetConfig['resample'];

/** What the dataset builder asks the workspace for: gaps kept as NaN, unless the policy refuses them there. */
export const gridGap = (resample: Resample): 'reject' | 'none' => (resample.gap === 'reject' ? 'reject' : 'none');

/**
 * Forward-fill each signal from its last good reading, at most `fillLimit` time units past it (null: no limit).
 * Slots before the first good reading, or past the limit, stay NaN. A grid built before the workspace kept gaps
 * (a run's old recording) has no NaN and comes back unchanged, every slot counted as real.
 */
export const fillGaps = (
  series: AssetSeries,
  resample: Resample,
): { series: FilledSeries; filled: number; missing: number } => {
  const n = series.t.length;
  const real = new Uint8Array(n);
  let filled = 0;
  let missing = 0;
  const values = series.values.map((v) => {
    const out = new Float64Array(n);
    let lastValue = NaN;
    let lastT = -Infinity;
    for (let i = 0; i < n; i += 1) {
      const x = v[i] as number;
      const t = series.t[i] as number;
      if (Number.isFinite(x)) {
        out[i] = x;
        lastValue = x;
        lastT = t;
        real[i] = (real[i] as number) + 1;
        continue;
      }
      missing += 1;
      const reach = resample.gap === 'forward-fill' && (resample.fillLimit === null || t - lastT <= resample.fillLimit);
      out[i] = reach ? lastValue : NaN;
      if (reach && Number.isFinite(lastValue)) filled += 1;
    }
    return out;
  });
  return { series: { ...series, values, real }, filled, missing };
};

/** Per step, how many values are NaN across the signals, as prefix sums: steps [a, b) hold sum[b] - sum[a]. */
const missingPrefixSums = (series: AssetSeries): Float64Array => {
  const n = series.t.length;
  const sum = new Float64Array(n + 1);
  for (let i = 0; i < n; i += 1) {
    let holes = 0;
    for (const v of series.values) if (Number.isNaN(v[i] as number)) holes += 1;
    sum[i + 1] = (sum[i] as number) + holes;
  }
  return sum;
};

/** Whether a window ending at step e is one makeWindows cuts: every `stride`-th end back from the last step. */
const isCountedEnd = (e: number, n: number, length: number, stride: number, which: 'all' | 'last'): boolean =>
  e >= length - 1 && (which === 'last' ? e === n - 1 : (n - 1 - e) % stride === 0);

/**
 * Drop the windows the policy does not keep by setting their label to NaN (makeWindows skips those), counting
 * them among the labelled windows that `makeWindows` would cut (every `stride`-th end back from the last step):
 * - a window holding a value that could not be filled (the model cannot read a gap);
 * - a window whose values are more than `maxMissing` not real (filled or missing);
 * - with `windowsEnd: 'reading'`, a window whose last step has no real reading of any signal: a grid slot that
 *   forward-fill made up is not a moment anything was measured, and scoring it would count it in the metrics.
 */
export const applyWindowPolicy = (
  series: FilledSeries,
  labels: Float64Array,
  length: number,
  stride: number,
  resample: Resample,
  which: 'all' | 'last' = 'all',
): { labels: Float64Array; windows: number; droppedMissing: number; droppedSyntheticEnd: number } => {
  const n = series.t.length;
  const features = series.values.length;
  const out = Float64Array.from(labels);
  // Prefix sums of real values and of unfillable (NaN) values per step, so each window costs O(1).
  const realSum = new Float64Array(n + 1);
  for (let i = 0; i < n; i += 1) realSum[i + 1] = (realSum[i] as number) + (series.real[i] as number);
  const holeSum = missingPrefixSums(series);
  let windows = 0;
  let droppedMissing = 0;
  let droppedSyntheticEnd = 0;
  for (let e = 0; e < n; e += 1) {
    if (Number.isNaN(out[e] as number)) continue;
    const counted = isCountedEnd(e, n, length, stride, which);
    if (counted) windows += 1;
    const from = Math.max(0, e - length + 1);
    const size = (e - from + 1) * features;
    const holes = (holeSum[e + 1] as number) - (holeSum[from] as number);
    const notReal = size - ((realSum[e + 1] as number) - (realSum[from] as number));
    if (holes > 0 || notReal > resample.maxMissing * size) {
      out[e] = NaN;
      if (counted) droppedMissing += 1;
    } else if (resample.windowsEnd === 'reading' && series.real[e] === 0) {
      out[e] = NaN;
      if (counted) droppedSyntheticEnd += 1;
    }
  }
  return { labels: out, windows, droppedMissing, droppedSyntheticEnd };
};

/** One asset through the whole gap policy: filled, its labels masked where windows are dropped, and its figures. */
export const applyGapPolicy = (
  raw: AssetSeries,
  labels: Float64Array,
  dataset: Pick<DatasetConfig, 'resample' | 'window'>,
  which: 'all' | 'last' = 'all',
): { readonly series: FilledSeries; readonly labels: Float64Array; readonly report: GapReport } => {
  const { series, filled, missing } = fillGaps(raw, dataset.resample);
  const kept = applyWindowPolicy(series, labels, dataset.window.length, dataset.window.stride, dataset.resample, which);
  return {
    series,
    labels: kept.labels,
    report: {
      missingValues: missing,
      values: raw.t.length * raw.values.length,
      filledValues: filled,
      windows: kept.windows,
      droppedMissing: kept.droppedMissing,
      droppedSyntheticEnd: kept.droppedSyntheticEnd,
    },
  };
};

/**
 * Drop, after the gap policy, the windows over a model input that is still missing: a change from a life baseline
 * before the life has any good reading of that signal in its baseline steps (scoring skips those windows too). Counted
 * as dropped for missing data, among the windows the policy counted.
 */
export const dropMissingInputs = (
  inputs: AssetSeries,
  labels: Float64Array,
  length: number,
  stride: number,
  which: 'all' | 'last' = 'all',
): { labels: Float64Array; dropped: number } => {
  const n = inputs.t.length;
  const holeSum = missingPrefixSums(inputs);
  if (holeSum[n] === 0) return { labels, dropped: 0 };
  const out = Float64Array.from(labels);
  let dropped = 0;
  for (let e = 0; e < n; e += 1) {
    if (Number.isNaN(out[e] as number)) continue;
    const from = Math.max(0, e - length + 1);
    if ((holeSum[e + 1] as number) - (holeSum[from] as number) === 0) continue;
    out[e] = NaN;
    if (isCountedEnd(e, n, length, stride, which)) dropped += 1;
  }
  return { labels: out, dropped };
};
