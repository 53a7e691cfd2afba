import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ManifestCore } from '../../../shared/registry-manifest.js';
import type { Predictor } from './predictor.js';
import { selectBackend } from './backend.js';
import { predictBatched } from './fit.js';
import { deserialiseModel } from './model-io.js';
import { pcaAlarmScore, pcaScores, type PcaModel } from './pca.js';
import { lastSteps, reconstructionScores } from './evaluation.js';
import type { WindowSet } from '../datasets/windows.js';

/**
 * The model of a fetched (hash-verified) package as a Predictor for monitoring/score.ts, computing the same
 * output as evaluation does: the network's prediction for RUL and failure probability, the mean squared
 * reconstruction error for an autoencoder, max(T2 / T2 threshold, Q / Q threshold) for PCA.
 */
export const loadPackagePredictor = async (manifest: ManifestCore, dir: string): Promise<Predictor> => {
  const asSet = (w: { x: Float32Array; n: number; length: number; features: number }): WindowSet => ({
    ...w,
    y: new Float32Array(w.n),
    asset: new Int32Array(w.n),
    end: new Float64Array(w.n),
    assets: [],
  });
  if (manifest.modelType === 'pca') {
    const pca = JSON.parse(await readFile(join(dir, 'pca.json'), 'utf8')) as PcaModel;
    return {
      backend: 'plain TypeScript (no TensorFlow)',
      predict: async (w) =>
        Float32Array.from(lastSteps(asSet(w)), (row) => pcaAlarmScore(pcaScores(pca, row), manifest.thresholds)),
      dispose: () => undefined,
    };
  }
  if (manifest.model.format !== 'tfjs-layers' || manifest.model.modelFile === null) {
    throw new Error(`${manifest.name} v${manifest.version} has no TF.js model to score with`);
  }
  const chosen = await selectBackend('auto', manifest.modelType as 'dense');
  const modelJson = await readFile(join(dir, manifest.model.modelFile), 'utf8');
  const weightFile = manifest.model.weightFiles[0];
  if (weightFile === undefined) throw new Error(`${manifest.name} v${manifest.version} lists no weights file`);
  const weights = new Uint8Array(await readFile(join(dir, weightFile)));
  const model = await deserialiseModel(modelJson, weights);
  const anomaly = manifest.task === 'anomaly';
  return {
    backend: chosen.label,
    predict: async (w) =>
      anomaly
        ? reconstructionScores(model, asSet(w))
        : tf.tidy(
            () => predictBatched(model, tf.tensor3d(w.x, [w.n, w.length, w.features])).dataSync() as Float32Array,
          ),
    dispose: () => model.dispose(),
  };
};
