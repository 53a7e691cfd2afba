import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendPreference, ModelConfig } from '../../../shared/training.js';

/** Backends in the order tried, best first, with the optional package that provides each native one. */
const NATIVE: readonly { name: string; pkg: string }[] = [
  { name: 'tensorflow', pkg: '@tensorflow/tfjs-node-gpu' },
  { name: 'tensorflow', pkg: '@tensorflow/tfjs-node' },
];

/** What the run record shows: the tfjs backend plus, for native ones, which package provided it. */
export interface ChosenBackend {
  readonly name: string;
  readonly label: string;
}

let wasmPathsSet = false;

const trySetBackend = async (name: string): Promise<boolean> => {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
};

const loadNative = async (pkg: string): Promise<boolean> => {
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional package.
    const specifier = pkg;
    await import(specifier);
    return tf.findBackend('tensorflow') !== undefined || tf.engine().registryFactory['tensorflow'] !== undefined;
  } catch {
    return false;
  }
};

/**
 * Choose the fastest backend available here: tfjs-node-gpu > tfjs-node > wasm > cpu.
 * Native packages are optional dependencies loaded lazily; a missing one is skipped, never an error.
 * WebGPU/WebGL exist only in an Electron renderer, not in this Node worker.
 */
export const selectBackend = async (
  preference: BackendPreference,
  // Every model type trains on every backend here (the 1D-CNN too, see conv1d-matmul.ts); the parameter stays so
  // callers keep stating the model, for when a backend without some kernel is added.
  _model: ModelConfig['type'],
): Promise<ChosenBackend> => {
  const candidates: { name: string; label: string; pkg?: string }[] = [];
  if (preference === 'auto' || preference === 'tensorflow-gpu')
    candidates.push({ ...NATIVE[0]!, label: 'tensorflow-gpu' });
  if (preference === 'auto' || preference === 'tensorflow') candidates.push({ ...NATIVE[1]!, label: 'tensorflow' });
  if (preference === 'auto' || preference === 'wasm') candidates.push({ name: 'wasm', label: 'wasm' });
  candidates.push({ name: 'cpu', label: 'cpu' });
  for (const candidate of candidates) {
    if (candidate.pkg !== undefined && !(await loadNative(candidate.pkg))) continue;
    if (candidate.name === 'wasm' && !wasmPathsSet) {
      // In Node the wasm binaries are read from node_modules by file path (no fetch from a CDN).
      const require = createRequire(import.meta.url);
      setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
      wasmPathsSet = true;
    }
    if (await trySetBackend(candidate.name)) {
      await tf.ready();
      return { name: candidate.name, label: candidate.label };
    }
  }
  throw new Error('no TensorFlow.js backend could start (not even cpu)');
};
