/**
 * Entry of the scoring worker thread: the package's model predicts here, off the main event loop, so the app's
 * windows and API stay responsive during a scoring pass. It never touches DuckDB: it receives prepared windows
 * and answers with the outputs (buffers transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import type { Predictor } from './predictor.js';
import { loadPackagePredictor } from './package-predictor.js';
import type { PredictorReply, PredictorRequest } from './predictor-protocol.js';

const port = parentPort;
if (port === null) throw new Error('predictor-worker must run in a worker thread');

let predictor: Predictor | null = null;
const fail = (id: number, error: unknown) =>
  port.postMessage({
    type: 'error',
    id,
    message: error instanceof Error ? error.message : String(error),
  } satisfies PredictorReply);

port.on('message', (message: PredictorRequest) => {
  switch (message.type) {
    case 'load':
      loadPackagePredictor(message.manifest, message.dir).then(
        (loaded) => {
          predictor = loaded;
          port.postMessage({ type: 'ready', id: message.id, backend: loaded.backend } satisfies PredictorReply);
        },
        (error: unknown) => fail(message.id, error),
      );
      return;
    case 'predict': {
      if (predictor === null) return fail(message.id, new Error('the scoring worker has no model loaded'));
      predictor.predict(message.windows).then(
        (y) =>
          port.postMessage({ type: 'output', id: message.id, y } satisfies PredictorReply, [y.buffer as ArrayBuffer]),
        (error: unknown) => fail(message.id, error),
      );
      return;
    }
  }
});
