/**
 * Entry of the scoring worker thread: a deployment's readings come in whole, and the grid, normalisation,
 * windows and predictions are all made here, so a scoring pass leaves the main event loop (the app's API, the
 * follow loop's timers) free for the part of the work that grows with the data. It never touches DuckDB.
 */
import { parentPort } from 'node:worker_threads';
import type { Predictor } from '../ml/predictor.js';
import { loadPackagePredictor } from '../ml/package-predictor.js';
import { scoreSeriesWith } from './score.js';
import type { ScorerReply, ScorerRequest } from './scoring-protocol.js';

const port = parentPort;
if (port === null) throw new Error('scoring-worker must run in a worker thread');

let predictor: Predictor | null = null;
const fail = (id: number, error: unknown) =>
  port.postMessage({
    type: 'error',
    id,
    message: error instanceof Error ? error.message : String(error),
  } satisfies ScorerReply);

port.on('message', (message: ScorerRequest) => {
  switch (message.type) {
    case 'load':
      loadPackagePredictor(message.manifest, message.dir).then(
        (loaded) => {
          predictor = loaded;
          port.postMessage({ type: 'ready', id: message.id, backend: loaded.backend } satisfies ScorerReply);
        },
        (error: unknown) => fail(message.id, error),
      );
      return;
    case 'predict': {
      if (predictor === null) return fail(message.id, new Error('the scoring worker has no model loaded'));
      predictor.predict(message.windows).then(
        (y) => port.postMessage({ type: 'output', id: message.id, y } satisfies ScorerReply, [y.buffer as ArrayBuffer]),
        (error: unknown) => fail(message.id, error),
      );
      return;
    }
    case 'score-series': {
      if (predictor === null) return fail(message.id, new Error('the scoring worker has no model loaded'));
      scoreSeriesWith(message.pipeline, predictor, message.readings, message.range).then(
        (scores) =>
          port.postMessage({ type: 'scores', id: message.id, ...scores } satisfies ScorerReply, [
            scores.windowEnd.buffer as ArrayBuffer,
            scores.value.buffer as ArrayBuffer,
          ]),
        (error: unknown) => fail(message.id, error),
      );
      return;
    }
  }
});
