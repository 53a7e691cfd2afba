import { join } from 'node:path';
import { importFiles } from '../../../src/main/core/app/import-files.js';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { parseTrainConfig } from '../../../src/main/core/runs/load-config.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import type { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { CMAPSS_DIR, engines } from '../ml/helpers.js';

/**
 * What a deployment needs, as the monitoring tests set it up: FD001's training file in `workspace`, a one-epoch
 * dense RUL model trained on engines 1-6, published as fd001-rul v1 to a new folder registry in `root` by its
 * trainer (the OS user), then approved and promoted by a second person (bob).
 */
export const promotedFd001Package = async (
  workspace: Workspace,
  root: string,
  options: { readonly name: string; readonly evaluateOn?: readonly string[] },
): Promise<{ readonly runFolder: string; readonly registry: string }> => {
  await importFiles(workspace, [join(CMAPSS_DIR, 'train_FD001.txt')], { format: 'cmapss' });
  const run = await trainRun({
    workspace,
    config: parseTrainConfig({
      name: options.name,
      dataset: {
        assets: { names: engines(1, 6) },
        signals: CMAPSS_FD001_SENSORS,
        window: { length: 30, stride: 1 },
        label: { kind: 'rul', cap: 125 },
        validationFraction: 0.25,
      },
      // Approval needs a held-out evaluation set: engines 9 and 10 unless the test names others.
      evaluation: { assets: { names: [...(options.evaluateOn ?? engines(9, 10))] }, windows: 'all' },
      model: { type: 'dense', units: [8] },
      training: { epochs: 1, batchSize: 256, seed: 3, patience: null },
    }),
    baseDir: process.cwd(),
  });
  const registry = join(root, 'registry');
  await FolderStore.open(registry, { create: true, config: { allowAs: true, fsync: false } });
  await (await openRegistry(registry)).publish({ runDir: run.folder, name: 'fd001-rul' });
  const bob = await openRegistry(registry, { as: 'bob' });
  await bob.govern('approve', { name: 'fd001-rul', version: 1, reason: 'validated' });
  await bob.govern('promote', { name: 'fd001-rul', version: 1, reason: 'first release' });
  return { runFolder: run.folder, registry };
};
