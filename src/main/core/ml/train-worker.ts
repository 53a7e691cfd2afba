/**
 * Entry of the training worker thread. Training is CPU-bound for minutes: off the main thread the app and the
 * CLI stay responsive, progress flows as messages, and Cancel is a message the training loop checks between
 * batches. The worker never touches DuckDB: it receives prepared windows and returns artifacts as bytes.
 */
import { parentPort } from 'node:worker_threads';
import type { TrainProgress } from '../../../shared/training.js';
import { isCancelledError } from '../jobs/cancelled.js';
import { jobControl } from '../jobs/job-control.js';
import { selectBackend } from './backend.js';
import { runTrainJob, type TrainJobRequest } from './train-job.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('train-worker must run in a worker thread');

const abort = new AbortController();
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'cancel') {
    abort.abort();
    return;
  }
  const request: TrainJobRequest = message.request;
  const control = jobControl<TrainProgress>({
    signal: abort.signal,
    progress: (_fraction, _message, progress) => {
      if (progress !== undefined) send({ type: 'progress', progress });
    },
  });
  runTrainJob(request, control, selectBackend).then(
    (result) =>
      send(
        { type: 'done', result },
        result.files.map((f) => f.data.buffer as ArrayBuffer).filter((b, i, all) => all.indexOf(b) === i),
      ),
    (error: unknown) =>
      send({
        type: 'error',
        cancelled: isCancelledError(error),
        message: error instanceof Error ? error.message : String(error),
      }),
  );
});
