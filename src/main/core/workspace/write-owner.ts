import { AsyncLocalStorage } from 'node:async_hooks';
import { ApiError } from '../../../shared/api.js';
import { CancelledError } from '../jobs/cancelled.js';

/**
 * What a write does when a long job holds the workspace: 'wait' queues it (a job: it reports "waiting for ... to
 * finish" and runs next), 'refuse' answers at once with WorkspaceBusyError (an edit from a dialog: the user gets a
 * clear answer now instead of a spinner for the minutes an import may take). Behind other short writes both wait.
 */
export type WhenBusy = 'wait' | 'refuse';

export interface WriteTask {
  /** In the user's words, for messages: "import of plant.csv", "signal edit". */
  readonly label: string;
  /** A long job (file or historian import, tile build, training snapshot): holds the workspace for a while. */
  readonly long: boolean;
  readonly whenBusy: WhenBusy;
  /** Told while the task waits its turn, and again whenever the job it waits behind changes. */
  readonly onWait?: ((message: string) => void) | undefined;
  /** Polled while waiting: a cancelled task leaves the queue with CancelledError. */
  readonly isCancelled?: (() => boolean) | undefined;
}

/** A write refused because a long job holds the workspace (API code 'conflict'). */
export class WorkspaceBusyError extends ApiError {
  constructor(
    readonly job: string,
    what: string,
  ) {
    super('conflict', `the workspace is busy with the ${job}: the ${what} can be made when it finishes (or cancel it)`);
    this.name = 'WorkspaceBusyError';
  }
}

interface Waiter {
  readonly task: WriteTask;
  readonly start: () => void;
}

const CANCEL_POLL_MS = 100;

/**
 * The one owner of the workspace's writes: it runs one write task at a time, in arrival order, so transactions
 * never interleave. Reads do not come here (they use their own connections; DuckDB's MVCC shows them committed
 * data only). A task that calls another write from inside itself (an import refreshing its trend tiles, a
 * training snapshot saving its dataset row) already owns the workspace and runs at once instead of deadlocking.
 */
export class WriteOwner {
  private holder: WriteTask | null = null;
  private readonly queue: Waiter[] = [];
  private readonly inside = new AsyncLocalStorage<WriteOwner>();

  /** The long job holding or waiting for the workspace, if any (for messages and for `openWorkspace`). */
  busyWith(): string | null {
    return [this.holder, ...this.queue.map((w) => w.task)].find((t) => t?.long === true)?.label ?? null;
  }

  /** True when nothing holds or waits for the workspace. */
  idle(): boolean {
    return this.holder === null && this.queue.length === 0;
  }

  async run<T>(task: WriteTask, work: () => Promise<T>): Promise<T> {
    if (this.inside.getStore() === this) return work();
    await this.acquire(task);
    try {
      return await this.inside.run(this, work);
    } finally {
      this.release();
    }
  }

  /**
   * Take the workspace until the returned release is called: for a job whose writes are not one call (a historian
   * stream holds it from open to close). Writes the holder makes through other calls would wait for itself.
   */
  async hold(task: WriteTask): Promise<() => void> {
    await this.acquire(task);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  private acquire(task: WriteTask): Promise<void> {
    if (this.idle()) {
      this.holder = task;
      return Promise.resolve();
    }
    const busy = this.busyWith();
    if (task.whenBusy === 'refuse' && busy !== null) return Promise.reject(new WorkspaceBusyError(busy, task.label));
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setInterval> | undefined;
      const waiter: Waiter = {
        task,
        start: () => {
          if (timer !== undefined) clearInterval(timer);
          resolve();
        },
      };
      this.queue.push(waiter);
      task.onWait?.(`waiting for the ${this.holder?.label ?? 'previous write'} to finish`);
      const cancelled = task.isCancelled;
      if (cancelled !== undefined) {
        timer = setInterval(() => {
          if (!cancelled()) return;
          clearInterval(timer);
          const at = this.queue.indexOf(waiter);
          if (at >= 0) this.queue.splice(at, 1);
          reject(new CancelledError());
        }, CANCEL_POLL_MS);
      }
    });
  }

  private release(): void {
    const next = this.queue.shift();
    this.holder = next?.task ?? null;
    if (next === undefined) return;
    for (const waiter of this.queue) waiter.task.onWait?.(`waiting for the ${next.task.label} to finish`);
    next.start();
  }
}
