import type { ImportPlan } from '../import/plan.js';
import { zoneHasTransitions } from './time-sql.js';

/**
 * How a file goes into the workspace, decided before any reading starts:
 * - direct: a long CSV is read straight into `readings`, sorted on the way (no staging table). It holds only while
 *   every row can be stored as is; the first row that cannot stops the statement and the file takes the staged
 *   route (`Handover`), inside the same import, with nothing of the direct attempt kept.
 * - staged: rows go to a staging table first, where rejects, duplicates and repeated local times are resolved.
 */
export type IngestRoute =
  { readonly path: 'direct' } | { readonly path: 'staged'; readonly exact: boolean; readonly reason: StagedReason };

export type StagedReason = 'not long CSV' | 'local times in a zone with clock changes' | Handover;

/** Why a direct import handed over to the staged route, which handles each case exactly. */
export type Handover = 'rows to reject' | 'signals with readings' | 'repeated readings' | 'tags beyond the survey';

/** The route a plan starts on. */
export const chooseRoute = (plan: ImportPlan): IngestRoute => {
  if (plan.format !== 'long-csv') return { path: 'staged', exact: false, reason: 'not long CSV' };
  // Repeated autumn times are told apart by file order, which only the staging table keeps.
  if (plan.timeKind === 'timestamp' && zoneHasTransitions(plan.timeZone)) {
    return { path: 'staged', exact: false, reason: 'local times in a zone with clock changes' };
  }
  return { path: 'direct' };
};

/** The staged route after a direct attempt handed over: only repeated readings need exact duplicate detection. */
export const afterHandover = (reason: Handover): IngestRoute => ({
  path: 'staged',
  exact: reason === 'repeated readings',
  reason,
});
