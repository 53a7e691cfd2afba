import type { PartialJobControl } from '../jobs/job-control.js';
import { parseUserTime } from '../../../shared/time/time-rule.js';

/** Progress of one tag of a historian import: the job model's progress detail for these imports. */
export interface TagProgress {
  /** Node id, column or tag name. */
  readonly id: string;
  readonly values: number;
  /** 0..1 of this tag's time range, when known. */
  readonly fraction: number;
}

/** What a historian import takes: any part of a JobControl whose progress detail is the per-tag counts. */
export type ImportControl = PartialJobControl<readonly TagProgress[]>;

/**
 * Parse a time option (`--from`, `--to`, `--end`) into ms since the epoch by the one time rule
 * (src/shared/time/time-rule.ts): "now", or ISO 8601 with or without offset; without one it is read in `zone`
 * (default UTC), so `2025-01-01` and `2025-01-01T00:00:00` are the same instant. The message names the option.
 */
export const parseTime = (raw: string, what: string, zone = 'UTC'): number => parseUserTime(raw, what, zone);
