import type { PdmApi } from '../../shared/api.js';
import type { EngineAnnouncement } from '../../shared/training-engine.js';
import type { WebWorkerReply, WebWorkerRequest } from '../../ml-web/web-worker-protocol.js';
import { findWebGpuAdapter } from '../../ml-web/webgpu-adapter.js';

/** How often a training window tells the core it is alive (and learns of Cancel between epochs). */
const HEARTBEAT_MS = 1000;

/**
 * What this window can offer, found without loading TensorFlow.js (cheap, on every load): a WebGL2 context and
 * its renderer string, a WebGPU adapter. The Web Worker probes the real backends when a run arrives.
 */
export const detectEngine = async (): Promise<EngineAnnouncement> => {
  const backends: string[] = [];
  let adapter: string | null = null;
  // The worker registers tfjs-backend-webgpu first: a window with a WebGPU adapter offers it (the probe decides).
  const gpu = await findWebGpuAdapter();
  if ('name' in gpu) {
    backends.push('webgpu');
    adapter = gpu.name;
  }
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl !== null) {
      backends.push('webgl');
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const name = gl.getParameter(ext === null ? gl.RENDERER : ext.UNMASKED_RENDERER_WEBGL) as unknown;
      if (adapter === null && typeof name === 'string') adapter = `WebGL: ${name}`;
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // no WebGL2
  }
  if (typeof WebAssembly === 'object') backends.push('wasm');
  backends.push('cpu');
  return { backends, adapter, isolated: globalThis.crossOriginIsolated === true };
};

const startWorker = (): Worker =>
  // Vite bundles the worker (and TensorFlow.js with it) as its own chunk, loaded only when a run arrives.
  new Worker(new URL('../../ml-web/train-web-worker.ts', import.meta.url), { type: 'module' });

/**
 * The window's side of the renderer training engine: take an offered run, train it in a fresh Web Worker, relay
 * progress to the core and Cancel back, and hand the result (or the error) to the core.
 */
export const trainHandoff = async (api: PdmApi, runId: string): Promise<void> => {
  let request: string;
  try {
    request = (await api.takeTrainingHandoff({ runId })).request;
  } catch {
    return; // another window took it first, or it was cancelled meanwhile
  }
  const worker = startWorker();
  const send = (message: WebWorkerRequest) => worker.postMessage(message);
  await new Promise<void>((resolve) => {
    let finished = false;
    const relay = (answer: Promise<{ cancel: boolean }>) =>
      answer.then(
        (r) => r.cancel && send({ type: 'cancel' }),
        () => undefined,
      );
    const heartbeat = setInterval(() => void relay(api.reportTrainingHandoff({ runId, progress: null })), HEARTBEAT_MS);
    const finish = (outcome: { ok: true; result: string } | { ok: false; message: string; cancelled: boolean }) => {
      if (finished) return;
      finished = true;
      clearInterval(heartbeat);
      worker.terminate();
      api.finishTrainingHandoff({ runId, outcome }).then(
        () => resolve(),
        () => resolve(),
      );
    };
    worker.onmessage = (event: MessageEvent<WebWorkerReply>) => {
      const reply = event.data;
      switch (reply.type) {
        case 'progress':
          void relay(api.reportTrainingHandoff({ runId, progress: reply.progress }));
          return;
        case 'done':
          finish({ ok: true, result: reply.result });
          return;
        case 'error':
          finish({ ok: false, message: reply.message, cancelled: reply.cancelled });
          return;
        case 'environment':
        case 'probed':
          return;
      }
    };
    worker.onerror = (event) =>
      finish({ ok: false, message: event.message || 'the training worker failed to start', cancelled: false });
    send({ type: 'train', request });
  });
};
