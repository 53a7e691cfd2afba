/**
 * FD001 training benchmark: our default RUL model (docs/training.md) against a PyTorch peer of the same
 * architecture, protocol and epochs (bench/peers/cmapss_torch.py), on this machine; then inference throughput
 * of the saved model. Prints one JSON object. Run: npx tsx bench/train-cmapss.ts [--epochs 60] [--data dir]
 * PyTorch comes from Debian's python3-torch (apt-get install python3-torch); without it the peer is skipped.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { prepareDataset } from '../src/main/core/datasets/prepare.js';
import { importFiles } from '../src/main/core/app/import-files.js';
import { evaluateSavedRun } from '../src/main/core/ml/evaluate-job.js';
import { cmapssFd001Config } from '../src/main/core/runs/cmapss.js';
import { parseTrainConfig, resolveFinalRul } from '../src/main/core/runs/load-config.js';
import { trainRun } from '../src/main/core/runs/train-run.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { RunArtifactSchema } from '../src/shared/run-artifact.js';
import { repoRoot } from './util.js';

const { values } = parseArgs({
  options: { epochs: { type: 'string' }, data: { type: 'string' }, python: { type: 'string' } },
});
const epochs = Number(values.epochs ?? 60);
const data = resolve(values.data ?? join(repoRoot, '..', 'shared', 'data', 'cmapss'));
const python = values.python ?? '/usr/bin/python3';

const root = await mkdtemp(join(tmpdir(), 'pdm-bench-cmapss-'));
const workspace = await Workspace.open(join(root, 'ws'));
try {
  await importFiles(workspace, [join(data, 'train_FD001.txt'), join(data, 'test_FD001.txt')], { format: 'cmapss' });
  // Fixed epochs on both sides (no early stopping), so the time ratio compares the same amount of work.
  const base = cmapssFd001Config(join(data, 'RUL_FD001.txt'), epochs);
  const config = parseTrainConfig({ ...base, training: { ...base.training, patience: null } });
  const run = await trainRun({ workspace, config, baseDir: data });

  // Inference: every window of every test unit (not just the last), scored by the saved model from its folder.
  const artifact = RunArtifactSchema.parse(JSON.parse(await readFile(join(run.folder, 'run.json'), 'utf8')));
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(run.folder)) files.set(name, new Uint8Array(await readFile(join(run.folder, name))));
  const allWindows = parseTrainConfig({ ...config, evaluation: { ...config.evaluation, windows: 'all' } });
  const dataset = await prepareDataset(workspace, allWindows, await resolveFinalRul(allWindows, data));
  await evaluateSavedRun(artifact, files, dataset); // warm-up: kernels compiled, weights uploaded
  const inference = await evaluateSavedRun(artifact, files, dataset);

  let peer: Record<string, unknown> | null = null;
  try {
    const { stdout } = await promisify(execFile)(
      python,
      [join(repoRoot, 'bench', 'peers', 'cmapss_torch.py'), data, String(epochs), '42'],
      {
        maxBuffer: 1 << 20,
      },
    );
    peer = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  } catch (error) {
    process.stderr.write(
      `PyTorch peer skipped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
    );
  }
  const ours = {
    rmse: run.metrics['rmse'],
    rmse_capped: run.metrics['rmse_capped'],
    nasa_score: run.metrics['nasa_score'],
    train_s: run.metrics['train_s'],
    backend: run.backend,
  };
  const peerSeconds = typeof peer?.['train_s'] === 'number' ? peer['train_s'] : null;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'train-cmapss-fd001',
      model: 'dense 64-32, L2 0.001, windows of 30, batch 256',
      epochs,
      ours,
      pytorch: peer,
      time_ratio_ours_over_pytorch:
        peerSeconds === null ? null : Number(((ours.train_s as number) / peerSeconds).toFixed(2)),
      inference: {
        windows: inference.scoredWindows,
        windows_per_s: Math.round(inference.windowsPerSecond),
        backend: inference.backend,
        rmse_all_windows: inference.metrics['rmse'],
        rmse_capped_all_windows: inference.metrics['rmse_capped'],
      },
    })}\n`,
  );
} finally {
  workspace.close();
  await rm(root, { recursive: true, force: true });
}
