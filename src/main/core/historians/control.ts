/** Progress and cancel for historian imports (the same shape the app's jobs use, plus per-tag detail). */

export interface TagProgress {
  /** Node id, column or tag name. */
  readonly id: string;
  readonly values: number;
  /** 0..1 of this tag's time range, when known. */
  readonly fraction: number;
}

export interface ImportControl {
  readonly isCancelled?: () => boolean;
  readonly progress?: (fraction: number | null, message: string, tags?: readonly TagProgress[]) => void;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Parse an ISO 8601 time (or "now") into ms since the epoch; the message names the option. */
export const parseTime = (raw: string, what: string): number => {
  if (raw === 'now') return Date.now();
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new Error(`${what}: not an ISO 8601 time: ${raw}`);
  return ms;
};
