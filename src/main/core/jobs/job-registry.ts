import { randomUUID } from 'node:crypto';
import type { ApiEvent } from '../../../shared/api.js';
import type { IngestSummary, JobState } from '../../../shared/domain.js';
import { log } from '../log/logger.js';
import { isCancelledError } from './cancelled.js';
import { wasLogged } from './logged.js';
import type { JobControl } from './job-control.js';

type JobResultFields = Partial<Pick<JobState, 'result' | 'opcua' | 'sql' | 'training' | 'scoring' | 'report'>>;

interface Entry {
  state: JobState;
  readonly abort: AbortController;
  readonly started: number;
  done: Promise<void>;
}

/** Finished jobs kept for getJob/listJobs; older ones are forgotten (running ones never are). */
const KEEP_FINISHED = 50;
/** Progress events are throttled: a fast import would otherwise flood the renderer. */
const PROGRESS_EVERY_MS = 100;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The app's running work: every job has an id, progress, a Cancel, and ends done (with its result), failed
 * (with the message) or cancelled. Each change is published as an API event and each start and end is logged.
 */
export class Jobs {
  private readonly jobs = new Map<string, Entry>();

  constructor(private readonly emit: (event: ApiEvent) => void) {}

  /** `store` places the result in the job state: by default an import's IngestSummary in `result`. */
  start<R = IngestSummary>(
    kind: JobState['kind'],
    work: (control: JobControl<unknown>) => Promise<R>,
    store: (result: R) => JobResultFields = (result) => ({ result: result as IngestSummary }),
  ): string {
    const id = randomUUID();
    const entry: Entry = {
      state: { id, kind, status: 'running', fraction: 0, message: 'starting', result: null, error: null },
      abort: new AbortController(),
      started: Date.now(),
      done: Promise.resolve(),
    };
    this.jobs.set(id, entry);
    log.info('job', 'started', { job: id, kind });
    let lastEmit = 0;
    // The last message of a burst is sent once the throttle allows: a long-lived job's "next round in 60 s"
    // said right after a round's last progress must not be swallowed until the next round.
    let trailing: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      trailing = null;
      if (entry.state.status !== 'running') return;
      lastEmit = Date.now();
      this.emit({ type: 'job-progress', jobId: id, fraction: entry.state.fraction, message: entry.state.message });
    };
    // Progress detail (per-tag counts, epochs) is the work's own business: the job keeps fraction and message.
    const control: JobControl<unknown> = {
      isCancelled: () => entry.abort.signal.aborted,
      signal: entry.abort.signal,
      progress: (fraction, message) => {
        entry.state = { ...entry.state, fraction, message };
        const now = Date.now();
        if (now - lastEmit >= PROGRESS_EVERY_MS || fraction === 1) {
          if (trailing !== null) clearTimeout(trailing);
          trailing = null;
          lastEmit = now;
          this.emit({ type: 'job-progress', jobId: id, fraction, message });
        } else if (trailing === null) {
          trailing = setTimeout(flush, PROGRESS_EVERY_MS - (now - lastEmit));
        }
      },
    };
    /** Set when the work's own `logged` wrapper already wrote the failure as an error line. */
    let failureLogged = false;
    entry.done = work(control)
      .then(
        (result) => {
          entry.state = { ...entry.state, status: 'done', fraction: 1, message: 'done', ...store(result) };
        },
        (error: unknown) => {
          // A job the user cancelled ends cancelled whatever the work threw on its way out.
          const cancelled = entry.abort.signal.aborted || isCancelledError(error);
          failureLogged = wasLogged(error);
          entry.state = {
            ...entry.state,
            status: cancelled ? 'cancelled' : 'failed',
            message: cancelled ? 'cancelled' : 'failed',
            error: cancelled ? null : errorText(error),
          };
        },
      )
      .finally(() => {
        if (trailing !== null) clearTimeout(trailing);
        const seconds = (Date.now() - entry.started) / 1000;
        const { status, error } = entry.state;
        // One error line per failure: when the work logged its own (naming file and reason), the job's end line
        // ties it to the job id at info level instead of repeating it as a second error.
        if (status === 'failed') {
          const fields = { job: id, kind, seconds, error };
          if (failureLogged) log.info('job', 'failed', fields);
          else log.error('job', 'failed', fields);
        } else log.info('job', status, { job: id, kind, seconds });
        this.emit({ type: 'job-finished', job: entry.state });
        this.forgetOldJobs();
      });
    return id;
  }

  get(id: string): JobState | undefined {
    return this.jobs.get(id)?.state;
  }

  /** Running jobs first (oldest first), then finished ones (newest first). */
  list(): JobState[] {
    const entries = [...this.jobs.values()];
    const running = entries.filter((e) => e.state.status === 'running').sort((a, b) => a.started - b.started);
    const finished = entries.filter((e) => e.state.status !== 'running').sort((a, b) => b.started - a.started);
    return [...running, ...finished].map((e) => e.state);
  }

  cancel(id: string): boolean {
    const entry = this.jobs.get(id);
    if (entry === undefined || entry.state.status !== 'running') return false;
    if (!entry.abort.signal.aborted) log.info('job', 'cancel-requested', { job: id, kind: entry.state.kind });
    entry.abort.abort();
    entry.state = { ...entry.state, message: 'cancelling…' };
    return true;
  }

  async settle(id: string): Promise<JobState | undefined> {
    await this.jobs.get(id)?.done;
    return this.get(id);
  }

  running(): boolean {
    return [...this.jobs.values()].some((j) => j.state.status === 'running');
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()]
      .filter((e) => e.state.status !== 'running')
      .sort((a, b) => b.started - a.started);
    for (const old of finished.slice(KEEP_FINISHED)) this.jobs.delete(old.state.id);
  }
}
