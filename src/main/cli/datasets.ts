import { resolve } from 'node:path';
import {
  createDatasetSnapshot,
  listDatasetSnapshots,
  readSnapshotConfig,
  type CreatedSnapshot,
  type SnapshotListing,
} from '../core/training/dataset-snapshots.js';
import type { Workspace } from '../core/workspace/workspace.js';

export type DatasetsCommandResult = { datasets: SnapshotListing[] } | { dataset: CreatedSnapshot };

/**
 * `datasets list`: the saved snapshots. `datasets create --config <file.json>`: build and save the snapshot the
 * dataset part of a training config defines, without training (e.g. other assets to score a run on).
 */
export const datasetsCommand = async (
  workspace: Workspace,
  action: string | undefined,
  config: string | undefined,
): Promise<DatasetsCommandResult> => {
  if (action === undefined || action === 'list') return { datasets: await listDatasetSnapshots(workspace) };
  if (action === 'create') {
    if (config === undefined) throw new Error('datasets create: --config <file.json> is required');
    return { dataset: await createDatasetSnapshot(workspace, await readSnapshotConfig(resolve(config))) };
  }
  throw new Error(`datasets: unknown action "${action}" (list or create)`);
};
