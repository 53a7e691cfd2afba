import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../../src/main/core/jobs/cancelled.js';
import { selectBackend } from '../../../../src/main/core/ml/backend.js';
import { fitEnsemble, predictBatched, validationBatchRows, type FitInput } from '../../../../src/main/core/ml/fit.js';
import { buildEnsemble } from '../../../../src/main/core/ml/models.js';

/** y = mean of the window's first feature: learnable by a dense model in a few epochs. */
const synthetic = (n: number, seed: number) => {
  let s = seed;
  const x = Float32Array.from({ length: n * 6 * 2 }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  });
  const y = Float32Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let t = 0; t < 6; t += 1) sum += x[i * 12 + t * 2] as number;
    return sum / 6;
  });
  return { x: tf.tensor3d(x, [n, 6, 2]), y: tf.tensor2d(y, [n, 1]) };
};

const fit = async (over: Partial<FitInput> = {}) => {
  const models = buildEnsemble({
    model: { type: 'dense', units: [8] },
    length: 6,
    features: 2,
    members: 2,
    seed: 5,
    l2: 0.01,
    outputs: 1,
    finalActivation: 'linear',
    outputScale: 1,
  });
  const train = synthetic(300, 1);
  const val = synthetic(100, 2);
  return fitEnsemble({
    models,
    members: 2,
    x: train.x,
    y: train.y,
    valX: val.x,
    valY: val.y,
    outputScale: 1,
    loss: 'mse',
    epochs: 8,
    batchSize: 32,
    learningRate: 0.01,
    patience: null,
    seed: 3,
    onEpoch: () => undefined,
    isCancelled: () => false,
    ...over,
  });
};

describe('the training loop', () => {
  it('learns, repeats exactly for the same seed, and leaks no tensors', async () => {
    await selectBackend('wasm', 'dense');
    const before = tf.memory().numTensors;
    const a = await fit();
    const leaked = tf.memory().numTensors - before;
    const b = await fit();
    expect(a.history.map((h) => h.valLoss)).toEqual(b.history.map((h) => h.valLoss));
    expect(a.history.at(-1)!.valLoss).toBeLessThan(a.history[0]!.valLoss);
    expect(a.bestValLoss).toBe(Math.min(...a.history.map((h) => h.valLoss)));
    // Only the models' own weights and the synthetic data stay allocated (no per-step or per-epoch leftovers).
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * leaked);
    expect(leaked).toBeLessThan(40);
  });

  it('reports the regulariser in the training loss, as Keras does', async () => {
    await selectBackend('wasm', 'dense');
    const plain = await fit({ epochs: 1 });
    const models = buildEnsemble({
      model: { type: 'dense', units: [8] },
      length: 6,
      features: 2,
      members: 2,
      seed: 5,
      l2: 10,
      outputs: 1,
      finalActivation: 'linear',
      outputScale: 1,
    });
    const heavy = await fit({ epochs: 1, models });
    expect(heavy.history[0]!.loss).toBeGreaterThan(plain.history[0]!.loss * 5);
  });

  it('stops between steps when cancelled', async () => {
    await selectBackend('wasm', 'dense');
    let polls = 0;
    await expect(fit({ isCancelled: () => (polls += 1) > 3 })).rejects.toBeInstanceOf(CancelledError);
    expect(polls).toBe(4);
  });

  it('copies batches from the host windows when given (no Gather on the backend) and trains exactly the same', async () => {
    await selectBackend('wasm', 'dense');
    const train = synthetic(300, 1);
    const hostX = train.x.dataSync() as Float32Array;
    const hostY = train.y.dataSync() as Float32Array;
    const gathered = await fit({ epochs: 3 });
    let copied: Awaited<ReturnType<typeof fit>> | null = null;
    const profile = await tf.profile(async () => {
      copied = await fit({ epochs: 3, hostX, hostY });
    });
    expect(copied!.history).toEqual(gathered.history);
    // 300 windows in batches of 32 for 3 epochs: 30 steps, none of them gathering (the validation set is one batch).
    expect(profile.kernels.filter((k) => k.name === 'GatherV2')).toHaveLength(0);
    // A host array that does not match the tensor is ignored rather than read out of bounds.
    const mismatched = await fit({ epochs: 3, hostX: hostX.subarray(12) });
    expect(mismatched.history).toEqual(gathered.history);
  });

  it('validates FD001-sized sets in one predict call (no per-1,024-row Gather), bounded to 4M input values', async () => {
    await selectBackend('wasm', 'dense');
    const fd001 = tf.zeros([3300, 30, 14]);
    const wide = tf.zeros([20, 5000, 10]);
    expect(validationBatchRows(fd001)).toBe(9986);
    expect(validationBatchRows(fd001)).toBeGreaterThanOrEqual(3300);
    expect(validationBatchRows(wide)).toBe(1024);
    tf.dispose([fd001, wide]);
  });

  it('predicts in batches exactly as one call would', async () => {
    await selectBackend('wasm', 'dense');
    const { predict } = buildEnsemble({
      model: { type: 'dense', units: [4] },
      length: 6,
      features: 2,
      members: 1,
      seed: 1,
      l2: 0,
      outputs: 1,
      finalActivation: 'linear',
      outputScale: 125,
    });
    const { x } = synthetic(250, 9);
    const whole = (predict.predictOnBatch(x) as tf.Tensor).dataSync();
    const batched = predictBatched(predict, x, 64);
    expect(batched.shape).toEqual([250, 1]);
    expect(Array.from(batched.dataSync())).toEqual(Array.from(whole));
  });
});
