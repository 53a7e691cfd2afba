import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/core/ml/backend.js';
import { conv1dLayer } from '../../../src/main/core/ml/conv1d-matmul.js';
import { deserialiseModel, serialiseModel } from '../../../src/main/core/ml/model-io.js';
import { buildEnsemble } from '../../../src/main/core/ml/models.js';
import { seededValues } from '../../support/seeded-values.js';

/** A small 1D-CNN regression (two convolutions, same/valid/causal padding) on one batch, input [8, 12, 3]. */
const LENGTH = 12;
const FEATURES = 3;

type Build = (args: Parameters<typeof tf.layers.conv1d>[0]) => tf.layers.Layer;

const cnn = (conv: Build, padding: 'same' | 'valid', kernelSize: number) => {
  const input = tf.input({ shape: [LENGTH, FEATURES] });
  let x = conv({ filters: 4, kernelSize, padding, activation: 'relu', name: 'c0' }).apply(input) as tf.SymbolicTensor;
  x = conv({ filters: 2, kernelSize, padding, activation: 'tanh', name: 'c1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, name: 'out' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
};

/** Loss and its gradient for every weight, with the model's weights set to fixed values first. */
const gradients = (model: tf.LayersModel, weights: readonly Float32Array[]) => {
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i] as Float32Array, w.shape)));
  const x = tf.tensor3d(seededValues(8 * LENGTH * FEATURES, 7), [8, LENGTH, FEATURES]);
  const y = tf.tensor2d(seededValues(8, 11), [8, 1]);
  const { value, grads } = tf.variableGrads(() =>
    tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor),
  );
  const result = {
    loss: value.dataSync()[0] as number,
    grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k.replace(/_\d+$/, ''), g.arraySync()])),
  };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  return result;
};

describe('1D convolution as im2col + matMul', () => {
  for (const [padding, kernelSize] of [
    ['same', 5],
    ['same', 4],
    ['valid', 3],
  ] as const) {
    it(`gives tfjs Conv1D's gradients on cpu when trained on wasm (${padding}, kernel ${kernelSize})`, async () => {
      await selectBackend('cpu', 'cnn1d');
      const reference = cnn(tf.layers.conv1d, padding, kernelSize);
      const weights = reference.getWeights().map((w, i) => seededValues(w.size, 100 + i));
      const expected = gradients(reference, weights);

      const chosen = await selectBackend('wasm', 'cnn1d');
      expect(chosen.name).toBe('wasm');
      const ours = cnn(conv1dLayer, padding, kernelSize);
      const actual = gradients(ours, weights);

      expect(actual.loss).toBeCloseTo(expected.loss, 5);
      expect(Object.keys(actual.grads).sort()).toEqual(Object.keys(expected.grads).sort());
      for (const [name, g] of Object.entries(expected.grads)) {
        const a = (actual.grads[name] as number[]).flat(3) as number[];
        const e = (g as number[]).flat(3) as number[];
        expect(a.length).toBe(e.length);
        const scale = Math.max(...e.map(Math.abs), 1e-6);
        // float32 on two backends with different summation order: agree to 1e-4 of the largest gradient.
        a.forEach((v, i) => expect(Math.abs(v - (e[i] as number)) / scale, `${name}[${i}]`).toBeLessThan(1e-4));
      }
      // A dead path (all-zero gradients) would also "agree": the reference must move every kernel.
      expect(Object.values(expected.grads).every((g) => (g as number[]).flat(3).some((v) => v !== 0))).toBe(true);
    });
  }

  it('saves as a plain Conv1D model that loads and predicts the same', async () => {
    await selectBackend('wasm', 'cnn1d');
    const { predict } = buildEnsemble({
      model: { type: 'cnn1d', filters: [4, 4], kernelSize: 5, dense: [8] },
      length: LENGTH,
      features: FEATURES,
      members: 2,
      seed: 3,
      l2: 0.001,
      outputs: 1,
      finalActivation: 'linear',
      outputScale: 125,
    });
    const { modelJson, weights } = await serialiseModel(predict);
    const classes = JSON.stringify(JSON.parse(modelJson).modelTopology).match(/"class_name":"Conv1D"/g) ?? [];
    expect(classes).toHaveLength(4);
    const loaded = await deserialiseModel(modelJson, weights);
    const x = tf.tensor3d(seededValues(5 * LENGTH * FEATURES, 9), [5, LENGTH, FEATURES]);
    const a = (predict.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Math.max(...Array.from(b, (v, i) => Math.abs(v - (a[i] as number))))).toBeLessThan(1e-3);
    expect(Array.from(a).some((v) => v !== 0)).toBe(true);
  });
});
