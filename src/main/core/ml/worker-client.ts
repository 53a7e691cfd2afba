import type { TrainProgress } from '../../../shared/training.js';
import { DatasetError, type DatasetSource, type PreparedSummary } from '../datasets/prepare.js';
import { CancelledError } from '../jobs/cancelled.js';
import type { JobControl } from '../jobs/job-control.js';
import type { EvaluateJobRequest, EvaluateJobResult } from './evaluate-in-worker.js';
import { answerSourceCall } from './remote-source.js';
import type { PrepareTrainRequest, TrainJobRequest, TrainJobResult } from './train-job.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';
import { spawnModuleWorker } from '../jobs/module-worker.js';

export interface TrainingHandle {
  readonly result: Promise<TrainJobResult>;
  /** Ask the worker to stop after the current read or batch; the result promise rejects with CancelledError. */
  cancel(): void;
}

export interface PreparingHandle extends TrainingHandle {
  /** The dataset the worker built, before it starts training; rejects when the build is refused or fails. */
  readonly prepared: Promise<PreparedSummary>;
}

/**
 * Built code runs dist/.../train-worker.js directly. From TypeScript source (vitest, tsx) the worker is the .ts
 * file: a one-line bootstrap registers tsx's loader inside the new thread first (a worker does not inherit the
 * parent's loader hooks, and `--import tsx` in a worker's execArgv is not honoured on Node 20).
 */
/**
 * Run one worker request. The worker's reads of the workspace (prepare requests) are answered here from `source`,
 * on this thread: DuckDB stays in the process that owns the workspace; the answers are copied (not transferred),
 * so the caller's recorder keeps what it read.
 */
const startWorker = (
  message: WorkerRequest,
  source: DatasetSource | null,
  onProgress: (p: TrainProgress) => void,
  onJobProgress: (fraction: number | null, message: string) => void = () => undefined,
): PreparingHandle & {
  readonly done: Promise<TrainJobResult | null>;
  readonly evaluated: Promise<EvaluateJobResult>;
} => {
  const worker = spawnModuleWorker(import.meta.url, 'train-worker');
  let settled = false;
  let cancelRequested = false;
  let preparedSettled = false;
  let resolvePrepared: (d: PreparedSummary) => void = () => undefined;
  let rejectPrepared: (e: Error) => void = () => undefined;
  const prepared = new Promise<PreparedSummary>((resolve, reject) => {
    resolvePrepared = resolve;
    rejectPrepared = reject;
  });
  // A caller that never awaits `prepared` (a plain train request) must not see an unhandled rejection.
  prepared.catch(() => undefined);
  let resolveEvaluated: (r: EvaluateJobResult) => void = () => undefined;
  let rejectEvaluated: (e: Error) => void = () => undefined;
  const evaluated = new Promise<EvaluateJobResult>((resolve, reject) => {
    resolveEvaluated = resolve;
    rejectEvaluated = reject;
  });
  evaluated.catch(() => undefined);
  const done = new Promise<TrainJobResult | null>((resolve, reject) => {
    const finish = (work: () => void, error?: Error) => {
      if (settled) return;
      settled = true;
      if (!preparedSettled) {
        preparedSettled = true;
        rejectPrepared(error ?? new Error('the training worker ended before its dataset was built'));
      }
      rejectEvaluated(error ?? new Error('the worker ended without an evaluation'));
      work();
      void worker.terminate();
    };
    const fail = (error: Error) => finish(() => reject(error), error);
    worker.on('message', (reply: WorkerReply) => {
      switch (reply.type) {
        case 'progress':
          onProgress(reply.progress);
          return;
        case 'source-call': {
          const answer = (ok: boolean, value: unknown) =>
            worker.postMessage(
              (ok
                ? { type: 'source-reply', id: reply.id, ok: true, value }
                : { type: 'source-reply', id: reply.id, ok: false, message: String(value) }) satisfies WorkerRequest,
            );
          if (source === null) answer(false, 'this job has no workspace to read');
          else
            answerSourceCall(source, reply.call).then(
              (value) => answer(true, value),
              (error: unknown) => answer(false, error instanceof Error ? error.message : String(error)),
            );
          return;
        }
        case 'prepared':
          preparedSettled = true;
          resolvePrepared(reply.dataset);
          return;
        case 'done':
          finish(() => resolve(reply.result));
          return;
        case 'evaluated':
          resolveEvaluated(reply.result);
          finish(() => resolve(null));
          return;
        case 'job-progress':
          onJobProgress(reply.fraction, reply.message);
          return;
        case 'error':
          fail(
            reply.cancelled
              ? new CancelledError(reply.message)
              : reply.dataset === true
                ? new DatasetError(reply.message)
                : new Error(reply.message),
          );
          return;
      }
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) =>
      fail(
        cancelRequested ? new CancelledError('training cancelled') : new Error(`training worker exited (code ${code})`),
      ),
    );
  });
  worker.postMessage(message);
  const result = done.then((r) => {
    if (r === null) throw new Error('the training worker returned no result');
    return r;
  });
  // Whoever holds the handle awaits what it needs (a failed build is reported through `prepared`); these keep the
  // other promises' rejections from counting as unhandled meanwhile.
  done.catch(() => undefined);
  result.catch(() => undefined);
  return {
    prepared,
    done,
    evaluated,
    result,
    cancel: () => {
      cancelRequested = true;
      worker.postMessage({ type: 'cancel' } satisfies WorkerRequest);
    },
  };
};

/** Start a training worker on a dataset already prepared on this thread. */
export const startTraining = (request: TrainJobRequest, onProgress: (p: TrainProgress) => void): TrainingHandle => {
  const handle = startWorker({ type: 'train', request }, null, onProgress);
  return { result: handle.result, cancel: handle.cancel };
};

/**
 * Start a worker that builds the dataset itself (its reads answered from `source` here) and then trains: the
 * main thread only runs the SQL. `prepared` resolves with the dataset's summary before training begins.
 */
export const startPreparedTraining = (
  request: PrepareTrainRequest,
  source: DatasetSource,
  onProgress: (p: TrainProgress) => void,
): PreparingHandle => {
  const handle = startWorker({ type: 'prepare-train', request }, source, onProgress);
  return { prepared: handle.prepared, result: handle.result, cancel: handle.cancel };
};

/**
 * Re-score a saved run in a worker (TensorFlow.js and the window building off this thread); a rebuild's reads are
 * answered from `source` here. Cancel: `control.isCancelled` is polled and stops the worker between steps.
 */
export const evaluateInWorker = async (
  request: EvaluateJobRequest,
  source: DatasetSource | null,
  control: Pick<JobControl, 'isCancelled' | 'progress'>,
): Promise<EvaluateJobResult> => {
  const handle = startWorker({ type: 'evaluate', request }, source, () => undefined, control.progress);
  const poll = setInterval(() => control.isCancelled() && handle.cancel(), 100);
  try {
    return await handle.evaluated;
  } finally {
    clearInterval(poll);
  }
};

/** Build a dataset in a worker and return its summary (what training would see), without training. */
export const prepareInWorker = async (
  request: PrepareTrainRequest,
  source: DatasetSource,
  onProgress: (p: TrainProgress) => void = () => undefined,
): Promise<PreparedSummary> => {
  const handle = startWorker({ type: 'prepare', request }, source, onProgress);
  const [summary] = await Promise.all([handle.prepared, handle.done]);
  return summary;
};
