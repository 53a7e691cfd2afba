import type { ApiEvent } from '../../shared/api.js';
import type { IngestSummary, JobState, OpcuaImportSummary, SqlImportSummary } from '../../shared/domain.js';
import type { TrainingJobResult } from '../../shared/training.js';

/** What the import dialog shows about its job. */
export interface JobView {
  readonly jobId: string | null;
  readonly status: 'idle' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';
  /** null: progress unknown (indeterminate bar). */
  readonly fraction: number | null;
  readonly message: string;
  readonly summary: IngestSummary | null;
  /** The outcome of an OPC UA history import job. */
  readonly opcua: OpcuaImportSummary | null;
  /** The outcome of a PostgreSQL historian import job. */
  readonly sql: SqlImportSummary | null;
  /** The outcome of a training job: run id, backend, metrics. */
  readonly training: TrainingJobResult | null;
  readonly error: string | null;
}

export const idleJob: JobView = {
  jobId: null,
  status: 'idle',
  fraction: null,
  message: '',
  summary: null,
  opcua: null,
  sql: null,
  training: null,
  error: null,
};

export const startingJob: JobView = { ...idleJob, status: 'starting', fraction: null, message: 'starting' };

export const isActive = (view: JobView): boolean => view.status === 'starting' || view.status === 'running';

export const isFinished = (view: JobView): boolean =>
  view.status === 'done' || view.status === 'failed' || view.status === 'cancelled';

export const fromJobState = (job: JobState): JobView => ({
  jobId: job.id,
  status: job.status,
  fraction: job.fraction,
  message: job.message,
  summary: job.result,
  opcua: job.opcua ?? null,
  sql: job.sql ?? null,
  training: job.training ?? null,
  error: job.error,
});

/** Once started, a job view follows the events of its job only; a finished job ignores late progress. */
export const applyJobEvent = (view: JobView, event: ApiEvent): JobView => {
  if (view.jobId === null) return view;
  if (event.type === 'job-progress') {
    if (event.jobId !== view.jobId || isFinished(view)) return view;
    return { ...view, status: 'running', fraction: event.fraction, message: event.message };
  }
  if (event.type === 'job-finished') {
    if (event.job.id !== view.jobId) return view;
    return fromJobState(event.job);
  }
  return view;
};

/** A polled JobState only moves the view forward (never back from finished to running). */
export const applyJobState = (view: JobView, job: JobState): JobView => {
  if (job.id !== view.jobId || isFinished(view)) return view;
  return fromJobState(job);
};

/** The view of a job whose id just arrived, replaying events that came before the id was known. */
export const jobStarted = (jobId: string, earlier: readonly ApiEvent[]): JobView =>
  earlier.reduce(applyJobEvent, { ...idleJob, jobId, status: 'running', message: 'starting' } as JobView);
