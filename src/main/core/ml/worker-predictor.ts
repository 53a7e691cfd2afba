import { Worker } from 'node:worker_threads';
import type { ManifestCore } from '../../../shared/registry-manifest.js';
import type { Predictor } from './predictor.js';
import type { PredictorReply, PredictorRequest } from './predictor-protocol.js';

/** Built code runs dist/.../predictor-worker.js; from TypeScript source (vitest, tsx) see worker-client.ts. */
const spawnWorker = (): Worker => {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./predictor-worker.js', import.meta.url));
  const entry = new URL('./predictor-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true });
};

/**
 * The package's model as a Predictor that runs in a worker thread (the same loadPackagePredictor inside), so a
 * scoring pass does not hold the main event loop for its predictions. dispose() ends the thread.
 */
export const loadWorkerPredictor = async (manifest: ManifestCore, dir: string): Promise<Predictor> => {
  const worker = spawnWorker();
  let next = 0;
  const waiting = new Map<number, { resolve: (reply: PredictorReply) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: PredictorReply) => {
    const w = waiting.get(reply.id);
    if (w === undefined) return;
    waiting.delete(reply.id);
    if (reply.type === 'error') w.reject(new Error(reply.message));
    else w.resolve(reply);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the scoring worker stopped (code ${code})`)));
  const ask = (request: PredictorRequest, transfer: ArrayBuffer[] = []) =>
    new Promise<PredictorReply>((resolve, reject) => {
      waiting.set(request.id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  let ready: PredictorReply;
  try {
    ready = await ask({ type: 'load', id: next++, manifest, dir });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    backend: ready.type === 'ready' ? `${ready.backend} (scoring worker thread)` : 'scoring worker thread',
    predict: async (windows) => {
      // A copy goes to the worker: the caller may reuse its buffer.
      const x = windows.x.slice();
      const reply = await ask(
        {
          type: 'predict',
          id: next++,
          windows: { x, n: windows.n, length: windows.length, features: windows.features },
        },
        [x.buffer as ArrayBuffer],
      );
      if (reply.type !== 'output') throw new Error('the scoring worker answered out of turn');
      return reply.y;
    },
    dispose: () => {
      void worker.terminate();
    },
  };
};
