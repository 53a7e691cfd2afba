import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  RUN_ARTIFACT_FILE,
  metricsOnOf,
  RunArtifactSchema,
  runArtifactDir,
  type RunArtifact,
} from '../../../shared/run-artifact.js';
import type { TrainConfig } from '../../../shared/training.js';
import { DatasetError } from '../datasets/prepare.js';
import { readRunRecording } from '../datasets/frozen-store.js';
import { replaySource } from '../datasets/recorded-source.js';
import { snapshotWindows } from '../datasets/snapshot.js';
import type { EvaluationResult, ScoringData } from '../ml/evaluate-job.js';
import { evaluateInWorker } from '../ml/worker-client.js';
import { jobControl, throwIfCancelled, type PartialJobControl } from '../jobs/job-control.js';
import { logged } from '../jobs/logged.js';
import type { Workspace } from '../workspace/workspace.js';
import { loadSavedSnapshot, snapshotDefinition } from '../datasets/dataset-snapshots.js';
import { parseTrainConfig, resolveFinalRul } from './load-config.js';

/** The data a run was scored on. */
export interface EvaluatedDataset {
  /** `run`: the run's own evaluation (or validation) assets; `snapshot`: a saved dataset chosen with --dataset. */
  readonly source: 'run' | 'snapshot';
  /** For `run`: "held-out evaluation", or "validation (used for tuning)" when the run had no evaluation set. */
  readonly label?: string;
  readonly id: string;
  readonly contentHash: string;
  readonly assets: string[];
  /** Scored assets the run also trained or validated on (its figures on them flatter the model). */
  readonly seenInTraining: string[];
}

export interface EvaluateRunResult extends EvaluationResult {
  readonly run: string;
  readonly recorded: Record<string, number>;
  /** The re-computed figures equal the recorded ones (to 1e-4): the run reproduces from its folder. */
  readonly matchesRecord: boolean;
  readonly dataset: EvaluatedDataset;
}

export interface EvaluateRunOptions {
  /** Score on this saved dataset snapshot (`datasets` table) instead of the run's own evaluation assets. */
  readonly datasetId?: string | undefined;
  /** Progress and cancel (checked between the steps and between explained windows). */
  readonly control?: PartialJobControl | undefined;
}

/** The snapshot's windows as the run's model reads them, refusing what the model cannot score. */
const snapshotScoringData = async (
  workspace: Workspace,
  artifact: RunArtifact,
  config: TrainConfig,
  datasetId: string,
): Promise<{ data: ScoringData; dataset: EvaluatedDataset }> => {
  const row = await workspace.dataset(datasetId);
  if (row === null) throw new Error(`no dataset "${datasetId}" in ${workspace.path} (see "pdm-studio datasets list")`);
  // Cheap checks on the definition first, then the rebuild and its hash check.
  const def = (await snapshotDefinition(workspace, row)).dataset;
  const missing = artifact.features.filter((f) => !def.signals.includes(f));
  if (missing.length > 0) {
    throw new DatasetError(
      `dataset ${datasetId} lacks signal${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}, which run ${artifact.runId}'s model needs`,
    );
  }
  if (def.label.kind !== artifact.task) {
    throw new DatasetError(
      `dataset ${datasetId} is labelled for "${def.label.kind}", but run ${artifact.runId} is a "${artifact.task}" model`,
    );
  }
  if (def.window.length !== artifact.window.length) {
    throw new DatasetError(
      `dataset ${datasetId} has windows of ${def.window.length} steps; run ${artifact.runId}'s model takes ${artifact.window.length}`,
    );
  }
  if (def.resample.period !== config.dataset.resample.period) {
    throw new DatasetError(
      `dataset ${datasetId} is on a grid of ${def.resample.period}; run ${artifact.runId} was trained on a grid of ${config.dataset.resample.period}`,
    );
  }
  const snapshot = await loadSavedSnapshot(workspace, datasetId);
  if (snapshot.timeKind !== artifact.window.timeKind) {
    throw new DatasetError(
      `dataset ${datasetId} is on a ${snapshot.timeKind} axis; run ${artifact.runId} was trained on a ${artifact.window.timeKind} axis`,
    );
  }
  const { windows, failures } = snapshotWindows(snapshot, {
    features: artifact.features,
    smoothing: config.dataset.smoothing,
    age: config.dataset.age,
    baseline: config.dataset.baseline,
    normalisation: artifact.normalisation,
    length: artifact.window.length,
  });
  if (windows.n === 0) throw new DatasetError(`dataset ${datasetId}: no labelled windows to score`);
  const known = [...new Set((await workspace.signals()).map((s) => s.asset))];
  const selection = config.dataset.assets;
  const trained = selection.names ?? known.filter((a) => a.startsWith(selection.prefix ?? ''));
  return {
    data: {
      evaluation: windows,
      validation: windows,
      failures: { validation: failures, evaluation: failures },
      timeKind: snapshot.timeKind,
      inputs: [...(artifact.inputs ?? artifact.features)],
    },
    dataset: {
      source: 'snapshot',
      id: snapshot.id,
      contentHash: snapshot.contentHash,
      assets: snapshot.assets,
      seenInTraining: snapshot.assets.filter((a) => trained.includes(a)),
    },
  };
};

/**
 * `evaluate`: load a run from its folder (never from the training process's memory), rebuild its evaluation
 * windows from the workspace with the recorded config, and score them again. With `datasetId`, score a saved
 * dataset snapshot instead, with the run's own preprocessing (smoothing, stored normalisation, window length).
 */
export const evaluateRun = (
  workspace: Workspace,
  runId: string,
  baseDir: string,
  options: EvaluateRunOptions = {},
): Promise<EvaluateRunResult> =>
  logged(
    'training',
    'evaluate',
    {
      workspace: workspace.path,
      run: runId,
      ...(options.datasetId === undefined ? {} : { dataset: options.datasetId }),
    },
    () => evaluate(workspace, runId, baseDir, options),
    (r) => ({ matchesRecord: r.matchesRecord, scoredWindows: r.scoredWindows }),
  );

const evaluate = async (
  workspace: Workspace,
  runId: string,
  baseDir: string,
  options: EvaluateRunOptions,
): Promise<EvaluateRunResult> => {
  const control = jobControl(options.control);
  control.progress(null, 'reading the run');
  const folder = runArtifactDir(join(workspace.path, 'artifacts'), runId);
  const text = await readFile(join(folder, RUN_ARTIFACT_FILE), 'utf8').catch(() => {
    throw new Error(`no run "${runId}" in ${workspace.path} (no ${RUN_ARTIFACT_FILE} in ${folder})`);
  });
  const artifact = RunArtifactSchema.parse(JSON.parse(text));
  const config = parseTrainConfig(artifact.config);
  control.progress(null, 'preparing the data');
  const files: [string, Uint8Array][] = [];
  for (const name of await readdir(folder)) files.push([name, new Uint8Array(await readFile(join(folder, name)))]);
  let result: EvaluationResult;
  let used: EvaluatedDataset;
  // The scoring, and the rebuild of the run's own windows, run in a worker: this thread only answers its reads.
  if (options.datasetId !== undefined) {
    const snapshot = await snapshotScoringData(workspace, artifact, config, options.datasetId);
    throwIfCancelled(control);
    result = await evaluateInWorker(
      { artifact, files, data: { kind: 'windows', scoring: snapshot.data } },
      null,
      control,
    );
    used = snapshot.dataset;
  } else {
    // The data the run read, as recorded at training; runs from before recordings were kept read the workspace.
    const recording = await readRunRecording(workspace.path, runId);
    const source = recording === null ? workspace : replaySource(recording, `run ${runId}`);
    const where =
      recording === null
        ? 'the workspace data changed since training'
        : 'its recorded data does not hash as at training';
    throwIfCancelled(control);
    const evaluated = await evaluateInWorker(
      {
        artifact,
        files,
        data: { kind: 'rebuild', config, finalRul: await resolveFinalRul(config, baseDir), where },
      },
      source,
      control,
    );
    const { split, ...rest } = evaluated;
    result = rest;
    const own = artifact.evaluationDataset ?? artifact.dataset;
    used = {
      source: 'run',
      label: metricsOnOf(artifact).label,
      id: own.id,
      contentHash: own.contentHash,
      assets: (artifact.evaluationDataset === null ? split?.validation : split?.evaluation) ?? [],
      seenInTraining: [],
    };
  }
  const matchesRecord = Object.entries(result.metrics).every(([k, v]) => {
    const recorded = artifact.metrics[k];
    return recorded === undefined || Math.abs(recorded - v) <= 1e-4 * Math.max(1, Math.abs(recorded));
  });
  return { ...result, run: runId, recorded: artifact.metrics, matchesRecord, dataset: used };
};
