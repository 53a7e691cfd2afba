import type { SplitConfig } from '../../../shared/training.js';
import type { AssetSeries } from './series.js';

/** A stretch of one asset's grid with the labels of its steps (labelled on the whole record, then cut). */
export interface LabelledPart {
  readonly series: AssetSeries;
  readonly labels: Float64Array;
}

/** Where one asset was cut: the first moment of its validation and of its evaluation part. */
export interface TimeCut {
  readonly asset: string;
  readonly validationFrom: number;
  readonly evaluationFrom: number;
}

export interface TimeSplitParts {
  readonly train: LabelledPart[];
  readonly validation: LabelledPart[];
  readonly evaluation: LabelledPart[];
  readonly cuts: TimeCut[];
}

/** A problem with the cut, in the user's words; the caller turns it into its own error type. */
export class TimeSplitError extends Error {
  override readonly name = 'TimeSplitError';
}

const slice = (part: LabelledPart, from: number, to: number): LabelledPart => ({
  series: {
    asset: part.series.asset,
    t: part.series.t.slice(from, to),
    values: part.series.values.map((v) => v.slice(from, to)),
  },
  labels: part.labels.slice(from, to),
});

/** First index whose time is at or after `t` (n when none is). */
const firstAtOrAfter = (times: Float64Array, t: number): number => {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * Cut each asset in time into training, validation and evaluation parts (see SplitSchema): evaluation from the cut
 * on; validation is the last `validationFraction` of the training part. For anomaly labels the fraction counts the
 * part's normal steps, so both sides get normal windows (the model learns from them, the threshold is set on
 * them) even when the normal stretch is short and the rest of the training part is abnormal. Each part is
 * returned as its own series: windowing them separately means no window reads across a cut.
 */
export const splitByTime = (
  parts: readonly LabelledPart[],
  split: Extract<SplitConfig, { kind: 'time' }>,
  validationFraction: number,
  windowLength: number,
  anomaly: boolean,
  describeTime: (t: number) => string,
): TimeSplitParts => {
  const out: TimeSplitParts = { train: [], validation: [], evaluation: [], cuts: [] };
  for (const part of parts) {
    const { t } = part.series;
    const n = t.length;
    const first = t[0] ?? 0;
    const last = t[n - 1] ?? 0;
    const cutTime = split.trainUntil ?? first + (split.trainFraction ?? 0.5) * (last - first);
    const cut = firstAtOrAfter(t, cutTime);
    let validationStart = Math.round(cut * (1 - validationFraction));
    if (anomaly) {
      const normal: number[] = [];
      for (let i = 0; i < cut; i += 1) if (part.labels[i] === 0) normal.push(i);
      const k = Math.floor(normal.length * (1 - validationFraction));
      if (normal.length > 0) validationStart = normal[Math.min(k, normal.length - 1)] as number;
    }
    const pieces = [
      ['training', 0, validationStart],
      ['validation', validationStart, cut],
      ['evaluation', cut, n],
    ] as const;
    for (const [name, from, to] of pieces) {
      if (to - from < windowLength) {
        const where = to > from ? ` (${describeTime(t[from] as number)} to ${describeTime(t[to - 1] as number)})` : '';
        throw new TimeSplitError(
          `split by time: asset "${part.series.asset}" has ${to - from} steps in its ${name} part${where}, ` +
            `fewer than the window length ${windowLength}; move the cut (dataset.split.${split.trainUntil === undefined ? 'trainFraction' : 'trainUntil'}), ` +
            `change dataset.validationFraction or shorten the window`,
        );
      }
    }
    out.train.push(slice(part, 0, validationStart));
    out.validation.push(slice(part, validationStart, cut));
    out.evaluation.push(slice(part, cut, n));
    out.cuts.push({
      asset: part.series.asset,
      validationFrom: t[validationStart] as number,
      evaluationFrom: t[cut] as number,
    });
  }
  return out;
};

/**
 * The training side of each asset split by time: its readings before its evaluation cut (what the drift reference
 * may describe; the evaluated part is data the model has not seen). Assets without a cut are returned whole.
 */
export const beforeEvaluation = (series: readonly AssetSeries[], cuts: readonly TimeCut[]): AssetSeries[] =>
  series.map((a) => {
    const cut = cuts.find((c) => c.asset === a.asset);
    if (cut === undefined) return a;
    const end = firstAtOrAfter(a.t, cut.evaluationFrom);
    return { asset: a.asset, t: a.t.slice(0, end), values: a.values.map((v) => v.slice(0, end)) };
  });
