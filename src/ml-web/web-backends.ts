import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Registers the 'webgpu' backend (where the browser exposes navigator.gpu); the probe decides whether it trains.
import '@tensorflow/tfjs-backend-webgpu';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { ProbeCandidate } from '../main/core/ml/backend-probe.js';
import { RENDERER_BACKENDS } from '../shared/training-engine.js';
import { findWebGpuAdapter } from './webgpu-adapter.js';
import type { WebEngineEnvironment } from './web-worker-protocol.js';

// The wasm binaries are emitted by the renderer build and served by the app itself (no CDN, CSP 'self').
/**
 * wasm threads need SharedArrayBuffer, which a page only has when cross-origin isolated (the app serves COOP/COEP).
 * The threaded build's pthread workers and factory are files of the app (vite.config.ts, wasmThreadsAsFiles), so
 * they start under the app's CSP without blob: URLs. One thread per logical core the browser reports.
 */
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const workerNavigator = globalThis.navigator as { hardwareConcurrency?: number } | undefined;
const cores = Math.max(1, workerNavigator?.hardwareConcurrency ?? 1);
if (isolated) {
  /*
   * tfjs-backend-wasm 4.22 caps XNNPACK's pool at navigator.hardwareConcurrency / 2 (its C++ assumes two hardware
   * threads per core), so a 2-core machine, a VM or an Apple/ARM laptop (no SMT) gets 1 or half its cores whatever
   * setThreadsCount asks. This worker only trains: it reports twice the logical cores to the wasm module, so the
   * pool gets one thread per logical core (tfjs's own limit of 8 still applies).
   */
  if (workerNavigator !== undefined)
    Object.defineProperty(workerNavigator, 'hardwareConcurrency', { value: cores * 2, configurable: true });
  setThreadsCount(cores);
} else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** WebGL's renderer string (UNMASKED_RENDERER_WEBGL names the real GPU, or SwiftShader for software). */
const webGlRenderer = (): string | null => {
  try {
    if (typeof OffscreenCanvas === 'undefined') return null;
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (gl === null) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const name = gl.getParameter(ext === null ? gl.RENDERER : ext.UNMASKED_RENDERER_WEBGL) as unknown;
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
};

const starts = async (name: string): Promise<string | null> => {
  try {
    if (tf.findBackend(name) === null && tf.engine().registryFactory[name] === undefined)
      return 'its TensorFlow.js package is not in this build';
    // A backend whose start never settles (e.g. wasm threads whose workers fail to load) must not hang the run.
    const started = await Promise.race([
      tf.setBackend(name),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), START_TIMEOUT_MS)),
    ]);
    if (started === 'timeout') return `it did not start within ${START_TIMEOUT_MS / 1000} s`;
    return started ? null : 'it did not start here';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

const START_TIMEOUT_MS = 30_000;

let cached: WebEngineEnvironment | null = null;

/** What this worker can train with. Leaves the cpu backend set. */
export const webEnvironment = async (): Promise<WebEngineEnvironment> => {
  if (cached !== null) return cached;
  const backends: string[] = [];
  const missing: Record<string, string> = {};
  const gpu = await findWebGpuAdapter();
  const gpuAdapter = 'name' in gpu ? gpu.name : null;
  const glName = webGlRenderer();
  for (const name of RENDERER_BACKENDS) {
    const why =
      name === 'webgpu' && 'unavailable' in gpu
        ? gpu.unavailable
        : name === 'webgl' && glName === null
          ? 'this browser gives no WebGL2 context'
          : await starts(name);
    if (why === null) backends.push(name);
    else missing[name] = why;
  }
  const wasm = backends.includes('wasm')
    ? {
        simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') as boolean,
        threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') as boolean,
        // What XNNPACK's pool really got (1 when the single-threaded binary runs).
        threadsCount: getThreadsCount(),
      }
    : null;
  await tf.setBackend('cpu');
  cached = {
    backends,
    missing,
    adapter: gpuAdapter ?? (glName === null ? null : `WebGL: ${glName}`),
    adapters: { webgpu: gpuAdapter, webgl: glName === null ? null : `WebGL: ${glName}` },
    isolated,
    wasm,
  };
  return cached;
};

/** The probe's candidates, best first, each missing one with the reason, each GPU one with its adapter. */
export const probeCandidates = (environment: WebEngineEnvironment): ProbeCandidate[] =>
  RENDERER_BACKENDS.map((backend) => {
    const why = environment.missing[backend];
    if (why !== undefined) return { backend, unavailable: why };
    const adapter = backend === 'webgpu' || backend === 'webgl' ? environment.adapters[backend] : null;
    return adapter === null ? { backend } : { backend, adapter };
  });
