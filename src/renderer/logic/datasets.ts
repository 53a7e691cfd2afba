import type { CreatedDataset } from '../../shared/dataset-snapshot.js';

/** One line about a saved snapshot: new, or the same definition over the same data saved before. */
export const describeSavedDataset = (d: CreatedDataset): string =>
  `${d.created ? 'Saved dataset snapshot' : 'Already saved as'} ${d.id} "${d.name}": ${d.assets.length} asset${
    d.assets.length === 1 ? '' : 's'
  }, ${d.windows.toLocaleString('en-US')} windows. Evaluate a run on it from the run's page or with pdm-studio evaluate --dataset ${d.id}.`;
