import type { ManifestCore } from '../../../shared/registry-manifest.js';
import { spawnModuleWorker, workerRpc } from '../jobs/module-worker.js';
import type { SeriesScorer } from './score.js';
import type { ScorerReply, ScorerRequest } from './scoring-protocol.js';

/**
 * The package's model in a worker thread that also builds the windows: scoreAsset hands it an asset's readings
 * (copied, so the caller keeps its arrays) and gets the window ends and outputs back (transferred). The main
 * event loop only reads from DuckDB and stores. dispose() ends the thread.
 */
export const loadWorkerScorer = async (manifest: ManifestCore, dir: string): Promise<SeriesScorer> => {
  const rpc = workerRpc<ScorerRequest, ScorerReply>(
    spawnModuleWorker(import.meta.url, 'scoring-worker'),
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
      const x = windows.x.slice();
      const reply = await rpc.ask({ type: 'predict', id: rpc.nextId(), windows: { ...windows, x } }, [
        x.buffer as ArrayBuffer,
      ]);
      if (reply.type !== 'output') throw new Error('the scoring worker answered out of turn');
      return reply.y;
    },
    scoreSeries: async (pipeline, ordered, range) => {
      // Copies in the worker's own buffers, transferred: the caller's arrays stay usable (drift reads them).
      const readings = ordered.map((r) => ({ t: Float64Array.from(r.t), values: Float64Array.from(r.values) }));
      const reply = await rpc.ask(
        { type: 'score-series', id: rpc.nextId(), pipeline, readings, range },
        readings.flatMap((r) => [r.t.buffer as ArrayBuffer, r.values.buffer as ArrayBuffer]),
      );
      if (reply.type !== 'scores') throw new Error('the scoring worker answered out of turn');
      return { windowEnd: reply.windowEnd, value: reply.value, incomplete: reply.incomplete };
    },
    dispose: () => {
      void rpc.terminate();
    },
  };
};
