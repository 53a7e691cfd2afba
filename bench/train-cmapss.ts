/**
 * FD001 training benchmark: our RUL models (docs/training.md) against a PyTorch peer of the same architectures,
 * protocol and epochs (bench/peers/cmapss_torch.py), in the same run on this machine; then inference throughput of
 * the saved default model. Prints one JSON object.
 * Run: npx tsx bench/train-cmapss.ts [--models dense,cnn1d,lstm] [--epochs N] [--data dir] [--python path]
 * Without --epochs each model gets its default below (the LSTM fewer: an epoch of it costs about five of dense).
 * PyTorch comes from Debian's python3-torch (apt-get install python3-torch); without it the peer is skipped.
 * The peer runs single-threaded with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment (both
 * can force a slower BLAS kernel) and reports its threads and BLAS, so the ratio is against a known peer.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareDataset } from '../src/main/core/datasets/prepare.js';
import { importFiles } from '../src/main/core/app/import-files.js';
import { evaluateSavedRun } from '../src/main/core/ml/evaluate-job.js';
import { cmapssFd001Config } from '../src/main/core/runs/cmapss.js';
import { parseTrainConfig, resolveFinalRul } from '../src/main/core/runs/load-config.js';
import { trainRun, type TrainRunResult } from '../src/main/core/runs/train-run.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { RunArtifactSchema } from '../src/shared/run-artifact.js';
import type { ModelConfig } from '../src/shared/training.js';
import { runCmapssPeer, type PeerArch } from './cmapss-peer.js';
import { repoRoot } from './util.js';

type Arch = PeerArch;

/** Architectures the peer mirrors (bench/peers/cmapss_torch.py), with the epochs each gets by default. */
const MODELS: Record<Arch, { model: ModelConfig; epochs: number; describe: string }> = {
  dense: { model: { type: 'dense', units: [64, 32] }, epochs: 60, describe: 'dense 64-32' },
  cnn1d: {
    model: { type: 'cnn1d', filters: [16, 16], kernelSize: 5, dense: [32] },
    epochs: 30,
    describe: 'conv1d 16-16 (kernel 5, same), dense 32',
  },
  lstm: { model: { type: 'lstm', units: 32, dense: [16] }, epochs: 5, describe: 'lstm 32, dense 16' },
};

const { values } = parseArgs({
  options: {
    epochs: { type: 'string' },
    data: { type: 'string' },
    python: { type: 'string' },
    models: { type: 'string' },
  },
});
const archs = (values.models ?? 'dense,cnn1d,lstm').split(',').map((m) => {
  if (!(m in MODELS)) throw new Error(`--models: unknown model "${m}" (use dense, cnn1d, lstm)`);
  return m as Arch;
});
const data = resolve(values.data ?? join(repoRoot, '..', 'shared', 'data', 'cmapss'));
const python = values.python ?? '/usr/bin/python3';

const root = await mkdtemp(join(tmpdir(), 'pdm-bench-cmapss-'));
const workspace = await Workspace.open(join(root, 'ws'));
try {
  await importFiles(workspace, [join(data, 'train_FD001.txt'), join(data, 'test_FD001.txt')], { format: 'cmapss' });
  const results: Record<string, unknown> = {};
  let denseRun: TrainRunResult | null = null;
  for (const arch of archs) {
    const spec = MODELS[arch];
    const epochs = values.epochs === undefined ? spec.epochs : Number(values.epochs);
    // Fixed epochs on both sides (no early stopping), so the time ratio compares the same amount of work.
    const base = cmapssFd001Config(join(data, 'RUL_FD001.txt'), epochs);
    const config = parseTrainConfig({
      ...base,
      // The inputs the speed figures were measured with (one smoothing rate, no baseline, no age): a speed bench.
      dataset: { ...base.dataset, smoothing: 0.3, baseline: null, age: false },
      model: spec.model,
      // Batch 256 like the PyTorch peer, whatever the FD001 default's batch size (64, chosen for accuracy).
      training: { ...base.training, patience: null, batchSize: 256 },
    });
    const run = await trainRun({ workspace, config, baseDir: data });
    if (arch === 'dense') denseRun = run;
    const peer = await runCmapssPeer({ python, data, arch, epochs, seed: 42 });
    const ours = {
      rmse: run.metrics['rmse'],
      rmse_capped: run.metrics['rmse_capped'],
      nasa_score: run.metrics['nasa_score'],
      train_s: run.metrics['train_s'],
      backend: run.backend,
    };
    const peerSeconds = typeof peer?.['train_s'] === 'number' ? peer['train_s'] : null;
    results[arch] = {
      model: `${spec.describe}, L2 0.001, windows of 30, batch 256`,
      epochs,
      ours,
      pytorch: peer,
      time_ratio_ours_over_pytorch_1_thread:
        peerSeconds === null ? null : Number(((ours.train_s as number) / peerSeconds).toFixed(2)),
    };
  }

  // Inference: every window of every test unit (not just the last), scored by the saved model from its folder.
  let inference: Record<string, unknown> | null = null;
  if (denseRun !== null) {
    const artifact = RunArtifactSchema.parse(JSON.parse(await readFile(join(denseRun.folder, 'run.json'), 'utf8')));
    const files = new Map<string, Uint8Array>();
    for (const name of await readdir(denseRun.folder))
      files.set(name, new Uint8Array(await readFile(join(denseRun.folder, name))));
    const config = parseTrainConfig(artifact.config);
    const allWindows = parseTrainConfig({ ...config, evaluation: { ...config.evaluation, windows: 'all' } });
    const dataset = await prepareDataset(workspace, allWindows, await resolveFinalRul(allWindows, data));
    await evaluateSavedRun(artifact, files, dataset); // warm-up: kernels compiled, weights uploaded
    const scored = await evaluateSavedRun(artifact, files, dataset);
    inference = {
      model: 'dense',
      windows: scored.scoredWindows,
      windows_per_s: Math.round(scored.windowsPerSecond),
      backend: scored.backend,
      rmse_all_windows: scored.metrics['rmse'],
      rmse_capped_all_windows: scored.metrics['rmse_capped'],
    };
  }
  process.stdout.write(
    `${JSON.stringify({
      bench: 'train-cmapss-fd001',
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg_1m: Number(loadavg()[0]?.toFixed(2)) },
      ...results,
      inference,
    })}\n`,
  );
} finally {
  workspace.close();
  await rm(root, { recursive: true, force: true });
}
