import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../../src/shared/alert-lifecycle.js';
import { deploymentAlertFigures } from '../../../src/main/core/monitoring/deployment-figures.js';
import { shadowComparison } from '../../../src/main/core/monitoring/shadow.js';
import {
  actOnAlert,
  createDeployment,
  insertAlert,
  nextAlertId,
} from '../../../src/main/core/workspace/monitoring-store.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { tempDir } from '../core/workspace/helpers.js';

const T0 = Date.UTC(2026, 10, 1) * 1000;
const SEC = 1e6;
const DAY = 86_400 * SEC;

let dir: string;
let ws: Workspace;

beforeEach(async () => {
  dir = await tempDir('pdm-figures-');
  ws = await Workspace.open(join(dir, 'ws'));
  await ws.monitoring((db) =>
    createDeployment(
      db,
      {
        name: 'pumps',
        model: { name: 'm', stage: 'production', pinnedVersion: null },
        registry: '/r',
        role: 'champion',
        championId: null,
        assets: ['P-101', 'P-102'],
        mapping: {},
        rule: null,
        limits: {},
        currentVersion: 1,
        packageHash: 'h',
        pendingVersion: null,
      },
      { actor: 'maria', at: '2026-11-01T00:00:00.000Z' },
    ),
  );
});
afterEach(async () => {
  ws.close();
  await rm(dir, { recursive: true, force: true });
});

describe('alert figures of a deployment, from the workspace', () => {
  it('counts dispositions, lead time before a failure event, and chattering from the audited transitions', async () => {
    await ws.monitoring(async (db) => {
      const at = { actor: 'monitor', time: '2026-11-03T00:00:00.000Z' };
      const raise = async (asset: string, t: number) =>
        insertAlert(
          db,
          raiseAlert({
            id: await nextAlertId(db),
            deploymentId: 'dep-1',
            asset,
            role: 'champion',
            modelVersion: 1,
            event: { kind: 'set', t, value: 0.9 },
            at: at.time,
          }),
          'monitor',
        );
      // P-101: three set/clear transitions within 40 s (chattering), then a real warning 2 days before a failure.
      await raise('P-101', T0);
      await actOnAlert(db, 'A-1', { kind: 'clear', t: T0 + 20 * SEC }, at);
      await raise('P-101', T0 + 40 * SEC);
      await actOnAlert(db, 'A-2', { kind: 'clear', t: T0 + 50 * SEC }, at);
      await raise('P-101', T0 + 3 * DAY);
      // P-102: a false alarm.
      await raise('P-102', T0 + DAY);
      const person = { actor: 'tom', time: '2026-11-06T00:00:00.000Z' };
      for (const id of ['A-1', 'A-2', 'A-4'])
        await actOnAlert(db, id, { kind: 'acknowledge', by: 'tom', at: person.time }, person);
      await actOnAlert(
        db,
        'A-1',
        { kind: 'close', by: 'tom', at: person.time, disposition: { kind: 'not-actionable' } },
        person,
      );
      await actOnAlert(
        db,
        'A-2',
        { kind: 'close', by: 'tom', at: person.time, disposition: { kind: 'not-actionable' } },
        person,
      );
      await actOnAlert(
        db,
        'A-4',
        { kind: 'close', by: 'tom', at: person.time, disposition: { kind: 'false-alarm', cause: 'process-change' } },
        person,
      );
      await db.run(
        `INSERT INTO events (asset, kind, start_t, time_kind, source) VALUES ('P-101', 'failure', $1, 'timestamp', 'cmms')`,
        [T0 + 5 * DAY],
      );
    });
    const { overall, byAssetMonth } = await ws.monitoring((db) =>
      deploymentAlertFigures(db, 'dep-1', { period: { from: T0, to: T0 + 30 * DAY }, now: '2026-11-06T00:00:00.000Z' }),
    );
    expect(overall).toMatchObject({ raised: 4, closed: 3, open: 1, falseAlarms: 1, notActionable: 2, confirmed: 0 });
    expect(overall.precision).toBe(0);
    // 1 false alarm over 2 assets x 1 month (30 days).
    expect(overall.falseAlarmsPerAssetMonth).toBeCloseTo(0.5, 12);
    // The earliest alert after the start of the period on P-101 is A-1 (not a false alarm): 5 days of lead.
    expect(overall.failuresDetected).toBe(1);
    expect(overall.meanLeadTime).toBe(5 * DAY);
    expect(overall.chattering).toEqual([{ asset: 'P-101', from: T0, transitions: 4 }]);
    // A-3 has been open since 2026-11-03: stale on 2026-11-06.
    expect(overall.stale).toEqual(['A-3']);
    expect(byAssetMonth.map((r) => [r.asset, r.month, r.figures.raised])).toEqual([
      ['P-101', '2026-11', 3],
      ['P-102', '2026-11', 1],
    ]);
  });
});

describe('a challenger in shadow, from the workspace', () => {
  it("compares its alerts with its champion's, kept apart by deployment", async () => {
    const comparison = await ws.monitoring(async (db) => {
      await createDeployment(
        db,
        {
          name: 'pumps v2 shadow',
          model: { name: 'm', stage: null, pinnedVersion: 2 },
          registry: '/r',
          role: 'challenger',
          championId: 'dep-1',
          assets: ['P-101', 'P-102'],
          mapping: {},
          rule: null,
          limits: {},
          currentVersion: 2,
          packageHash: 'h2',
          pendingVersion: null,
        },
        { actor: 'maria', at: '2026-11-01T00:00:00.000Z' },
      );
      for (const [deploymentId, role, t] of [
        ['dep-1', 'champion', T0 + DAY],
        ['dep-2', 'challenger', T0 + DAY - 3600 * SEC],
        ['dep-2', 'challenger', T0 + 9 * DAY],
      ] as const) {
        await insertAlert(
          db,
          raiseAlert({
            id: await nextAlertId(db),
            deploymentId,
            asset: 'P-101',
            role,
            modelVersion: role === 'champion' ? 1 : 2,
            event: { kind: 'set', t, value: 0.9 },
            at: '2026-11-10T00:00:00.000Z',
          }),
          'monitor',
        );
      }
      await expect(shadowComparison(db, 'dep-1', DAY)).rejects.toThrow('deployment dep-1 is not a challenger');
      return shadowComparison(db, 'dep-2', 6 * 3600 * SEC);
    });
    expect(comparison).toEqual([
      expect.objectContaining({
        asset: 'P-101',
        championAlerts: 1,
        challengerAlerts: 2,
        matched: 1,
        meanHeadStart: 3600 * SEC,
      }),
    ]);
  });
});
