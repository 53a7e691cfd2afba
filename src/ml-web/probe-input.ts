import type { ProbeInput } from '../main/core/ml/backend-probe.js';
import type { TrainJobRequest } from '../main/core/ml/train-job.js';

/** At most this many windows in the probe's batch: enough to exercise every kernel, quick on a software GPU. */
const PROBE_BATCH = 64;

/**
 * The probe's batch: the first training windows with the targets the run trains on (RUL scaled by its cap, the
 * window itself for the autoencoder, 0/1 for failure within horizon).
 */
export const probeInput = (request: TrainJobRequest): ProbeInput => {
  const { config, dataset } = request;
  const model = config.model;
  if (model.type === 'pca') throw new Error('a PCA model needs no backend probe');
  const set = dataset.train;
  const n = Math.max(1, Math.min(PROBE_BATCH, config.training.batchSize, set.n));
  const size = set.length * set.features;
  const x = set.x.slice(0, n * size);
  const label = config.dataset.label;
  const scale = label.kind === 'rul' ? (label.cap ?? set.y.reduce((m, v) => Math.max(m, v), 1)) : 1;
  const isAnomaly = label.kind === 'anomaly';
  return {
    model,
    length: set.length,
    features: set.features,
    outputs: isAnomaly ? size : 1,
    finalActivation: label.kind === 'failure-horizon' ? 'sigmoid' : 'linear',
    x,
    y: isAnomaly ? x : Float32Array.from(set.y.subarray(0, n), (v) => v / scale),
    n,
    seed: config.training.seed,
  };
};
