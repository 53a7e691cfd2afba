import { isLabelCandidate } from '../../../shared/label-candidate.js';
import type { Connection } from './database.js';

/**
 * After a file import: judge the imported signals not yet judged (label_candidate NULL) or marked before, by name
 * and values (src/shared/label-candidate.ts). A signal the user unmarked (false) stays unmarked. Only signals with a
 * label-like name are read, so an import of ordinary sensors costs one small query.
 */
export const markLabelCandidates = async (db: Connection, signalIds: readonly number[]): Promise<number[]> => {
  if (signalIds.length === 0) return [];
  const ids = signalIds.map((id) => Math.trunc(id)).join(', ');
  const open = await db.all<{ id: number; tag: string }>(
    `SELECT id, tag FROM signals WHERE id IN (${ids}) AND (label_candidate IS NULL OR label_candidate)`,
  );
  if (open.length === 0) return [];
  const stats = new Map(
    (
      await db.all<{ id: number; count: number; distinct: number; fractional: number; min: number; max: number }>(
        `SELECT signal_id AS id, count(value)::INTEGER AS count, count(DISTINCT value)::INTEGER AS "distinct",
                count(value) FILTER (WHERE value <> round(value))::INTEGER AS fractional, min(value) AS min, max(value) AS max
         FROM readings WHERE signal_id IN (${open.map((s) => s.id).join(', ')}) AND value IS NOT NULL
         GROUP BY signal_id`,
      )
    ).map((r) => [r.id, r]),
  );
  const marked: number[] = [];
  for (const signal of open) {
    const s = stats.get(signal.id);
    const candidate =
      s !== undefined &&
      isLabelCandidate(signal.tag, {
        count: s.count,
        distinct: s.distinct,
        integral: s.fractional === 0,
        min: s.min,
        max: s.max,
      });
    if (candidate) marked.push(signal.id);
    await db.run('UPDATE signals SET label_candidate = $1 WHERE id = $2', [candidate, signal.id]);
  }
  return marked;
};
