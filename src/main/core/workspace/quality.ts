import type { QualityRow } from '../../../shared/domain.js';
import type { Connection } from './database.js';

/** Identical consecutive values this many times or more count as a flatline (a stuck sensor). */
export const FLATLINE_MIN_RUN = 10;
/** A spacing above this multiple of the sample period is a gap. */
export const GAP_FACTOR = 2;

/** OPC UA status codes with the two top bits 10 are Bad; 01 Uncertain. */
const BAD_QUALITY = 0x80000000;

/** Data-quality figures per signal, computed in one pass of window functions over each signal's readings. */
export const qualityReport = async (db: Connection, signalIds: readonly number[]): Promise<QualityRow[]> => {
  if (signalIds.length === 0) return [];
  const ids = signalIds.map((id) => Math.trunc(id)).join(', ');
  const rows = await db.all<{
    signal_id: number;
    count: number;
    min: number | null;
    max: number | null;
    mean: number | null;
    first_t: number | null;
    last_t: number | null;
    period: number | null;
    gaps: number | null;
    largest_gap: number | null;
    flatlines: number | null;
    flatline_readings: number | null;
    non_finite: number | null;
    out_of_range: number | null;
    bad_quality: number | null;
  }>(
    `WITH base AS (
       SELECT r.signal_id, r.t, r.value, r.quality, s.valid_min, s.valid_max, s.sample_period,
              r.t - lag(r.t) OVER w AS dt,
              -- DuckDB treats NaN as equal to NaN and above every number: non-finite values are neither
              -- part of a flatline nor out of range (they are counted as non-finite).
              CASE WHEN isfinite(r.value) AND r.value = lag(r.value) OVER w THEN 0 ELSE 1 END AS brk
       FROM readings r JOIN signals s ON s.id = r.signal_id
       WHERE r.signal_id IN (${ids})
       WINDOW w AS (PARTITION BY r.signal_id ORDER BY r.t)
     ),
     runs AS (
       SELECT signal_id, sum(brk) OVER (PARTITION BY signal_id ORDER BY t ROWS UNBOUNDED PRECEDING) AS run FROM base
     ),
     flat AS (
       SELECT signal_id, count(*) AS flatlines, sum(n) AS flatline_readings FROM (
         SELECT signal_id, run, count(*) AS n FROM runs GROUP BY ALL HAVING count(*) >= ${FLATLINE_MIN_RUN}
       ) GROUP BY signal_id
     ),
     per AS (
       SELECT signal_id, coalesce(any_value(sample_period), median(dt)) AS period FROM base GROUP BY signal_id
     )
     SELECT b.signal_id, count(*) AS count,
            min(value) FILTER (WHERE isfinite(value)) AS min, max(value) FILTER (WHERE isfinite(value)) AS max,
            avg(value) FILTER (WHERE isfinite(value)) AS mean, min(t) AS first_t, max(t) AS last_t,
            any_value(p.period) AS period,
            count(*) FILTER (WHERE dt > ${GAP_FACTOR} * p.period) AS gaps,
            max(dt) AS largest_gap,
            any_value(f.flatlines) AS flatlines, any_value(f.flatline_readings) AS flatline_readings,
            count(*) FILTER (WHERE value IS NULL OR NOT isfinite(value)) AS non_finite,
            count(*) FILTER (WHERE isfinite(value) AND (value < valid_min OR value > valid_max)) AS out_of_range,
            count(*) FILTER (WHERE quality >= ${BAD_QUALITY}) AS bad_quality
     FROM base b JOIN per p USING (signal_id) LEFT JOIN flat f USING (signal_id)
     GROUP BY b.signal_id ORDER BY b.signal_id`,
  );
  const found = new Map(rows.map((r) => [r.signal_id, r]));
  return signalIds.map((signalId) => {
    const r = found.get(signalId);
    return {
      signalId,
      count: r?.count ?? 0,
      min: r?.min ?? null,
      max: r?.max ?? null,
      mean: r?.mean ?? null,
      firstT: r?.first_t ?? null,
      lastT: r?.last_t ?? null,
      period: r?.period ?? null,
      gaps: r?.gaps ?? 0,
      largestGap: r?.largest_gap ?? null,
      flatlines: r?.flatlines ?? 0,
      flatlineReadings: r?.flatline_readings ?? 0,
      nonFinite: r?.non_finite ?? 0,
      outOfRange: r?.out_of_range ?? 0,
      badQuality: r?.bad_quality ?? 0,
    };
  });
};

/** Where the gaps are, for shading on the chart: the largest first. */
export const gapRanges = async (
  db: Connection,
  signalId: number,
  period: number,
  limit = 50,
): Promise<{ from: number; to: number }[]> =>
  db.all<{ from: number; to: number }>(
    `SELECT prev AS "from", t AS "to" FROM (
       SELECT t, lag(t) OVER (ORDER BY t) AS prev FROM readings WHERE signal_id = $1
     ) WHERE t - prev > $2 ORDER BY t - prev DESC LIMIT $3`,
    [signalId, GAP_FACTOR * period, limit],
  );
