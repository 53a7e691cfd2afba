import { parseUserTime } from '../../../shared/time/time-rule.js';

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

/**
 * Parse a time option (`--from`, `--to`, `--end`) into ms since the epoch by the one time rule
 * (src/shared/time/time-rule.ts): "now", or ISO 8601 with or without offset; without one it is read in `zone`
 * (default UTC), so `2025-01-01` and `2025-01-01T00:00:00` are the same instant. The message names the option.
 */
export const parseTime = (raw: string, what: string, zone = 'UTC'): number => parseUserTime(raw, what, zone);
