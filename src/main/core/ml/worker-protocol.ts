import type { TrainProgress } from '../../../shared/training.js';
import type { TrainJobRequest, TrainJobResult } from './train-job.js';

/** Messages between the main thread and the training worker. */
export type WorkerRequest = { type: 'train'; request: TrainJobRequest } | { type: 'cancel' };

export type WorkerReply =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; result: TrainJobResult }
  | { type: 'error'; message: string; cancelled: boolean };
