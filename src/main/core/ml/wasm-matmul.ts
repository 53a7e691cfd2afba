import * as tf from '@tensorflow/tfjs';

/**
 * The wasm backend multiplies matrices through XNNPACK only when neither operand is transposed; with transposeA or
 * transposeB it falls back to a plain triple loop, 5-12x slower (FD001 1D-CNN shapes, e.g. [7680,80]^T x [7680,16]:
 * 8.0 ms against 0.65 ms). Every matMul gradient asks for exactly those transposes (dA = dY B^T, dB = A^T dY), so
 * on wasm the backward pass of each dense or convolution layer ran on the slow loop.
 *
 * This wraps the wasm BatchMatMul and _FusedMatMul kernels: a transposed operand is first transposed explicitly
 * (wasm's Transpose kernel), then the original kernel runs untransposed. For A^T B without bias, where A is the
 * larger operand, it computes (B^T A)^T instead, so only the small operand and the small result are moved.
 * The products are the same; only the summation order changes (float32 rounding). Pure tfjs, browser-safe.
 */

interface TensorInfo {
  readonly dataId: object;
  shape: number[];
  readonly dtype: tf.DataType;
}
interface WasmBackend {
  disposeData(dataId: object): boolean;
}
type KernelArgs = {
  inputs: Record<string, TensorInfo | undefined>;
  backend: WasmBackend;
  attrs: Record<string, unknown>;
};
type KernelFunc = (args: KernelArgs) => TensorInfo;

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Swap the last two axes. */
const swapLast = (transpose: KernelFunc, backend: WasmBackend, x: TensorInfo): TensorInfo => {
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return transpose({ inputs: { x }, backend, attrs: { perm } });
};

let installed = false;

/** Install the wrappers once per process (idempotent); a no-op where the wasm backend is not registered. */
export const useUntransposedWasmMatMul = (): boolean => {
  if (installed) return true;
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  const batch = tf.getKernel('BatchMatMul', 'wasm');
  const fused = tf.getKernel('_FusedMatMul', 'wasm');
  if (transposeKernel === undefined || batch === undefined || fused === undefined) return false;
  const transpose = transposeKernel.kernelFunc as unknown as KernelFunc;

  const wrap = (original: tf.KernelConfig, allowResultTranspose: boolean): tf.KernelConfig => {
    const run = original.kernelFunc as unknown as KernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const a = args.inputs['a'] as TensorInfo;
      const b = args.inputs['b'] as TensorInfo;
      if (!transposeA && !transposeB) return run(args);
      const { backend } = args;
      const temps: TensorInfo[] = [];
      const moved = (x: TensorInfo) => {
        const t = swapLast(transpose, backend, x);
        temps.push(t);
        return t;
      };
      try {
        // A^T B with a large A (a weight gradient: activations^T x output gradient): C^T = B^T A moves only B and C.
        const plain = allowResultTranspose && transposeA && !transposeB && a.shape.length === 2 && b.shape.length === 2;
        if (plain && size(b.shape) + (a.shape[1] ?? 0) * (b.shape[1] ?? 0) < size(a.shape)) {
          const ct = run({ ...args, inputs: { a: moved(b), b: a }, attrs: { ...args.attrs, transposeA: false } });
          temps.push(ct);
          return swapLast(transpose, backend, ct);
        }
        return run({
          ...args,
          inputs: { ...args.inputs, a: transposeA ? moved(a) : a, b: transposeB ? moved(b) : b },
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        temps.forEach((t) => backend.disposeData(t.dataId));
      }
    };
    return { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
  };

  // Unregister first: registering over a kernel works but logs a warning.
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(wrap(batch, true));
  tf.unregisterKernel('_FusedMatMul', 'wasm');
  tf.registerKernel(wrap(fused, false));
  installed = true;
  return true;
};
