import { randomUUID } from 'node:crypto';
import type { ApiEvent } from '../../../shared/api.js';
import type { IngestSummary, JobState } from '../../../shared/domain.js';

export interface JobControl {
  readonly isCancelled: () => boolean;
  readonly progress: (fraction: number | null, message: string) => void;
}

/** Long work with progress and cancel; every change is also published as an API event. */
export class Jobs {
  private readonly jobs = new Map<string, { state: JobState; cancelled: boolean; done: Promise<void> }>();

  constructor(private readonly emit: (event: ApiEvent) => void) {}

  /** `store` places the result in the job state: by default an import's IngestSummary in `result`. */
  start<R = IngestSummary>(
    kind: JobState['kind'],
    work: (control: JobControl) => Promise<R>,
    store: (result: R) => Partial<Pick<JobState, 'result' | 'opcua' | 'sql' | 'training'>> = (result) => ({
      result: result as IngestSummary,
    }),
  ): string {
    const id = randomUUID();
    const entry = {
      state: { id, kind, status: 'running', fraction: 0, message: 'starting', result: null, error: null } as JobState,
      cancelled: false,
      done: Promise.resolve(),
    };
    this.jobs.set(id, entry);
    let lastEmit = 0;
    const control: JobControl = {
      isCancelled: () => entry.cancelled,
      progress: (fraction, message) => {
        entry.state = { ...entry.state, fraction, message };
        const now = Date.now();
        if (now - lastEmit >= 100 || fraction === 1) {
          lastEmit = now;
          this.emit({ type: 'job-progress', jobId: id, fraction, message });
        }
      },
    };
    entry.done = work(control)
      .then(
        (result) => {
          entry.state = { ...entry.state, status: 'done', fraction: 1, message: 'done', ...store(result) };
        },
        (error: unknown) => {
          const cancelled = entry.cancelled;
          entry.state = {
            ...entry.state,
            status: cancelled ? 'cancelled' : 'failed',
            message: cancelled ? 'cancelled' : 'failed',
            error: cancelled ? null : error instanceof Error ? error.message : String(error),
          };
        },
      )
      .finally(() => {
        this.emit({ type: 'job-finished', job: entry.state });
      });
    return id;
  }

  get(id: string): JobState | undefined {
    return this.jobs.get(id)?.state;
  }

  cancel(id: string): boolean {
    const entry = this.jobs.get(id);
    if (entry === undefined || entry.state.status !== 'running') return false;
    entry.cancelled = true;
    return true;
  }

  async settle(id: string): Promise<JobState | undefined> {
    await this.jobs.get(id)?.done;
    return this.get(id);
  }

  running(): boolean {
    return [...this.jobs.values()].some((j) => j.state.status === 'running');
  }
}
