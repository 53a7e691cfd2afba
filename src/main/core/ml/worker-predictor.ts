import type { ManifestCore } from '../../../shared/registry-manifest.js';
import { spawnModuleWorker, workerRpc } from '../jobs/module-worker.js';
import type { Predictor } from './predictor.js';
import type { PredictorReply, PredictorRequest } from './predictor-protocol.js';

/**
 * The package's model as a Predictor that runs in a worker thread (the same loadPackagePredictor inside), so a
 * scoring pass does not hold the main event loop for its predictions. dispose() ends the thread.
 */
export const loadWorkerPredictor = async (manifest: ManifestCore, dir: string): Promise<Predictor> => {
  const rpc = workerRpc<PredictorRequest, PredictorReply>(
    spawnModuleWorker(import.meta.url, 'predictor-worker'),
    'the scoring worker',
  );
  let ready: Awaited<ReturnType<typeof rpc.ask>>;
  try {
    ready = await rpc.ask({ type: 'load', id: rpc.nextId(), manifest, dir });
  } catch (error) {
    await rpc.terminate();
    throw error;
  }
  return {
    backend: ready.type === 'ready' ? `${ready.backend} (scoring worker thread)` : 'scoring worker thread',
    predict: async (windows) => {
      // A copy goes to the worker: the caller may reuse its buffer.
      const x = windows.x.slice();
      const reply = await rpc.ask(
        {
          type: 'predict',
          id: rpc.nextId(),
          windows: { x, n: windows.n, length: windows.length, features: windows.features },
        },
        [x.buffer as ArrayBuffer],
      );
      if (reply.type !== 'output') throw new Error('the scoring worker answered out of turn');
      return reply.y;
    },
    dispose: () => {
      void rpc.terminate();
    },
  };
};
