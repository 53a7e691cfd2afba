import type { TrainProgress } from '../../../shared/training.js';
import type { PreparedSummary } from '../datasets/prepare.js';
import type { SourceCall } from './remote-source.js';
import type { EvaluateJobRequest, EvaluateJobResult } from './evaluate-in-worker.js';
import type { PrepareTrainRequest, TrainJobRequest, TrainJobResult } from './train-job.js';

/** Messages between the main thread and the training worker. */
export type WorkerRequest =
  | { type: 'train'; request: TrainJobRequest }
  /** Build the dataset in the worker, reading the workspace through `source-call` messages, then train on it. */
  | { type: 'prepare-train'; request: PrepareTrainRequest }
  /** Build the dataset only and reply `done` with its summary (the preparation benchmark; nothing is trained). */
  | { type: 'prepare'; request: PrepareTrainRequest }
  /** Re-score a saved run: rebuild its dataset here (reads answered by the main thread) or take given windows. */
  | { type: 'evaluate'; request: EvaluateJobRequest }
  | { type: 'source-reply'; id: number; ok: true; value: unknown }
  | { type: 'source-reply'; id: number; ok: false; message: string }
  | { type: 'cancel' };

export type WorkerReply =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'source-call'; id: number; call: SourceCall }
  /** The dataset is built (sent before training starts, so the run can save its snapshot meanwhile). */
  | { type: 'prepared'; dataset: PreparedSummary }
  | { type: 'done'; result: TrainJobResult | null }
  | { type: 'evaluated'; result: EvaluateJobResult }
  /** Progress of an evaluate request (fraction 0..1 or null, and what it is doing). */
  | { type: 'job-progress'; fraction: number | null; message: string }
  /** `dataset`: the configuration or data was refused (a DatasetError), before any training. */
  | { type: 'error'; message: string; cancelled: boolean; dataset?: boolean };
