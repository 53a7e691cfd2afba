import { z } from 'zod';
import { TrainConfigSchema } from './training.js';

/**
 * What a dataset snapshot is built from: the `name`, `dataset` and `training.seed` parts of a training config
 * (docs/training.md). A whole training config is accepted; its `model` and `evaluation` parts are ignored.
 */
export const DatasetSnapshotConfigSchema = TrainConfigSchema.pick({ name: true, dataset: true, training: true });
export type DatasetSnapshotConfig = z.infer<typeof DatasetSnapshotConfigSchema>;

/** A snapshot as `createDataset` saved it; `created: false` when the same definition and data were saved before. */
export const CreatedDatasetSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentHash: z.string(),
  assets: z.array(z.string()),
  signals: z.array(z.string()),
  windows: z.number().int(),
  created: z.boolean(),
});
export type CreatedDataset = z.infer<typeof CreatedDatasetSchema>;

/** A saved snapshot in the list, newest first, with the runs trained on it. */
export const DatasetListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentHash: z.string(),
  assets: z.number().int(),
  windows: z.number().int(),
  createdAt: z.string(),
  definition: z.unknown(),
  runs: z.array(z.string()),
});
export type DatasetListing = z.infer<typeof DatasetListingSchema>;
