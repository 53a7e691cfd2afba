import type { LabelConfig } from '../../../shared/training.js';
import type { AssetEvent, AssetSeries } from './series.js';

/**
 * When the asset fails: its first failure event, else (run-to-failure data) its last reading, else null
 * (a censored asset: it never failed while observed). `finalRul` overrides both for evaluation assets whose
 * true remaining life after the last reading is known (C-MAPSS RUL_FD001).
 */
export const failureTime = (
  series: AssetSeries,
  events: readonly AssetEvent[],
  failureAt: 'event' | 'event-or-end',
  finalRul?: number,
): number | null => {
  const last = series.t[series.t.length - 1];
  if (last === undefined) return null;
  if (finalRul !== undefined) return last + finalRul;
  const failures = events.filter((e) => e.asset === series.asset && e.kind === 'failure').map((e) => e.start);
  if (failures.length > 0) return Math.min(...failures);
  return failureAt === 'event-or-end' ? last : null;
};

/**
 * The label of every time step of one asset (NaN = no ground truth, the window is not used):
 * - rul: time to failure, capped; censored assets have no labels;
 * - failure-horizon: 1 when failure comes within the horizon after t, else 0 (0 only where we know the
 *   asset survived the whole horizon, so the end of a censored record stays unlabelled);
 * - anomaly: 0 in the first `normalSpan` of the record, 1 within `abnormalWithin` of failure, NaN between.
 */
export const labelSteps = (
  series: AssetSeries,
  events: readonly AssetEvent[],
  label: LabelConfig,
  finalRul?: number,
): Float64Array => {
  const n = series.t.length;
  const out = new Float64Array(n).fill(NaN);
  const failure = failureTime(series, events, label.failureAt, finalRul);
  const first = series.t[0] ?? 0;
  const last = series.t[n - 1] ?? 0;
  for (let i = 0; i < n; i += 1) {
    const t = series.t[i] as number;
    switch (label.kind) {
      case 'rul':
        if (failure !== null) out[i] = label.cap === null ? failure - t : Math.min(label.cap, failure - t);
        break;
      case 'failure-horizon':
        if (failure !== null && failure - t <= label.horizon) out[i] = failure >= t ? 1 : NaN;
        else if (failure !== null || last - t >= label.horizon) out[i] = 0;
        break;
      case 'anomaly': {
        const inEvent = events.some(
          (e) =>
            e.asset === series.asset &&
            (e.kind === 'anomaly' || e.kind === 'failure') &&
            e.start <= t &&
            t <= (e.end ?? e.start),
        );
        if (inEvent || (failure !== null && failure - t <= label.abnormalWithin)) out[i] = 1;
        else if (t - first < label.normalSpan) out[i] = 0;
        break;
      }
    }
  }
  return out;
};
