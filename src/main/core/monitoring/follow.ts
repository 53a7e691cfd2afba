import type { ScoringResult } from '../../../shared/monitoring.js';

/**
 * Follow mode, the one loop behind `monitor --follow` and the app's Start/Stop switch: "update to now" from the
 * historian (when there is one), a scoring pass since the last score (contract check, score, alert rules, drift),
 * then wait `intervalSeconds`. A failed round (historian or registry away, workspace busy) is reported and tried
 * again after 1, 2, 4, then 8 intervals; the next good round is again "since the last score", so nothing is
 * skipped or scored twice. It stops when `signal` aborts (Ctrl-C, Stop, Cancel) or after `rounds` rounds.
 */

/** Failed rounds in a row stretch the wait: interval x 1, 2, 4, 8, then 8 again until one succeeds. */
export const MAX_BACKOFF = 8;

export const backoffFactor = (failedInARow: number): number =>
  failedInARow === 0 ? 1 : Math.min(2 ** (failedInARow - 1), MAX_BACKOFF);

export interface HistorianUpdate {
  readonly values: number;
  readonly duplicates: number;
  /** OPC UA: the historian's "now" the update reached (ISO), on its clock, or on ours (see `warnings`). */
  readonly upTo?: string;
  /** The update went through but something is off: a removed tag skipped, the local clock used. */
  readonly warnings?: readonly string[];
}

export interface FollowRound {
  readonly round: number;
  readonly at: string;
  readonly updated: HistorianUpdate | null;
  readonly result: ScoringResult;
}

export interface FollowFailure {
  readonly round: number;
  readonly at: string;
  readonly message: string;
  readonly failedInARow: number;
  readonly retryInSeconds: number;
}

export interface FollowSummary {
  readonly rounds: number;
  readonly windows: number;
  readonly opened: readonly string[];
  readonly cleared: readonly string[];
  readonly failures: number;
  readonly stopped: 'interrupted' | 'rounds done';
}

export interface FollowOptions {
  readonly intervalSeconds: number;
  /** Stop after this many rounds (tests, cron-style runs); default: until stopped. */
  readonly rounds?: number;
  /** Fetch what is new from the historian; null when the workspace is kept current by other means. */
  readonly update: (() => Promise<HistorianUpdate>) | null;
  readonly score: () => Promise<ScoringResult>;
  readonly signal: AbortSignal;
  readonly onRound?: (round: FollowRound) => void;
  readonly onFailure?: (failure: FollowFailure) => void;
  /** Called before each wait with its length: the job message says when the next round comes. */
  readonly onWait?: (seconds: number, failedInARow: number) => void;
  /** An error that ends the loop instead of being retried (a cancelled scoring job). */
  readonly isFatal?: (error: unknown) => boolean;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });

export const followDeployment = async (options: FollowOptions): Promise<FollowSummary> => {
  const { signal, rounds } = options;
  let failedInARow = 0;
  let done = 0;
  let windows = 0;
  let failures = 0;
  const opened: string[] = [];
  const cleared: string[] = [];
  while (!signal.aborted && (rounds === undefined || done < rounds)) {
    const started = Date.now();
    try {
      const updated = options.update === null ? null : await options.update();
      if (signal.aborted) break;
      const result = await options.score();
      failedInARow = 0;
      windows += result.windows;
      opened.push(...result.alerts.opened);
      cleared.push(...result.alerts.cleared);
      options.onRound?.({ round: done + 1, at: new Date().toISOString(), updated, result });
    } catch (error) {
      if (signal.aborted || options.isFatal?.(error) === true) break;
      // An unattended monitor must outlive a network outage: say it, and try again later.
      failures += 1;
      failedInARow += 1;
      options.onFailure?.({
        round: done + 1,
        at: new Date().toISOString(),
        message: errorText(error),
        failedInARow,
        retryInSeconds: options.intervalSeconds * backoffFactor(failedInARow),
      });
    }
    done += 1;
    if (signal.aborted || (rounds !== undefined && done >= rounds)) break;
    const waitMs = Math.max(0, options.intervalSeconds * backoffFactor(failedInARow) * 1000 - (Date.now() - started));
    options.onWait?.(waitMs / 1000, failedInARow);
    await pause(waitMs, signal);
  }
  return {
    rounds: done,
    windows,
    opened,
    cleared,
    failures,
    stopped: signal.aborted ? 'interrupted' : 'rounds done',
  };
};
