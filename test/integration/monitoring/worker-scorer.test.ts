import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackagePredictor } from '../../../src/main/core/ml/package-predictor.js';
import { loadWorkerScorer } from '../../../src/main/core/monitoring/worker-scorer.js';
import { seededRandom } from '../../../src/shared/seeded-random.js';
import { useSamplePackage } from '../../support/sample-package.js';

/** The scoring worker thread (its predict request) gives exactly the in-process predictor's outputs for a real published package. */
const samplePackage = useSamplePackage('pdm-worker-pred-', 2);

describe('the scoring worker thread', () => {
  it('predicts the same outputs as the in-process predictor, batch after batch, and says where it runs', async () => {
    const { manifest, packageDir } = samplePackage();
    const length = manifest.dataContract.window.length;
    const features = manifest.dataContract.features.length;
    const random = seededRandom(11);
    const batch = (n: number) => ({
      x: Float32Array.from({ length: n * length * features }, () => random() * 4 - 2),
      n,
      length,
      features,
    });
    const local = await loadPackagePredictor(manifest, packageDir);
    const worker = await loadWorkerScorer(manifest, packageDir);
    try {
      expect(worker.backend).toMatch(/scoring worker thread/);
      for (const n of [1, 64, 500]) {
        const windows = batch(n);
        const [a, b] = await Promise.all([local.predict(windows), worker.predict(windows)]);
        expect(b).toHaveLength(n);
        expect(Array.from(b)).toEqual(Array.from(a));
      }
    } finally {
      local.dispose();
      worker.dispose();
    }
  });

  it('reports a package it cannot load in words instead of hanging', async () => {
    const { manifest, root } = samplePackage();
    await expect(loadWorkerScorer(manifest, join(root, 'no-such-package'))).rejects.toThrow(/no-such-package|ENOENT/);
  });
});
