import type { ManifestCore } from '../../../src/shared/registry-manifest.js';

const MIN_US = 60e6;

const signal = (tag: string, unit: string, validMax: number) => ({
  asset: 'P-101',
  tag,
  unit,
  samplePeriod: MIN_US,
  validMin: 0,
  validMax,
  missingPolicy: 'forward-fill' as const,
});

/**
 * A hand-written anomaly package for P-101 (DischargePressure and VibrationRMS on a 1-minute grid, windows of 10,
 * z-score about 6 bar and 2 mm/s, threshold 3) with no model files: tests score it with a predictor of their own.
 */
export const pumpAnomalyManifest = (version: number, createdAt: string): ManifestCore => ({
  formatVersion: 1,
  name: 'pump-anomaly',
  version,
  task: 'anomaly',
  modelType: 'test',
  createdAt,
  createdBy: 'ann',
  model: { format: 'none', modelFile: null, weightFiles: [] },
  dataContract: {
    signals: [signal('DischargePressure', 'bar', 16), signal('VibrationRMS', 'mm/s', 50)],
    features: ['DischargePressure', 'VibrationRMS'],
    window: { length: 10, stride: 1, timeKind: 'timestamp' },
    normalisation: { method: 'z-score', center: [6, 2], scale: [0.5, 0.3] },
  },
  outputs: [{ name: 'score', unit: null, description: 'anomaly score' }],
  thresholds: { score: 3 },
  evaluation: { metrics: {}, dataset: null },
  lineage: {
    runId: 'run-x',
    trainedBy: 'ann',
    trainedAt: createdAt,
    dataset: { id: 'ds', contentHash: 'h', description: '' },
    config: { dataset: { resample: { period: MIN_US, gap: 'forward-fill' }, smoothing: null } },
    seed: 1,
    backend: 'none',
    appVersion: '0.0.0',
    durationS: 1,
  },
  files: [],
});
