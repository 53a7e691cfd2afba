import type {
  DriftCalibration,
  DriftFinding,
  DriftMethod,
  DriftReference,
  OperatingModes,
  PcaReference,
  SignalReference,
} from '../../../shared/monitoring.js';
import { fitPca } from '../ml/pca.js';
import { assignModes, fitOperatingModes } from './operating-modes.js';

/**
 * Drift that does not cry wolf: current data, cut into chunks by time per asset, against compact reference
 * statistics of the training data (computed once, carried by the package).
 *
 * Per signal: Wasserstein distance normalised by the reference sd when the reference has more than 1000 values
 * (drift at >= 0.1: a practical effect size, not a p-value, which large samples make significant for any tiny
 * difference); the two-sample KS test (p < 0.05) when the reference is smaller; the Jensen-Shannon distance for
 * discrete signals. Multivariate: the PCA reconstruction error per chunk against its reference distribution.
 * With a calibration (the metric's mean + 3 sd over chunks cut from the reference in time order, so it carries
 * the data's autocorrelation) a chunk must pass both the fixed threshold and the calibrated one.
 *
 * Plants run in operating modes (stopped, part load, full load) held for hours: a day of current data holds a few
 * of them while the reference holds all, so whole-chunk distributions differ without any drift, and a calibration
 * over such chunks sets the bar above a 1 sd shift. When the reference has modes (operating-modes.ts), the
 * Wasserstein distance is taken mode by mode (each reading placed by the other signals of its row) and averaged
 * with the chunk's share of readings per mode, still divided by the signal's overall reference sd: the threshold
 * keeps its meaning (a shift of 0.1 reference sd within the modes), and a change in how long the plant ran in each
 * mode is not called drift.
 */

export const QUANTILE_COUNT = 200;
export const HISTOGRAM_BINS = 20;
/** References up to this size keep their values (exact KS); above it the Wasserstein distance is used. */
export const SMALL_REFERENCE = 1000;
/** At most this many distinct integer levels makes a signal discrete (unless the caller says otherwise). */
export const DISCRETE_MAX_LEVELS = 20;
export const WASSERSTEIN_THRESHOLD = 0.1;
export const JS_THRESHOLD = 0.1;
/** A chunk's PCA error must also exceed the reference's by this factor: a practical floor like the 0.1 sd. */
export const PCA_MIN_RATIO = 1.1;
/** Chunks with fewer readings than this are reported as not judged rather than judged on noise. */
export const MIN_CHUNK_READINGS = 30;

const sliceOf = (values: ArrayLike<number>, start: number, end: number): ArrayLike<number> =>
  values instanceof Float64Array || values instanceof Float32Array
    ? values.subarray(start, end)
    : (Array.prototype.slice.call(values, start, end) as number[]);

const finiteSorted = (values: ArrayLike<number>): Float64Array => {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
};

/** Linear-interpolated quantile of sorted values. */
const quantileOf = (sorted: Float64Array, p: number): number => {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
};

const quantileSketch = (sorted: Float64Array): number[] =>
  sorted.length === 0
    ? []
    : Array.from({ length: QUANTILE_COUNT }, (_, i) => quantileOf(sorted, (i + 0.5) / QUANTILE_COUNT));

const moments = (sorted: Float64Array): { mean: number; sd: number } => {
  const n = sorted.length;
  if (n === 0) return { mean: 0, sd: 0 };
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
};

const isDiscrete = (sorted: Float64Array): boolean => {
  let levels = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const v = sorted[i] as number;
    if (!Number.isInteger(v)) return false;
    if (i === 0 || v !== sorted[i - 1]) levels += 1;
    if (levels > DISCRETE_MAX_LEVELS) return false;
  }
  return sorted.length > 0;
};

const levelCounts = (sorted: Float64Array): { value: number; count: number }[] => {
  const out: { value: number; count: number }[] = [];
  for (const v of sorted) {
    const last = out.at(-1);
    if (last !== undefined && last.value === v) last.count += 1;
    else out.push({ value: v, count: 1 });
  }
  return out;
};

export interface ReferenceOptions {
  readonly unit?: string | null;
  /** Force the signal's kind; by default integers with at most 20 levels are discrete. */
  readonly kind?: SignalReference['kind'];
  /**
   * Readings per chunk the current data will be judged in: with it, the reference values (in time order) are
   * cut into chunks of this size to calibrate the threshold. Needs at least 3 chunks.
   */
  readonly calibrationChunkSize?: number;
  /**
   * The reference's operating mode of each value (same order as the values; -1: not placed) and how many modes:
   * with it a large numeric reference keeps a quantile sketch per mode and judges chunks mode by mode.
   */
  readonly modes?: { readonly labels: ArrayLike<number>; readonly count: number };
}

/** Values grouped by mode label (0..count-1), and those not placed (-1 or a mode without reference values). */
const byModeOf = (
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
  count: number,
): { readonly groups: number[][]; readonly unplaced: number[] } => {
  const groups = Array.from({ length: count }, (): number[] => []);
  const unplaced: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const m = labels[i] as number;
    if (m >= 0 && m < count) (groups[m] as number[]).push(v);
    else unplaced.push(v);
  }
  return { groups, unplaced };
};

/** Reference statistics of one signal's training values (in time order; NaN is ignored). */
export const signalReference = (
  tag: string,
  values: ArrayLike<number>,
  options: ReferenceOptions = {},
): SignalReference => {
  const sorted = finiteSorted(values);
  if (sorted.length === 0) throw new Error(`reference for ${tag}: no finite training value`);
  const kind = options.kind ?? (isDiscrete(sorted) ? 'discrete' : 'numeric');
  const { mean, sd } = moments(sorted);
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => min + ((max - min) * i) / HISTOGRAM_BINS);
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const v of sorted) {
    const bin = max > min ? Math.min(HISTOGRAM_BINS - 1, Math.floor(((v - min) / (max - min)) * HISTOGRAM_BINS)) : 0;
    counts[bin]! += 1;
  }
  const base: SignalReference = {
    tag,
    unit: options.unit ?? null,
    kind,
    count: sorted.length,
    mean,
    sd,
    min,
    max,
    quantiles: kind === 'numeric' ? quantileSketch(sorted) : [],
    values: kind === 'numeric' && sorted.length <= SMALL_REFERENCE ? Array.from(sorted) : null,
    histogram: { edges, counts },
    levels: kind === 'discrete' ? levelCounts(sorted) : [],
    calibration: null,
  };
  const modes = options.modes;
  const conditioned = modes !== undefined && base.kind === 'numeric' && base.values === null;
  const withModes: SignalReference = conditioned
    ? {
        ...base,
        byMode: byModeOf(values, modes.labels, modes.count).groups.map((g) => {
          const s = Float64Array.from(g).sort();
          return { count: s.length, quantiles: quantileSketch(s) };
        }),
      }
    : base;
  const size = options.calibrationChunkSize;
  if (size === undefined) return withModes;
  // The same metric scoring computes, on chunks of the same size cut from the reference in time order.
  const metrics: number[] = [];
  for (let start = 0; start + size <= values.length; start += size) {
    const m = signalMetric(
      withModes,
      sliceOf(values, start, start + size),
      conditioned ? sliceOf(modes.labels, start, start + size) : undefined,
    );
    if (m !== null) metrics.push(m.value);
  }
  return { ...withModes, calibration: calibrationOf(metrics, size, true) };
};

const meanSd = (x: readonly number[]): { mean: number; sd: number } => {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  return { mean, sd: Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1)) };
};

/**
 * The metric's mean and sd over reference chunks. With `excludeOutliers`, chunks beyond the mean + 3 sd of all of
 * them are left out once before the figures are taken: they hold the training data's own developing failures and
 * repairs (on the plant simulator a bearing running to failure moves vibration and temperature by several sd),
 * drift by nature, which would otherwise lift the bar above the 1 sd shift it must catch. Once, not until nothing
 * is left out: the normal chunk-to-chunk spread is itself skewed, and trimming it further cries wolf.
 */
const calibrationOf = (
  metrics: readonly number[],
  chunkSize: number,
  excludeOutliers = false,
): DriftCalibration | null => {
  if (metrics.length < 3) return null;
  const all = meanSd(metrics);
  const kept = excludeOutliers ? metrics.filter((v) => v <= all.mean + 3 * all.sd) : metrics;
  const { mean, sd } = kept.length >= 3 && kept.length < metrics.length ? meanSd(kept) : all;
  const excluded = kept.length >= 3 ? metrics.length - kept.length : 0;
  return { mean, sd, chunks: metrics.length, chunkSize, ...(excludeOutliers ? { excluded } : {}) };
};

/** Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2), the Kolmogorov distribution's upper tail. */
const kolmogorovTail = (lambda: number): number => {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j += 1) {
    const term = 2 * (j % 2 === 1 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
};

/** lambda with Q_KS(lambda) = 0.05. */
const KS_LAMBDA_05 = 1.3580986393225505;

/** The KS statistic above which two samples of these sizes differ at p < 0.05. */
export const ksCritical = (n: number, m: number): number => {
  const en = Math.sqrt((n * m) / (n + m));
  return KS_LAMBDA_05 / (en + 0.12 + 0.11 / en);
};

/** Two-sample Kolmogorov-Smirnov: the statistic D and its asymptotic p-value (Stephens' small-sample form). */
export const ksTest = (a: Float64Array, b: Float64Array): { d: number; p: number } => {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { d: 0, p: 1 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < n && (a[i] as number) <= x) i += 1;
    while (j < m && (b[j] as number) <= x) j += 1;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { d, p: kolmogorovTail((en + 0.12 + 0.11 / en) * d) };
};

/** Jensen-Shannon distance (base 2, so 0..1) between two count tables over the union of their levels. */
export const jensenShannonDistance = (
  a: ReadonlyMap<number, number> | readonly { value: number; count: number }[],
  b: ReadonlyMap<number, number> | readonly { value: number; count: number }[],
): number => {
  const toMap = (x: typeof a) =>
    x instanceof Map ? x : new Map((x as { value: number; count: number }[]).map((l) => [l.value, l.count]));
  const pa = toMap(a);
  const pb = toMap(b);
  const na = [...pa.values()].reduce((s, x) => s + x, 0);
  const nb = [...pb.values()].reduce((s, x) => s + x, 0);
  if (na === 0 || nb === 0) return na === nb ? 0 : 1;
  let js = 0;
  for (const level of new Set([...pa.keys(), ...pb.keys()])) {
    const p = (pa.get(level) ?? 0) / na;
    const q = (pb.get(level) ?? 0) / nb;
    const mid = (p + q) / 2;
    if (p > 0) js += 0.5 * p * Math.log2(p / mid);
    if (q > 0) js += 0.5 * q * Math.log2(q / mid);
  }
  return Math.sqrt(Math.max(0, js));
};

/** Wasserstein-1 distance between a quantile sketch and sorted values. */
const wasserstein = (q: readonly number[], sorted: Float64Array): number => {
  let sum = 0;
  for (let i = 0; i < q.length; i += 1) sum += Math.abs((q[i] as number) - quantileOf(sorted, (i + 0.5) / q.length));
  return sum / q.length;
};

const perSd = (reference: SignalReference, w: number): number =>
  reference.sd > 1e-12 ? w / reference.sd : w === 0 ? 0 : Infinity;

/** Wasserstein-1 distance between the reference's quantile sketch and the sorted current values, / ref sd. */
const normalisedWasserstein = (reference: SignalReference, sorted: Float64Array): number =>
  perSd(reference, wasserstein(reference.quantiles, sorted));

/**
 * Mode by mode: each mode's current values against that mode's reference sketch, weighted by the chunk's share of
 * values in the mode (values in no mode, or a mode without reference values, against the whole reference), / the
 * overall reference sd.
 */
const modeWasserstein = (
  reference: SignalReference,
  byMode: NonNullable<SignalReference['byMode']>,
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
): number => {
  const { groups, unplaced } = byModeOf(values, labels, byMode.length);
  let total = 0;
  let weighted = 0;
  groups.forEach((g, m) => {
    if (g.length === 0) return;
    const ref = byMode[m];
    if (ref === undefined || ref.count === 0) {
      unplaced.push(...g);
      return;
    }
    weighted += g.length * wasserstein(ref.quantiles, Float64Array.from(g).sort());
    total += g.length;
  });
  if (unplaced.length > 0) {
    weighted += unplaced.length * wasserstein(reference.quantiles, Float64Array.from(unplaced).sort());
    total += unplaced.length;
  }
  return perSd(reference, total === 0 ? 0 : weighted / total);
};

interface SignalMetric {
  readonly method: DriftMethod;
  readonly value: number;
  readonly pValue: number | null;
  readonly readings: number;
}

/**
 * The drift metric of one chunk of current values against a signal's reference (null: no finite value). With the
 * values' operating modes (`modes`, -1: not placed) and a reference that has sketches per mode, the Wasserstein
 * distance is taken mode by mode.
 */
export const signalMetric = (
  reference: SignalReference,
  values: ArrayLike<number>,
  modes?: ArrayLike<number>,
): SignalMetric | null => {
  const sorted = finiteSorted(values);
  if (sorted.length === 0) return null;
  if (reference.kind === 'discrete') {
    return {
      method: 'jensen-shannon',
      value: jensenShannonDistance(reference.levels, levelCounts(sorted)),
      pValue: null,
      readings: sorted.length,
    };
  }
  if (reference.values !== null) {
    const { d, p } = ksTest(Float64Array.from(reference.values), sorted);
    return { method: 'ks', value: d, pValue: p, readings: sorted.length };
  }
  return {
    method: 'wasserstein',
    value:
      reference.byMode !== undefined && modes !== undefined
        ? modeWasserstein(reference, reference.byMode, values, modes)
        : normalisedWasserstein(reference, sorted),
    pValue: null,
    readings: sorted.length,
  };
};

export interface SignalJudgement extends SignalMetric {
  readonly threshold: number;
  readonly calibrated: boolean;
  readonly flagged: boolean;
}

const calibratedThreshold = (c: DriftCalibration | null): number | null => (c === null ? null : c.mean + 3 * c.sd);

/** Judge one chunk of a signal: its metric, the threshold that applies, and whether it is drift. */
export const judgeSignal = (
  reference: SignalReference,
  values: ArrayLike<number>,
  modes?: ArrayLike<number>,
): SignalJudgement | null => {
  const metric = signalMetric(reference, values, modes);
  if (metric === null) return null;
  const calibrated = calibratedThreshold(reference.calibration);
  switch (metric.method) {
    case 'ks': {
      // D beyond its critical value at alpha is p < alpha; a calibration can only raise the bar.
      const threshold = Math.max(ksCritical(reference.count, metric.readings), calibrated ?? 0);
      return { ...metric, threshold, calibrated: calibrated !== null, flagged: metric.value > threshold };
    }
    case 'wasserstein':
    case 'jensen-shannon': {
      const fixed = metric.method === 'wasserstein' ? WASSERSTEIN_THRESHOLD : JS_THRESHOLD;
      const threshold = Math.max(fixed, calibrated ?? 0);
      return { ...metric, threshold, calibrated: calibrated !== null, flagged: metric.value >= threshold };
    }
    case 'pca-reconstruction':
      throw new Error('pca-reconstruction is not a per-signal method');
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Multivariate: PCA reconstruction error

/** Rows of aligned signals: values[s][i] is signal s at row i (NaN: missing; such rows are skipped). */
export interface AlignedValues {
  readonly tags: readonly string[];
  readonly values: readonly ArrayLike<number>[];
}

const completeRows = (data: AlignedValues, start: number, end: number): number[][] => {
  const rows: number[][] = [];
  for (let i = start; i < end; i += 1) {
    const row = data.values.map((v) => v[i] as number);
    if (row.every((x) => Number.isFinite(x))) rows.push(row);
  }
  return rows;
};

/** Mean squared reconstruction error per signal, for each standardised row. */
const rowErrors = (ref: Omit<PcaReference, 'calibration' | 'errorMean' | 'errorSd' | 'rows'>, rows: number[][]) => {
  const dims = ref.tags.length;
  const out = new Float64Array(rows.length);
  const z = new Float64Array(dims);
  rows.forEach((row, r) => {
    for (let j = 0; j < dims; j += 1)
      z[j] = ((row[j] as number) - (ref.center[j] as number)) / (ref.scale[j] as number);
    let total = 0;
    for (let j = 0; j < dims; j += 1) total += (z[j] as number) ** 2;
    // |z|^2 - sum of squared scores = squared distance to the retained subspace (components are orthonormal).
    for (const c of ref.components) {
      let score = 0;
      for (let j = 0; j < dims; j += 1) score += (c[j] as number) * (z[j] as number);
      total -= score * score;
    }
    out[r] = Math.max(0, total) / dims;
  });
  return out;
};

const meanOf = (x: Float64Array): number => x.reduce((s, v) => s + v, 0) / (x.length || 1);

/**
 * Fit the multivariate reference: standardise each signal by its reference mean and sd, keep the components
 * explaining `varianceKept`, and record the per-row reconstruction error (and, with a chunk size, its chunk
 * means over the reference in time order as calibration).
 */
export const pcaReference = (
  data: AlignedValues,
  options: { readonly varianceKept?: number; readonly calibrationChunkSize?: number } = {},
): PcaReference => {
  if (data.tags.length < 2) throw new Error('a PCA reference needs at least 2 signals');
  const rows = completeRows(data, 0, data.values[0]?.length ?? 0);
  if (rows.length < data.tags.length + 2)
    throw new Error(
      `PCA reference needs more complete rows than signals (${rows.length} rows, ${data.tags.length} signals)`,
    );
  const dims = data.tags.length;
  const center = new Array<number>(dims).fill(0);
  const scale = new Array<number>(dims).fill(0);
  for (const r of rows) for (let j = 0; j < dims; j += 1) center[j]! += (r[j] as number) / rows.length;
  for (const r of rows) for (let j = 0; j < dims; j += 1) scale[j]! += ((r[j] as number) - center[j]!) ** 2;
  for (let j = 0; j < dims; j += 1) scale[j] = Math.sqrt(scale[j]! / (rows.length - 1)) || 1;
  const standardised = rows.map((r) => r.map((x, j) => (x - center[j]!) / scale[j]!));
  const pca = fitPca(standardised, options.varianceKept ?? 0.9);
  // Keeping every component would reconstruct any row exactly (error 0 whatever the data): leave one out.
  const base = { tags: [...data.tags], center, scale, components: pca.components.slice(0, Math.max(1, dims - 1)) };
  const errors = rowErrors(base, rows);
  const errorMean = meanOf(errors);
  const errorSd = Math.sqrt(errors.reduce((s, e) => s + (e - errorMean) ** 2, 0) / Math.max(1, errors.length - 1));
  let calibration: DriftCalibration | null = null;
  const size = options.calibrationChunkSize;
  if (size !== undefined) {
    const chunkMeans: number[] = [];
    for (let start = 0; start + size <= errors.length; start += size)
      chunkMeans.push(meanOf(errors.subarray(start, start + size)));
    calibration = calibrationOf(chunkMeans, size);
  }
  return { ...base, errorMean, errorSd, rows: rows.length, calibration };
};

export interface PcaJudgement {
  readonly value: number;
  readonly threshold: number;
  readonly calibrated: boolean;
  readonly flagged: boolean;
  readonly readings: number;
}

/** Judge one chunk of aligned rows: its mean reconstruction error against the reference's distribution. */
export const judgePca = (
  reference: PcaReference,
  data: AlignedValues,
  start = 0,
  end?: number,
): PcaJudgement | null => {
  const byTag = reference.tags.map((tag) => {
    const index = data.tags.indexOf(tag);
    if (index < 0) throw new Error(`multivariate drift: the current data lacks ${tag}`);
    return data.values[index] as ArrayLike<number>;
  });
  const rows = completeRows({ tags: reference.tags, values: byTag }, start, end ?? byTag[0]?.length ?? 0);
  if (rows.length === 0) return null;
  const value = meanOf(rowErrors(reference, rows));
  const calibrated = calibratedThreshold(reference.calibration);
  // Without calibration: the chunk mean of independent rows (an optimistic spread for autocorrelated data).
  const statistical = calibrated ?? reference.errorMean + (3 * reference.errorSd) / Math.sqrt(rows.length);
  const threshold = Math.max(statistical, reference.errorMean * PCA_MIN_RATIO);
  return { value, threshold, calibrated: calibrated !== null, flagged: value > threshold, readings: rows.length };
};

// ---------------------------------------------------------------------------------------------------------------
// Chunks by time, per asset, and the ranked findings

/** Start of the chunk of `length` time units that holds time `t` (chunks are aligned to multiples of `length`). */
export const chunkStartOf = (t: number, length: number): number => Math.floor(t / length) * length;

/**
 * Chunks of `length` time units aligned to multiples of `length` (whole days stay whole days from one call to
 * the next), over ascending times: each gives the index range [start, end) and its time span [from, to).
 */
export const timeChunks = (
  t: ArrayLike<number>,
  length: number,
): { readonly from: number; readonly to: number; readonly start: number; readonly end: number }[] => {
  if (!(length > 0)) throw new Error('chunk length must be positive');
  const out: { from: number; to: number; start: number; end: number }[] = [];
  let start = 0;
  while (start < t.length) {
    const from = chunkStartOf(t[start] as number, length);
    const to = from + length;
    let end = start;
    while (end < t.length && (t[end] as number) < to) end += 1;
    out.push({ from, to, start, end });
    start = end;
  }
  return out;
};

/** One asset's current data on a common time grid, per contract tag (values in the contract's units). */
export interface CurrentAsset {
  readonly asset: string;
  readonly t: ArrayLike<number>;
  readonly values: ReadonlyMap<string, ArrayLike<number>>;
}

export interface DriftOptions {
  /** Chunk length in time units (µs or cycles). */
  readonly chunkLength: number;
  readonly minChunkReadings?: number;
  /**
   * A calibrated signal's chunk is judged only once it holds this share of the calibration's chunk size (default
   * 0: any size). Scoring passes 0.5, so a follow pass's few hours wait for the rest of their day.
   */
  readonly calibratedShare?: number;
  /** Permutation importance per tag from the run: drift on a signal the model relies on ranks first. */
  readonly importance?: ReadonlyMap<string, number>;
  /** Whether the model output rose on an asset within a time span: drift with degradation ranks first. */
  readonly outputRising?: (asset: string, from: number, to: number) => boolean;
}

export interface DriftReport {
  /** Every judged chunk of every signal, ranked: flagged first, then what to look at first. */
  readonly findings: readonly DriftFinding[];
  /** Chunks too small to judge, said rather than skipped silently. */
  readonly notJudged: readonly {
    readonly asset: string;
    readonly signal: string | null;
    readonly from: number;
    readonly to: number;
    readonly readings: number;
  }[];
}

/** Each row's operating mode in [start, end) for judging `tag`, placed by the asset's other signals. */
const modeLabels = (
  modes: OperatingModes | null | undefined,
  current: CurrentAsset,
  tag: string,
  start: number,
  end: number,
): Int8Array | undefined =>
  modes === null || modes === undefined
    ? undefined
    : assignModes(
        modes,
        modes.tags.map((t) => current.values.get(t)),
        modes.tags.indexOf(tag),
        start,
        end,
      );

/**
 * Readings a chunk needs to be judged. A calibrated threshold holds for chunks of the calibration's size: a much
 * shorter one (the few hours a follow pass brings) spreads wider by chance and was flagged on signals nobody
 * shifted; with `share`, it waits until it holds that share of the size (its day fills up pass by pass).
 */
const neededReadings = (minReadings: number, calibration: DriftCalibration | null, share: number): number =>
  calibration === null ? minReadings : Math.max(minReadings, Math.ceil(calibration.chunkSize * share));

export const detectDrift = (
  reference: DriftReference,
  assets: readonly CurrentAsset[],
  options: DriftOptions,
): DriftReport => {
  const minReadings = options.minChunkReadings ?? MIN_CHUNK_READINGS;
  const calibratedShare = options.calibratedShare ?? 0;
  const findings: DriftFinding[] = [];
  const notJudged: DriftReport['notJudged'][number][] = [];
  for (const current of assets) {
    for (const chunk of timeChunks(current.t, options.chunkLength)) {
      const rising = options.outputRising?.(current.asset, chunk.from, chunk.to) ?? false;
      for (const ref of reference.signals) {
        const values = current.values.get(ref.tag);
        if (values === undefined) continue; // the contract check reports an unmapped signal
        const labels = modeLabels(reference.modes, current, ref.tag, chunk.start, chunk.end);
        const judged = judgeSignal(ref, sliceOf(values, chunk.start, chunk.end), labels);
        if (judged === null || judged.readings < neededReadings(minReadings, ref.calibration, calibratedShare)) {
          notJudged.push({
            asset: current.asset,
            signal: ref.tag,
            from: chunk.from,
            to: chunk.to,
            readings: judged?.readings ?? 0,
          });
          continue;
        }
        findings.push({
          asset: current.asset,
          signal: ref.tag,
          method: judged.method,
          from: chunk.from,
          to: chunk.to,
          readings: judged.readings,
          referenceReadings: ref.count,
          value: judged.value,
          threshold: judged.threshold,
          pValue: judged.pValue,
          calibrated: judged.calibrated,
          flagged: judged.flagged,
          importance: options.importance?.get(ref.tag) ?? null,
          outputRising: rising,
        });
      }
      const pca = reference.multivariate;
      if (pca !== null && pca.tags.every((tag) => current.values.has(tag))) {
        const aligned = { tags: pca.tags, values: pca.tags.map((tag) => current.values.get(tag) as ArrayLike<number>) };
        const judged = judgePca(pca, aligned, chunk.start, chunk.end);
        if (judged === null || judged.readings < neededReadings(minReadings, pca.calibration, calibratedShare)) {
          notJudged.push({
            asset: current.asset,
            signal: null,
            from: chunk.from,
            to: chunk.to,
            readings: judged?.readings ?? 0,
          });
        } else {
          findings.push({
            asset: current.asset,
            signal: null,
            method: 'pca-reconstruction',
            from: chunk.from,
            to: chunk.to,
            readings: judged.readings,
            referenceReadings: pca.rows,
            value: judged.value,
            threshold: judged.threshold,
            pValue: null,
            calibrated: judged.calibrated,
            flagged: judged.flagged,
            importance: null,
            outputRising: rising,
          });
        }
      }
    }
  }
  return { findings: rankFindings(findings), notJudged };
};

/**
 * What to look at first: flagged before unflagged; among them drift together with rising model output, then
 * drift on the signals the model relies on most (permutation importance), then by how far past its threshold.
 */
export const rankFindings = (findings: readonly DriftFinding[]): DriftFinding[] => {
  const excess = (f: DriftFinding) => (f.threshold > 0 ? f.value / f.threshold : f.value);
  return [...findings].sort(
    (a, b) =>
      Number(b.flagged) - Number(a.flagged) ||
      Number(b.outputRising) - Number(a.outputRising) ||
      (b.importance ?? 0) - (a.importance ?? 0) ||
      excess(b) - excess(a) ||
      a.asset.localeCompare(b.asset) ||
      a.from - b.from,
  );
};

// ---------------------------------------------------------------------------------------------------------------
// The reference a package carries

/** File name of the reference statistics in a run folder / model package (an 'extra' file). */
export const DRIFT_REFERENCE_FILE = 'drift-reference.json';

/**
 * Reference statistics from training data: per feature, the values of every training asset in time order
 * (asset after asset), and the multivariate PCA over the rows where all features have a value. The calibration
 * chunks are of `chunkSize` readings (the size current data will be judged in; e.g. a day of minute data).
 */
export const driftReferenceOf = (
  series: readonly { readonly values: readonly ArrayLike<number>[] }[],
  features: readonly string[],
  options: { readonly units?: readonly (string | null)[]; readonly chunkSize?: number } = {},
): DriftReference => {
  const joined = features.map((_, f) => {
    const total = series.reduce((s, a) => s + (a.values[f]?.length ?? 0), 0);
    const out = new Float64Array(total);
    let o = 0;
    for (const a of series) {
      const v = a.values[f];
      if (v === undefined) continue;
      for (let i = 0; i < v.length; i += 1) out[o++] = v[i] as number;
    }
    return out;
  });
  const calibration = options.chunkSize === undefined ? {} : { calibrationChunkSize: options.chunkSize };
  const modes = fitOperatingModes(features, joined);
  const signals = features.map((tag, f) => {
    const values = joined[f] as Float64Array;
    const labels = modes === null ? null : assignModes(modes, joined, f, 0, values.length);
    return signalReference(tag, values, {
      unit: options.units?.[f] ?? null,
      ...calibration,
      ...(labels === null || modes === null ? {} : { modes: { labels, count: modes.centroids.length } }),
    });
  });
  let multivariate: PcaReference | null = null;
  if (features.length >= 2) {
    try {
      multivariate = pcaReference({ tags: features, values: joined }, calibration);
    } catch {
      // Too few complete rows for a PCA: the per-signal checks still run.
      multivariate = null;
    }
  }
  return { signals, multivariate, modes };
};
