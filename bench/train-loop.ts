/**
 * Our training loop alone (no worker, no evaluation, no peer): FD001 default-protocol windows prepared once, then
 * fitEnsemble for each model on one backend, seconds per epoch. For relative comparisons of the loop on one
 * machine under the same load (run A and B back to back, alternating; on a busy machine compare the CPU seconds,
 * which other jobs disturb far less than wall time); bench/train-cmapss.ts gives the figures against PyTorch. Prints one JSON object.
 * Run: npx tsx bench/train-loop.ts [--models dense,cnn1d,lstm] [--epochs 5] [--backend wasm] [--repeat 1]
 *      [--fit path/to/other-fit.ts]   (an alternative fitEnsemble module, e.g. an older loop, for an A/B)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { importFiles } from '../src/main/core/app/import-files.js';
import { prepareDataset } from '../src/main/core/datasets/prepare.js';
import { selectBackend } from '../src/main/core/ml/backend.js';
import { windowsTensor } from '../src/main/core/ml/evaluation.js';
import * as defaultFit from '../src/main/core/ml/fit.js';
import { buildEnsemble } from '../src/main/core/ml/models.js';
import { cmapssFd001Config } from '../src/main/core/runs/cmapss.js';
import { parseTrainConfig, resolveFinalRul } from '../src/main/core/runs/load-config.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { BackendPreferenceSchema, type ModelConfig } from '../src/shared/training.js';
import { median, repoRoot } from './util.js';

const MODELS: Record<string, ModelConfig> = {
  dense: { type: 'dense', units: [64, 32] },
  cnn1d: { type: 'cnn1d', filters: [16, 16], kernelSize: 5, dense: [32] },
  lstm: { type: 'lstm', units: 32, dense: [16] },
};

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    epochs: { type: 'string' },
    backend: { type: 'string' },
    repeat: { type: 'string' },
    fit: { type: 'string' },
    data: { type: 'string' },
  },
});
const epochs = Number(values.epochs ?? 5);
const repeat = Number(values.repeat ?? 1);
const backend = BackendPreferenceSchema.parse(values.backend ?? 'wasm');
const data = resolve(values.data ?? join(repoRoot, '..', 'shared', 'data', 'cmapss'));
const fitModule = (
  values.fit === undefined ? defaultFit : await import(pathToFileURL(resolve(values.fit)).href)
) as typeof defaultFit;

const root = await mkdtemp(join(tmpdir(), 'pdm-bench-loop-'));
const workspace = await Workspace.open(join(root, 'ws'));
try {
  await importFiles(workspace, [join(data, 'train_FD001.txt'), join(data, 'test_FD001.txt')], { format: 'cmapss' });
  const base = cmapssFd001Config(join(data, 'RUL_FD001.txt'), epochs);
  // The inputs the README's per-epoch figures were measured with (one smoothing rate, no baseline, no age), as
  // bench:train keeps them: a speed bench, not accuracy.
  const config = parseTrainConfig({
    ...base,
    dataset: { ...base.dataset, smoothing: 0.3, baseline: null, age: false },
  });
  const dataset = await prepareDataset(workspace, config, await resolveFinalRul(config, data));
  const results: Record<string, unknown> = {};
  for (const name of (values.models ?? 'dense,cnn1d,lstm').split(',')) {
    const model = MODELS[name];
    if (model === undefined) throw new Error(`--models: unknown model "${name}"`);
    const chosen = await selectBackend(backend, model.type);
    const perEpoch: number[] = [];
    const cpuPerEpoch: number[] = [];
    for (let r = 0; r < repeat; r += 1) {
      tf.engine().startScope();
      const shape = { length: dataset.train.length, features: dataset.train.features };
      const models = buildEnsemble({
        model,
        ...shape,
        members: 1,
        seed: 42 + r,
        l2: 0.001,
        outputs: 1,
        finalActivation: 'linear',
        outputScale: 125,
      });
      const x = windowsTensor(dataset.train);
      const valX = windowsTensor(dataset.validation);
      const y = tf.tensor2d(
        dataset.train.y.map((v) => v / 125),
        [dataset.train.n, 1],
      );
      const valY = tf.tensor2d(
        dataset.validation.y.map((v) => v / 125),
        [dataset.validation.n, 1],
      );
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const fit = await fitModule.fitEnsemble({
        models,
        members: 1,
        x,
        y,
        hostX: dataset.train.x,
        valX,
        valY,
        outputScale: 125,
        loss: 'mse',
        epochs,
        batchSize: 256,
        learningRate: 0.001,
        patience: null,
        seed: 42 + r,
        onEpoch: () => undefined,
        isCancelled: () => false,
      });
      perEpoch.push((performance.now() - started) / 1000 / fit.epochs);
      const cpu = process.cpuUsage(cpuStarted);
      cpuPerEpoch.push((cpu.user + cpu.system) / 1e6 / fit.epochs);
      results[`${name}_last_val_loss`] = fit.history.at(-1)?.valLoss;
      tf.engine().endScope();
    }
    results[name] = {
      backend: chosen.label,
      s_per_epoch_median: Number(median(perEpoch).toFixed(3)),
      s_per_epoch: perEpoch.map((s) => Number(s.toFixed(3))),
      // CPU seconds of this process: less sensitive than wall time to other jobs on a loaded machine.
      cpu_s_per_epoch_median: Number(median(cpuPerEpoch).toFixed(3)),
    };
  }
  process.stdout.write(
    `${JSON.stringify({
      bench: 'train-loop-fd001',
      fit: values.fit ?? 'src/main/core/ml/fit.ts',
      epochs,
      windows: dataset.train.n,
      loadavg_1m: Number(loadavg()[0]?.toFixed(2)),
      ...results,
    })}\n`,
  );
} finally {
  workspace.close();
  await rm(root, { recursive: true, force: true });
}
