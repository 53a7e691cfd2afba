/**
 * The one error a cancelled job ends with, whatever the work: file import, historian import, training,
 * evaluation. Code that must tell "the user stopped it" from "it broke" checks `instanceof CancelledError`
 * (or `isCancelledError` across a worker boundary, where only the name survives).
 */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** True for a CancelledError, also one that crossed a thread boundary as a plain object with its name. */
export const isCancelledError = (error: unknown): boolean =>
  error instanceof CancelledError ||
  (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'CancelledError');
