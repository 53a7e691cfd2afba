import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/core/ml/backend.js';
import { useUntransposedWasmMatMul } from '../../../src/main/core/ml/wasm-matmul.js';
import { seededValues } from '../../support/seeded-values.js';

interface Product {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly bias?: boolean;
  readonly activation?: 'relu' | 'linear';
}

const PRODUCTS: readonly Product[] = [
  // A^T B with a large A (a weight gradient): computed as (B^T A)^T.
  { name: 'A^T B, tall A', a: [300, 20], b: [300, 4], transposeA: true, transposeB: false },
  // A^T B where transposing A is the cheaper way.
  { name: 'A^T B, tall B', a: [30, 5], b: [30, 40], transposeA: true, transposeB: false },
  { name: 'A B^T', a: [50, 4], b: [20, 4], transposeA: false, transposeB: true },
  { name: 'A^T B^T', a: [7, 9], b: [5, 7], transposeA: true, transposeB: true },
  { name: 'batched A^T B', a: [3, 8, 6], b: [3, 8, 5], transposeA: true, transposeB: false },
  { name: 'batched A B^T, broadcast B', a: [3, 6, 8], b: [1, 5, 8], transposeA: false, transposeB: true },
  { name: 'fused A B^T + bias, relu', a: [1, 40, 6], b: [1, 7, 6], transposeA: false, transposeB: true, bias: true },
  { name: 'fused A^T B + bias', a: [1, 6, 40], b: [1, 6, 7], transposeA: true, transposeB: false, bias: true },
];

const product = (p: Product): number[] =>
  tf.tidy(() => {
    const a = tf.tensor(
      seededValues(
        p.a.reduce((x, y) => x * y),
        1,
      ),
      p.a,
    );
    const b = tf.tensor(
      seededValues(
        p.b.reduce((x, y) => x * y),
        2,
      ),
      p.b,
    );
    if (p.bias !== true) return Array.from(tf.matMul(a, b, p.transposeA, p.transposeB).dataSync());
    const outer = p.transposeB ? (p.b.at(-2) as number) : (p.b.at(-1) as number);
    return Array.from(
      tf.fused
        .matMul({
          a: a as tf.Tensor3D,
          b: b as tf.Tensor3D,
          transposeA: p.transposeA,
          transposeB: p.transposeB,
          bias: tf.tensor1d(seededValues(outer, 3)),
          activation: p.activation ?? 'relu',
        })
        .dataSync(),
    );
  });

describe('wasm matMul without the transposed slow loop (wasm-matmul.ts)', () => {
  it('gives the cpu backend its products for every transpose combination, batched and fused, and frees its temporaries', async () => {
    await selectBackend('cpu', 'dense');
    const expected = PRODUCTS.map(product);
    await selectBackend('wasm', 'dense');
    const originals = ['BatchMatMul', '_FusedMatMul'].map((k) => tf.getKernel(k, 'wasm')?.kernelFunc);
    expect(useUntransposedWasmMatMul()).toBe(true);
    expect(useUntransposedWasmMatMul()).toBe(true); // idempotent: wraps once
    // Installed: the wasm kernels are the wrappers now (speed itself is measured by the benches, not tests).
    ['BatchMatMul', '_FusedMatMul'].forEach((k, i) =>
      expect(tf.getKernel(k, 'wasm')?.kernelFunc).not.toBe(originals[i]),
    );
    const before = tf.memory();
    const actual = PRODUCTS.map(product);
    // Nothing left behind: no tensor and no byte of the wasm heap (the transposed operands are disposed).
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    PRODUCTS.forEach((p, i) => {
      const e = expected[i] as number[];
      const a = actual[i] as number[];
      expect(a.length, p.name).toBe(e.length);
      const scale = Math.max(...e.map(Math.abs));
      // float32, different summation order: within 1e-5 of the largest element.
      a.forEach((v, j) => expect(Math.abs(v - (e[j] as number)) / scale, `${p.name}[${j}]`).toBeLessThan(1e-5));
    });
  });

  it('makes dense-layer gradients on wasm equal to cpu', async () => {
    const grads = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(seededValues(64 * 30, 4), [64, 30]);
        const w = tf.variable(tf.tensor2d(seededValues(30 * 8, 5), [30, 8]));
        const { grads: g } = tf.variableGrads(() => tf.sum(tf.square(tf.relu(tf.matMul(x, w)))), [w]);
        const out = Array.from((g[w.name] as tf.Tensor).dataSync());
        w.dispose();
        return out;
      });
    await selectBackend('cpu', 'dense');
    const expected = grads();
    await selectBackend('wasm', 'dense');
    useUntransposedWasmMatMul();
    const actual = grads();
    const scale = Math.max(...expected.map(Math.abs));
    actual.forEach((v, i) => expect(Math.abs(v - (expected[i] as number)) / scale).toBeLessThan(1e-5));
  });
});
