import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/core/ml/backend.js';
import { conv1dForwardOnly, type Conv1DActivation } from '../../../src/main/core/ml/conv1d-grad.js';
import { conv1dByMatMul, timePadding } from '../../../src/main/core/ml/conv1d-matmul.js';
import { buildEnsemble } from '../../../src/main/core/ml/models.js';
import { seededValues } from '../../support/seeded-values.js';

interface Case {
  readonly padding: 'same' | 'valid';
  readonly k: number;
  readonly dilation: number;
  readonly activation: Conv1DActivation;
}

const BATCH = 6;
const TIME = 11;
const CHANNELS = 3;
const FILTERS = 4;

/** Loss sum(y * r) for a fixed random r, so every output position carries a different upstream gradient. */
const lossAndGrads = (conv: (x: tf.Tensor3D, w: tf.Tensor3D, b: tf.Tensor1D) => tf.Tensor3D, outLen: number, c: Case) =>
  tf.tidy(() => {
    const x = tf.tensor3d(seededValues(BATCH * TIME * CHANNELS, 1), [BATCH, TIME, CHANNELS]);
    const w = tf.tensor3d(seededValues(c.k * CHANNELS * FILTERS, 2), [c.k, CHANNELS, FILTERS]);
    const b = tf.tensor1d(seededValues(FILTERS, 3));
    const r = tf.tensor3d(seededValues(BATCH * outLen * FILTERS, 4), [BATCH, outLen, FILTERS]);
    const f = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(tf.mul(conv(xs as tf.Tensor3D, ws as tf.Tensor3D, bs as tf.Tensor1D), r));
    const { value, grads } = tf.valueAndGrads(f)([x, w, b]);
    return { loss: value.dataSync()[0] as number, grads: grads.map((g) => Array.from(g.dataSync())) };
  });

/**
 * The reference, on the cpu backend: tfjs's own conv1d with its own gradients (Conv2DBackpropInput/Filter). tfjs
 * refuses gradients of dilated convolutions, so for dilation > 1 the im2col form (slices + matMul, whose
 * gradients are tfjs's Slice/Concat/MatMul ones) is the reference instead.
 */
const reference = (c: Case) => (x: tf.Tensor3D, w: tf.Tensor3D, b: tf.Tensor1D) => {
  if (c.dilation > 1) return conv1dByMatMul(x, w, b, c.padding, c.dilation, c.activation);
  const y = tf.add(tf.conv1d(x, w, 1, c.padding, 'NWC', c.dilation), b) as tf.Tensor3D;
  return c.activation === 'relu' ? tf.relu(y) : y;
};

const ours = (c: Case, withInputGradient: boolean) => (x: tf.Tensor3D, w: tf.Tensor3D, b: tf.Tensor1D) => {
  const [left, right] = timePadding(c.padding, (c.k - 1) * c.dilation + 1);
  return conv1dForwardOnly(x, w, b, { left, right, dilation: c.dilation, activation: c.activation }, withInputGradient);
};

const CASES: readonly Case[] = [
  { padding: 'same', k: 5, dilation: 1, activation: 'relu' },
  { padding: 'same', k: 4, dilation: 1, activation: 'linear' },
  { padding: 'valid', k: 3, dilation: 1, activation: 'relu' },
  { padding: 'same', k: 3, dilation: 2, activation: 'relu' },
  { padding: 'valid', k: 2, dilation: 3, activation: 'linear' },
];

// Tolerance: float32 on two backends with a different summation order; every gradient element must agree to 1e-4
// of the largest element of that gradient (the values here are O(1), errors seen are ~1e-7 of it).
const expectClose = (actual: readonly number[], expected: readonly number[], what: string) => {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), 1e-6);
  actual.forEach((v, i) => expect(Math.abs(v - (expected[i] as number)) / scale, `${what}[${i}]`).toBeLessThan(1e-4));
  expect(
    expected.some((v) => v !== 0),
    `${what} moves`,
  ).toBe(true);
};

describe('1D convolution with forward-only gradients (conv1d-grad.ts)', () => {
  for (const c of CASES) {
    const name = `${c.padding}, kernel ${c.k}, dilation ${c.dilation}, ${c.activation}`;
    it(`matches tfjs conv1d's value and gradients on cpu for x, kernel and bias when run on wasm (${name})`, async () => {
      await selectBackend('cpu', 'cnn1d');
      const [left, right] = timePadding(c.padding, (c.k - 1) * c.dilation + 1);
      const outLen = TIME + left + right - (c.k - 1) * c.dilation;
      const expected = lossAndGrads(reference(c), outLen, c);
      expect((await selectBackend('wasm', 'cnn1d')).name).toBe('wasm');
      const actual = lossAndGrads(ours(c, true), outLen, c);
      expect(Math.abs(actual.loss - expected.loss) / Math.max(1, Math.abs(expected.loss))).toBeLessThan(1e-5);
      ['x', 'kernel', 'bias'].forEach((what, i) =>
        expectClose(actual.grads[i] as number[], expected.grads[i] as number[], what),
      );
    });
  }

  it('without the input gradient still gives the kernel and bias gradients, and no gradient reaches x', async () => {
    const c = CASES[0] as Case;
    await selectBackend('cpu', 'cnn1d');
    const expected = lossAndGrads(reference(c), TIME, c);
    await selectBackend('wasm', 'cnn1d');
    const actual = tf.tidy(() => {
      const x = tf.tensor3d(seededValues(BATCH * TIME * CHANNELS, 1), [BATCH, TIME, CHANNELS]);
      const w = tf.variable(tf.tensor3d(seededValues(c.k * CHANNELS * FILTERS, 2), [c.k, CHANNELS, FILTERS]));
      const b = tf.variable(tf.tensor1d(seededValues(FILTERS, 3)));
      const r = tf.tensor3d(seededValues(BATCH * TIME * FILTERS, 4), [BATCH, TIME, FILTERS]);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(ours(c, false)(x, w, b), r)), [w, b]);
      // x is a constant to this op: asking for its gradient is an error, not a silent zero.
      expect(() => tf.grad((xs: tf.Tensor) => tf.sum(ours(c, false)(xs as tf.Tensor3D, w, b)))(x)).toThrow();
      const out = [w, b].map((v) => Array.from((grads[v.name] as tf.Tensor).dataSync()));
      tf.dispose([w, b]);
      return out;
    });
    expectClose(actual[0] as number[], expected.grads[1] as number[], 'kernel');
    expectClose(actual[1] as number[], expected.grads[2] as number[], 'bias');
  });

  it('a 1D-CNN training step on wasm runs no im2col copies (no Concat, Slice, Pad, SplitV) and no Gather', async () => {
    await selectBackend('wasm', 'cnn1d');
    const { train } = buildEnsemble({
      model: { type: 'cnn1d', filters: [4, 4], kernelSize: 5, dense: [8] },
      length: 12,
      features: 3,
      members: 1,
      seed: 3,
      l2: 0.001,
      outputs: 1,
      finalActivation: 'linear',
      outputScale: 1,
    });
    const x = tf.tensor3d(seededValues(8 * 12 * 3, 5), [8, 12, 3]);
    const y = tf.tensor2d(seededValues(8, 6), [8, 1]);
    const optimizer = tf.train.adam(0.01);
    const profile = await tf.profile(() =>
      tf.tidy(() => {
        optimizer.minimize(() => tf.losses.meanSquaredError(y, train.apply(x, { training: true }) as tf.Tensor));
      }),
    );
    const names = new Set(profile.kernels.map((k) => k.name));
    // Forward: 2 convolutions; backward: 1 input gradient (the second layer's) + 2 kernel gradients.
    expect(profile.kernels.filter((k) => k.name === 'FusedConv2D')).toHaveLength(5);
    for (const copy of ['Concat', 'Slice', 'PadV2', 'SplitV', 'GatherV2']) expect(names.has(copy), copy).toBe(false);
    tf.dispose([x, y]);
    optimizer.dispose();
  });
});
