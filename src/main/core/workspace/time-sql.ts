import { END_TIME_US, MIN_TIME_US, zoneSegments, type ZoneSegment } from '../../../shared/time/time-rule.js';
import type { ImportPlan } from '../import/plan.js';
import { quoteIdent, quoteLiteral } from './database.js';

/**
 * The time rule of src/shared/time/time-rule.ts as SQL, for readers that parse millions of rows inside DuckDB.
 * The zone's offsets come from the same module (luxon) as a table of wall-clock stretches, so DuckDB's own
 * time-zone handling (which shifts skipped times and merges repeated ones) is never used.
 */
export interface TimeSql {
  /** µs since the epoch, or NULL when the row must be rejected. */
  readonly t: string;
  /** The reject reason when t is NULL (user's words), else NULL. */
  readonly bad: string;
  /**
   * µs to add when the row is the second occurrence of a repeated (autumn) wall-clock time, else NULL.
   * Resolved after staging, in file order (see `secondPassSql`).
   */
  readonly shift: string;
}

/** How the reader hands over the time column. */
export type TimeColumnType = 'text' | 'timestamp' | 'timestamptz' | 'integer';

/** Years the zone table covers; outside, the offset at the nearest end applies. */
const ZONE_YEARS = [1900, 2100] as const;

const segmentsCache = new Map<string, readonly ZoneSegment[]>();
const segmentsOf = (zone: string): readonly ZoneSegment[] => {
  let segments = segmentsCache.get(zone);
  if (segments === undefined) {
    segments = zoneSegments(zone, ZONE_YEARS[0], ZONE_YEARS[1]);
    segmentsCache.set(zone, segments);
  }
  return segments;
};

/** Does reading naive times in this zone need the zone table (the zone changes its offset)? */
export const zoneHasTransitions = (zone: string): boolean => zone !== 'UTC' && segmentsOf(zone).length > 1;

/** A binary search over the segment starts as nested CASE: 1-based index of the segment holding `local`. */
const segmentIndexSql = (local: string, segments: readonly ZoneSegment[], lo: number, hi: number): string => {
  if (lo === hi) return String(lo + 1);
  const mid = Math.ceil((lo + hi + 1) / 2);
  const boundary = segments[mid]?.localFrom ?? 0;
  return `CASE WHEN ${local} < ${boundary} THEN ${segmentIndexSql(local, segments, lo, mid - 1)} ELSE ${segmentIndexSql(local, segments, mid, hi)} END`;
};

const timeText = (column: string) => `${quoteIdent(column)}::VARCHAR`;

/** SQL for a naive wall-clock time (µs as if UTC) read in the plan's zone. */
const zoned = (plan: ImportPlan, local: string, raw: string): { t: string; bad: string; shift: string } => {
  if (!zoneHasTransitions(plan.timeZone)) {
    const offset = segmentsOf(plan.timeZone)[0]?.offset ?? 0;
    return { t: offset === 0 ? local : `(${local} - ${offset})`, bad: 'NULL', shift: 'NULL::BIGINT' };
  }
  const segments = segmentsOf(plan.timeZone);
  const index = segmentIndexSql(local, segments, 0, segments.length - 1);
  const kinds = `([${segments.map((s) => (s.kind === 'skipped' ? 1 : s.kind === 'repeated' ? 2 : 0)).join(', ')}])`;
  const offsets = `([${segments.map((s) => s.offset).join(', ')}]::BIGINT[])`;
  const shifts = `([${segments.map((s) => s.offset - s.secondOffset).join(', ')}]::BIGINT[])`;
  // The index is computed once per use; DuckDB folds the constant lists.
  const kind = `${kinds}[${index}]`;
  return {
    t: `CASE WHEN ${kind} = 1 THEN NULL ELSE ${local} - ${offsets}[${index}] END`,
    bad: `CASE WHEN ${kind} = 1 THEN 'time: "' || ${raw} || '" does not exist in ' || ${quoteLiteral(plan.timeZone)} || ' (the clocks skip that hour)' END`,
    shift: `CASE WHEN ${kind} = 2 THEN ${shifts}[${index}] END`,
  };
};

const inRange = (t: string) => `(${t} >= ${MIN_TIME_US} AND ${t} < ${END_TIME_US})`;

/** Offsets beyond ±18:00 are no clock's offset (the time rule refuses them too). */
const MAX_OFFSET_US = 18 * 3600 * 1_000_000;

/** The time expressions for `column` of the plan, as the reader delivers it. */
export const timeSql = (plan: ImportPlan, column: string, type: TimeColumnType): TimeSql => {
  const c = quoteIdent(column);
  const raw = `coalesce(${timeText(column)}, '')`;
  const parseFailure = `'time: cannot parse "' || ${raw} || '"${plan.timestampFormat !== null && type === 'text' ? ` with format ${plan.timestampFormat.replaceAll("'", "''")}` : ''}'`;
  // An invisible byte-order mark (two files joined) would make the quoted text look fine: name it.
  const cannotParse = `CASE WHEN contains(${raw}, chr(65279))
    THEN ${quoteLiteral(`${column}: the line starts with a byte-order mark (U+FEFF), as where two files were joined; remove it`)}
    ELSE ${parseFailure} END`;
  const outOfRange = `'time: "' || ${raw} || '" is out of range (years 1-9999)'`;
  if (plan.timeKind === 'cycle' || type === 'integer') {
    const t = `TRY_CAST(${c} AS BIGINT)`;
    return { t, bad: `CASE WHEN ${t} IS NULL THEN ${cannotParse} END`, shift: 'NULL::BIGINT' };
  }
  if (type === 'timestamptz') {
    const t = `epoch_us(${c})`;
    return { t, bad: `CASE WHEN ${t} IS NULL THEN ${cannotParse} END`, shift: 'NULL::BIGINT' };
  }
  // Naive wall-clock µs (as if UTC), and for text the absolute µs of a time that carries an offset.
  let local: string;
  let absolute: string | null = null;
  if (type === 'timestamp') local = `epoch_us(${c})`;
  else if (plan.timestampFormat !== null) {
    const parsed = `TRY_STRPTIME(${c}, ${quoteLiteral(plan.timestampFormat)})`;
    if (/%z|%Z/.test(plan.timestampFormat)) {
      // The format itself reads an offset: every time is absolute.
      const t = `epoch_us(${parsed}::TIMESTAMPTZ)`;
      return {
        t: `CASE WHEN ${inRange(t)} THEN ${t} END`,
        bad: `CASE WHEN ${t} IS NULL THEN ${cannotParse} WHEN NOT ${inRange(t)} THEN ${outOfRange} END`,
        shift: 'NULL::BIGINT',
      };
    }
    local = `epoch_us(${parsed})`;
  } else {
    local = `epoch_us(TRY_CAST(${c} AS TIMESTAMP))`;
    absolute = `epoch_us(TRY_CAST(${c} AS TIMESTAMPTZ))`;
  }
  const z = zoned(plan, local, raw);
  if (absolute === null) {
    return {
      t: `CASE WHEN ${inRange(local)} THEN ${z.t} END`,
      bad: `CASE WHEN ${local} IS NULL THEN ${cannotParse} WHEN NOT ${inRange(local)} THEN ${outOfRange} ELSE ${z.bad} END`,
      shift: z.shift,
    };
  }
  // Both casts read the same text: TIMESTAMP keeps the wall clock and ignores an offset, TIMESTAMPTZ applies it
  // (the import session's zone is UTC). They differ exactly when the text carries a non-zero offset; a zero offset
  // is found by its spelling. No regular expression per row: this runs on every reading of a file.
  const hasOffset = `(${local} <> ${absolute} OR ends_with(${raw}, 'Z') OR ends_with(${raw}, 'z') OR contains(${raw}, '+00') OR contains(${raw}, '-00'))`;
  const offsetTooLarge = `abs(${local} - ${absolute}) > ${MAX_OFFSET_US}`;
  // In UTC a naive time and its absolute reading agree: no need to tell them apart.
  const utc = !zoneHasTransitions(plan.timeZone) && (segmentsOf(plan.timeZone)[0]?.offset ?? 0) === 0;
  if (utc) {
    return {
      t: `CASE WHEN ${inRange(local)} AND NOT ${offsetTooLarge} AND ${inRange(absolute)} THEN ${absolute} END`,
      bad: `CASE WHEN ${local} IS NULL OR ${absolute} IS NULL THEN ${cannotParse}
                 WHEN ${offsetTooLarge} THEN 'time: "' || ${raw} || '": the offset is out of range (at most ±18:00)'
                 WHEN NOT ${inRange(local)} OR NOT ${inRange(absolute)} THEN ${outOfRange} END`,
      shift: 'NULL::BIGINT',
    };
  }
  const t = `CASE WHEN ${hasOffset} THEN ${absolute} ELSE ${z.t} END`;
  return {
    t: `CASE WHEN ${inRange(local)} AND NOT ${offsetTooLarge} AND ${inRange(absolute)} THEN ${t} END`,
    bad: `CASE WHEN ${local} IS NULL OR ${absolute} IS NULL THEN ${cannotParse}
               WHEN ${offsetTooLarge} THEN 'time: "' || ${raw} || '": the offset is out of range (at most ±18:00)'
               WHEN NOT ${inRange(local)} OR NOT ${inRange(absolute)} THEN ${outOfRange}
               WHEN NOT ${hasOffset} THEN ${z.bad} END`,
    shift: `CASE WHEN NOT ${hasOffset} THEN ${z.shift} END`,
  };
};

/**
 * After staging: a repeated autumn wall-clock time seen a second time for the same signal (in file order) is
 * the second pass through the hour and takes the winter offset. Never merged as a duplicate of the first.
 */
export const secondPassSql = (stage: string, ord: string): string =>
  `UPDATE ${stage} SET t = t + shift, shift = NULL
   WHERE shift IS NOT NULL AND ${ord} IN (
     SELECT ${ord} FROM ${stage} WHERE shift IS NOT NULL
     QUALIFY row_number() OVER (PARTITION BY asset, src_tag, t ORDER BY ${ord}) = 2)`;
