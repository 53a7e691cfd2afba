import { parseRule } from '../../../src/shared/alert-rules.js';
import type { Alert } from '../../../src/shared/monitoring.js';
import {
  actOnAlert,
  createDeployment,
  insertAlert,
  storeScores,
  storeViolations,
} from '../../../src/main/core/workspace/monitoring-store.js';
import { saveRoiAssumptions, setAssetCriticality } from '../../../src/main/core/workspace/report-store.js';
import type { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { RoiAssumptionsSchema } from '../../../src/shared/reports.js';

/**
 * A monitored fleet built straight through the monitoring store's functions (fast: no training, no scoring):
 * `assets` pumps P-001.. with one vibration signal each, a champion deployment with an alert rule, hourly scores
 * over `days` days, alerts with dispositions, failure and work-order events, criticality and ROI assumptions.
 *
 * What the reports must then show (asserted by the tests):
 * - P-001..P-003 end above the set level (act now); P-004, P-005 end between clear and set level (watch).
 * - A-1 (P-001) confirmed, linked to work order W on day 40, raised day 30: counted for ROI (lead 10 days).
 * - A-2 (P-002) confirmed without a work order or later event: not counted.
 * - A-3 (P-006), A-4 (P-006) false alarms (sensor fault); A-5 (P-003) open since day 80.
 * - P-007 had a failure on day 50 and no alert before it (missed).
 * - P-050's readings stop 10 days before the end (data stopped); P-049 is blocked by its contract.
 */

export const DAY_US = 24 * 3600e6;
export const FLEET_START = Date.UTC(2026, 0, 1) * 1000;

export const assetName = (i: number): string => `P-${String(i).padStart(3, '0')}`;

export interface FleetFixture {
  readonly deploymentId: string;
  readonly assets: readonly string[];
  readonly from: number;
  readonly to: number;
}

export const buildFleet = async (
  ws: Workspace,
  options: { readonly assets?: number; readonly days?: number; readonly scoreEveryHours?: number } = {},
): Promise<FleetFixture> => {
  const count = options.assets ?? 50;
  const days = options.days ?? 90;
  const step = (options.scoreEveryHours ?? 1) * 3600e6;
  const assets = Array.from({ length: count }, (_, i) => assetName(i + 1));
  const from = FLEET_START;
  const to = FLEET_START + days * DAY_US;
  const by = { actor: 'maria', at: '2026-04-01T08:00:00.000Z' };
  return ws.monitoring(async (db) => {
    // One signal per asset with a daily reading; the last asset stops 10 days early.
    for (const [i, asset] of assets.entries()) {
      const { id } = await db.one<{ id: number }>(
        `INSERT INTO signals (asset, tag, unit, sample_period, source, time_kind)
         VALUES ($1, 'vibration', 'mm/s', 86400000000, 'fixture', 'timestamp') RETURNING id`,
        [asset],
      );
      const lastDay = i === count - 1 ? days - 10 : days;
      await db.run(
        `INSERT INTO readings (signal_id, t, value)
         SELECT $1, $2 + d * ${DAY_US}, 2.0 + d / 100.0 FROM range(0, $3 + 1) r(d)`,
        [id, from, lastDay],
      );
    }
    const deployment = await createDeployment(
      db,
      {
        name: 'pump vibration',
        model: { name: 'pump-anomaly', stage: 'production', pinnedVersion: null },
        registry: '/nonexistent/registry',
        role: 'champion',
        championId: null,
        assets,
        mapping: Object.fromEntries(assets.map((a) => [a, { vibration: { asset: a, tag: 'vibration' } }])),
        rule: parseRule({ direction: 'above', setLevel: 0.8, clearLevel: 0.6 }),
        limits: {},
        currentVersion: 1,
        packageHash: 'f'.repeat(64),
        pendingVersion: null,
      },
      by,
    );
    const windows = Math.floor((to - from) / step);
    for (const [i, asset] of assets.entries()) {
      const end = i < 3 ? 0.9 : i < 5 ? 0.7 : 0.2;
      const t = Float64Array.from({ length: windows }, (_, k) => from + (k + 1) * step);
      const v = Float64Array.from({ length: windows }, (_, k) => (k < windows - 24 ? 0.2 : end));
      await storeScores(db, {
        deploymentId: deployment.id,
        asset,
        output: 'anomaly',
        modelVersion: 1,
        packageHash: 'f'.repeat(64),
        windowEnd: t,
        value: v,
      });
    }
    const event = async (asset: string, kind: 'failure' | 'maintenance', day: number) =>
      (
        await db.one<{ id: number }>(
          `INSERT INTO events (asset, kind, start_t, time_kind, source) VALUES ($1, $2, $3, 'timestamp', 'fixture')
           RETURNING id`,
          [asset, kind, from + day * DAY_US],
        )
      ).id;
    const workOrder = await event(assetName(1), 'maintenance', 40);
    await event(assetName(7), 'failure', 50);
    const alert = async (id: string, asset: string, day: number): Promise<Alert> =>
      insertAlert(
        db,
        {
          id,
          deploymentId: deployment.id,
          asset,
          role: 'champion',
          modelVersion: 1,
          raisedT: from + day * DAY_US,
          raisedValue: 0.85,
          clearedT: null,
          raisedAt: new Date((from + day * DAY_US) / 1000).toISOString(),
          status: 'open',
          acknowledged: null,
          shelf: null,
          closed: null,
          realerts: 0,
          lastAnnouncedT: from + day * DAY_US,
        },
        'monitor',
      );
    const at = (day: number) => new Date((from + day * DAY_US) / 1000).toISOString();
    await alert('A-1', assetName(1), 30);
    await actOnAlert(db, 'A-1', { kind: 'acknowledge', by: 'tom', at: at(30.1) }, { actor: 'tom', time: at(30.1) });
    await actOnAlert(
      db,
      'A-1',
      {
        kind: 'close',
        by: 'tom',
        at: at(41),
        disposition: { kind: 'confirmed', failureMode: 'bearing wear', workOrderEventId: workOrder },
      },
      { actor: 'tom', time: at(41) },
    );
    await alert('A-2', assetName(2), 60);
    await actOnAlert(db, 'A-2', { kind: 'acknowledge', by: 'tom', at: at(60.5) }, { actor: 'tom', time: at(60.5) });
    await actOnAlert(
      db,
      'A-2',
      { kind: 'close', by: 'tom', at: at(61), disposition: { kind: 'confirmed', failureMode: 'seal leak' } },
      { actor: 'tom', time: at(61) },
    );
    for (const [id, day] of [
      ['A-3', 20],
      ['A-4', 21],
    ] as const) {
      await alert(id, assetName(6), day);
      await actOnAlert(
        db,
        id,
        { kind: 'acknowledge', by: 'tom', at: at(day + 0.5) },
        { actor: 'tom', time: at(day + 0.5) },
      );
      await actOnAlert(
        db,
        id,
        { kind: 'close', by: 'tom', at: at(day + 1), disposition: { kind: 'false-alarm', cause: 'sensor-fault' } },
        { actor: 'tom', time: at(day + 1) },
      );
    }
    await alert('A-5', assetName(3), 80);
    await storeViolations(db, {
      deploymentId: deployment.id,
      modelVersion: 1,
      range: { from: to - 2 * DAY_US, to },
      violations: [
        {
          asset: assets[count - 2] as string,
          signal: 'vibration',
          workspaceSignal: null,
          code: 'unmapped',
          severity: 'block',
          message: `${assets[count - 2] as string}: the model needs vibration [mm/s]; no signal maps to it`,
          measured: null,
          limit: null,
          readings: 0,
        },
      ],
    });
    await setAssetCriticality(db, { asset: assetName(1), criticality: 5, assetClass: 'boiler feed pump' }, 'maria');
    await setAssetCriticality(db, { asset: assetName(4), criticality: 4, assetClass: null }, 'maria');
    await saveRoiAssumptions(
      db,
      RoiAssumptionsSchema.parse({
        currency: 'EUR',
        downtimeCostPerHour: { default: 5000, byClass: { 'boiler feed pump': 12000 } },
        unplannedOutageHours: 36,
        plannedOutageHours: 6,
        unplannedRepairCost: 40000,
        plannedRepairCost: 15000,
      }),
    );
    return { deploymentId: deployment.id, assets, from, to };
  });
};
