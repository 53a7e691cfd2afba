import { ANOMALY_STEPS } from '../../../shared/alarm-rule.js';
import type { TrainConfig } from '../../../shared/training.js';

/**
 * Training length by optimiser steps rather than epochs. A fixed epoch count gives a model very different amounts
 * of training depending on the data: 60 epochs over 1,000 windows in batches of 256 are 240 steps, and the issue's
 * anomaly runs all stopped at that cap while their loss was still falling. A step budget trains small and large
 * datasets alike; early stopping (patience, in epochs) still ends a run that has stopped improving.
 */

export const anomalyOptimiserSteps = (): number => ANOMALY_STEPS;

/** Epochs that give at least `steps` optimiser steps over `windows` windows in batches of `batchSize`. */
export const epochsForSteps = (steps: number, windows: number, batchSize: number): number => {
  const perEpoch = Math.max(1, Math.ceil(windows / Math.max(1, batchSize)));
  return Math.max(1, Math.ceil(steps / perEpoch));
};

/** The step budget a run trains for: its config's, else ANOMALY_STEPS for an anomaly autoencoder, else none. */
export const stepBudget = (config: TrainConfig): number | null =>
  config.training.steps ??
  (config.model.type === 'autoencoder' && config.dataset.label.kind === 'anomaly' ? ANOMALY_STEPS : null);
