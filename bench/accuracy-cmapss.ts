/**
 * FD001 accuracy over several seeds: the documented protocol (docs/training.md) with a preset (default or
 * accurate, src/main/core/runs/cmapss.ts), one training run per seed in one workspace, test RMSE against RUL_FD001
 * as given and against the truth capped at 125, then mean and sample sd over the seeds (not the best seed).
 * Prints one JSON object. Run: npx tsx bench/accuracy-cmapss.ts [--preset default|accurate] [--seeds 5]
 *   [--first-seed 1] [--epochs N] [--model '{"type":"cnn1d",...}'] [--training '{"ensemble":3}'] [--dataset '{"smoothing":0.2}'] [--data dir]
 * --model, --training and --dataset override the preset's fields (for exploring; the JSON says what ran).
 * Beside each seed, the PyTorch peer (bench/peers/cmapss_torch.py: the same protocol, dense model, schedule, early
 * stopping and ensemble size, single-threaded) trains on its own draw of validation units for the same seed, so the
 * JSON says whether a gap to a target is ours or the protocol's. It runs when the model is the preset's dense one
 * and the dataset is not overridden (the peer knows only that); --peer false skips it, --python names the Python.
 */
import { smoothingRates } from '../src/shared/model-inputs.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/main/core/app/import-files.js';
import { CMAPSS_PRESETS, cmapssFd001Config, type CmapssPreset } from '../src/main/core/runs/cmapss.js';
import { parseTrainConfig } from '../src/main/core/runs/load-config.js';
import { trainRun } from '../src/main/core/runs/train-run.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { runCmapssPeer } from './cmapss-peer.js';
import { repoRoot } from './util.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string' },
    seeds: { type: 'string' },
    'first-seed': { type: 'string' },
    epochs: { type: 'string' },
    model: { type: 'string' },
    training: { type: 'string' },
    dataset: { type: 'string' },
    data: { type: 'string' },
    peer: { type: 'string' },
    python: { type: 'string' },
  },
});
const preset = (values.preset ?? 'default') as CmapssPreset;
if (!CMAPSS_PRESETS.includes(preset)) throw new Error(`--preset: use one of ${CMAPSS_PRESETS.join(', ')}`);
const seeds = Number(values.seeds ?? 5);
const firstSeed = Number(values['first-seed'] ?? 1);
const data = resolve(values.data ?? join(repoRoot, '..', 'shared', 'data', 'cmapss'));

const stats = (xs: readonly number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean: Number(mean.toFixed(2)), sd: Number(sd.toFixed(2)) };
};

const root = await mkdtemp(join(tmpdir(), 'pdm-bench-accuracy-'));
const workspace = await Workspace.open(join(root, 'ws'));
try {
  await importFiles(workspace, [join(data, 'train_FD001.txt'), join(data, 'test_FD001.txt')], { format: 'cmapss' });
  const base = cmapssFd001Config(
    join(data, 'RUL_FD001.txt'),
    values.epochs === undefined ? undefined : Number(values.epochs),
    preset,
  );
  const runs: Record<string, number | string>[] = [];
  const peerRuns: Record<string, unknown>[] = [];
  // The peer mirrors the preset's dense model and inputs (smoothing rates, baseline, age); training overrides (epochs,
  // ensemble, ...) it follows.
  const peerApplies =
    values.peer !== 'false' &&
    values.model === undefined &&
    values.dataset === undefined &&
    base.model.type === 'dense';
  let config = parseTrainConfig(base);
  for (let seed = firstSeed; seed < firstSeed + seeds; seed += 1) {
    config = parseTrainConfig({
      ...base,
      dataset: { ...base.dataset, ...(values.dataset === undefined ? {} : (JSON.parse(values.dataset) as object)) },
      model: values.model === undefined ? base.model : JSON.parse(values.model),
      training: {
        ...base.training,
        ...(values.training === undefined ? {} : (JSON.parse(values.training) as object)),
        seed,
      },
    });
    const run = await trainRun({ workspace, config, baseDir: data });
    const m = run.metrics;
    runs.push({
      seed,
      rmse: m['rmse'] as number,
      rmse_capped: m['rmse_capped'] as number,
      nasa_score: m['nasa_score'] as number,
      // Validation engines are held out of training (drawn by seed): configs are compared on this, never on the test set.
      val_rmse: m['val_rmse'] as number,
      best_epoch: m['best_epoch'] as number,
      train_s: m['train_s'] as number,
      backend: run.backend,
    });
    process.stderr.write(`${JSON.stringify(runs.at(-1))}\n`);
    if (peerApplies) {
      const peer = await runCmapssPeer({
        python: values.python ?? '/usr/bin/python3',
        data,
        arch: 'dense',
        epochs: config.training.epochs,
        seed,
        patience: config.training.patience ?? 0,
        members: config.training.ensemble,
        rates: smoothingRates(config.dataset.smoothing),
        age: config.dataset.age,
        baseline: config.dataset.baseline,
        units: config.model.type === 'dense' ? config.model.units : [],
      });
      if (peer !== null) {
        peerRuns.push(peer);
        const { blas: _blas, ...brief } = peer;
        process.stderr.write(`peer ${JSON.stringify(brief)}\n`);
      }
    }
  }
  const peerOf = (key: string) => stats(peerRuns.map((r) => r[key] as number));
  const peerSummary =
    peerRuns.length === 0
      ? null
      : {
          name: 'PyTorch, same protocol, model, schedule and ensemble, its own validation draw per seed',
          rmse_capped: peerOf('rmse_capped'),
          rmse: peerOf('rmse'),
          val_rmse: peerOf('val_rmse'),
          threads: peerRuns[0]?.['threads'],
          torch: peerRuns[0]?.['torch'],
          blas: peerRuns[0]?.['blas'],
          runs: peerRuns.map((r) => ({
            seed: r['seed'],
            rmse_capped: Number((r['rmse_capped'] as number).toFixed(3)),
            val_rmse: Number((r['val_rmse'] as number).toFixed(3)),
            best_epoch: r['best_epoch'],
          })),
        };
  process.stdout.write(
    `${JSON.stringify({
      bench: 'accuracy-cmapss-fd001',
      preset,
      dataset: {
        window: config.dataset.window,
        smoothing: config.dataset.smoothing,
        age: config.dataset.age,
        baseline: config.dataset.baseline,
        normalisation: config.dataset.normalisation,
      },
      model: config.model,
      training: { ...config.training, seed: undefined },
      seeds: runs.map((r) => r.seed),
      rmse_capped: stats(runs.map((r) => r.rmse_capped as number)),
      rmse: stats(runs.map((r) => r.rmse as number)),
      nasa_score: stats(runs.map((r) => r.nasa_score as number)),
      val_rmse: stats(runs.map((r) => r.val_rmse as number)),
      loadavg_1m: Number(loadavg()[0]?.toFixed(2)),
      runs,
      peer: peerSummary,
    })}\n`,
  );
} finally {
  workspace.close();
  await rm(root, { recursive: true, force: true });
}
