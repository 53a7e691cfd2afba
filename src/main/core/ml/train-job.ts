import * as tf from '@tensorflow/tfjs';
import { METRICS_ON_LABELS, type RunArtifact } from '../../../shared/run-artifact.js';
import { FAILURES_FILE, RunFailuresSchema, type TrainConfig, type TrainProgress } from '../../../shared/training.js';
import type { PreparedDataset } from '../datasets/prepare.js';
import type { WindowSet } from '../datasets/windows.js';
import type { JobControl } from '../jobs/job-control.js';
import type { ChosenBackend } from './backend.js';
import {
  bestF1Threshold,
  classificationMetrics,
  lastSteps,
  logLoss,
  meanAbsChange,
  reconstructionErrors,
  round,
  windowsTensor,
} from './evaluation.js';
import { fitEnsemble, predictBatched, type EpochReport } from './fit.js';
import { permutationImportance } from './importance.js';
import { errorByRemainingLife, quantile, remainingLifeBand, rulFigures, rulMetrics } from './metrics.js';
import { serialiseModel, WEIGHTS_FILE } from './model-io.js';
import { buildEnsemble } from './models.js';
import { fitPca, pcaAlarmScore, pcaScores, type PcaModel } from './pca.js';
import { epochsForSteps, stepBudget } from './training-steps.js';
import { alarmScores, defaultAlarmRule, ruleThreshold } from '../../../shared/alarm-rule.js';

export interface TrainJobRequest {
  readonly runId: string;
  readonly config: TrainConfig;
  readonly dataset: PreparedDataset;
  readonly appVersion: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

/** A training job whose dataset the worker builds itself (reading the workspace through the main thread). */
export type PrepareTrainRequest = Omit<TrainJobRequest, 'dataset'> & {
  /** True RUL after each evaluation asset's last reading (resolved from the config's file by the caller). */
  readonly finalRul: readonly number[] | null;
};

export interface TrainJobResult {
  /** run.json without `files` and `durationS` (the writer fills them in). */
  readonly artifact: Omit<RunArtifact, 'files' | 'durationS'>;
  /** Files of the run folder other than run.json. */
  readonly files: { readonly name: string; readonly data: Uint8Array }[];
  readonly history: EpochReport[];
  readonly trainSeconds: number;
}

type ModelType = Exclude<TrainConfig['model']['type'], 'pca'>;

const text = (s: string) => new TextEncoder().encode(s);

const taskOf = (config: TrainConfig): RunArtifact['task'] =>
  config.dataset.label.kind === 'rul' ? 'rul' : config.dataset.label.kind === 'anomaly' ? 'anomaly' : 'failure-horizon';

/**
 * Train and evaluate one run inside the training worker: pick the backend, fit the model on the prepared
 * windows, score validation and evaluation windows, compute the task's metrics and permutation importance,
 * and return everything the run folder holds. Pure computation: no DuckDB, no file writes.
 */
export const runTrainJob = async (
  request: TrainJobRequest,
  control: JobControl<TrainProgress>,
  // Passed in, not imported: the Node worker picks among native/wasm/cpu (backend.ts, which needs node:*), the
  // renderer engine (src/ml-web) among WebGPU/WebGL/wasm/cpu after probing them on this model.
  selectBackend: (preference: TrainConfig['backend'], model: ModelType) => Promise<ChosenBackend>,
): Promise<TrainJobResult> => {
  const { config, dataset } = request;
  const task = taskOf(config);
  const label = config.dataset.label;
  const training = config.training;
  const modelType = config.model.type;
  const backend =
    modelType === 'pca'
      ? { name: 'none', label: 'plain TypeScript (no TensorFlow)' }
      : await selectBackend(config.backend, modelType);
  if (modelType !== 'pca') tf.engine().startScope();
  const started = performance.now();
  const files: { name: string; data: Uint8Array }[] = [];
  const metrics: Record<string, number> = {};
  const thresholds: Record<string, number> = {};
  let history: EpochReport[] = [];
  const evalSet = dataset.evaluation;
  const evalFailures = dataset.failures.evaluation;
  // The epochs progress counts towards: a step budget turns into its own number of epochs.
  let plannedEpochs = training.epochs;
  const progress = (p: Partial<TrainProgress> & { message: string }) => {
    const detail: TrainProgress = {
      phase: 'training',
      epoch: 0,
      epochs: plannedEpochs,
      loss: null,
      valLoss: null,
      ...p,
    };
    control.progress(detail.epoch / Math.max(1, detail.epochs), detail.message, detail);
  };
  let outputs: RunArtifact['outputs'];
  const alarmRule = label.kind === 'anomaly' ? (config.alarm ?? defaultAlarmRule(config.model.type)) : null;
  const budget = stepBudget(config);
  const recordedConfig: TrainConfig = {
    ...config,
    ...(alarmRule === null ? {} : { alarm: alarmRule }),
    ...(budget === null ? {} : { training: { ...config.training, steps: budget } }),
  };
  // Async: the renderer engine reads scores back from a GPU, where a synchronous read (WebGPU's readSync) is unsafe.
  let scoreOf: (x: Float32Array, n: number) => Promise<Float32Array>;

  try {
    if (modelType === 'pca') {
      if (config.model.type !== 'pca' || label.kind !== 'anomaly')
        throw new Error('a PCA model needs an anomaly label');
      const pca: PcaModel = fitPca(lastSteps(dataset.train), config.model.varianceKept);
      const valNormal = lastSteps(dataset.validation).filter((_, i) => dataset.validation.y[i] === 0);
      const valScores = valNormal.map((r) => pcaScores(pca, r));
      // With Q alone no T2 limit is recorded, which tells every scorer to leave T2 out (pcaAlarmScore).
      if (config.model.statistic === 't2-q') {
        thresholds['t2'] = round(
          quantile(
            valScores.map((s) => s.t2),
            label.thresholdQuantile,
          ),
        );
      }
      thresholds['q'] = round(
        quantile(
          valScores.map((s) => s.q),
          label.thresholdQuantile,
        ),
      );
      // One score for alarms: Q (and T2) relative to their limits; the alarm rule sets the threshold on it below.
      scoreOf = async (x, n) =>
        Float32Array.from(lastSteps({ ...dataset.train, x, n }), (r) => pcaAlarmScore(pcaScores(pca, r), thresholds));
      files.push({ name: 'pca.json', data: text(JSON.stringify(pca)) });
      outputs = [
        {
          name: 'score',
          unit: null,
          description:
            config.model.statistic === 't2-q'
              ? 'max(T2 / T2 limit, Q / Q limit)'
              : 'Q / Q limit (squared prediction error)',
        },
      ];
      metrics['components'] = pca.components.length;
      metrics['variance_kept'] = round(pca.varianceKept);
    } else {
      const isRul = label.kind === 'rul';
      const isAnomaly = label.kind === 'anomaly';
      const scale = isRul ? (label.cap ?? dataset.train.y.reduce((m, v) => Math.max(m, v), 1)) : 1;
      const shape = { length: dataset.train.length, features: dataset.train.features };
      const flat = shape.length * shape.features;
      const models = buildEnsemble({
        model: config.model,
        ...shape,
        members: training.ensemble,
        seed: training.seed,
        l2: training.l2,
        outputs: isAnomaly ? flat : 1,
        finalActivation: label.kind === 'failure-horizon' ? 'sigmoid' : 'linear',
        outputScale: scale,
      });
      const validation = isAnomaly ? { ...dataset.validation, ...pickNormal(dataset.validation) } : dataset.validation;
      const x = windowsTensor(dataset.train);
      const valX = windowsTensor(validation);
      const target = (set: WindowSet, t: tf.Tensor) =>
        isAnomaly
          ? t.reshape([set.n, flat])
          : tf.tensor2d(
              set.y.map((v) => v / scale),
              [set.n, 1],
            );
      // A step budget (anomaly autoencoders by default) sets the epochs from the training set's size.
      const steps = stepBudget(config);
      const epochs = steps === null ? training.epochs : epochsForSteps(steps, dataset.train.n, training.batchSize);
      plannedEpochs = epochs;
      if (steps !== null) metrics['optimiser_steps_budget'] = steps;
      const fit = await fitEnsemble({
        models,
        members: training.ensemble,
        x,
        y: target(dataset.train, x),
        // Batches are copied from the windows on the JS heap rather than gathered on the backend (fit.ts).
        hostX: dataset.train.x,
        hostY: isAnomaly ? dataset.train.x : undefined,
        valX,
        valY: target(validation, valX),
        outputScale: scale,
        loss: label.kind === 'failure-horizon' ? 'binary-crossentropy' : training.loss,
        epochs,
        batchSize: training.batchSize,
        learningRate: training.learningRate,
        patience: training.patience,
        seed: training.seed,
        isCancelled: control.isCancelled,
        onEpoch: (r) => progress({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss, message: `epoch ${r.epoch}` }),
      });
      history = fit.history;
      metrics['epochs'] = fit.epochs;
      metrics['best_epoch'] = fit.bestEpoch;
      metrics['val_loss'] = round(fit.bestValLoss);
      const model = models.predict;
      scoreOf = async (xs, n) => {
        const out = tf.tidy(() => {
          const t = tf.tensor3d(xs, [n, shape.length, shape.features]);
          return isAnomaly ? reconstructionErrors(model, t) : predictBatched(model, t);
        });
        try {
          // On tfjs-backend-webgpu a synchronous read of a few hundred scores gave wrong values (a run's RMSE 79
          // where WebGL and wasm gave 49) or crashed the page; an async read is exact on every backend.
          return (await out.data()) as Float32Array;
        } finally {
          out.dispose();
        }
      };
      const { modelJson, weights } = await serialiseModel(model);
      files.push({ name: 'model.json', data: text(modelJson) }, { name: WEIGHTS_FILE, data: weights });
      outputs = isRul
        ? [
            {
              name: 'rul',
              unit: dataset.timeKind === 'cycle' ? 'cycles' : 'µs',
              description: `remaining useful life, capped at ${scale}`,
            },
          ]
        : isAnomaly
          ? [
              {
                name: 'reconstruction',
                unit: null,
                description: 'reconstructed window; score = mean squared error vs the normalised input',
              },
            ]
          : [
              {
                name: 'p_failure',
                unit: null,
                description: `probability of failure within ${label.kind === 'failure-horizon' ? label.horizon : ''}`,
              },
            ];
    }

    const trainSeconds = (performance.now() - started) / 1000;
    control.progress(null, 'evaluating', {
      phase: 'evaluating',
      epoch: history.length,
      epochs: plannedEpochs,
      loss: null,
      valLoss: null,
      message: 'evaluating',
    });
    // Anomaly scores pass through the alarm rule (smoothing, persistence) before any threshold or figure.
    const alarmed = (raw: Float32Array, set: WindowSet) =>
      alarmRule === null ? raw : alarmScores(raw, set.asset, alarmRule);
    const valScores = alarmed(await scoreOf(dataset.validation.x, dataset.validation.n), dataset.validation);
    if (label.kind === 'rul') {
      const v = rulMetrics(valScores, dataset.validation.y);
      metrics['val_rmse'] = round(v.rmse);
    } else if (label.kind === 'anomaly' && alarmRule !== null) {
      thresholds['score'] = round(
        ruleThreshold(
          valScores.filter((_, i) => dataset.validation.y[i] === 0),
          alarmRule,
          label.thresholdQuantile,
        ),
        9,
      );
    } else if (label.kind === 'failure-horizon') {
      thresholds['score'] = bestF1Threshold(valScores, dataset.validation.y);
    }
    if (label.kind !== 'rul') {
      Object.assign(
        metrics,
        classificationMetrics(
          valScores,
          dataset.validation,
          dataset.failures.validation,
          thresholds['score'] as number,
          dataset.timeKind,
          'val_',
        ),
      );
    }

    // Figures reported for the run: the evaluation assets when given, else the validation assets.
    const scored = evalSet ?? dataset.validation;
    const scoredFailures = evalSet === null ? dataset.failures.validation : evalFailures;
    const scores = evalSet === null ? valScores : alarmed(await scoreOf(evalSet.x, evalSet.n), evalSet);
    let error: (x: Float32Array) => Promise<number>;
    let csv = '';
    if (label.kind === 'rul') {
      Object.assign(metrics, rulFigures(scores, scored, round, dataset.timeKind));
      for (const band of errorByRemainingLife(scores, scored.truth ?? scored.y, remainingLifeBand(dataset.timeKind)))
        metrics[`rmse_rul_${band.from}_${band.to}`] = round(band.rmse);
      error = async (xs) => rulMetrics(await scoreOf(xs, scored.n), scored.y).rmse;
      csv = 'asset,t,true_rul,predicted_rul\n';
    } else {
      Object.assign(
        metrics,
        classificationMetrics(scores, scored, scoredFailures, thresholds['score'] as number, dataset.timeKind, ''),
      );
      const base = scores;
      error =
        label.kind === 'failure-horizon'
          ? async (xs) => logLoss(await scoreOf(xs, scored.n), scored.y)
          : async (xs) => meanAbsChange(await scoreOf(xs, scored.n), base);
      csv = 'asset,t,label,score\n';
    }
    for (let i = 0; i < scored.n; i += 1) {
      csv += `${JSON.stringify(scored.assets[scored.asset[i] as number])},${scored.end[i]},${(scored.truth ?? scored.y)[i]},${round(scores[i] as number)}\n`;
    }
    files.push({ name: 'predictions.csv', data: text(csv) });
    if (label.kind !== 'rul') {
      // With each scored asset's failure time, a view can recompute lead times and false alarms at any threshold.
      const byAsset = Object.fromEntries(scored.assets.map((name, i) => [name, scoredFailures[i] ?? null]));
      files.push({
        name: FAILURES_FILE,
        data: text(JSON.stringify(RunFailuresSchema.parse({ timeKind: dataset.timeKind, failures: byAsset }))),
      });
    }
    const importance = await permutationImportance({
      x: scored.x,
      n: scored.n,
      length: scored.length,
      features: scored.features,
      names: dataset.inputs,
      error,
      seed: training.seed,
    });
    files.push({
      name: 'importance.json',
      data: text(
        JSON.stringify(
          importance.map((r) => ({ ...r, increase: round(r.increase) })),
          null,
          1,
        ),
      ),
    });
    files.push({ name: 'history.json', data: text(JSON.stringify(history)) });
    metrics['train_s'] = round(trainSeconds, 3);

    const artifact: TrainJobResult['artifact'] = {
      formatVersion: 1,
      runId: request.runId,
      task,
      modelType,
      createdAt: request.createdAt,
      createdBy: request.createdBy,
      appVersion: request.appVersion,
      backend: backend.label,
      seed: training.seed,
      dataset: { id: dataset.id, contentHash: dataset.contentHash, description: dataset.description },
      // The run records the alarm rule and step budget it used, also when they came from the defaults.
      config: recordedConfig as unknown as Record<string, unknown>,
      signals: dataset.signals,
      features: dataset.features,
      ...(dataset.inputs.join('\n') === dataset.features.join('\n') ? {} : { inputs: dataset.inputs }),
      window: {
        length: config.dataset.window.length,
        stride: config.dataset.window.stride,
        timeKind: dataset.timeKind,
      },
      normalisation: dataset.normalisation,
      outputs,
      thresholds,
      metrics,
      metricsOn:
        evalSet === null
          ? { kind: 'validation', label: METRICS_ON_LABELS.validation, assets: [...dataset.split.validation] }
          : { kind: 'evaluation', label: METRICS_ON_LABELS.evaluation, assets: [...dataset.split.evaluation] },
      gaps: dataset.gaps,
      labels: dataset.labelling,
      scope: dataset.scope,
      evaluationDataset:
        evalSet === null || dataset.evaluationHash === null
          ? null
          : {
              id: `ds-${dataset.evaluationHash.slice(0, 16)}`,
              contentHash: dataset.evaluationHash,
              description: `${dataset.split.evaluation.length} evaluation assets, ${evalSet.n} windows scored`,
            },
    };
    return { artifact, files, history, trainSeconds };
  } finally {
    if (modelType !== 'pca') tf.engine().endScope();
  }
};

const pickNormal = (set: WindowSet): Pick<WindowSet, 'x' | 'y' | 'n' | 'asset' | 'end'> => {
  const size = set.length * set.features;
  const idx = Array.from(set.y.keys()).filter((i) => set.y[i] === 0);
  const x = new Float32Array(idx.length * size);
  idx.forEach((i, k) => x.set(set.x.subarray(i * size, (i + 1) * size), k * size));
  return {
    x,
    y: Float32Array.from(idx, () => 0),
    n: idx.length,
    asset: Int32Array.from(idx, (i) => set.asset[i] as number),
    end: Float64Array.from(idx, (i) => set.end[i] as number),
  };
};
