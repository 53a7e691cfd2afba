import { describe, expect, it } from 'vitest';
import { epochsForSteps, stepBudget } from '../../../../src/main/core/ml/training-steps.js';
import { ANOMALY_STEPS } from '../../../../src/shared/alarm-rule.js';
import { TrainConfigSchema, type TrainConfigInput } from '../../../../src/shared/training.js';

const config = (model: TrainConfigInput['model'], kind: 'anomaly' | 'rul', steps?: number) =>
  TrainConfigSchema.parse({
    dataset: {
      assets: { prefix: 'P-' },
      signals: ['Flow'],
      window: { length: 5 },
      label: kind === 'anomaly' ? { kind, normalSpan: 10, abnormalWithin: 5 } : { kind },
    },
    model,
    training: steps === undefined ? {} : { steps },
  });

describe('training length by optimiser steps', () => {
  it('epochs for a step budget, by hand: 1,000 windows in batches of 256 are 4 steps an epoch', () => {
    expect(epochsForSteps(2000, 1000, 256)).toBe(500);
    // 100,000 windows: 391 steps an epoch, so 6 epochs give 2,346 >= 2,000 steps.
    expect(epochsForSteps(2000, 100_000, 256)).toBe(6);
    expect(epochsForSteps(10, 5, 256)).toBe(10);
  });

  it('an anomaly autoencoder trains for ANOMALY_STEPS unless its config names steps; other models keep epochs', () => {
    expect(stepBudget(config({ type: 'autoencoder' }, 'anomaly'))).toBe(ANOMALY_STEPS);
    expect(stepBudget(config({ type: 'autoencoder' }, 'anomaly', 500))).toBe(500);
    expect(stepBudget(config({ type: 'dense' }, 'rul'))).toBeNull();
    expect(stepBudget(config({ type: 'dense' }, 'rul', 300))).toBe(300);
  });
});
