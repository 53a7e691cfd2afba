import * as tf from '@tensorflow/tfjs';
import type { RunArtifact } from '../../../shared/run-artifact.js';
import type { PreparedDataset } from '../datasets/prepare.js';
import { NO_CONTROL, throwIfCancelled, type JobControl } from '../jobs/job-control.js';
import { selectBackend } from './backend.js';
import { predictBatched } from './fit.js';
import { occlusion } from './importance.js';
import { rulFigures } from './metrics.js';
import { deserialiseModel } from './model-io.js';
import { pcaAlarmScore, pcaScores, type PcaModel } from './pca.js';
import { alarmRuleOfConfig, alarmScores } from '../../../shared/alarm-rule.js';
import { classificationMetrics, lastSteps, reconstructionScores } from './evaluation.js';

export interface EvaluationResult {
  readonly backend: string;
  readonly metrics: Record<string, number>;
  readonly scoredWindows: number;
  readonly windowsPerSecond: number;
  /** For the worst-predicted windows: which signals moved the prediction most (occlusion). */
  readonly explanations: {
    asset: string;
    t: number;
    label: number;
    score: number;
    drivers: { signal: string; effect: number }[];
  }[];
}

/** What scoring needs of a dataset: a run's own (PreparedDataset) or a saved snapshot's windows. */
export type ScoringData = Pick<PreparedDataset, 'evaluation' | 'validation' | 'failures' | 'timeKind' | 'inputs'>;

const round = (x: number) => Number(x.toFixed(6));

/**
 * Re-score a saved run from its folder's files alone (model.json + weights.bin, or pca.json) on the run's
 * evaluation windows, rebuilt from its recorded config. The figures must match the ones recorded at training
 * time: that is the reproducibility check `pdm-studio evaluate` performs.
 */
export const evaluateSavedRun = async (
  artifact: RunArtifact,
  files: ReadonlyMap<string, Uint8Array>,
  dataset: ScoringData,
  control: JobControl = NO_CONTROL,
): Promise<EvaluationResult> => {
  control.progress(0, 'scoring');
  const set = dataset.evaluation ?? dataset.validation;
  const failures = dataset.evaluation === null ? dataset.failures.validation : dataset.failures.evaluation;
  const threshold = artifact.thresholds['score'] ?? 0.5;
  let backend = 'plain TypeScript (no TensorFlow)';
  let scores: Float32Array;
  let predictOne: ((x: Float32Array) => Promise<number>) | null = null;
  const started = performance.now();
  if (artifact.modelType === 'pca') {
    const pca = JSON.parse(new TextDecoder().decode(files.get('pca.json'))) as PcaModel;
    scores = Float32Array.from(lastSteps(set), (r) => pcaAlarmScore(pcaScores(pca, r), artifact.thresholds));
  } else {
    const chosen = await selectBackend('auto', artifact.modelType as 'dense');
    backend = chosen.label;
    const modelJson = files.get('model.json');
    const weights = files.get('weights.bin');
    if (modelJson === undefined || weights === undefined)
      throw new Error(`run ${artifact.runId}: model.json or weights.bin is missing`);
    const model = await deserialiseModel(new TextDecoder().decode(modelJson), weights);
    const anomaly = artifact.task === 'anomaly';
    scores = anomaly
      ? reconstructionScores(model, set)
      : tf.tidy(
          () => predictBatched(model, tf.tensor3d(set.x, [set.n, set.length, set.features])).dataSync() as Float32Array,
        );
    predictOne = async (x) =>
      anomaly
        ? (reconstructionScores(model, { ...set, x, n: 1 })[0] as number)
        : tf.tidy(
            () => (model.predict(tf.tensor3d(x, [1, set.length, set.features])) as tf.Tensor).dataSync()[0] as number,
          );
  }
  // Anomaly scores pass through the run's recorded alarm rule (smoothing, persistence), as at training time.
  if (artifact.task === 'anomaly') scores = alarmScores(scores, set.asset, alarmRuleOfConfig(artifact.config));
  const seconds = (performance.now() - started) / 1000;
  throwIfCancelled(control);
  const metrics: Record<string, number> = {};
  if (artifact.task === 'rul') {
    Object.assign(metrics, rulFigures(scores, set, round, dataset.timeKind));
  } else {
    Object.assign(metrics, classificationMetrics(scores, set, failures, threshold, dataset.timeKind, ''));
  }
  // Explain the five windows with the largest error (RUL) or highest score (alarms).
  const order = Array.from(scores.keys()).sort((a, b) =>
    artifact.task === 'rul'
      ? Math.abs((scores[b] as number) - (set.y[b] as number)) - Math.abs((scores[a] as number) - (set.y[a] as number))
      : (scores[b] as number) - (scores[a] as number),
  );
  const explanations: EvaluationResult['explanations'] = [];
  if (predictOne !== null) {
    const size = set.length * set.features;
    const worst = order.slice(0, 5);
    for (const [k, i] of worst.entries()) {
      throwIfCancelled(control);
      control.progress((k + 1) / (worst.length + 1), `explaining window ${k + 1} of ${worst.length}`);
      const drivers = await occlusion(
        set.x.slice(i * size, (i + 1) * size),
        set.length,
        set.features,
        dataset.inputs,
        predictOne,
      );
      explanations.push({
        asset: set.assets[set.asset[i] as number] ?? '',
        t: set.end[i] as number,
        label: set.y[i] as number,
        score: round(scores[i] as number),
        drivers: drivers.slice(0, 3).map((d) => ({ signal: d.signal, effect: round(d.effect) })),
      });
    }
  }
  return { backend, metrics, scoredWindows: set.n, windowsPerSecond: set.n / Math.max(seconds, 1e-6), explanations };
};
