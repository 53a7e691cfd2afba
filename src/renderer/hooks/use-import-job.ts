import { useCallback } from 'react';
import type { ImportOptions } from '../../shared/domain.js';
import type { JobView } from '../logic/job-tracker.js';
import { useServices } from './services.js';
import { useJob } from './use-job.js';

export { JOB_POLL_MS } from './use-job.js';

export interface ImportJob {
  readonly view: JobView;
  readonly start: (paths: readonly string[], options: ImportOptions) => Promise<void>;
  readonly cancel: () => Promise<void>;
  readonly reset: () => void;
}

/** A file import job (startImport), followed as every job is (see use-job.ts). */
export const useImportJob = (): ImportJob => {
  const { api } = useServices();
  const { view, launch, cancel, reset } = useJob();
  const start = useCallback(
    // A refused start shows in the job view (status 'failed'); nothing more to report here.
    (paths: readonly string[], options: ImportOptions) =>
      launch(() => api.startImport({ paths: [...paths], options })).catch(() => undefined),
    [api, launch],
  );
  return { view, start, cancel, reset };
};
