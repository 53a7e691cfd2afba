/**
 * The renderer training engine: a dedicated Web Worker in the app's window (desktop) or page (browser mode). It
 * runs the same training job as the Node worker (src/main/core/ml/train-job.ts: same model definitions, training
 * loop, metrics and run record) on the prepared windows the core sends, after probing which backend trains this
 * model correctly and fastest here: WebGPU, WebGL, wasm (SIMD, and threads when the page is cross-origin
 * isolated), cpu. Progress and Cancel are messages, as in the Node worker.
 */
import type { TrainJobRequest } from '../main/core/ml/train-job.js';
import { runTrainJob } from '../main/core/ml/train-job.js';
import { probeBackends, type ProbeChoice, type ProbeInput } from '../main/core/ml/backend-probe.js';
import { isCancelledError } from '../main/core/jobs/cancelled.js';
import { jobControl } from '../main/core/jobs/job-control.js';
import { RENDERER_BACKENDS, type RunEngine } from '../shared/training-engine.js';
import type { TrainProgress } from '../shared/training.js';
import { decodeTypedJson, encodeTypedJson } from '../shared/typed-json.js';
import { probeInput } from './probe-input.js';
import { probeCandidates, webEnvironment } from './web-backends.js';
import type { WebEngineEnvironment, WebWorkerReply, WebWorkerRequest } from './web-worker-protocol.js';

/** The worker's global scope, as far as used here (tsconfig's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: WebWorkerReply): void;
  onmessage: ((event: MessageEvent<WebWorkerRequest>) => void) | null;
  setImmediate?: (callback: () => void) => void;
}
const scope = globalThis as unknown as WorkerScope;

// The training loop yields with setImmediate (Node) so Cancel is read between batches; a worker has setTimeout.
scope.setImmediate ??= (callback) => void setTimeout(callback, 0);

const abort = new AbortController();

/** How wasm runs here, for the run record: "wasm SIMD on, 2 threads" (threads need cross-origin isolation). */
const wasmNote = (environment: WebEngineEnvironment): string => {
  const wasm = environment.wasm;
  if (wasm === null) return '';
  const threads = wasm.threads
    ? `${wasm.threadsCount} thread${wasm.threadsCount === 1 ? '' : 's'}`
    : `1 thread (${environment.isolated ? 'threads off' : 'the page is not cross-origin isolated'})`;
  return `; wasm SIMD ${wasm.simd ? 'on' : 'off'}, ${threads}`;
};

const train = async (text: string): Promise<void> => {
  const request = decodeTypedJson<TrainJobRequest>(text);
  const environment = await webEnvironment();
  let choice: ProbeChoice | null = null;
  const control = jobControl<TrainProgress>({
    signal: abort.signal,
    progress: (_fraction, _message, progress) => {
      if (progress !== undefined) scope.postMessage({ type: 'progress', progress });
    },
  });
  const preference = request.config.backend;
  const forced = (RENDERER_BACKENDS as readonly string[]).includes(preference) ? preference : null;
  const result = await runTrainJob(request, control, async () => {
    control.progress(0, 'probing backends', {
      phase: 'preparing',
      epoch: 0,
      epochs: request.config.training.epochs,
      loss: null,
      valLoss: null,
      message: 'probing backends on one batch',
    });
    const input = probeInput(request);
    choice = await probeBackends(input, probeCandidates(environment), forced);
    return { name: choice.backend, label: choice.backend };
  });
  const chosen = choice as ProbeChoice | null;
  const nativeNote =
    forced === null && preference !== 'auto' ? `backend "${preference}" exists only in the Node engine; ` : '';
  const engine: RunEngine = {
    place: 'renderer',
    backend: result.artifact.backend,
    // The adapter the chosen backend ran on; wasm and cpu use no GPU.
    adapter:
      result.artifact.backend === 'webgl'
        ? environment.adapters.webgl
        : result.artifact.backend === 'webgpu'
          ? environment.adapters.webgpu
          : null,
    isolated: environment.isolated,
    reason:
      chosen === null ? 'no TensorFlow backend needed (PCA)' : `${nativeNote}${chosen.reason}${wasmNote(environment)}`,
    probes: chosen === null ? [] : [...chosen.probes],
  };
  scope.postMessage({
    type: 'done',
    result: encodeTypedJson({ ...result, artifact: { ...result.artifact, engine } }),
    engine,
  });
};

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'cancel':
      abort.abort();
      return;
    case 'environment':
      void webEnvironment().then(
        (environment) => scope.postMessage({ type: 'environment', environment }),
        (error: unknown) => scope.postMessage({ type: 'error', message: String(error), cancelled: false }),
      );
      return;
    case 'probe':
      void (async () => {
        const environment = await webEnvironment();
        const input = decodeTypedJson<ProbeInput>(message.input);
        const choice = await probeBackends(input, probeCandidates(environment), message.forced);
        scope.postMessage({ type: 'probed', choice, environment });
      })().catch((error: unknown) =>
        scope.postMessage({
          type: 'error',
          cancelled: false,
          message: error instanceof Error ? error.message : String(error),
        }),
      );
      return;
    case 'train':
      train(message.request).catch((error: unknown) =>
        scope.postMessage({
          type: 'error',
          cancelled: isCancelledError(error),
          message: error instanceof Error ? error.message : String(error),
        }),
      );
      return;
  }
};
