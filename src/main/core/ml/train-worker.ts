/**
 * Entry of the training worker thread. Dataset building and training are CPU-bound for seconds to minutes: off the
 * main thread the app and the CLI stay responsive, progress flows as messages, and Cancel is a message the work
 * checks between reads and batches. The worker never touches DuckDB: it asks the main thread for the workspace's
 * reads (remote-source.ts), builds the windows itself and returns artifacts as bytes.
 */
import { parentPort } from 'node:worker_threads';
import type { TrainProgress } from '../../../shared/training.js';
import { DatasetError, prepareDataset, summariseDataset } from '../datasets/prepare.js';
import { isCancelledError } from '../jobs/cancelled.js';
import { jobControl, throwIfCancelled } from '../jobs/job-control.js';
import { remoteSource, type SourceCall } from './remote-source.js';
import type { EvaluateJobRequest, EvaluateJobResult } from './evaluate-in-worker.js';
import type { PrepareTrainRequest, TrainJobRequest, TrainJobResult } from './train-job.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('train-worker must run in a worker thread');

const abort = new AbortController();
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const control = jobControl<TrainProgress>({
  signal: abort.signal,
  progress: (_fraction, _message, progress) => {
    if (progress !== undefined) send({ type: 'progress', progress });
  },
});

const preparing = (request: PrepareTrainRequest, message: string) =>
  send({
    type: 'progress',
    progress: {
      phase: 'preparing',
      epoch: 0,
      epochs: request.config.training.epochs,
      loss: null,
      valLoss: null,
      message,
    },
  });

const describeCall = (call: SourceCall): string => {
  switch (call.method) {
    case 'signals':
      return 'reading the signal list';
    case 'gridSeries':
      return `reading ${call.request.assets.length} assets x ${call.request.tags.length} signals onto the grid`;
    case 'events':
      return 'reading events';
  }
};

const remote = remoteSource(
  (id, call) => send({ type: 'source-call', id, call }),
  () => throwIfCancelled(control, 'training cancelled'),
);

/** Build the dataset here, from the main thread's reads; the main thread learns its summary before training. */
const prepare = async (request: PrepareTrainRequest) => {
  const source = {
    signals: () => (preparing(request, 'preparing dataset: reading the signal list'), remote.source.signals()),
    gridSeries: (r: Parameters<typeof remote.source.gridSeries>[0]) => (
      preparing(request, `preparing dataset: ${describeCall({ method: 'gridSeries', request: r })}`),
      remote.source.gridSeries(r)
    ),
    events: (assets: readonly string[]) => (
      preparing(request, 'preparing dataset: reading events'),
      remote.source.events(assets)
    ),
  };
  const dataset = await prepareDataset(source, request.config, request.finalRul);
  throwIfCancelled(control, 'training cancelled');
  preparing(request, `dataset ready: ${dataset.train.n + dataset.validation.n} windows`);
  send({ type: 'prepared', dataset: summariseDataset(dataset) });
  return dataset;
};

// TensorFlow.js loads only when there is training to do: a build-only request does not pay seconds for it.
const train = async (request: TrainJobRequest): Promise<TrainJobResult> => {
  // The Node worker picks among native/wasm/cpu (backend.ts needs node:*, so train-job takes the chooser).
  const [{ runTrainJob }, { selectBackend }] = await Promise.all([import('./train-job.js'), import('./backend.js')]);
  return runTrainJob(request, control, selectBackend);
};

/** Re-score a saved run here; its progress goes out as job-progress messages. */
const evaluate = async (request: EvaluateJobRequest): Promise<EvaluateJobResult> => {
  const { runEvaluateJob } = await import('./evaluate-in-worker.js');
  const evaluation = jobControl({
    signal: abort.signal,
    progress: (fraction, message) => send({ type: 'job-progress', fraction, message }),
  });
  return runEvaluateJob(request, remote.source, evaluation);
};

const run = async (
  message: Exclude<WorkerRequest, { type: 'cancel' | 'source-reply' | 'evaluate' }>,
): Promise<TrainJobResult | null> => {
  switch (message.type) {
    case 'train':
      return train(message.request);
    case 'prepare':
      await prepare(message.request);
      return null;
    case 'prepare-train': {
      const { finalRul: _finalRul, ...rest } = message.request;
      return train({ ...rest, dataset: await prepare(message.request) });
    }
  }
};

const fail = (error: unknown) =>
  send({
    type: 'error',
    // A cancel seen inside a read comes back wrapped (prepareDataset words read failures as DatasetErrors).
    cancelled: isCancelledError(error) || abort.signal.aborted,
    message: error instanceof Error ? error.message : String(error),
    ...(error instanceof DatasetError && !abort.signal.aborted ? { dataset: true } : {}),
  });

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'cancel') {
    abort.abort();
    return;
  }
  if (message.type === 'source-reply') {
    remote.answer(message.id, message.ok, message.ok ? message.value : message.message);
    return;
  }
  if (message.type === 'evaluate') {
    evaluate(message.request).then(
      (result) => send({ type: 'evaluated', result }),
      (error: unknown) => fail(error),
    );
    return;
  }
  run(message).then(
    (result) =>
      send(
        { type: 'done', result },
        (result?.files ?? []).map((f) => f.data.buffer as ArrayBuffer).filter((b, i, all) => all.indexOf(b) === i),
      ),
    (error: unknown) => fail(error),
  );
});
