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
  await publishAndPromote(registry, run.folder, 'fd001-rul');
  return { runFolder: run.folder, registry };
};

/**
 * Publish a run as version 1 of `name` to the folder registry at `registry` (made if new) as its trainer (the OS
 * user); a second person (bob) approves and promotes it.
 */
export const publishAndPromote = async (registry: string, runFolder: string, name: string): Promise<void> => {
  await FolderStore.open(registry, { create: true, config: { allowAs: true, fsync: false } });
  await (await openRegistry(registry)).publish({ runDir: runFolder, name });
  const bob = await openRegistry(registry, { as: 'bob' });
  await bob.govern('approve', { name, version: 1, reason: 'validated' });
  await bob.govern('promote', { name, version: 1, reason: 'first release' });
};

/**
 * The pump model the follow-mode tests and bench deploy: a one-epoch dense RUL model on P-101 and P-102's `tags`
 * at 1-minute resolution, P-103 held out for evaluation, published as pump-rul v1 to `registry` and promoted by bob.
 */
export const promotedPumpRulPackage = async (
  workspace: Workspace,
  registry: string,
  tags: readonly string[],
): Promise<void> => {
  const run = await trainRun({
    workspace,
    config: parseTrainConfig({
      name: 'pump rul',
      dataset: {
        assets: { names: ['P-101', 'P-102'] },
        signals: [...tags],
        resample: { period: 60_000_000 }, // 1 minute in µs
        window: { length: 10, stride: 1 },
        label: { kind: 'rul', cap: null },
        validationFraction: 0.5,
      },
      // Approval needs a held-out evaluation set.
      evaluation: { assets: { names: ['P-103'] }, windows: 'all' },
      model: { type: 'dense', units: [4] },
      training: { epochs: 1, batchSize: 256, seed: 1, patience: null },
    }),
    baseDir: process.cwd(),
  });
  await publishAndPromote(registry, run.folder, 'pump-rul');
};
