import { resolve } from 'node:path';
import type { TrainProgress } from '../../shared/training.js';
import { readTrainConfig } from '../core/training/load-config.js';
import { trainRun } from '../core/training/train-run.js';
import { Workspace } from '../core/workspace/workspace.js';

const progressLine = (json: boolean) => (p: TrainProgress) => {
  if (p.phase !== 'training') {
    process.stderr.write(`${p.message}\n`);
    return;
  }
  const line = `epoch ${p.epoch}/${p.epochs} loss ${p.loss?.toFixed(5) ?? '-'} val_loss ${p.valLoss?.toFixed(5) ?? '-'}`;
  process.stderr.write(json ? `${line}\n` : `\r${line}   `);
};

/** `pdm-studio train --workspace <dir> --config <file.json>`: one run; Ctrl-C cancels it cleanly. */
export const trainCommand = async (options: { workspace: string; config: string; json: boolean }) => {
  const { config, baseDir } = await readTrainConfig(resolve(options.config));
  const workspace = await Workspace.open(resolve(options.workspace));
  let cancelled = false;
  const onSigint = () => {
    cancelled = true;
    process.stderr.write('\ncancelling after the current batch...\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const run = await trainRun({
      workspace,
      config,
      baseDir,
      onProgress: progressLine(options.json),
      isCancelled: () => cancelled,
    });
    return { run: run.runId, backend: run.backend, metrics: run.metrics, folder: run.folder, dataset: run.dataset.id };
  } finally {
    process.off('SIGINT', onSigint);
    workspace.close();
  }
};
