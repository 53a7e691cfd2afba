import type { RunArtifact } from '../../../shared/run-artifact.js';
import type { TrainConfig } from '../../../shared/training.js';
import { prepareDataset, type DatasetSource } from '../datasets/prepare.js';
import type { JobControl } from '../jobs/job-control.js';
import { evaluateSavedRun, type EvaluationResult, type ScoringData } from './evaluate-job.js';

/**
 * What the worker needs to re-score a saved run: the run record and its folder's files, and either the windows
 * already built (a saved snapshot) or what it takes to rebuild the run's own dataset and check it hashes as at
 * training.
 */
export interface EvaluateJobRequest {
  readonly artifact: RunArtifact;
  readonly files: readonly (readonly [string, Uint8Array])[];
  readonly data:
    | { readonly kind: 'windows'; readonly scoring: ScoringData }
    | {
        readonly kind: 'rebuild';
        readonly config: TrainConfig;
        readonly finalRul: readonly number[] | null;
        /** Says why a hash differs: "the workspace data changed since training" or the recording's damage. */
        readonly where: string;
      };
}

export interface EvaluateJobResult extends EvaluationResult {
  /** The rebuilt dataset's validation and evaluation assets (for the caller's report); null for given windows. */
  readonly split: { readonly validation: string[]; readonly evaluation: string[] } | null;
}

/** Worker side: build (and check) the dataset from `source`, then score. */
export const runEvaluateJob = async (
  request: EvaluateJobRequest,
  source: DatasetSource,
  control: JobControl,
): Promise<EvaluateJobResult> => {
  const { artifact } = request;
  const files = new Map(request.files.map(([name, bytes]) => [name, bytes] as const));
  if (request.data.kind === 'windows') {
    return { ...(await evaluateSavedRun(artifact, files, request.data.scoring, control)), split: null };
  }
  control.progress(null, 'preparing the data');
  const { config, finalRul, where } = request.data;
  const dataset = await prepareDataset(source, config, finalRul);
  if (dataset.contentHash !== artifact.dataset.contentHash) {
    throw new Error(
      `run ${artifact.runId}: ${where} (dataset hash ${dataset.contentHash.slice(0, 12)} ≠ recorded ${artifact.dataset.contentHash.slice(0, 12)})`,
    );
  }
  const evaluationHash = artifact.evaluationDataset?.contentHash ?? null;
  if (evaluationHash !== null && dataset.evaluationHash !== evaluationHash) {
    throw new Error(
      `run ${artifact.runId}: ${where} (evaluation data hash ${(dataset.evaluationHash ?? '').slice(0, 12)} ≠ recorded ${evaluationHash.slice(0, 12)})`,
    );
  }
  const result = await evaluateSavedRun(artifact, files, dataset, control);
  return { ...result, split: { validation: dataset.split.validation, evaluation: dataset.split.evaluation } };
};
