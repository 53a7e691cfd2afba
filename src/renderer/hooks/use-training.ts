import { useCallback, useState } from 'react';
import type { TrainConfigInput } from '../../shared/training.js';
import type { JobView } from '../logic/job-tracker.js';
import { addProgress, type LossCurves, type LossPoint } from '../logic/loss-curve.js';
import { useApiEvents, useServices } from './services.js';
import { useJob } from './use-job.js';

export interface TrainingJob {
  readonly view: JobView;
  /** Loss per epoch of this job, from 'training-progress' events. */
  readonly points: readonly LossPoint[];
  readonly epochs: number | null;
  readonly start: (config: TrainConfigInput) => Promise<void>;
  readonly cancel: () => Promise<void>;
  readonly reset: () => void;
}

/**
 * A training job (startTraining) with its live loss curve. Progress events are kept by job id from the moment
 * the hook exists, so epochs reported before startTraining answered are not lost.
 */
export const useTraining = (): TrainingJob => {
  const { api } = useServices();
  const { view, launch, cancel, reset: resetJob } = useJob();
  const [curves, setCurves] = useState<LossCurves>({});

  useApiEvents((event) => {
    if (event.type === 'training-progress') setCurves((c) => addProgress(c, event));
  });

  const start = useCallback(
    // A refused start shows in the job view (status 'failed'); nothing more to report here.
    (config: TrainConfigInput) => launch(() => api.startTraining({ config })).catch(() => undefined),
    [api, launch],
  );

  const reset = useCallback(() => {
    resetJob();
    setCurves({});
  }, [resetJob]);

  const curve = view.jobId === null ? undefined : curves[view.jobId];
  return { view, points: curve?.points ?? [], epochs: curve?.epochs ?? null, start, cancel, reset };
};
