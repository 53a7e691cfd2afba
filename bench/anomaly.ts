/**
 * Anomaly benchmark (issue 12 §5): on the simulator test set (bench/anomaly-set.ts), for each run fit on the
 * first 80% of its normal part, set the threshold from the scores of the last 20% of it (held out), and score
 * the rest of the run. Reports F1, false-alarm rate and missed-alarm rate pooled over runs, for the autoencoder
 * and PCA T2/Q, under the product's defaults and under the settings before them ("before"), and "alarm on every
 * row" as the floor. Prints one JSON object.
 *
 * Run: npm run bench:anomaly [-- --seeds 1,2,3 --variants defaults,before --models autoencoder,pca]
 * "defaults" uses each model's default alarm rule (defaultAlarmRule: the autoencoder has its own).
 * Exploring: --variants custom with --rule '{"threshold":"tail-fit"}' (merged over the model's default alarm rule),
 * --steps N, --variance-kept X, --pca-score q, --quantile Q (the "quantile" threshold), --max-missing F;
 * autoencoder: --units 32,4, --l2 X, --stop-on fit (early stopping on the fit part's last 20%, not the threshold
 * windows). --dump FILE writes every run's raw scores for bench/anomaly-sweep.ts (rules compared without training
 * again); --dump-errors PREFIX the autoencoder's squared error per window element (PREFIX-<run>.f32).
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/main/core/ml/backend.js';
import { reconstructionScores, windowsTensor } from '../src/main/core/ml/evaluation.js';
import { fitEnsemble } from '../src/main/core/ml/fit.js';
import { confusion } from '../src/main/core/ml/metrics.js';
import { buildEnsemble } from '../src/main/core/ml/models.js';
import { fitPca, pcaScores } from '../src/main/core/ml/pca.js';
import { anomalyOptimiserSteps, epochsForSteps } from '../src/main/core/ml/training-steps.js';
import type { WindowSet } from '../src/main/core/datasets/windows.js';
import {
  AlarmRuleSchema,
  alarmScores,
  defaultAlarmRule,
  LEGACY_ALARM_RULE,
  ruleThreshold,
  type AlarmRule,
} from '../src/shared/alarm-rule.js';
import { ModelConfigSchema, TrainingConfigSchema } from '../src/shared/training.js';
import { anomalySet, parseSeeds, SIGNALS, type AnomalyRun } from './anomaly-set.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    variants: { type: 'string' },
    models: { type: 'string' },
    window: { type: 'string' },
    rule: { type: 'string' },
    quantile: { type: 'string' },
    'max-missing': { type: 'string' },
    steps: { type: 'string' },
    'variance-kept': { type: 'string' },
    'pca-score': { type: 'string' },
    dump: { type: 'string' },
    'dump-errors': { type: 'string' },
    units: { type: 'string' },
    l2: { type: 'string' },
    'stop-on': { type: 'string' },
  },
});
const seeds = parseSeeds(values.seeds, [1, 2, 3]);
const variantNames = (values.variants ?? 'defaults,before').split(',');
const modelNames = (values.models ?? 'autoencoder,pca').split(',');
const WINDOW = Number(values.window ?? 10);
/** Share of the normal part the model is fitted on; the rest sets the threshold. */
const FIT_SHARE = 0.8;
const THRESHOLD_QUANTILE = Number(values.quantile ?? 0.99);
/**
 * Windows with a larger share of filled-in values (no good reading) are neither used for the threshold nor scored,
 * as the dataset option `maxMissing` does; 1 (the product's default) keeps every window.
 */
const MAX_MISSING = Number(values['max-missing'] ?? 1);

interface Variant {
  /** The alarm rule for a model type. */
  readonly rule: (model: string) => AlarmRule;
  /** Optimiser steps the autoencoder trains for (null: the epoch count alone, as before). */
  readonly steps: (windows: number, batchSize: number) => number | null;
  readonly varianceKept: number;
  readonly pcaStatistic: 'q' | 't2-q';
}

const training = TrainingConfigSchema.parse({});
const pcaDefaults = ModelConfigSchema.parse({ type: 'pca' });
const aeDefaults = ModelConfigSchema.parse({ type: 'autoencoder' });

const VARIANTS: Readonly<Record<string, Variant>> = {
  defaults: {
    rule: defaultAlarmRule,
    steps: anomalyOptimiserSteps,
    varianceKept: pcaDefaults.type === 'pca' ? pcaDefaults.varianceKept : 0.9,
    pcaStatistic: pcaDefaults.type === 'pca' ? pcaDefaults.statistic : 't2-q',
  },
  before: { rule: () => LEGACY_ALARM_RULE, steps: () => null, varianceKept: 0.9, pcaStatistic: 't2-q' },
  // Exploration: the defaults with --rule (JSON, merged over the model's default rule), --steps and --variance-kept.
  custom: {
    rule: (model) =>
      AlarmRuleSchema.parse({ ...defaultAlarmRule(model), ...(JSON.parse(values.rule ?? '{}') as object) }),
    steps: () => (values.steps === undefined ? anomalyOptimiserSteps() : Number(values.steps)),
    varianceKept: Number(values['variance-kept'] ?? (pcaDefaults.type === 'pca' ? pcaDefaults.varianceKept : 0.9)),
    pcaStatistic: values['pca-score'] === 'q' ? 'q' : 't2-q',
  },
};

/** Forward-fill each signal (a leading gap takes the first good reading), as the product's gap policy does. */
const filled = (run: AnomalyRun): { columns: Float64Array[]; missing: Uint8Array } => {
  const missing = new Uint8Array(run.t.length);
  const columns = run.values.map((column) => {
    const out = Float64Array.from(column);
    let last = out.find((v) => Number.isFinite(v)) ?? 0;
    for (let i = 0; i < out.length; i += 1) {
      if (Number.isFinite(out[i])) last = out[i] as number;
      else {
        out[i] = last;
        missing[i] = (missing[i] as number) + 1;
      }
    }
    return out;
  });
  return { columns, missing };
};

/** Windows ending at rows [from, to) that hold at most MAX_MISSING filled-in values; `end` is the row. */
const windows = (
  columns: readonly Float64Array[],
  label: Uint8Array,
  missing: Uint8Array,
  from: number,
  to: number,
): WindowSet => {
  const features = columns.length;
  const ends: number[] = [];
  for (let e = Math.max(from, WINDOW - 1); e < to; e += 1) {
    let gaps = 0;
    for (let r = e - WINDOW + 1; r <= e; r += 1) gaps += missing[r] as number;
    if (gaps <= MAX_MISSING * WINDOW * features) ends.push(e);
  }
  const n = ends.length;
  const x = new Float32Array(n * WINDOW * features);
  ends.forEach((e, w) => {
    let o = w * WINDOW * features;
    for (let r = e - WINDOW + 1; r <= e; r += 1) for (const c of columns) x[o++] = c[r] as number;
  });
  return {
    x,
    y: Float32Array.from(ends, (e) => label[e] as number),
    n,
    length: WINDOW,
    features,
    asset: new Int32Array(n),
    end: Float64Array.from(ends),
    assets: ['run'],
  };
};

const standardise = (columns: readonly Float64Array[], fitEnd: number): Float64Array[] =>
  columns.map((c) => {
    let mean = 0;
    for (let i = 0; i < fitEnd; i += 1) mean += (c[i] as number) / fitEnd;
    let ss = 0;
    for (let i = 0; i < fitEnd; i += 1) ss += ((c[i] as number) - mean) ** 2;
    const sd = Math.sqrt(ss / Math.max(1, fitEnd - 1)) || 1;
    return c.map((v) => (v - mean) / sd);
  });

const lastRows = (set: WindowSet): Float64Array[] =>
  Array.from({ length: set.n }, (_, w) => {
    const o = (w * set.length + set.length - 1) * set.features;
    return Float64Array.from(set.x.subarray(o, o + set.features));
  });

interface RunResult {
  /** Raw window scores of the threshold windows then the scored ones (for --dump). */
  readonly raw: Float32Array;
  readonly calibration: number;
  readonly label: Float32Array;
  readonly alarm: Uint8Array;
  readonly threshold: number;
  readonly trainSteps: number;
}

const scoreRun = async (run: AnomalyRun, model: string, variant: Variant, seed: number): Promise<RunResult> => {
  const fitEnd = Math.floor(run.normalEnd * FIT_SHARE);
  const { columns: raw0, missing } = filled(run);
  const columns = standardise(raw0, fitEnd);
  const fit = windows(columns, run.label, missing, 0, fitEnd);
  // Threshold windows and scored windows form one sequence, so smoothing and persistence carry over between them.
  const rest = windows(columns, run.label, missing, fitEnd, run.t.length);
  const calibration = rest.end.findIndex((e) => e >= run.normalEnd);
  let raw: Float32Array;
  let steps = 0;
  if (model === 'pca') {
    const pca = fitPca(lastRows(fit), variant.varianceKept);
    const t2q = lastRows(rest).map((r) => pcaScores(pca, r));
    const cal = t2q.slice(0, calibration);
    const q = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) * THRESHOLD_QUANTILE)] as number;
    const t2Limit = q(cal.map((s) => s.t2));
    const qLimit = q(cal.map((s) => s.q));
    raw = Float32Array.from(t2q, (s) =>
      variant.pcaStatistic === 'q' ? s.q / qLimit : Math.max(s.t2 / t2Limit, s.q / qLimit),
    );
  } else {
    const ae = ModelConfigSchema.parse(
      values.units === undefined ? aeDefaults : { type: 'autoencoder', units: values.units.split(',').map(Number) },
    );
    const models = buildEnsemble({
      model: ae,
      length: WINDOW,
      features: SIGNALS.length,
      members: 1,
      seed,
      l2: Number(values.l2 ?? 0),
      outputs: WINDOW * SIGNALS.length,
      finalActivation: 'linear',
      outputScale: 1,
    });
    const per = WINDOW * SIGNALS.length;
    // --stop-on fit: early stopping watches the last 20% of the fit windows, leaving the threshold windows unseen.
    const stopOnFit = values['stop-on'] === 'fit';
    const fitN = stopOnFit ? Math.floor(fit.n * 0.8) : fit.n;
    const trainSet: WindowSet = { ...fit, n: fitN, x: fit.x.subarray(0, fitN * per) };
    const calSet: WindowSet = stopOnFit
      ? { ...fit, n: fit.n - fitN, x: fit.x.subarray(fitN * per) }
      : { ...rest, n: calibration, x: rest.x.subarray(0, calibration * per) };
    const wanted = variant.steps(fit.n, training.batchSize);
    const epochs = wanted === null ? training.epochs : epochsForSteps(wanted, fitN, training.batchSize);
    const x = windowsTensor(trainSet);
    const valX = windowsTensor(calSet);
    const result = await fitEnsemble({
      models,
      members: 1,
      x,
      y: x.reshape([trainSet.n, per]),
      valX,
      valY: valX.reshape([calSet.n, WINDOW * SIGNALS.length]),
      outputScale: 1,
      loss: training.loss,
      epochs,
      batchSize: training.batchSize,
      learningRate: training.learningRate,
      patience: training.patience,
      seed,
      onEpoch: () => undefined,
      isCancelled: () => false,
    });
    steps = result.epochs * Math.ceil(fitN / training.batchSize);
    raw = reconstructionScores(models.predict, rest);
    if (values['dump-errors'] !== undefined) {
      // Squared error per window element (window-major, then row, then feature), to compare score aggregates.
      const e = tf.tidy(() => {
        const xr = windowsTensor(rest);
        return tf.square(tf.sub(models.predict.predict(xr) as tf.Tensor, xr)).dataSync() as Float32Array;
      });
      await writeFile(`${values['dump-errors']}-${run.id}.f32`, Buffer.from(e.buffer, e.byteOffset, e.byteLength));
    }
    tf.dispose([x, valX]);
    models.train.dispose();
  }
  const rule = variant.rule(model);
  const scores = alarmScores(raw, rest.asset, rule);
  const threshold = ruleThreshold(scores.subarray(0, calibration), rule, THRESHOLD_QUANTILE);
  const scored = scores.subarray(calibration);
  return {
    raw,
    calibration,
    label: rest.y.subarray(calibration),
    alarm: Uint8Array.from(scored, (s) => (s > threshold ? 1 : 0)),
    threshold,
    trainSteps: steps,
  };
};

const figures = (label: ArrayLike<number>, alarm: ArrayLike<number>) => {
  const c = confusion(alarm, label, 0.5);
  const r = (v: number) => Number(v.toFixed(4));
  return {
    f1: r(c.f1),
    falseAlarmRate: r(c.falseAlarmRate),
    missedAlarmRate: r(c.missedAlarmRate),
    tp: c.tp,
    fp: c.fp,
  };
};

const concat = <T extends Float32Array | Uint8Array>(parts: readonly T[], make: (n: number) => T): T => {
  const out = make(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const backend = await selectBackend('auto', 'autoencoder');
const runs = anomalySet(seeds);
const started = performance.now();
const results: Record<string, unknown> = {};
const allLabels: Float32Array[] = [];
/** --dump FILE: every run's raw scores, so alarm rules can be compared without training again. */
const dumped: Record<string, unknown> = {};
for (const variantName of variantNames) {
  const variant = VARIANTS[variantName];
  if (variant === undefined) throw new Error(`unknown variant ${variantName}: use defaults or before`);
  for (const model of modelNames) {
    const perRun: Record<string, unknown> = {};
    const labels: Float32Array[] = [];
    const alarms: Uint8Array[] = [];
    const t0 = performance.now();
    for (const [i, run] of runs.entries()) {
      const r = await scoreRun(run, model, variant, 42 + i);
      labels.push(r.label);
      dumped[`${model}/${variantName}/${run.id}`] = {
        raw: Array.from(r.raw),
        calibration: r.calibration,
        label: Array.from(r.label),
      };
      alarms.push(r.alarm);
      perRun[run.id] = {
        ...figures(r.label, r.alarm),
        threshold: Number(r.threshold.toPrecision(5)),
        steps: r.trainSteps,
      };
    }
    const label = concat(labels, (n) => new Float32Array(n));
    if (allLabels.length === 0) allLabels.push(label);
    results[`${model}/${variantName}`] = {
      pooled: figures(
        label,
        concat(alarms, (n) => new Uint8Array(n)),
      ),
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      perRun,
    };
  }
}
if (values.dump !== undefined) await writeFile(values.dump, JSON.stringify(dumped));
const floorLabel = allLabels[0] ?? new Float32Array(0);
console.log(
  JSON.stringify({
    bench: 'anomaly',
    note: 'timings measured on a shared, loaded machine: not figures',
    backend: backend.label,
    seeds,
    runs: runs.length,
    window: WINDOW,
    scoredWindows: floorLabel.length,
    faultWindows: floorLabel.reduce((s, v) => s + v, 0),
    rules: {
      defaults: Object.fromEntries(modelNames.map((m) => [m, defaultAlarmRule(m)])),
      before: LEGACY_ALARM_RULE,
    },
    alarmOnEveryRow: figures(floorLabel, new Uint8Array(floorLabel.length).fill(1)),
    results,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  }),
);
