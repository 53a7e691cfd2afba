import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { TrainConfig, TrainProgress } from '../../../shared/training.js';
import { prepareDataset, summariseDataset, type DatasetSource, type PreparedSummary } from '../datasets/prepare.js';
import { applyFrozenRetention, dropRunRecording, keepRunRecording } from '../datasets/frozen-store.js';
import { recordingSource, replaySource } from '../datasets/recorded-source.js';
import { loadSnapshotData } from '../datasets/snapshot.js';
import { beforeEvaluation } from '../datasets/time-split.js';
import type { TrainJobResult } from '../ml/train-job.js';
import { isCancelledError } from '../jobs/cancelled.js';
import {
  startPreparedTraining,
  startTraining,
  type PreparingHandle,
  type TrainingHandle,
} from '../ml/worker-client.js';
import { CancelledError } from '../jobs/cancelled.js';
import type { Workspace } from '../workspace/workspace.js';
import { appVersion } from './app-version.js';
import { freezeSnapshot } from '../datasets/dataset-snapshots.js';
import { resolveFinalRul } from './load-config.js';
import { driftReferenceFile } from './drift-reference-file.js';
import { newRunId, writeRunFolder } from './run-folder.js';
import { nodeEngineRecord } from './renderer-handoff.js';

export interface TrainRunOptions {
  readonly workspace: Workspace;
  readonly config: TrainConfig;
  /** Folder relative paths in the config (evaluation.finalRul) are resolved against. */
  readonly baseDir: string;
  readonly onProgress?: (p: TrainProgress) => void;
  /** Polled while training; true asks the worker to stop after its current batch. */
  readonly isCancelled?: () => boolean;
  /** Where the run trains (renderer-handoff.ts): absent, the Node worker thread. */
  readonly engine?: { readonly start: typeof startTraining; readonly reason: string };
}

export interface TrainRunResult {
  readonly runId: string;
  readonly backend: string;
  readonly metrics: Record<string, number>;
  readonly folder: string;
  /** The dataset the worker built (its windows stay in the worker). */
  readonly dataset: PreparedSummary;
  readonly result: TrainJobResult;
}

const currentUser = (): string => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

/**
 * One training run end to end: validate and prepare the dataset (refusing bad configs before any training),
 * freeze it as a snapshot, train in a worker thread, write the run folder atomically, and record the run.
 * A cancelled or failed run is recorded too (without artifacts), so the runs table tells the whole story.
 */
export const trainRun = async (options: TrainRunOptions): Promise<TrainRunResult> => {
  const { workspace } = options;
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  progress({
    phase: 'preparing',
    epoch: 0,
    epochs: options.config.training.epochs,
    loss: null,
    valLoss: null,
    message: 'preparing dataset',
  });
  const finalRul = await resolveFinalRul(options.config, options.baseDir);
  // The recorded config carries the true RUL values themselves, not a path: the run re-evaluates anywhere.
  const config: TrainConfig =
    finalRul === null || options.config.evaluation === undefined
      ? options.config
      : { ...options.config, evaluation: { ...options.config.evaluation, finalRul } };
  // Everything the build reads is recorded, so the run can be re-evaluated on exactly this data later.
  const recorder = recordingSource(workspace);
  const runId = newRunId();
  const createdAt = new Date().toISOString();
  let handle: PreparingHandle | null = null;
  // Cancel reaches the worker while it builds the dataset as well as while it trains.
  const poll =
    options.isCancelled === undefined ? null : setInterval(() => options.isCancelled?.() && handle?.cancel(), 100);
  let dataset: PreparedSummary;
  try {
    // A job lock while the snapshot is read and saved: no import or edit changes the data between the reads it
    // hashes. The worker builds the dataset (the SQL runs here, answering its reads) and then goes on to train.
    dataset = await workspace.exclusive(
      'training snapshot',
      async () => {
        const request = { runId, config, finalRul, appVersion: appVersion(), createdBy: currentUser(), createdAt };
        // The Node worker builds its own dataset; only an engine elsewhere (a window's worker) is handed windows.
        const elsewhere = options.engine?.start;
        const started =
          elsewhere === undefined || elsewhere === startTraining
            ? startPreparedTraining(request, recorder.source, progress)
            : prepareHereThenStart(elsewhere, request, recorder.source, progress);
        handle = started;
        const prepared = await started.prepared;
        try {
          await workspace.saveDataset({
            id: prepared.id,
            name: config.name,
            // What the content hash starts with (datasetContentHash), so the snapshot can be rebuilt and checked.
            definition: { dataset: config.dataset, seed: config.training.seed },
            contentHash: prepared.contentHash,
            assets: new Set([...prepared.split.train, ...prepared.split.validation]).size,
            windows: prepared.train.n + prepared.validation.n,
          });
        } catch (error) {
          started.cancel();
          await started.result.catch(() => undefined);
          throw error;
        }
        return prepared;
      },
      {
        onWait: (message) =>
          progress({
            phase: 'preparing',
            epoch: 0,
            epochs: options.config.training.epochs,
            loss: null,
            valLoss: null,
            message,
          }),
        ...(options.isCancelled === undefined ? {} : { isCancelled: options.isCancelled }),
      },
    );
  } catch (error) {
    if (poll !== null) clearInterval(poll);
    throw error;
  }
  const training = handle as unknown as PreparingHandle;
  // Awaited below, after the freezing work has started; this keeps an early failure from being unhandled meanwhile.
  training.result.catch(() => undefined);
  // While the worker trains: keep the recorded data (so `evaluate` reproduces the run after the workspace changes)
  // and freeze the training snapshot (so `evaluate --dataset` can score it). A failure here costs only that: the
  // run still records, and says so in its message.
  const keep = async (what: string, work: () => Promise<string | null>) =>
    work().catch((error: unknown) => `${what}: ${error instanceof Error ? error.message : String(error)}`);
  // From the recording, not the workspace again: the snapshot is the training assets' part of what was read.
  const snapshot = loadSnapshotData(replaySource(recorder.recording(), `run ${runId}`), {
    dataset: config.dataset,
    seed: config.training.seed,
  });
  // A rejection is reported by the steps that await it; this keeps it from being unhandled meanwhile.
  snapshot.catch(() => undefined);
  const freezing = Promise.all([
    keep('the data the run read was not kept', async () => {
      await keepRunRecording(workspace.path, runId, recorder.recording());
      return null;
    }),
    keep('the training snapshot was not frozen', async () => {
      const data = await snapshot;
      if (data.contentHash !== dataset.contentHash)
        return `the training snapshot was not frozen: it hashes ${data.contentHash.slice(0, 12)}, the run's dataset ${dataset.contentHash.slice(0, 12)}`;
      await freezeSnapshot(workspace, data);
      return null;
    }),
  ]).then((messages) => messages.filter((m) => m !== null).join('; ') || null);
  const record = (
    status: 'done' | 'failed' | 'cancelled',
    backend: string,
    metrics: Record<string, number>,
    dir: string | null,
    message: string | null,
  ) =>
    workspace.recordRun({
      id: runId,
      name: config.name,
      task: config.dataset.label.kind,
      modelType: config.model.type,
      status,
      backend,
      seed: config.training.seed,
      datasetId: dataset.id,
      datasetHash: dataset.contentHash,
      createdAt,
      durationS: (performance.now() - started) / 1000,
      metrics,
      config,
      appVersion: appVersion(),
      artifactDir: dir,
      message,
    });
  let result: TrainJobResult;
  try {
    result = await training.result;
  } catch (error) {
    const cancelled = isCancelledError(error);
    // No run folder, nothing to re-evaluate: the recording goes (a frozen snapshot stays; its row is saved).
    await freezing;
    await dropRunRecording(workspace.path, runId);
    await record(
      cancelled ? 'cancelled' : 'failed',
      'unknown',
      {},
      null,
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  } finally {
    if (poll !== null) clearInterval(poll);
  }
  // The drift reference from the training assets' raw grid (what scoring compares current data with): without it
  // a package is scored with drift unchecked. A failure costs only that, and the run's message says so.
  let driftMessage: string | null = null;
  const files = [...result.files];
  try {
    const data = await snapshot;
    files.push(
      driftReferenceFile({
        // Split by time, the drift reference describes the training side only, not the part the run is scored on.
        series: beforeEvaluation(data.series, dataset.timeCuts),
        features: dataset.features,
        units: dataset.signals.map((s) => s.unit),
        timeKind: dataset.timeKind,
        period: config.dataset.resample.period,
        importanceJson: result.files.find((f) => f.name === 'importance.json')?.data,
      }),
    );
  } catch (error) {
    driftMessage = `no drift reference: ${error instanceof Error ? error.message : String(error)}`;
  }
  const durationS = Number(((performance.now() - started) / 1000).toFixed(3));
  // The renderer engine records its own placement (with the adapter and the probe); the Node worker's is added here.
  const placedBy = options.engine?.reason ?? null;
  const engine =
    result.artifact.engine === undefined
      ? nodeEngineRecord(result.artifact.backend, placedBy ?? "the core's worker thread")
      : placedBy === null
        ? result.artifact.engine
        : { ...result.artifact.engine, reason: `${placedBy}; ${result.artifact.engine.reason}` };
  const folder = await writeRunFolder(
    join(workspace.path, 'artifacts'),
    { ...result.artifact, engine, durationS, files: files.map((f) => f.name) },
    files,
  );
  const frozen = await freezing;
  const message = [frozen, driftMessage].filter((m) => m !== null).join('; ') || null;
  await record('done', result.artifact.backend, result.artifact.metrics, folder, message);
  // The workspace's retention setting: older runs' recorded data goes once this run's is kept. Best effort: a
  // failure here leaves more data on disk, never a broken run.
  await applyFrozenRetention(workspace).catch(() => undefined);
  return { runId, backend: result.artifact.backend, metrics: result.artifact.metrics, folder, dataset, result };
};

/**
 * For an engine that takes prepared windows (a window's Web Worker, renderer-handoff.ts): the dataset is built on
 * this thread, as the renderer cannot reach the workspace, and then handed over; the same handle as the worker's.
 */
const prepareHereThenStart = (
  start: typeof startTraining,
  request: Omit<Parameters<typeof startPreparedTraining>[0], 'dataset'>,
  source: DatasetSource,
  progress: (p: TrainProgress) => void,
): PreparingHandle => {
  let cancelled = false;
  let inner: TrainingHandle | null = null;
  const dataset = prepareDataset(source, request.config, request.finalRul);
  const result = dataset.then((prepared) => {
    if (cancelled) throw new CancelledError();
    const { finalRul: _finalRul, ...rest } = request;
    inner = start({ ...rest, dataset: prepared }, progress);
    return inner.result;
  });
  // A dataset that cannot be built rejects `prepared`, which the caller awaits first; this keeps the same
  // rejection of `result` from counting as unhandled meanwhile (the caller still sees it when it awaits).
  result.catch(() => undefined);
  return {
    prepared: dataset.then(summariseDataset),
    result,
    cancel: () => {
      cancelled = true;
      inner?.cancel();
    },
  };
};
