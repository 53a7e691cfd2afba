import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { checkMonitoringAudit, monitoringAudit } from '../../../src/main/core/workspace/monitoring-store.js';
import { apiCaller } from '../../support/api-caller.js';
import { promotedFd001Package } from '../monitoring/promoted-package.js';
import { engines, requireCmapss } from '../ml/helpers.js';
import { tempDir } from '../registry/helpers.js';

/**
 * The monitoring loop over the app API with real components: C-MAPSS in a real workspace, a model trained on it,
 * published to a real folder registry, approved by a second person and promoted; then deploy, score as a job,
 * alert lifecycle, health series and the confirmed version switch, all through dispatch.
 */
let root: string;
let core: AppCore;
let reg: string;
let runFolder: string;
const { call, settle } = apiCaller(() => core);
const [E9, E10] = engines(9, 10) as [string, string];

beforeAll(async () => {
  requireCmapss();
  root = await tempDir('pdm-mon-api-');
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  const workspace = core.currentWorkspace()!;
  ({ runFolder, registry: reg } = await promotedFd001Package(workspace, root, {
    name: 'monitoring api',
    evaluateOn: engines(9, 10),
  }));
}, 300_000);

afterAll(async () => {
  await core?.dispose();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('monitoring over the app API', () => {
  let id = '';
  let scoredWindows = 0;

  it('creates a deployment on the production version with the proposed mapping and names what is unmapped', async () => {
    await expect(
      call('createDeployment', { registry: reg, model: 'fd001-rul', assets: ['no such engine'] }),
    ).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/no such engine/) });
    await expect(
      call('createDeployment', { registry: reg, model: 'fd001-rul', stage: 'production', version: 1, assets: [E9] }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    const created = await call('createDeployment', {
      registry: reg,
      model: 'fd001-rul',
      assets: [E9, E10],
      // The user unmaps one signal on E10: that asset must block, naming the signal, while E9 is scored.
      mapping: { [E10]: { sensor_7: null } },
    });
    id = created.deployment.id;
    expect(created.deployment).toMatchObject({
      model: { name: 'fd001-rul', stage: 'production', pinnedVersion: null },
      currentVersion: 1,
      pendingVersion: null,
    });
    expect(created.deployment.mapping[E9]?.['sensor_2']).toEqual({ asset: E9, tag: 'sensor_2' });
    expect(created.unmapped).toEqual([{ asset: E10, signal: 'sensor_7' }]);
    expect((await call('listDeployments', {})).map((d) => d.id)).toEqual([id]);
    expect((await call('getDeployment', { id })).assets).toEqual([E9, E10]);
    await expect(call('getDeployment', { id: 'dep-999' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('validates and saves the alert rule', async () => {
    await expect(
      call('setAlertRule', { id, rule: { direction: 'below', setLevel: 50, k: 3, n: 2 } }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/k must not exceed n/) });
    // Every RUL is above -1e9: the rule sets on the first window, so the lifecycle has an alert to work on.
    const saved = await call('setAlertRule', { id, rule: { direction: 'above', setLevel: -1e9 } });
    expect(saved.rule).toMatchObject({ direction: 'above', setLevel: -1e9, k: 1, n: 1, reAlert: null });
  });

  it('scores as a job: the mapped asset is scored, the unmapped one blocked with the named signal', async () => {
    const { jobId } = await call('startScoring', { deploymentId: id });
    const job = await settle(jobId);
    expect(job).toMatchObject({ kind: 'scoring', status: 'done', error: null });
    const result = job.scoring!;
    expect(result).toMatchObject({ deployment: id, modelVersion: 1, scored: 1, pendingVersion: null });
    // Engine 9 has 201 cycles; windows of 30 end from cycle 30 on.
    expect(result.windows).toBeGreaterThan(150);
    scoredWindows = result.windows;
    expect(result.blocked.map((b) => b.asset)).toEqual([E10]);
    expect(result.blocked[0]!.violations).toContainEqual(
      expect.objectContaining({ signal: 'sensor_7', code: 'unmapped', severity: 'block' }),
    );
    expect(result.alerts.opened).toHaveLength(1);
  });

  it('scores "since the last score" by default: nothing new, nothing scored twice', async () => {
    const job = await settle((await call('startScoring', { deploymentId: id })).jobId);
    expect(job.status).toBe('done');
    expect(job.scoring).toMatchObject({ windows: 0, upToDate: [E9] });
  });

  it('cancels a scoring job', async () => {
    const { jobId } = await call('startScoring', { deploymentId: id, from: 0, to: 10_000 });
    expect(await call('cancelJob', { jobId })).toEqual({ cancelled: true });
    expect((await settle(jobId)).status).toBe('cancelled');
  });

  it('gives the health series for a chart, cut to the width, with the rule levels and the alert bands', async () => {
    const full = await call('getHealthSeries', { deploymentId: id, asset: E9 });
    expect(full).toMatchObject({ windows: scoredWindows, timeKind: 'cycle', modelVersions: [1] });
    expect(full.t).toHaveLength(scoredWindows);
    expect(full.rule).toEqual({ direction: 'above', setLevel: -1e9, clearLevel: -1e9 });
    expect(full.alerts).toHaveLength(1);
    const narrow = await call('getHealthSeries', { deploymentId: id, asset: E9, width: 10 });
    expect(narrow.t.length).toBeLessThanOrEqual(40);
    expect(Math.min(...narrow.value.map(Number))).toBe(Math.min(...full.value.map(Number)));
    await expect(call('getHealthSeries', { deploymentId: id, asset: 'P-1' })).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('runs the alert lifecycle: acknowledge, shelve with reason and expiry, close only with a disposition', async () => {
    const [alert] = await call('listAlerts', { deploymentId: id, status: 'open' });
    expect(alert).toMatchObject({ asset: E9, status: 'open', modelVersion: 1, shelved: false });
    const acked = await call('acknowledgeAlert', { id: alert!.id, note: 'looking at it' });
    expect(acked.status).toBe('acknowledged');
    await expect(
      call('shelveAlert', { id: alert!.id, reason: '', until: '2099-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(call('acknowledgeAlert', { id: alert!.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already acknowledged/),
    });
    for (const [bad, words] of [
      [new Date(Date.now() + 40 * 24 * 3600_000).toISOString(), /more than 30 days/],
      ['2020-01-01T00:00:00Z', /not in the future/],
      ['next tuesday', /not a valid time/],
    ] as const) {
      await expect(call('shelveAlert', { id: alert!.id, reason: 'crew', until: bad })).rejects.toMatchObject({
        code: 'invalid-argument',
        message: expect.stringMatching(words),
      });
    }
    const until = new Date(Date.now() + 3600_000).toISOString();
    await call('shelveAlert', { id: alert!.id, reason: 'crew on site', until });
    expect((await call('listAlerts', { deploymentId: id }))[0]).toMatchObject({ shelved: true });
    await expect(call('closeAlert', { id: alert!.id })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/disposition/),
    });
    await expect(
      call('closeAlert', { id: alert!.id, disposition: { kind: 'confirmed', failureMode: ' ' } }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/failure mode/) });
    const closed = await call('closeAlert', {
      id: alert!.id,
      disposition: { kind: 'false-alarm', cause: 'model-error' },
    });
    expect(closed).toMatchObject({ status: 'closed', closed: { disposition: { kind: 'false-alarm' } } });
    // A second close is refused in words, not applied twice.
    await expect(call('closeAlert', { id: alert!.id, disposition: { kind: 'not-actionable' } })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(call('acknowledgeAlert', { id: 'A-999' })).rejects.toMatchObject({ code: 'not-found' });
    // Every action is in the tamper-evident chain, and the chain is intact.
    const ws = core.currentWorkspace()!;
    const actions = (await ws.monitoringRead((db) => monitoringAudit(db))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['raise', 'acknowledge', 'shelve', 'close', 'set-rule']));
    expect(await ws.monitoringRead((db) => checkMonitoringAudit(db))).toEqual([]);
  });

  it('shows a promotion as pending and switches only when confirmed', async () => {
    await expect(call('confirmVersionSwitch', { id })).rejects.toMatchObject({ code: 'conflict' });
    const alice = await openRegistry(reg); // the trainer (the OS user) publishes
    await alice.publish({ runDir: runFolder, name: 'fd001-rul', idempotencyKey: 'second-publish' });
    const bob = await openRegistry(reg, { as: 'bob' });
    await bob.govern('approve', { name: 'fd001-rul', version: 2, reason: 'retrained' });
    await bob.govern('promote', { name: 'fd001-rul', version: 2, reason: 'release 2' });
    const job = await settle((await call('startScoring', { deploymentId: id })).jobId);
    expect(job.scoring).toMatchObject({ modelVersion: 1, pendingVersion: 2 });
    expect(await call('getDeployment', { id })).toMatchObject({ currentVersion: 1, pendingVersion: 2 });
    expect(await call('confirmVersionSwitch', { id })).toMatchObject({ currentVersion: 2, pendingVersion: null });
  });
});
