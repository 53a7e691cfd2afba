import { CancelledError } from '../jobs/cancelled.js';
import type { RenderInput, RenderOutput } from './render-report.js';
import { spawnModuleWorker } from '../jobs/module-worker.js';

/** Built code runs dist/.../render-worker.js; from TypeScript source (vitest, tsx) see ml/worker-client.ts. */
/**
 * Assemble and render a report in a worker thread, so a large fleet's tables and charts are built off the main
 * event loop (the app's API stays responsive). Aborting ends the thread and the export as cancelled.
 */
export const renderOffThread = (input: RenderInput, signal?: AbortSignal): Promise<RenderOutput> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new CancelledError('report export cancelled'));
      return;
    }
    const worker = spawnModuleWorker(import.meta.url, 'render-worker');
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = () => finish(() => reject(new CancelledError('report export cancelled')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: { ok: true; output: RenderOutput } | { ok: false; message: string }) =>
      finish(() => (reply.ok ? resolve(reply.output) : reject(new Error(reply.message)))),
    );
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`the report renderer stopped before it finished (code ${code})`))),
    );
    worker.postMessage(input);
  });
