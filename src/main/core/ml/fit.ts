import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffledIndices } from '../datasets/random.js';
import { CancelledError } from '../jobs/cancelled.js';
import type { EnsembleModels } from './models.js';

export interface EpochReport {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number;
}

export interface FitInput {
  readonly models: EnsembleModels;
  readonly members: number;
  readonly x: tf.Tensor;
  /** Targets in training units (e.g. RUL / cap), one row per window. */
  readonly y: tf.Tensor;
  readonly valX: tf.Tensor;
  readonly valY: tf.Tensor;
  /** How the prediction model's output compares with valY: divided by this first (undo the output scale). */
  readonly outputScale: number;
  readonly loss: 'mse' | 'huber' | 'binary-crossentropy';
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly patience: number | null;
  readonly seed: number;
  readonly onEpoch: (report: EpochReport) => void;
  readonly isCancelled: () => boolean;
}

export interface FitResult {
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly bestValLoss: number;
  readonly history: EpochReport[];
  readonly stoppedEarly: boolean;
}

const HUBER_DELTA = 0.1;

const lossFn = (kind: FitInput['loss']) => (yTrue: tf.Tensor, yPred: tf.Tensor) => {
  switch (kind) {
    case 'mse':
      return tf.losses.meanSquaredError(yTrue, yPred);
    case 'huber':
      // Targets are scaled to about [0, 1]; delta 0.1 is 12.5 cycles of RUL at the usual cap of 125.
      return tf.losses.huberLoss(yTrue, yPred, undefined, HUBER_DELTA);
    case 'binary-crossentropy':
      return tf.metrics.binaryCrossentropy(yTrue, yPred).mean();
  }
};

/** Predict in batches so a large validation or test set never allocates one huge activation tensor. */
export const predictBatched = (model: tf.LayersModel, x: tf.Tensor, batchSize = 1024): tf.Tensor =>
  tf.tidy(() => model.predict(x, { batchSize }) as tf.Tensor);

const validationLoss = (input: FitInput): number =>
  tf.tidy(() => {
    const pred = predictBatched(input.models.predict, input.valX).div(input.outputScale);
    const target = input.valY.reshape(pred.shape);
    const value = lossFn(input.loss)(target, pred);
    return value.dataSync()[0] as number;
  });

/**
 * The training loop: seeded shuffles (Math.random is never used, so runs repeat exactly), batches through
 * trainOnBatch (so Cancel is honoured between batches), a validation loss per epoch, early stopping with the
 * best weights restored. Loss reported per epoch is the mean member loss.
 */
export const fitEnsemble = async (input: FitInput): Promise<FitResult> => {
  const { models, members } = input;
  const loss = lossFn(input.loss);
  models.train.compile({
    optimizer: tf.train.adam(input.learningRate),
    loss: Array.from({ length: members }, () => loss),
  });
  const n = input.x.shape[0] ?? 0;
  const random = seededRandom(input.seed);
  const history: EpochReport[] = [];
  let best = { epoch: 0, valLoss: Infinity, weights: null as tf.Tensor[] | null };
  let stoppedEarly = false;
  let lastYield = performance.now();
  try {
    for (let epoch = 1; epoch <= input.epochs; epoch += 1) {
      const order = shuffledIndices(n, random);
      let sum = 0;
      let batches = 0;
      for (let start = 0; start < n; start += input.batchSize) {
        if (input.isCancelled()) throw new CancelledError('training cancelled');
        const idx = order.subarray(start, Math.min(n, start + input.batchSize));
        const [bx, by] = tf.tidy(() => {
          const index = tf.tensor1d(idx, 'int32');
          return [tf.gather(input.x, index), tf.gather(input.y, index)];
        });
        const ys = Array.from({ length: members }, () => by as tf.Tensor);
        const value = await models.train.trainOnBatch(bx as tf.Tensor, ys);
        tf.dispose([bx, by] as tf.Tensor[]);
        sum += (Array.isArray(value) ? (value[0] as number) : value) / members;
        batches += 1;
        // Yield to the event loop now and then (awaiting trainOnBatch only runs microtasks), so the worker
        // receives a cancel message within about 50 ms whatever the batch and epoch sizes.
        if (performance.now() - lastYield > 50) {
          await new Promise((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
      const valLoss = validationLoss(input);
      const report = { epoch, loss: sum / Math.max(1, batches), valLoss };
      history.push(report);
      input.onEpoch(report);
      if (valLoss < best.valLoss) {
        best.weights?.forEach((w) => w.dispose());
        best = { epoch, valLoss, weights: models.train.getWeights().map((w) => w.clone()) };
      } else if (input.patience !== null && epoch - best.epoch >= input.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.weights !== null) models.train.setWeights(best.weights);
  } finally {
    best.weights?.forEach((w) => w.dispose());
  }
  return { epochs: history.length, bestEpoch: best.epoch, bestValLoss: best.valLoss, history, stoppedEarly };
};
