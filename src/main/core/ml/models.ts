import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../../shared/training.js';
import { conv1dLayer } from './conv1d-matmul.js';

type Layer = tf.SymbolicTensor;

/** Seeded initialisers: the same seed gives the same starting weights on every backend. */
const init = (seed: number) => ({
  kernelInitializer: tf.initializers.glorotUniform({ seed }),
  biasInitializer: 'zeros' as const,
});

/**
 * A dense regression model's layers start as PyTorch's Linear does: weights and biases uniform within
 * 1/sqrt(fan-in). On C-MAPSS FD001 (default preset, seeds 1-5) this lowered the validation RMSE from 9.86 to 9.39
 * against Glorot weights and zero biases, and closed the gap to the PyTorch peer of the same model
 * (docs/training.md, "Presets"). Classifiers keep Glorot: the failure-horizon test classifier lost F1 with it.
 */
const fanInInit = (fanIn: number, kernelSeed: number, biasSeed: number) => {
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tf.initializers.varianceScaling({
      scale: 1 / 3,
      mode: 'fanIn',
      distribution: 'uniform',
      seed: kernelSeed,
    }),
    biasInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: biasSeed }),
  };
};

/**
 * One ensemble member: input window [length, features] -> `outputs` values. Layer names carry the member
 * index so several members live in one model (and one model.json). Activation of the last layer is left to
 * the caller (linear for regression and reconstruction, sigmoid for classification).
 */
export const buildMember = (
  input: Layer,
  model: ModelConfig,
  shape: { length: number; features: number },
  member: number,
  seed: number,
  l2: number,
  outputs: number,
  finalActivation: 'linear' | 'sigmoid',
): Layer => {
  const prefix = `m${member}_`;
  const reg = l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {};
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483647);
  const initFor = (x: Layer) =>
    model.type === 'dense' && finalActivation === 'linear'
      ? fanInInit(x.shape[x.shape.length - 1] as number, next(), next())
      : init(next());
  const dense = (x: Layer, units: number, name: string, activation: 'relu' | 'linear' | 'sigmoid' = 'relu') =>
    tf.layers.dense({ units, activation, name: `${prefix}${name}`, ...initFor(x), ...reg }).apply(x) as Layer;
  let x: Layer;
  switch (model.type) {
    case 'dense':
    case 'autoencoder': {
      x = tf.layers.flatten({ name: `${prefix}flatten` }).apply(input) as Layer;
      model.units.forEach((u, i) => (x = dense(x, u, `dense${i}`)));
      if (model.type === 'autoencoder') {
        // Mirror the encoder (without its bottleneck) for the decoder.
        [...model.units]
          .reverse()
          .slice(1)
          .forEach((u, i) => (x = dense(x, u, `decode${i}`)));
      }
      break;
    }
    case 'gru':
    case 'lstm': {
      const rnn = model.type === 'gru' ? tf.layers.gru : tf.layers.lstm;
      x = rnn({
        units: model.units,
        name: `${prefix}${model.type}`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: next() }),
        // Orthogonal init is slow for big matrices in tfjs and glorot trains as well on windows this short.
        recurrentInitializer: tf.initializers.glorotUniform({ seed: next() }),
        ...reg,
      }).apply(input) as Layer;
      model.dense.forEach((u, i) => (x = dense(x, u, `dense${i}`)));
      break;
    }
    case 'cnn1d': {
      x = input;
      model.filters.forEach((f, i) => {
        // Trains on wasm too (conv1d-matmul.ts: XNNPACK convolutions with a custom gradient there, im2col + matMul
        // elsewhere); saves as a plain Conv1D.
        x = conv1dLayer({
          filters: f,
          kernelSize: model.kernelSize,
          padding: 'same',
          activation: 'relu',
          name: `${prefix}conv${i}`,
          ...init(next()),
          ...reg,
        }).apply(x) as Layer;
      });
      x = tf.layers.flatten({ name: `${prefix}flatten` }).apply(x) as Layer;
      model.dense.forEach((u, i) => (x = dense(x, u, `dense${i}`)));
      break;
    }
    case 'pca':
      throw new Error('PCA is not a TensorFlow model');
  }
  return dense(x, outputs, 'out', finalActivation === 'sigmoid' ? 'sigmoid' : 'linear');
};

export interface EnsembleModels {
  /** Trained: one output per member, each with its own loss, so members learn independently. */
  readonly train: tf.LayersModel;
  /** Saved and scored: the members' mean, scaled back to the label's unit (e.g. cycles). */
  readonly predict: tf.LayersModel;
}

/**
 * Members share the input but no weights; training them as outputs of one model is the same as training each
 * alone on the same batches, but runs as one graph (one kernel call per layer type per batch for all members).
 * The prediction model ends in a frozen dense layer that multiplies by `outputScale`, so the saved model
 * answers in the label's unit with no extra post-processing in the registry or at scoring time.
 */
export const buildEnsemble = (input: {
  model: ModelConfig;
  length: number;
  features: number;
  members: number;
  seed: number;
  l2: number;
  outputs: number;
  finalActivation: 'linear' | 'sigmoid';
  outputScale: number;
}): EnsembleModels => {
  const x = tf.input({ shape: [input.length, input.features], name: 'window' });
  const outs: Layer[] = [];
  for (let m = 0; m < input.members; m += 1) {
    outs.push(
      buildMember(x, input.model, input, m, input.seed + 7919 * m, input.l2, input.outputs, input.finalActivation),
    );
  }
  const train = tf.model({ inputs: x, outputs: outs, name: 'train' });
  let mean = outs.length > 1 ? (tf.layers.average({ name: 'ensemble_mean' }).apply(outs) as Layer) : (outs[0] as Layer);
  if (input.outputScale !== 1) {
    const scale = tf.layers.dense({
      units: input.outputs,
      useBias: false,
      trainable: false,
      name: 'output_scale',
      kernelInitializer: tf.initializers.identity({ gain: input.outputScale }),
    });
    mean = scale.apply(mean) as Layer;
  }
  // For an autoencoder the output is a flattened window; reshape so it compares with the input directly.
  if (input.model.type === 'autoencoder') {
    mean = tf.layers
      .reshape({ targetShape: [input.length, input.features], name: 'reconstruction' })
      .apply(mean) as Layer;
  }
  const predict = tf.model({ inputs: x, outputs: mean, name: 'predict' });
  return { train, predict };
};
