import type { ApiEvent } from '../../shared/api.js';
import type { JobState } from '../../shared/domain.js';

/**
 * The jobs panel's model: every job the app runs (imports, historian imports, training), followed through
 * 'job-progress' / 'job-finished' events and the listJobs answer. Pure, so the rules are unit-tested.
 */
export interface JobRow {
  readonly id: string;
  /** null: known only from a progress event so far (listJobs fills it in). */
  readonly kind: JobState['kind'] | null;
  readonly status: JobState['status'];
  readonly fraction: number | null;
  readonly message: string;
  readonly error: string | null;
  /** Cancel was asked for and the job has not ended yet. */
  readonly cancelling: boolean;
}

/** Finished jobs the panel keeps showing under the running ones. */
export const FINISHED_SHOWN = 5;

const fromState = (job: JobState, cancelling = false): JobRow => ({
  id: job.id,
  kind: job.kind,
  status: job.status,
  fraction: job.fraction,
  message: job.message,
  error: job.error,
  cancelling: cancelling && job.status === 'running',
});

const isFinished = (row: Pick<JobRow, 'status'>) => row.status !== 'running';

/** Running first (in the order they started), then the latest finished ones. */
const ordered = (rows: readonly JobRow[]): JobRow[] => {
  const running = rows.filter((r) => !isFinished(r));
  const finished = rows.filter(isFinished).slice(0, FINISHED_SHOWN);
  return [...running, ...finished];
};

/**
 * The server's list, merged with what events already told: a job this view saw finish never goes back to
 * running (a list answer can be older than the last event), and a requested cancel stays shown.
 */
export const mergeJobList = (rows: readonly JobRow[], listed: readonly JobState[]): JobRow[] => {
  const known = new Map(rows.map((r) => [r.id, r]));
  return ordered(
    listed.map((job) => {
      const row = known.get(job.id);
      if (row !== undefined && isFinished(row) && job.status === 'running') return { ...row, kind: job.kind };
      return fromState(job, row?.cancelling ?? false);
    }),
  );
};

/** Apply one API event; `unknown` says the event named a job the view has not listed yet (refresh the list). */
export const applyJobsEvent = (rows: readonly JobRow[], event: ApiEvent): { rows: JobRow[]; unknown: boolean } => {
  switch (event.type) {
    case 'job-progress': {
      const row = rows.find((r) => r.id === event.jobId);
      if (row === undefined) {
        const added: JobRow = {
          id: event.jobId,
          kind: null,
          status: 'running',
          fraction: event.fraction,
          message: event.message,
          error: null,
          cancelling: false,
        };
        return { rows: ordered([...rows, added]), unknown: true };
      }
      if (isFinished(row)) return { rows: [...rows], unknown: false };
      const next = rows.map((r) => (r.id === row.id ? { ...r, fraction: event.fraction, message: event.message } : r));
      return { rows: next, unknown: false };
    }
    case 'job-finished': {
      const finished = fromState(event.job);
      const others = rows.filter((r) => r.id !== event.job.id);
      // The newest finished job goes first among the finished ones.
      const running = others.filter((r) => !isFinished(r));
      return { rows: ordered([...running, finished, ...others.filter(isFinished)]), unknown: false };
    }
    case 'training-progress':
    case 'workspace-changed':
    case 'events-changed':
    case 'training-handoff':
      return { rows: [...rows], unknown: false };
  }
};

export const markCancelling = (rows: readonly JobRow[], id: string): JobRow[] =>
  rows.map((r) => (r.id === id && !isFinished(r) ? { ...r, cancelling: true } : r));

export const runningCount = (rows: readonly JobRow[]): number => rows.filter((r) => !isFinished(r)).length;

export const kindLabel = (kind: JobRow['kind']): string => {
  switch (kind) {
    case 'import':
      return 'File import';
    case 'opcua-import':
      return 'Historian import';
    case 'sql-import':
      return 'SQL historian import';
    case 'training':
      return 'Training';
    case 'scoring':
      return 'Scoring';
    case 'report':
      return 'Report export';
    case 'follow':
      return 'Monitoring (follow)';
    case null:
      return 'Job';
  }
};

/** The status bar's one-line summary. */
export const jobsSummary = (rows: readonly JobRow[]): string => {
  const n = runningCount(rows);
  if (n === 0) return rows.length === 0 ? 'No jobs' : 'No jobs running';
  return n === 1 ? '1 job running' : `${n} jobs running`;
};

/** What a row says about its state: progress while running, the outcome after. */
export const rowStatus = (row: JobRow): string => {
  switch (row.status) {
    case 'running':
      if (row.cancelling) return 'cancelling…';
      return row.fraction === null ? row.message : `${Math.round(row.fraction * 100)} % · ${row.message}`;
    case 'done':
      return 'done';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return `failed: ${row.error ?? 'unknown error'}`;
  }
};
