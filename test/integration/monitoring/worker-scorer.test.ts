import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../../src/main/core/app/import-files.js';
import { loadPackagePredictor } from '../../../src/main/core/ml/package-predictor.js';
import { loadWorkerScorer } from '../../../src/main/core/monitoring/worker-scorer.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { readTrainConfig } from '../../../src/main/core/runs/load-config.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { ManifestSchema, type Manifest } from '../../../src/shared/registry-manifest.js';
import { seededRandom } from '../../../src/shared/seeded-random.js';
import { tempDir } from '../registry/helpers.js';

/** The scoring worker thread (its predict request) gives exactly the in-process predictor's outputs for a real published package. */
let root: string;
let manifest: Manifest;
let packageDir: string;

beforeAll(async () => {
  root = await tempDir('pdm-worker-pred-');
  const workspace = await Workspace.open(join(root, 'ws'));
  try {
    await importFiles(workspace, [resolve('resources/sample/cmapss-fd001-sample.txt')], { format: 'cmapss' });
    const { config } = await readTrainConfig(resolve('docs/examples/sample-engines-1-6.json'));
    const run = await trainRun({
      workspace,
      config: { ...config, training: { ...config.training, epochs: 2 } },
      baseDir: process.cwd(),
    });
    const registry = await openRegistry(join(root, 'registry'), { create: true });
    const published = await registry.publish({ runDir: run.folder, name: 'sample-rul' });
    packageDir = join(root, 'package');
    await registry.fetch('sample-rul', published.version, packageDir);
    manifest = ManifestSchema.parse(JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')));
  } finally {
    workspace.close();
  }
}, 120_000);
afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('the scoring worker thread', () => {
  it('predicts the same outputs as the in-process predictor, batch after batch, and says where it runs', async () => {
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
    await expect(loadWorkerScorer(manifest, join(root, 'no-such-package'))).rejects.toThrow(
      /no-such-package|ENOENT/,
    );
  });
});
