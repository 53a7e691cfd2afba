import type { Connection } from '../workspace/database.js';
import { failureEvents, getDeployment, listAlerts, monitoringAudit } from '../workspace/monitoring-store.js';
import { alertFigures, alertFiguresByAssetMonth, type AlertFigures, type FigureOptions } from './alert-figures.js';
import type { RuleEvent } from '../../../shared/alert-rules.js';

/**
 * A deployment's alert figures from what the workspace holds: its alerts and dispositions, the rule's set and
 * clear transitions as the audit chain recorded them (so chattering shows even for alerts closed long ago), and
 * the failure events of its assets.
 */
export const deploymentAlertFigures = async (
  db: Connection,
  deploymentId: string,
  input: {
    readonly period: { readonly from: number; readonly to: number };
    readonly now: string;
    readonly options?: FigureOptions;
  },
): Promise<{
  readonly overall: AlertFigures;
  readonly byAssetMonth: ReturnType<typeof alertFiguresByAssetMonth>;
}> => {
  const deployment = await getDeployment(db, deploymentId);
  if (deployment === null) throw new Error(`no deployment "${deploymentId}" in this workspace`);
  const inPeriod = (t: number) => t >= input.period.from && t <= input.period.to;
  const alerts = (await listAlerts(db, { deploymentId })).filter((a) => inPeriod(a.raisedT));
  const assetOf = new Map(alerts.map((a) => [a.id, a.asset]));
  const transitions: (RuleEvent & { asset: string })[] = [];
  for (const entry of await monitoringAudit(db, { deploymentId })) {
    const asset = entry.alertId === null ? undefined : assetOf.get(entry.alertId);
    const details = entry.details as { t?: number; value?: number } | null;
    if (asset === undefined || typeof details?.t !== 'number') continue;
    if (entry.action === 'raise') transitions.push({ asset, kind: 'set', t: details.t, value: details.value ?? NaN });
    else if (entry.action === 'clear') transitions.push({ asset, kind: 'clear', t: details.t, value: NaN });
  }
  const failures = (await failureEvents(db, deployment.assets)).filter((f) => inPeriod(f.t));
  const figuresInput = {
    alerts,
    transitions,
    failures,
    period: input.period,
    assets: deployment.assets.length,
    now: input.now,
    ...(input.options === undefined ? {} : { options: input.options }),
  };
  return { overall: alertFigures(figuresInput), byAssetMonth: alertFiguresByAssetMonth(figuresInput) };
};
