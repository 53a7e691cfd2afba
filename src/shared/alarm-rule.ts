import { z } from 'zod';

/**
 * How an anomaly model's raw window scores become alarms, the one rule training, evaluation and the benchmark
 * share (bench/anomaly.ts). Three steps, each aimed at a cause of false alarms on plant data:
 * 1. smoothing: an EWMA of the score per asset, so one noisy window (a spike, a stuck reading) moves it little;
 * 2. persistence: an alarm needs k of the last n windows above the threshold. As a score this is the k-th largest
 *    smoothed score of the last n windows, so "score > threshold" still means "alarm" and a threshold slider
 *    applies to it unchanged;
 * 3. threshold: from the validation normal scores by a robust estimate (median and MAD of the log scores) that
 *    rare stretches of unusual normal operation cannot move, or a generalised Pareto tail fitted to the highest
 *    scores, instead of an empirical quantile of about a hundred scores, which either sits inside the normal
 *    spread (exceeded often on later data) or on those unusual stretches (above the early part of every fault).
 */
export const AlarmRuleFieldsSchema = z.object({
  /**
   * EWMA weight of the newest score; null (default): none. On the simulator set (bench/anomaly.ts) smoothing
   * delayed detection more than it removed false alarms, so it is off unless chosen.
   */
  smoothing: z.number().gt(0).max(1).nullable().default(null),
  persistence: z
    .object({ k: z.number().int().min(1), n: z.number().int().min(1) })
    .refine((p) => p.k <= p.n, 'persistence: k must be at most n')
    .default({ k: 3, n: 5 }),
  /**
   * robust (default): exp(median + robustZ * 1.4826 * MAD) of the log scores, which stretches of unusual but normal
   * operation in the validation data (a stopped pump, a sensor dropout filled in) cannot move as long as they are
   * under half of it; tail-fit: GPD peaks-over-threshold at `tailRisk`; quantile: the label's `thresholdQuantile`.
   */
  threshold: z.enum(['robust', 'tail-fit', 'quantile']).default('robust'),
  /** With 3-of-5 persistence, 1.75 met the target for PCA T2/Q on both seed sets of bench/anomaly.ts (README). */
  robustZ: z.number().positive().default(1.75),
  /**
   * Tolerated share of validation normal windows whose score (after persistence) is above the threshold, from
   * the tail fit. 5% balanced missed and false alarms best on the simulator set (bench/anomaly.ts).
   */
  tailRisk: z.number().gt(0).lt(0.5).default(0.05),
});
/** A rule, each field defaulted; a missing rule parses as the shared default (DEFAULT_ALARM_RULE). */
export const AlarmRuleSchema = AlarmRuleFieldsSchema.default({
  smoothing: null,
  persistence: { k: 3, n: 5 },
  threshold: 'robust',
  robustZ: 1.75,
  tailRisk: 0.05,
});
export type AlarmRule = z.infer<typeof AlarmRuleSchema>;

/** Optimiser steps an anomaly autoencoder trains for unless its config says otherwise (see TrainingConfig.steps). */
export const ANOMALY_STEPS = 2000;

/**
 * The rule new anomaly runs use unless their config names another (the train dialog and CLI default), except the
 * autoencoder's (AUTOENCODER_ALARM_RULE; `defaultAlarmRule` picks by model type).
 */
export const DEFAULT_ALARM_RULE: AlarmRule = AlarmRuleSchema.parse(undefined);

/**
 * The autoencoder's own default. Its score, the mean squared error over a whole window, sees a row for as many
 * windows as the window is long: one spike or filled-in dropout lifts ten consecutive windows of ten rows, which
 * 3-of-5 persistence passes as an alarm (false-alarm rate 20.7% on the simulator set). Persistence over more
 * windows than one window length (15 of 20) filters those; and its log scores, an average over many errors, spread
 * narrowly, so the same MAD multiple sits closer to the normal bulk than for PCA's one-row T2/Q: robustZ 3.5.
 * Chosen on simulator seeds 7 and 8 only (bench/anomaly-sweep.ts), the highest F1 with a false-alarm rate at most
 * 8% (a margin for other data); the README's figures are on seeds 1-3 and 4-6, not looked at while choosing.
 */
export const AUTOENCODER_ALARM_RULE: AlarmRule = AlarmRuleSchema.parse({
  persistence: { k: 15, n: 20 },
  robustZ: 3.5,
});

/** The rule a new anomaly run of this model type uses unless its config names another. */
export const defaultAlarmRule = (modelType: string): AlarmRule =>
  modelType === 'autoencoder' ? AUTOENCODER_ALARM_RULE : DEFAULT_ALARM_RULE;

/** The rule of runs recorded before alarm rules existed: raw score, one window, empirical quantile. */
export const LEGACY_ALARM_RULE: AlarmRule = {
  smoothing: null,
  persistence: { k: 1, n: 1 },
  threshold: 'quantile',
  robustZ: 1.75,
  tailRisk: 0.001,
};

/** A run's rule from its recorded config: its `alarm` block, or the legacy rule when it has none. */
export const alarmRuleOfConfig = (config: Readonly<Record<string, unknown>>): AlarmRule => {
  const parsed = AlarmRuleSchema.safeParse(config['alarm']);
  return config['alarm'] === undefined || !parsed.success ? LEGACY_ALARM_RULE : parsed.data;
};

/** EWMA per asset, restarted at each asset's first window (windows in time order within an asset). */
export const ewma = (score: ArrayLike<number>, asset: ArrayLike<number>, alpha: number): Float64Array => {
  const out = new Float64Array(score.length);
  for (let i = 0; i < score.length; i += 1) {
    const s = score[i] as number;
    const fresh = i === 0 || asset[i] !== asset[i - 1];
    out[i] = fresh ? s : alpha * s + (1 - alpha) * (out[i - 1] as number);
  }
  return out;
};

/**
 * Per window, the k-th largest score among the last n windows of the same asset: above a threshold exactly when at
 * least k of those n windows are. At an asset's start, with fewer than k windows seen, all of them must be above.
 */
export const persistence = (score: ArrayLike<number>, asset: ArrayLike<number>, k: number, n: number): Float64Array => {
  const out = new Float64Array(score.length);
  let start = 0;
  for (let i = 0; i < score.length; i += 1) {
    if (i > 0 && asset[i] !== asset[i - 1]) start = i;
    const from = Math.max(start, i - n + 1);
    const recent = Array.from({ length: i - from + 1 }, (_, j) => score[from + j] as number).sort((a, b) => b - a);
    out[i] = recent[Math.min(k, recent.length) - 1] as number;
  }
  return out;
};

/** Raw window scores (time order within each asset) to the scores the threshold applies to. */
export const alarmScores = (score: ArrayLike<number>, asset: ArrayLike<number>, rule: AlarmRule): Float32Array => {
  const smoothed = rule.smoothing === null ? Float64Array.from(score) : ewma(score, asset, rule.smoothing);
  const persisted =
    rule.persistence.k === 1 && rule.persistence.n === 1
      ? smoothed
      : persistence(smoothed, asset, rule.persistence.k, rule.persistence.n);
  return Float32Array.from(persisted);
};

/** The q-quantile (linear interpolation) of a sample. */
const empiricalQuantile = (sorted: Float64Array, q: number): number => {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
};

export interface GpdFit {
  /** Shape ξ (0: exponential tail, > 0: heavy, < 0: bounded). */
  readonly shape: number;
  readonly scale: number;
}

/**
 * Generalised Pareto fit to excesses (values above the tail's start, all >= 0) by probability-weighted moments
 * (Hosking & Wallis 1987): closed form and stable on the few dozen excesses a short normal period gives, where
 * maximum likelihood often fails to converge.
 */
export const fitGpd = (excesses: ArrayLike<number>): GpdFit => {
  const y = Float64Array.from(excesses).sort();
  const m = y.length;
  if (m < 2) throw new Error('a tail fit needs at least 2 excesses');
  let a0 = 0;
  let a1 = 0;
  for (let j = 0; j < m; j += 1) {
    const p = (j + 1 - 0.35) / m;
    a0 += (y[j] as number) / m;
    a1 += ((1 - p) * (y[j] as number)) / m;
  }
  const d = a0 - 2 * a1;
  if (!(d > 0) || !(a0 > 0)) return { shape: 0, scale: Math.max(a0, 1e-12) };
  // Hosking's k is -ξ.
  return { shape: -(a0 / d - 2), scale: (2 * a0 * a1) / d };
};

/** Limits on the fitted shape: a few dozen excesses cannot support a wilder tail than these. */
const SHAPE_MIN = -0.5;
const SHAPE_MAX = 0.5;

export interface TailThreshold {
  readonly threshold: number;
  /** Where the fitted tail starts (a high empirical quantile) and how many scores lie above it. */
  readonly tailStart: number;
  readonly excesses: number;
  readonly shape: number;
  readonly scale: number;
}

/**
 * The score that normal windows exceed with probability `risk`, by peaks over threshold (Siffer et al., KDD 2017):
 * the top 10% of the scores (at least 10) are fitted with a GPD and the tail extrapolated. With fewer than 20
 * scores, or a risk inside the sample's own range, it is the empirical quantile.
 */
export const tailThreshold = (normalScores: ArrayLike<number>, risk: number): TailThreshold => {
  const sorted = Float64Array.from(normalScores)
    .filter((v) => Number.isFinite(v))
    .sort();
  const n = sorted.length;
  if (n === 0) throw new Error('no normal scores to set a threshold from');
  const tail = Math.min(Math.floor(n / 2), Math.max(10, Math.ceil(0.1 * n)));
  const empirical = { threshold: empiricalQuantile(sorted, 1 - risk), tailStart: NaN, excesses: 0, shape: 0, scale: 0 };
  if (n < 20 || risk * n >= tail) return empirical;
  const tailStart = sorted[n - tail - 1] as number;
  const excesses = sorted.subarray(n - tail).map((v) => v - tailStart);
  const fit = fitGpd(excesses);
  const shape = Math.min(SHAPE_MAX, Math.max(SHAPE_MIN, fit.shape));
  const ratio = (risk * n) / tail;
  const excess = Math.abs(shape) < 1e-9 ? -fit.scale * Math.log(ratio) : (fit.scale / shape) * (ratio ** -shape - 1);
  return { threshold: tailStart + excess, tailStart, excesses: tail, shape, scale: fit.scale };
};

/**
 * A threshold that rare unusual-but-normal stretches in the sample cannot move: on the log scale (scores are squared
 * errors, skewed), the median plus z robust standard deviations (1.4826 MAD).
 */
export const robustThreshold = (normalScores: ArrayLike<number>, z: number): number => {
  const logs = Float64Array.from(normalScores)
    .filter((v) => Number.isFinite(v) && v > 0)
    .map((v) => Math.log(v))
    .sort();
  // Every normal window scored 0 (a model that explains them exactly): any positive score is unlike them.
  if (logs.length === 0) return Number.MIN_VALUE;
  const median = empiricalQuantile(logs, 0.5);
  const mad = empiricalQuantile(logs.map((v) => Math.abs(v - median)).sort(), 0.5);
  return Math.exp(median + z * 1.4826 * mad);
};

/** The alarm threshold by a rule from validation normal scores (already through alarmScores). */
export const ruleThreshold = (normalScores: ArrayLike<number>, rule: AlarmRule, quantile: number): number => {
  switch (rule.threshold) {
    case 'tail-fit':
      return tailThreshold(normalScores, rule.tailRisk).threshold;
    case 'robust':
      return robustThreshold(normalScores, rule.robustZ);
    case 'quantile':
      return empiricalQuantile(
        Float64Array.from(normalScores)
          .filter((v) => Number.isFinite(v))
          .sort(),
        quantile,
      );
  }
};
