import type { DriftReference } from '../../../shared/monitoring.js';
import type { AssetSeries } from '../datasets/series.js';
import { DRIFT_REFERENCE_FILE, driftReferenceOf } from '../monitoring/drift.js';

const DAY_US = 24 * 3600e6;
/** The chunk scoring judges drift in (score-deployment.ts): a day of timestamps, 50 cycles. */
const scoringChunk = (timeKind: 'timestamp' | 'cycle'): number => (timeKind === 'timestamp' ? DAY_US : 50);

export interface DriftReferenceInput {
  /** The training assets' series on the run's grid, in contract units (before smoothing and normalisation). */
  readonly series: readonly AssetSeries[];
  readonly features: readonly string[];
  readonly units: readonly (string | null)[];
  readonly timeKind: 'timestamp' | 'cycle';
  /** The grid period: with it the calibration chunks hold as many readings as a scoring chunk. */
  readonly period: number;
  /** The run's importance.json bytes (absent when the run computed none). */
  readonly importanceJson?: Uint8Array | undefined;
}

const importanceOf = (bytes: Uint8Array | undefined): ReadonlyMap<string, number> => {
  if (bytes === undefined) return new Map();
  try {
    const rows = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (!Array.isArray(rows)) return new Map();
    return new Map(
      rows.flatMap((r: unknown) => {
        const row = r as { signal?: unknown; increase?: unknown };
        return typeof row.signal === 'string' && typeof row.increase === 'number' ? [[row.signal, row.increase]] : [];
      }),
    );
  } catch {
    return new Map();
  }
};

/**
 * The drift reference a run carries into its package: per signal the statistics of the run's own training data,
 * calibrated on chunks of the size scoring judges, with the run's permutation importance so findings on the
 * signals the model relies on rank first.
 */
export const driftReferenceForRun = (input: DriftReferenceInput): DriftReference => {
  const chunkSize = Math.max(1, Math.round(scoringChunk(input.timeKind) / input.period));
  const reference = driftReferenceOf(input.series, input.features, { units: input.units, chunkSize });
  const importance = importanceOf(input.importanceJson);
  return {
    ...reference,
    signals: reference.signals.map((s) => {
      const value = importance.get(s.tag);
      return value === undefined ? s : { ...s, importance: value };
    }),
  };
};

export const driftReferenceFile = (input: DriftReferenceInput): { name: string; data: Uint8Array } => ({
  name: DRIFT_REFERENCE_FILE,
  data: new TextEncoder().encode(JSON.stringify(driftReferenceForRun(input))),
});
