import { ApiError, type ApiEvent, type ApiHandlers } from '../../../shared/api.js';
import { metricsOnOf } from '../../../shared/run-artifact.js';
import type { TrainingJobResult, TrainProgress } from '../../../shared/training.js';
import type { TrainJobRequest } from '../ml/train-job.js';
import {
  applyFrozenRetention,
  FROZEN_KEEP_PUBLISHED_KEY,
  FROZEN_KEEP_RUNS_KEY,
  frozenRetention,
} from '../datasets/frozen-store.js';
import { AlarmThresholdError, saveAlarmThreshold } from '../runs/alarm-threshold.js';
import { deleteRunAndFolder, runDetail, runSummaries } from '../runs/run-files.js';
import { trainRun } from '../runs/train-run.js';
import type { RendererHandoffs } from '../runs/renderer-handoff.js';
import { startTraining as startNodeTraining } from '../ml/worker-client.js';
import type { Workspace } from '../workspace/workspace.js';
import type { Jobs } from '../jobs/job-registry.js';

export type TrainingMethod =
  | 'startTraining'
  | 'listRuns'
  | 'getRun'
  | 'deleteRun'
  | 'evaluateRun'
  | 'saveRunAlarmThreshold'
  | 'getFrozenDataRetention'
  | 'setFrozenDataRetention';

export interface TrainingDeps {
  readonly requireWorkspace: () => Workspace;
  readonly jobs: Jobs;
  readonly emit: (event: ApiEvent) => void;
  /** The renderer training engine's broker; absent, every run trains in the Node worker. */
  readonly handoffs?: RendererHandoffs;
}

/**
 * Training and runs over the API. Training is a job (progress, Cancel) whose work happens in a worker thread;
 * each epoch is also published as a 'training-progress' event so views can draw live loss curves.
 */
export const trainingHandlers = ({
  requireWorkspace,
  jobs,
  emit,
  handoffs,
}: TrainingDeps): Pick<ApiHandlers, TrainingMethod> => ({
  startTraining: async ({ config, baseDir }) => {
    const workspace = requireWorkspace();
    // Decided before the job starts, so a config that cannot be placed is refused at once.
    const placement = handoffs?.place(config) ?? null;
    const engine =
      placement === null
        ? undefined
        : {
            reason: placement.reason,
            start:
              placement.place === 'renderer' && handoffs !== undefined
                ? (request: TrainJobRequest, onProgress: (p: TrainProgress) => void) =>
                    // 'auto' never fails for want of a window: the core's worker trains it instead.
                    handoffs.start(request, onProgress, config.engine === 'auto' ? startNodeTraining : undefined)
                : startNodeTraining,
          };
    let jobId = '';
    jobId = jobs.start<TrainingJobResult>(
      'training',
      async (control) => {
        const run = await trainRun({
          workspace,
          config,
          baseDir: baseDir ?? workspace.path,
          isCancelled: control.isCancelled,
          ...(engine === undefined ? {} : { engine }),
          onProgress: (p) => {
            control.progress(p.phase === 'training' ? p.epoch / p.epochs : null, p.message);
            if (p.phase === 'training') {
              emit({
                type: 'training-progress',
                jobId,
                epoch: p.epoch,
                epochs: p.epochs,
                loss: p.loss,
                valLoss: p.valLoss,
              });
            }
          },
        });
        return {
          run: run.runId,
          backend: run.backend,
          metrics: run.metrics,
          metricsOn: metricsOnOf(run.result.artifact).label,
        };
      },
      (result) => ({ training: result }),
    );
    return { jobId };
  },
  listRuns: async () => runSummaries(requireWorkspace()),
  getRun: async ({ id }) => {
    const detail = await runDetail(requireWorkspace(), id);
    if (detail === null) throw new ApiError('not-found', `no run "${id}" in this workspace`);
    return detail;
  },
  deleteRun: async ({ id }) => ({ deleted: await deleteRunAndFolder(requireWorkspace(), id) }),
  getFrozenDataRetention: async () => frozenRetention(await requireWorkspace().settings()),
  setFrozenDataRetention: async ({ keepRuns, keepPublished }) => {
    const workspace = requireWorkspace();
    await workspace.saveSettings({
      [FROZEN_KEEP_RUNS_KEY]: keepRuns === null ? '' : String(keepRuns),
      [FROZEN_KEEP_PUBLISHED_KEY]: String(keepPublished),
    });
    const applied = await applyFrozenRetention(workspace);
    return { ...frozenRetention(await workspace.settings()), ...applied };
  },
  saveRunAlarmThreshold: async ({ id, value, reason }) => {
    try {
      return await saveAlarmThreshold(requireWorkspace(), id, { value, reason });
    } catch (error) {
      if (error instanceof AlarmThresholdError) throw new ApiError(error.code, error.message);
      throw error;
    }
  },
  evaluateRun: async ({ id, datasetId }) => {
    const workspace = requireWorkspace();
    if ((await workspace.run(id)) === null) throw new ApiError('not-found', `no run "${id}" in this workspace`);
    if (datasetId !== undefined && (await workspace.dataset(datasetId)) === null) {
      throw new ApiError('not-found', `no dataset "${datasetId}" in this workspace`);
    }
    // Loaded on first use: it brings TensorFlow.js, which every other call (and every CLI command) can do without.
    const { evaluateRun } = await import('../runs/evaluate-run.js');
    return evaluateRun(workspace, id, workspace.path, { datasetId });
  },
});
