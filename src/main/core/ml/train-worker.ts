/**
 * Entry of the training worker thread. Training is CPU-bound for minutes: off the main thread the app and the
 * CLI stay responsive, progress flows as messages, and Cancel is a message the training loop checks between
 * batches. The worker never touches DuckDB: it receives prepared windows and returns artifacts as bytes.
 */
import { parentPort } from 'node:worker_threads';
import { CancelledError } from './fit.js';
import { runTrainJob, type TrainJobRequest } from './train-job.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('train-worker must run in a worker thread');

let cancelled = false;
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'cancel') {
    cancelled = true;
    return;
  }
  const request: TrainJobRequest = message.request;
  runTrainJob(request, {
    progress: (progress) => send({ type: 'progress', progress }),
    isCancelled: () => cancelled,
  }).then(
    (result) =>
      send(
        { type: 'done', result },
        result.files.map((f) => f.data.buffer as ArrayBuffer).filter((b, i, all) => all.indexOf(b) === i),
      ),
    (error: unknown) =>
      send({
        type: 'error',
        cancelled: error instanceof CancelledError,
        message: error instanceof Error ? error.message : String(error),
      }),
  );
});
