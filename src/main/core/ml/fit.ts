import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffledIndices } from '../datasets/random.js';
import { CancelledError } from '../jobs/cancelled.js';
import type { EnsembleModels } from './models.js';
import { useUntransposedWasmMatMul } from './wasm-matmul.js';

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
  /**
   * Optional: the same values as x (and y), row-major on the JS heap, e.g. the WindowSet they were made from. When
   * given, each batch is copied from them and uploaded (one 430 KB copy per FD001 batch) instead of gathered on the
   * backend: the wasm Gather kernel costs ~3 ms per batch of 256 FD001 windows, a sixth of a 1D-CNN step.
   */
  readonly hostX?: Float32Array;
  readonly hostY?: Float32Array;
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

/**
 * Predict in batches so a large validation or test set never allocates one huge activation tensor. Batches are
 * gathered, not sliced: model.predict slices its input per batch, and the wasm backend's Slice copies the whole
 * source tensor out of its heap each time (the cost grew with the square of the set's size).
 */
export const predictBatched = (model: tf.LayersModel, x: tf.Tensor, batchSize = 1024): tf.Tensor =>
  tf.tidy(() => {
    const n = x.shape[0] ?? 0;
    if (n <= batchSize) return model.predictOnBatch(x) as tf.Tensor;
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const rows = tf.range(start, Math.min(n, start + batchSize), 1, 'int32');
      parts.push(model.predictOnBatch(tf.gather(x, rows)) as tf.Tensor);
    }
    return tf.concat(parts, 0);
  });

/**
 * Validation rows per predict call: as many as fit in 4M input values (16 MB; 9,986 FD001 windows), at least 1,024.
 * Each extra batch costs a Gather of its rows (wasm: ~13 ms per 1,024 FD001 windows), which was half of the
 * validation pass, itself a fifteenth of a 1D-CNN epoch.
 */
export const validationBatchRows = (x: tf.Tensor): number => {
  const width = Math.max(1, x.size / Math.max(1, x.shape[0] ?? 1));
  return Math.max(1024, Math.floor(4_194_304 / width));
};

/**
 * Read back asynchronously (here and for the epoch's loss): on tfjs-backend-webgpu a synchronous read (readSync, via
 * canvases) in the middle of training left the device unable to create mapped buffers, and the run failed at the
 * next upload ("createBuffer failed, size (512) is too large ... mappedAtCreation"); an async read also frees a
 * browser worker's event loop while the GPU finishes.
 */
const validationLoss = async (input: FitInput): Promise<number> => {
  const value = tf.tidy(() => {
    const pred = predictBatched(input.models.predict, input.valX, validationBatchRows(input.valX)).div(
      input.outputScale,
    );
    const target = input.valY.reshape(pred.shape);
    return lossFn(input.loss)(target, pred);
  });
  try {
    return (await value.data())[0] as number;
  } finally {
    value.dispose();
  }
};

/** Rows `index` of a row-major host array whose rows are `width` values long, as one new array. */
export const copyRows = (source: Float32Array, width: number, index: Int32Array): Float32Array => {
  const out = new Float32Array(index.length * width);
  for (let i = 0; i < index.length; i += 1) {
    const start = (index[i] as number) * width;
    out.set(source.subarray(start, start + width), i * width);
  }
  return out;
};

/** Give the event loop a turn (a cancel message can arrive); setImmediate in Node, a 0 ms timer in a browser. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (cb: () => void) => void }).setImmediate;
    if (immediate !== undefined) immediate(resolve);
    else setTimeout(resolve, 0);
  });

/**
 * The training loop: seeded shuffles (Math.random is never used, so runs repeat exactly), a validation loss per
 * epoch, early stopping with the best weights restored. Loss reported per epoch is the mean member loss
 * (regulariser included, as Keras reports it).
 *
 * Per-step overhead is what separates tfjs from PyTorch on models this small (a dense step is ~45 MFLOP), so a
 * step does only, inside one tidy: gather its rows from the training set (uploaded once, before the first epoch;
 * a step sends 1 KB of row indices), the forward pass, the member losses plus the layers' regularisers, and
 * Adam's update (one optimizer.minimize: no compile, no per-call input checks as trainOnBatch does); the loss
 * stays on the backend and is read once per epoch, not synced per step. Batches are gathered rather than sliced
 * from a shuffled copy because the wasm backend's Slice reads the whole source tensor out of its heap (a 23 MB
 * copy per batch on FD001), while its Gather touches only the rows. Cancel is honoured between steps. Pure tfjs
 * (no node:*), so a browser worker can run the same loop.
 */
export const fitEnsemble = async (input: FitInput): Promise<FitResult> => {
  const { models, members } = input;
  // Gradients transpose matMul operands, which wasm multiplies on a slow loop (wasm-matmul.ts).
  if (tf.getBackend() === 'wasm') useUntransposedWasmMatMul();
  const model = models.train;
  const loss = lossFn(input.loss);
  const optimizer = tf.train.adam(input.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const n = input.x.shape[0] ?? 0;
  const random = seededRandom(input.seed);
  const history: EpochReport[] = [];
  let best = { epoch: 0, valLoss: Infinity, weights: null as tf.Tensor[] | null };
  let stoppedEarly = false;
  let lastYield = performance.now();
  const batchOf = (index: Int32Array, rows: tf.Tensor1D, full: tf.Tensor, host: Float32Array | undefined) => {
    if (host === undefined || host.length !== full.size) return tf.gather(full, rows);
    const shape = full.shape.slice(1);
    return tf.tensor(copyRows(host, full.size / Math.max(1, n), index), [index.length, ...shape]);
  };
  const step = (index: Int32Array): tf.Scalar =>
    tf.tidy(() => {
      // Gathered before minimize, off the gradient tape: a recorded Gather saves a copy of its input (the whole
      // training set) for the backward pass, on every step.
      const rows = tf.tensor1d(index, 'int32');
      const bx = batchOf(index, rows, input.x, input.hostX);
      const by = batchOf(index, rows, input.y, input.hostY);
      return optimizer.minimize(
        () => {
          const out = model.apply(bx, { training: true }) as tf.Tensor | tf.Tensor[];
          const terms = (Array.isArray(out) ? out : [out]).map((o) => loss(by, o));
          terms.push(...model.calculateLosses());
          return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
        },
        true,
        variables,
      ) as tf.Scalar;
    });
  try {
    for (let epoch = 1; epoch <= input.epochs; epoch += 1) {
      const order = shuffledIndices(n, random);
      const costs: tf.Scalar[] = [];
      for (let start = 0; start < n; start += input.batchSize) {
        if (input.isCancelled()) throw new CancelledError('training cancelled');
        costs.push(step(order.subarray(start, Math.min(n, start + input.batchSize))));
        // Yield to the event loop now and then (nothing in a step awaits), so the worker receives a cancel
        // message within about 50 ms whatever the batch and epoch sizes.
        if (performance.now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const total = costs.length === 0 ? null : tf.tidy(() => tf.addN(costs));
      const sum = total === null ? 0 : ((await total.data())[0] as number);
      tf.dispose([...costs, ...(total === null ? [] : [total])]);
      const valLoss = await validationLoss(input);
      const report = { epoch, loss: sum / Math.max(1, costs.length) / members, valLoss };
      history.push(report);
      input.onEpoch(report);
      if (valLoss < best.valLoss) {
        best.weights?.forEach((w) => w.dispose());
        best = { epoch, valLoss, weights: model.getWeights().map((w) => w.clone()) };
      } else if (input.patience !== null && epoch - best.epoch >= input.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.weights !== null) model.setWeights(best.weights);
  } finally {
    best.weights?.forEach((w) => w.dispose());
    optimizer.dispose();
  }
  return { epochs: history.length, bestEpoch: best.epoch, bestValLoss: best.valLoss, history, stoppedEarly };
};
