import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_ARTIFACT_FILE, RunArtifactSchema, runArtifactDir } from '../../../shared/run-artifact.js';
import { prepareDataset } from '../datasets/prepare.js';
import { evaluateSavedRun, type EvaluationResult } from '../ml/evaluate-job.js';
import type { Workspace } from '../workspace/workspace.js';
import { parseTrainConfig, resolveFinalRul } from './load-config.js';

export interface EvaluateRunResult extends EvaluationResult {
  readonly run: string;
  readonly recorded: Record<string, number>;
  /** The re-computed figures equal the recorded ones (to 1e-4): the run reproduces from its folder. */
  readonly matchesRecord: boolean;
}

/**
 * `evaluate`: load a run from its folder (never from the training process's memory), rebuild its evaluation
 * windows from the workspace with the recorded config, and score them again.
 */
export const evaluateRun = async (workspace: Workspace, runId: string, baseDir: string): Promise<EvaluateRunResult> => {
  const folder = runArtifactDir(join(workspace.path, 'artifacts'), runId);
  const text = await readFile(join(folder, RUN_ARTIFACT_FILE), 'utf8').catch(() => {
    throw new Error(`no run "${runId}" in ${workspace.path} (no ${RUN_ARTIFACT_FILE} in ${folder})`);
  });
  const artifact = RunArtifactSchema.parse(JSON.parse(text));
  const config = parseTrainConfig(artifact.config);
  const dataset = await prepareDataset(workspace, config, await resolveFinalRul(config, baseDir));
  if (dataset.contentHash !== artifact.dataset.contentHash) {
    throw new Error(`run ${runId}: the workspace data changed since training (dataset hash ${dataset.contentHash.slice(0, 12)} ≠ recorded ${artifact.dataset.contentHash.slice(0, 12)})`);
  }
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(folder)) files.set(name, new Uint8Array(await readFile(join(folder, name))));
  const result = await evaluateSavedRun(artifact, files, dataset);
  const matchesRecord = Object.entries(result.metrics).every(([k, v]) => {
    const recorded = artifact.metrics[k];
    return recorded === undefined || Math.abs(recorded - v) <= 1e-4 * Math.max(1, Math.abs(recorded));
  });
  return { ...result, run: runId, recorded: artifact.metrics, matchesRecord };
};
