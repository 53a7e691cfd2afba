import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkForNewVersion,
  confirmVersion,
  deployFromRegistry,
  packageHashOf,
  proposeMapping,
} from '../../../src/main/core/monitoring/deployment.js';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import type { Registry } from '../../../src/main/core/registry/registry-types.js';
import { monitoringAudit } from '../../../src/main/core/workspace/monitoring-store.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { tempDir, writeRun } from '../registry/helpers.js';

describe('proposed signal mapping', () => {
  it('maps contract tags to the same tag on each asset, loosely where spelling differs, and leaves the rest open', () => {
    const catalogue = [
      { asset: 'P-101', tag: 'sensor_2' },
      { asset: 'P-101', tag: 'sensor_3' },
      { asset: 'P-105', tag: 'Sensor 2' },
      { asset: 'P-105', tag: 'flow' },
      // Two loose candidates: ambiguous, left to the user.
      { asset: 'P-107', tag: 'Sensor-3' },
      { asset: 'P-107', tag: 'sensor.3' },
    ];
    expect(proposeMapping(['sensor_2', 'sensor_3'], ['P-101', 'P-105', 'P-107'], catalogue)).toEqual({
      'P-101': { sensor_2: { asset: 'P-101', tag: 'sensor_2' }, sensor_3: { asset: 'P-101', tag: 'sensor_3' } },
      'P-105': { sensor_2: { asset: 'P-105', tag: 'Sensor 2' }, sensor_3: null },
      'P-107': { sensor_2: null, sensor_3: null },
    });
  });
});

describe('a deployment follows the registry production version, switching only when confirmed', () => {
  let root: string;
  let reg: string;
  let ws: Workspace;
  const as = (user: string): Promise<Registry> => openRegistry(reg, { as: user });
  const by = (actor: string, at: string) => ({ actor, at });

  beforeAll(async () => {
    root = await tempDir('pdm-deploy-');
    reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
    const runs = join(root, 'runs');
    const alice = await as('alice');
    await alice.publish({ runDir: await writeRun(runs, 'run-1'), name: 'pump-rul' });
    await alice.publish({ runDir: await writeRun(runs, 'run-2'), name: 'pump-rul' });
    const bob = await as('bob');
    await bob.govern('approve', { name: 'pump-rul', version: 1, reason: 'validated on FD001 test' });
    await bob.govern('promote', { name: 'pump-rul', version: 1, reason: 'first release' });
    ws = await Workspace.open(join(root, 'ws'));
  });
  afterAll(async () => {
    ws?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('deploys the current production version with a proposed mapping the user can override', async () => {
    const registry = await as('maria');
    const deployment = await ws.monitoring((db) =>
      deployFromRegistry(
        db,
        registry,
        {
          name: 'engines',
          model: { name: 'pump-rul', stage: 'production', pinnedVersion: null },
          registry: reg,
          role: 'champion',
          championId: null,
          assets: ['E-1', 'E-2'],
          catalogue: [
            { asset: 'E-1', tag: 'sensor_2' },
            { asset: 'E-1', tag: 'sensor_3' },
            { asset: 'E-2', tag: 'sensor_2' },
            { asset: 'E-2', tag: 'T30' },
          ],
          mapping: { 'E-2': { sensor_3: { asset: 'E-2', tag: 'T30' } } },
          rule: null,
          limits: {},
        },
        by('maria', '2026-11-01T08:00:00.000Z'),
      ),
    );
    const v1 = await registry.show('pump-rul', 1);
    expect(deployment).toMatchObject({
      id: 'dep-1',
      currentVersion: 1,
      pendingVersion: null,
      packageHash: packageHashOf(v1.manifest),
    });
    expect(deployment.mapping).toEqual({
      'E-1': { sensor_2: { asset: 'E-1', tag: 'sensor_2' }, sensor_3: { asset: 'E-1', tag: 'sensor_3' } },
      'E-2': { sensor_2: { asset: 'E-2', tag: 'sensor_2' }, sensor_3: { asset: 'E-2', tag: 'T30' } },
    });
  });

  it('shows a promotion as pending, keeps the current version until confirmed, and audits both steps', async () => {
    const bob = await as('bob');
    await bob.govern('approve', { name: 'pump-rul', version: 2, reason: 'better RMSE' });
    await bob.govern('promote', { name: 'pump-rul', version: 2, reason: 'release 2' });
    const pending = await ws.monitoring((db) =>
      checkForNewVersion(db, bob, 'dep-1', by('monitor', '2026-11-02T00:00:00.000Z')),
    );
    expect([pending.currentVersion, pending.pendingVersion]).toEqual([1, 2]);
    // Looking again changes nothing (and writes no second audit entry).
    await ws.monitoring((db) => checkForNewVersion(db, bob, 'dep-1', by('monitor', '2026-11-02T00:05:00.000Z')));
    const confirmed = await ws.monitoring((db) =>
      confirmVersion(db, bob, 'dep-1', by('maria', '2026-11-02T09:00:00.000Z')),
    );
    const v2 = await bob.show('pump-rul', 2);
    expect([confirmed.currentVersion, confirmed.pendingVersion, confirmed.packageHash]).toEqual([
      2,
      null,
      packageHashOf(v2.manifest),
    ]);
    await expect(
      ws.monitoring((db) => confirmVersion(db, bob, 'dep-1', by('maria', '2026-11-02T09:01:00.000Z'))),
    ).rejects.toThrow('deployment dep-1 has no new version waiting for confirmation');
    // A rollback is a change of production too: shown, not applied.
    await bob.govern('rollback', { name: 'pump-rul', reason: 'false alarms' });
    const back = await ws.monitoring((db) =>
      checkForNewVersion(db, bob, 'dep-1', by('monitor', '2026-11-03T00:00:00.000Z')),
    );
    expect([back.currentVersion, back.pendingVersion]).toEqual([2, 1]);
    const audit = await ws.monitoring((db) => monitoringAudit(db, { deploymentId: 'dep-1' }));
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['deploy', 'maria'],
      ['production-changed', 'monitor'],
      ['switch-version', 'maria'],
      ['production-changed', 'monitor'],
    ]);
  });
});
