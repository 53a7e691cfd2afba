import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFiles } from '../core/app/import-files.js';
import { cmapssFd001Config } from '../core/training/cmapss.js';
import { parseTrainConfig } from '../core/training/load-config.js';
import { trainRun } from '../core/training/train-run.js';
import { Workspace } from '../core/workspace/workspace.js';

/**
 * `pdm-studio benchmark cmapss --data <dir>`: the field's standard FD001 protocol end to end in a fresh
 * workspace (import, dataset, training in the worker, scoring the last window of each test unit), so anyone can
 * reproduce the published-style figure with one command.
 */
export const benchmarkCmapss = async (options: {
  data: string;
  epochs?: number | undefined;
  workspace?: string | undefined;
  quiet: boolean;
}) => {
  const data = resolve(options.data);
  const files = ['train_FD001.txt', 'test_FD001.txt', 'RUL_FD001.txt'].map((f) => join(data, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`benchmark cmapss: missing ${missing.join(', ')}`);
  const dir =
    options.workspace === undefined ? await mkdtemp(join(tmpdir(), 'pdm-cmapss-')) : resolve(options.workspace);
  const workspace = await Workspace.open(dir);
  try {
    const log = (m: string) => options.quiet || process.stderr.write(`${m}\n`);
    log(`importing C-MAPSS FD001 into ${dir}`);
    await importFiles(workspace, files.slice(0, 2), { format: 'cmapss' });
    const config = parseTrainConfig(cmapssFd001Config(files[2] as string, options.epochs));
    const run = await trainRun({
      workspace,
      config,
      baseDir: data,
      onProgress: (p) =>
        p.phase === 'training' &&
        log(`epoch ${p.epoch}/${p.epochs} loss ${p.loss?.toFixed(5)} val_loss ${p.valLoss?.toFixed(5)}`),
    });
    return {
      // Against RUL_FD001 as given; rmse_capped against the truth capped at 125 like the training labels.
      rmse: run.metrics['rmse'],
      rmse_capped: run.metrics['rmse_capped'],
      nasa_score: run.metrics['nasa_score'],
      mae: run.metrics['mae'],
      train_s: run.metrics['train_s'],
      epochs: run.metrics['epochs'],
      backend: run.backend,
      run: run.runId,
      workspace: dir,
    };
  } finally {
    workspace.close();
  }
};
