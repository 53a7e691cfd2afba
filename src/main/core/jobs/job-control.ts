import { CancelledError } from './cancelled.js';

/**
 * What long work receives from whoever runs it: ask whether to stop, report progress. One shape for every
 * job; `D` is the work's own progress detail (per-tag counts of a historian import, epochs of a training run).
 */
export interface JobControl<D = never> {
  readonly isCancelled: () => boolean;
  /** `fraction` 0..1, or null when unknown (an indeterminate bar). */
  readonly progress: (fraction: number | null, message: string, detail?: D) => void;
  /** Aborted on cancel, for APIs that take a signal (timers, streams, fetch). */
  readonly signal: AbortSignal;
}

/** A control given in part (a CLI that only prints progress, a test that only cancels). */
export type PartialJobControl<D = never> = Partial<JobControl<D>>;

const NEVER_ABORTED = new AbortController().signal;

/** Fill in what a partial control leaves out: never cancelled, progress dropped. */
export const jobControl = <D = never>(partial: PartialJobControl<D> = {}): JobControl<D> => ({
  isCancelled: partial.isCancelled ?? (() => partial.signal?.aborted ?? false),
  progress: partial.progress ?? (() => undefined),
  signal: partial.signal ?? NEVER_ABORTED,
});

/** A control for work nobody follows or cancels. */
export const NO_CONTROL: JobControl<never> = jobControl();

/** Throw the job model's CancelledError when the job was cancelled: the one check between steps. */
export const throwIfCancelled = (control: Pick<JobControl<unknown>, 'isCancelled'>, message?: string): void => {
  if (control.isCancelled()) throw new CancelledError(message);
};

/**
 * The same control seen through a sub-range of progress: step `index` of `count` maps its 0..1 onto
 * (index..index+1)/count, its message prefixed. Used where one job runs several steps (files, phases).
 */
export const subControl = <D>(control: JobControl<D>, index: number, count: number, prefix = ''): JobControl<D> => ({
  isCancelled: control.isCancelled,
  signal: control.signal,
  progress: (fraction, message, detail) =>
    control.progress(fraction === null ? null : (index + fraction) / count, `${prefix}${message}`, detail),
});
