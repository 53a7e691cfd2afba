import { Worker } from 'node:worker_threads';
import type { TrainProgress } from '../../../shared/training.js';
import { CancelledError } from '../jobs/cancelled.js';
import type { TrainJobRequest, TrainJobResult } from './train-job.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

export interface TrainingHandle {
  readonly result: Promise<TrainJobResult>;
  /** Ask the worker to stop after the current batch; the result promise rejects with CancelledError. */
  cancel(): void;
}

/**
 * Built code runs dist/.../train-worker.js directly. From TypeScript source (vitest, tsx) the worker is the .ts
 * file: a one-line bootstrap registers tsx's loader inside the new thread first (a worker does not inherit the
 * parent's loader hooks, and `--import tsx` in a worker's execArgv is not honoured on Node 20).
 */
const spawnWorker = (): Worker => {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./train-worker.js', import.meta.url));
  const entry = new URL('./train-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true });
};

/**
 * Start a training worker. Built code runs dist/.../train-worker.js; from TypeScript source (vitest, tsx) the
 * worker is the .ts file, loaded through tsx's import hook, so tests exercise the real thread boundary.
 */
export const startTraining = (request: TrainJobRequest, onProgress: (p: TrainProgress) => void): TrainingHandle => {
  const worker = spawnWorker();
  let settled = false;
  let cancelRequested = false;
  const result = new Promise<TrainJobResult>((resolve, reject) => {
    const finish = (work: () => void) => {
      if (settled) return;
      settled = true;
      work();
      void worker.terminate();
    };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') onProgress(reply.progress);
      else if (reply.type === 'done') finish(() => resolve(reply.result));
      else finish(() => reject(reply.cancelled ? new CancelledError(reply.message) : new Error(reply.message)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) =>
      finish(() =>
        reject(
          cancelRequested
            ? new CancelledError('training cancelled')
            : new Error(`training worker exited (code ${code})`),
        ),
      ),
    );
  });
  worker.postMessage({ type: 'train', request } satisfies WorkerRequest);
  return {
    result,
    cancel: () => {
      cancelRequested = true;
      worker.postMessage({ type: 'cancel' } satisfies WorkerRequest);
    },
  };
};
