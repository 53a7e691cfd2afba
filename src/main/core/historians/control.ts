import type { PartialJobControl } from '../jobs/job-control.js';

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

/** Parse an ISO 8601 time (or "now") into ms since the epoch; the message names the option. */
export const parseTime = (raw: string, what: string): number => {
  if (raw === 'now') return Date.now();
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new Error(`${what}: not an ISO 8601 time: ${raw}`);
  return ms;
};
