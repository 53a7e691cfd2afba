import { Worker } from 'node:worker_threads';
import type { ManifestCore } from '../../../shared/registry-manifest.js';
import type { SeriesScorer } from './score.js';
import type { ScorerReply, ScorerRequest } from './scoring-protocol.js';

/** Built code runs dist/.../scoring-worker.js; from TypeScript source (vitest, tsx) through tsx's loader. */
const spawnWorker = (): Worker => {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./scoring-worker.js', import.meta.url));
  const entry = new URL('./scoring-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true });
};

/**
 * The package's model in a worker thread that also builds the windows: scoreAsset hands it an asset's readings
 * (copied, so the caller keeps its arrays) and gets the window ends and outputs back (transferred). The main
 * event loop only reads from DuckDB and stores. dispose() ends the thread.
 */
export const loadWorkerScorer = async (manifest: ManifestCore, dir: string): Promise<SeriesScorer> => {
  const worker = spawnWorker();
  let next = 0;
  const waiting = new Map<number, { resolve: (reply: ScorerReply) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: ScorerReply) => {
    const w = waiting.get(reply.id);
    if (w === undefined) return;
    waiting.delete(reply.id);
    if (reply.type === 'error') w.reject(new Error(reply.message));
    else w.resolve(reply);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the scoring worker stopped (code ${code})`)));
  const ask = (request: ScorerRequest, transfer: ArrayBuffer[] = []) =>
    new Promise<ScorerReply>((resolve, reject) => {
      waiting.set(request.id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  let ready: ScorerReply;
  try {
    ready = await ask({ type: 'load', id: next++, manifest, dir });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    backend: ready.type === 'ready' ? `${ready.backend} (scoring worker thread)` : 'scoring worker thread',
    predict: async (windows) => {
      const x = windows.x.slice();
      const reply = await ask({ type: 'predict', id: next++, windows: { ...windows, x } }, [x.buffer as ArrayBuffer]);
      if (reply.type !== 'output') throw new Error('the scoring worker answered out of turn');
      return reply.y;
    },
    scoreSeries: async (pipeline, ordered, range) => {
      // Copies in the worker's own buffers, transferred: the caller's arrays stay usable (drift reads them).
      const readings = ordered.map((r) => ({ t: Float64Array.from(r.t), values: Float64Array.from(r.values) }));
      const reply = await ask(
        { type: 'score-series', id: next++, pipeline, readings, range },
        readings.flatMap((r) => [r.t.buffer as ArrayBuffer, r.values.buffer as ArrayBuffer]),
      );
      if (reply.type !== 'scores') throw new Error('the scoring worker answered out of turn');
      return { windowEnd: reply.windowEnd, value: reply.value, incomplete: reply.incomplete };
    },
    dispose: () => {
      void worker.terminate();
    },
  };
};
