import { ApiError, type ApiHandlers } from '../../../shared/api.js';
import { DatasetError } from '../datasets/prepare.js';
import { createDatasetSnapshot, listDatasetSnapshots } from '../datasets/dataset-snapshots.js';
import type { Workspace } from '../workspace/workspace.js';

export type DatasetMethod = 'listDatasets' | 'createDataset';

export interface DatasetDeps {
  readonly requireWorkspace: () => Workspace;
}

/** Dataset snapshots over the API: the same functions `pdm-studio datasets` and the Datasets dialog use. */
export const datasetHandlers = ({ requireWorkspace }: DatasetDeps): Pick<ApiHandlers, DatasetMethod> => ({
  listDatasets: async () => listDatasetSnapshots(requireWorkspace()),
  createDataset: async ({ config }) => {
    try {
      return await createDatasetSnapshot(requireWorkspace(), {
        name: config.name,
        definition: { dataset: config.dataset, seed: config.training.seed },
      });
    } catch (error) {
      // A definition the workspace's data cannot satisfy (unknown asset or signal, empty split) is the caller's to fix.
      if (error instanceof DatasetError) throw new ApiError('invalid-argument', error.message);
      throw error;
    }
  },
});
