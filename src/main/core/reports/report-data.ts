import type { Alert, Deployment, DriftFinding } from '../../../shared/monitoring.js';
import type { AssetCriticality, ReportPeriod, RoiAssumptions } from '../../../shared/reports.js';
import type { Connection } from '../workspace/database.js';
import {
  listAlerts,
  listDeployments,
  listDriftResults,
  listViolations,
  type StoredViolation,
} from '../workspace/monitoring-store.js';
import { listAssetCriticality, readRoiAssumptions } from '../workspace/report-store.js';

/**
 * Everything a report reads from the workspace, read once through the workspace's store functions, so that the
 * assembly of each report is a pure function of this snapshot (and testable without a database).
 */

export interface LatestScores {
  readonly deploymentId: string;
  readonly asset: string;
  readonly output: string;
  /** The last windows scored up to the period's end, newest last (at most RECENT_WINDOWS). */
  readonly t: readonly number[];
  readonly value: readonly (number | null)[];
  /** Windows scored within the period. */
  readonly windowsInPeriod: number;
}

export interface WorkspaceEvent {
  readonly id: number;
  readonly asset: string;
  readonly kind: string;
  readonly t: number;
}

export interface ReportData {
  readonly plant: string;
  readonly workspacePath: string;
  readonly period: ReportPeriod;
  /** Deployments the report covers (champions, or the one asked for). */
  readonly deployments: readonly Deployment[];
  /** Alerts of those deployments raised in the period, plus those still open from before it. */
  readonly alerts: readonly Alert[];
  readonly scores: readonly LatestScores[];
  readonly violations: readonly StoredViolation[];
  readonly drift: readonly DriftFinding[];
  /** Failure and work-order events of the covered assets (all time: lead times look back before the period). */
  readonly events: readonly WorkspaceEvent[];
  readonly criticality: readonly AssetCriticality[];
  /** Newest reading per asset (data axis). */
  readonly lastReading: ReadonlyMap<string, number>;
  readonly roi: RoiAssumptions;
  /** Whether any score or alert falls in the period: without, every report says so on its first page. */
  readonly hasMonitoringData: boolean;
}

export const RECENT_WINDOWS = 12;

const DAY_US = 24 * 3600e6;

const isoDay = (us: number): string => new Date(us / 1000).toISOString().slice(0, 10);

export const periodLabel = (from: number | null, to: number | null, timeKind: 'timestamp' | 'cycle'): string => {
  if (from === null || to === null) return 'no monitoring data';
  return timeKind === 'cycle' ? `cycles ${from} – ${to}` : `${isoDay(from)} – ${isoDay(to)} (UTC)`;
};

export interface ReadOptions {
  readonly deploymentId?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly plant: string;
  readonly workspacePath: string;
}

/** Read the snapshot a report is made from. Throws in the user's words when the deployment asked for is absent. */
export const readReportData = async (db: Connection, options: ReadOptions): Promise<ReportData> => {
  const all = await listDeployments(db);
  let deployments: Deployment[];
  if (options.deploymentId !== undefined) {
    const one = all.find((d) => d.id === options.deploymentId);
    if (one === undefined) throw new Error(`no deployment "${options.deploymentId}" in this workspace`);
    deployments = [one];
  } else deployments = all.filter((d) => d.role === 'champion' && d.status !== 'retired');
  const ids = deployments.map((d) => d.id);
  const assets = [...new Set(deployments.flatMap((d) => d.assets))].sort();

  const axis = await db.all<{ time_kind: 'timestamp' | 'cycle' }>(
    `SELECT time_kind FROM signals WHERE list_contains($1::VARCHAR[], asset) GROUP BY time_kind ORDER BY count(*) DESC`,
    [JSON.stringify(assets)],
  );
  const timeKind = axis[0]?.time_kind ?? 'timestamp';

  // The default period is all monitoring data of the covered deployments.
  const extent = await db.one<{ lo: number | null; hi: number | null }>(
    `SELECT min(t) AS lo, max(t) AS hi FROM (
       SELECT window_end AS t FROM scores WHERE list_contains($1::VARCHAR[], deployment_id)
       UNION ALL SELECT raised_t AS t FROM alerts WHERE list_contains($1::VARCHAR[], deployment_id))`,
    [JSON.stringify(ids)],
  );
  const from = options.from ?? extent.lo;
  const to = options.to ?? extent.hi;
  const lo = from ?? -Number.MAX_SAFE_INTEGER;
  const hi = to ?? Number.MAX_SAFE_INTEGER;

  const scoreRows = await db.all<{
    deployment_id: string;
    asset: string;
    output: string;
    t: number[];
    v: (number | null)[];
    n: number;
  }>(
    `WITH recent AS (
       SELECT deployment_id, asset, output, window_end, value,
              row_number() OVER (PARTITION BY deployment_id, asset, output ORDER BY window_end DESC) AS k
       FROM scores WHERE list_contains($1::VARCHAR[], deployment_id) AND window_end <= $3),
     counts AS (
       SELECT deployment_id, asset, output, count(*) AS n FROM scores
       WHERE list_contains($1::VARCHAR[], deployment_id) AND window_end >= $2 AND window_end <= $3
       GROUP BY ALL)
     SELECT r.deployment_id, r.asset, r.output, list(CAST(r.window_end AS DOUBLE) ORDER BY r.window_end) AS t,
            list(r.value ORDER BY r.window_end) AS v, coalesce(any_value(c.n), 0) AS n
     FROM recent r LEFT JOIN counts c USING (deployment_id, asset, output)
     WHERE r.k <= ${RECENT_WINDOWS} GROUP BY r.deployment_id, r.asset, r.output ORDER BY r.asset, r.deployment_id`,
    [JSON.stringify(ids), lo, hi],
  );
  const scores: LatestScores[] = scoreRows.map((r) => ({
    deploymentId: r.deployment_id,
    asset: r.asset,
    output: r.output,
    t: r.t,
    value: r.v,
    windowsInPeriod: Number(r.n),
  }));

  const alerts: Alert[] = [];
  for (const d of deployments) {
    for (const a of await listAlerts(db, { deploymentId: d.id })) {
      if (a.role !== d.role) continue;
      const inPeriod = a.raisedT >= lo && a.raisedT <= hi;
      const openAtEnd = a.raisedT < lo && (a.status !== 'closed' || (a.clearedT ?? Infinity) >= lo);
      if (inPeriod || (openAtEnd && a.status !== 'closed')) alerts.push(a);
    }
  }

  const violations: StoredViolation[] = [];
  const drift: DriftFinding[] = [];
  for (const d of deployments) {
    violations.push(
      ...(await listViolations(db, { deploymentId: d.id })).filter((v) => v.range.to >= lo && v.range.from <= hi),
    );
    drift.push(...(await listDriftResults(db, { deploymentId: d.id })).filter((f) => f.to >= lo && f.from <= hi));
  }

  // Work orders are maintenance events; a confirmed alert may link any event as its work order.
  const linked = alerts.flatMap((a) =>
    a.closed?.disposition.kind === 'confirmed' && a.closed.disposition.workOrderEventId !== null
      ? [a.closed.disposition.workOrderEventId]
      : [],
  );
  const events = (
    await db.all<{ id: number; asset: string; kind: string; t: number }>(
      `SELECT id, asset, kind, start_t AS t FROM events
       WHERE (list_contains($1::VARCHAR[], asset) AND kind IN ('failure', 'maintenance'))
          OR list_contains($2::BIGINT[], id)
       ORDER BY start_t, id`,
      [JSON.stringify(assets), JSON.stringify(linked)],
    )
  ).map((r) => ({ id: r.id, asset: r.asset, kind: r.kind, t: r.t }));

  const last = await db.all<{ asset: string; t: number | null }>(
    `SELECT s.asset, max(r.t) AS t FROM signals s JOIN readings r ON r.signal_id = s.id
     WHERE list_contains($1::VARCHAR[], s.asset) GROUP BY s.asset`,
    [JSON.stringify(assets)],
  );

  const hasMonitoringData =
    from !== null && to !== null && (scores.some((s) => s.windowsInPeriod > 0) || alerts.some((a) => a.raisedT >= lo));

  return {
    plant: options.plant,
    workspacePath: options.workspacePath,
    period: { from, to, timeKind, label: periodLabel(from, to, timeKind) },
    deployments,
    alerts,
    scores,
    violations,
    drift,
    events,
    criticality: await listAssetCriticality(db),
    lastReading: new Map(last.filter((r) => r.t !== null).map((r) => [r.asset, Number(r.t)])),
    roi: await readRoiAssumptions(db),
    hasMonitoringData,
  };
};

/** Data axis units per day, for rates: µs for timestamp data; a cycle is taken as a day (stated in the report). */
export const unitsPerDay = (timeKind: 'timestamp' | 'cycle'): number => (timeKind === 'timestamp' ? DAY_US : 1);
