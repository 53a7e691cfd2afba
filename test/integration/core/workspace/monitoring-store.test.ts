import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../../../src/shared/alert-lifecycle.js';
import { evaluateRule, parseRule } from '../../../../src/shared/alert-rules.js';
import { checkContract } from '../../../../src/main/core/monitoring/contract-check.js';
import { Database, type Connection } from '../../../../src/main/core/workspace/database.js';
import { migrate } from '../../../../src/main/core/workspace/migrations.js';
import {
  actOnAlert,
  assetStates,
  changeDeployment,
  checkMonitoringAudit,
  createDeployment,
  getAlert,
  getDeployment,
  insertAlert,
  listAlerts,
  listDeployments,
  listDriftResults,
  listViolations,
  monitoringAudit,
  nextAlertId,
  readSignals,
  saveAssetState,
  scoreSeries,
  storeDriftResults,
  storeScores,
  storeViolations,
  type DeploymentInput,
} from '../../../../src/main/core/workspace/monitoring-store.js';
import { WORKSPACE_FILE } from '../../../../src/main/core/workspace/workspace.js';
import type { DriftFinding } from '../../../../src/shared/monitoring.js';
import { tempDir } from './helpers.js';

let dir: string;
let database: Database | null = null;
let db: Connection;

const open = async () => {
  database = await Database.open(join(dir, WORKSPACE_FILE));
  db = await database.connect();
  await migrate(db);
};
const reopen = async () => {
  db.close();
  database?.close();
  await open();
};

beforeEach(async () => {
  dir = await tempDir('pdm-monitor-');
  await open();
});
afterEach(async () => {
  db.close();
  database?.close();
  database = null;
  await rm(dir, { recursive: true, force: true });
});

const by = { actor: 'maria', at: '2026-11-01T08:00:00.000Z' };
const input: DeploymentInput = {
  name: 'pumps on fd-anomaly',
  model: { name: 'pump-anomaly', stage: 'production', pinnedVersion: null },
  registry: '/shared/models',
  role: 'champion',
  championId: null,
  assets: ['P-101', 'P-105'],
  mapping: {
    'P-101': { DischargePressure: { asset: 'P-101', tag: 'DischargePressure' } },
    'P-105': { DischargePressure: null },
  },
  rule: parseRule({ direction: 'above', setLevel: 0.8, clearLevel: 0.6, k: 2, n: 3 }),
  limits: { maxMissingFraction: 0.1 },
  currentVersion: 3,
  packageHash: 'a'.repeat(64),
  pendingVersion: null,
};

describe('monitoring store: deployments', () => {
  it('creates, reads back after reopening, and lists deployments; creation is audited', async () => {
    const created = await createDeployment(db, input, by);
    expect(created.id).toBe('dep-1');
    expect(created.status).toBe('active');
    await reopen();
    expect(await getDeployment(db, 'dep-1')).toEqual(created);
    expect((await listDeployments(db)).map((d) => d.id)).toEqual(['dep-1']);
    const audit = await monitoringAudit(db, { deploymentId: 'dep-1' });
    expect(audit.map((e) => [e.seq, e.action, e.actor])).toEqual([[1, 'deploy', 'maria']]);
    expect(await getDeployment(db, 'dep-404')).toBeNull();
  });

  it('refuses a deployment that follows a stage and pins a version, or a challenger without its champion', async () => {
    await expect(
      createDeployment(db, { ...input, model: { name: 'm', stage: 'production', pinnedVersion: 2 } }, by),
    ).rejects.toThrow(/follows a stage or pins a version, not both/);
    await expect(createDeployment(db, { ...input, role: 'challenger', championId: 'dep-9' }, by)).rejects.toThrow(
      'challenger: no champion deployment "dep-9"',
    );
    expect(await listDeployments(db)).toEqual([]);
    expect(await monitoringAudit(db)).toEqual([]);
  });

  it('keeps a challenger beside its champion', async () => {
    const champion = await createDeployment(db, input, by);
    const challenger = await createDeployment(
      db,
      {
        ...input,
        name: 'shadow v4',
        role: 'challenger',
        championId: champion.id,
        model: { name: 'pump-anomaly', stage: null, pinnedVersion: 4 },
      },
      by,
    );
    expect(challenger).toMatchObject({ role: 'challenger', championId: 'dep-1', model: { pinnedVersion: 4 } });
    await expect(createDeployment(db, { ...input, role: 'challenger', championId: challenger.id }, by)).rejects.toThrow(
      /is itself a challenger/,
    );
  });

  it('shows a new production version as pending and switches only when confirmed, auditing both', async () => {
    await createDeployment(db, input, by);
    const pending = await changeDeployment(
      db,
      'dep-1',
      { kind: 'production-changed', version: 4 },
      { actor: 'monitor', at: by.at },
    );
    expect([pending.currentVersion, pending.pendingVersion]).toEqual([3, 4]);
    const switched = await changeDeployment(
      db,
      'dep-1',
      { kind: 'switch-version', version: 4, packageHash: 'b'.repeat(64) },
      { actor: 'maria', at: '2026-11-02T08:00:00.000Z' },
    );
    expect([switched.currentVersion, switched.pendingVersion, switched.packageHash]).toEqual([4, null, 'b'.repeat(64)]);
    const rule = parseRule({ direction: 'above', setLevel: 0.9 });
    await changeDeployment(db, 'dep-1', { kind: 'set-rule', rule }, by);
    await reopen();
    expect((await getDeployment(db, 'dep-1'))?.rule).toEqual(rule);
    const audit = await monitoringAudit(db);
    expect(audit.map((e) => e.action)).toEqual(['deploy', 'production-changed', 'switch-version', 'set-rule']);
    expect(audit[2]?.details).toEqual({
      before: { version: 3, packageHash: 'a'.repeat(64) },
      after: { version: 4, packageHash: 'b'.repeat(64) },
    });
    await expect(changeDeployment(db, 'dep-7', { kind: 'set-status', status: 'paused' }, by)).rejects.toThrow(
      'no deployment "dep-7" in this workspace',
    );
  });

  it("keeps each asset's rule state and last scored window across runs", async () => {
    await createDeployment(db, input, by);
    const rule = parseRule({ direction: 'above', setLevel: 0.8, k: 2, n: 3 });
    const { state } = evaluateRule(rule, { t: [1, 2, 3], value: [0.9, 0.1, 0.95] });
    await saveAssetState(db, 'dep-1', { asset: 'P-101', lastScoredT: 3, ruleState: state });
    await saveAssetState(db, 'dep-1', { asset: 'P-105', lastScoredT: null, ruleState: null });
    await reopen();
    const states = await assetStates(db, 'dep-1');
    expect(states).toEqual([
      { asset: 'P-101', lastScoredT: 3, ruleState: state },
      { asset: 'P-105', lastScoredT: null, ruleState: null },
    ]);
    await saveAssetState(db, 'dep-1', { asset: 'P-101', lastScoredT: 9, ruleState: state });
    expect((await assetStates(db, 'dep-1'))[0]?.lastScoredT).toBe(9);
  });
});

describe('monitoring store: readings for scoring', () => {
  it('reads each signal in the range with its unit, NaN for a missing value, quality when present, and says which are unknown', async () => {
    await db.run(
      `INSERT INTO signals (asset, tag, unit, sample_period, source, time_kind) VALUES
         ('P-101', 'Flow', 'm3/h', 60, 'test', 'timestamp'), ('P-101', 'Temp', NULL, NULL, 'test', 'timestamp')`,
    );
    await db.run(`INSERT INTO readings VALUES (1, 120, 2.5, NULL), (1, 0, 1.5, NULL), (1, 60, NULL, NULL), (1, 180, 9, NULL),
      (2, 60, 40, 2147483648), (2, 120, 41, 0)`);
    const read = await readSignals(
      db,
      [
        { asset: 'P-101', tag: 'Temp' },
        { asset: 'P-101', tag: 'Pressure' },
        { asset: 'P-101', tag: 'Flow' },
      ],
      { from: 0, to: 120 },
    );
    expect(read.map((r) => [r.ref.tag, r.found, r.unit, r.samplePeriod])).toEqual([
      ['Temp', true, null, null],
      ['Pressure', false, null, null],
      ['Flow', true, 'm3/h', 60],
    ]);
    expect(Array.from(read[2]!.t)).toEqual([0, 60, 120]);
    expect(Array.from(read[2]!.values).map((v) => (Number.isNaN(v) ? null : v))).toEqual([1.5, null, 2.5]);
    expect(read[2]!.quality).toBeNull();
    expect(Array.from(read[0]!.quality ?? [])).toEqual([2147483648, 0]);
    // A known signal without readings in the range is found, with no data (the contract check blocks it).
    const empty = await readSignals(db, [{ asset: 'P-101', tag: 'Flow' }], { from: 1000, to: 2000 });
    expect([empty[0]!.found, empty[0]!.t.length]).toEqual([true, 0]);
  });
});

describe('monitoring store: scores, violations, drift', () => {
  it('stores scores with the model version and package hash; a re-score replaces its range', async () => {
    const t = Array.from({ length: 10 }, (_, i) => 1_000 + i * 60);
    await storeScores(db, {
      deploymentId: 'dep-1',
      asset: 'P-101',
      output: 'anomaly',
      modelVersion: 3,
      packageHash: 'a'.repeat(64),
      windowEnd: t,
      value: t.map((_, i) => (i === 4 ? NaN : i / 10)),
    });
    // Re-score windows 5..7 with version 4.
    await storeScores(db, {
      deploymentId: 'dep-1',
      asset: 'P-101',
      output: 'anomaly',
      modelVersion: 4,
      packageHash: 'b'.repeat(64),
      windowEnd: t.slice(5, 8),
      value: [0.55, 0.65, 0.75],
    });
    await reopen();
    const series = await scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-101', output: 'anomaly' });
    expect(Array.from(series.t)).toEqual(t);
    expect(Number.isNaN(series.value[4])).toBe(true);
    expect(Array.from(series.value.slice(5, 8))).toEqual([0.55, 0.65, 0.75]);
    expect(Array.from(series.modelVersion)).toEqual([3, 3, 3, 3, 3, 4, 4, 4, 3, 3]);
    expect(series.packageHashes).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
    const part = await scoreSeries(db, {
      deploymentId: 'dep-1',
      asset: 'P-101',
      output: 'anomaly',
      from: 1_120,
      to: 1_240,
    });
    expect(Array.from(part.t)).toEqual([1_120, 1_180, 1_240]);
    // Another asset is kept apart.
    expect((await scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-105', output: 'anomaly' })).t.length).toBe(0);
  });

  it('stores every contract violation of a check, block and warn, with the range it was checked over', async () => {
    const [check] = checkContract({
      contract: {
        window: { timeKind: 'cycle' },
        signals: [
          {
            asset: null,
            tag: 'DischargePressure',
            unit: 'bar',
            samplePeriod: 1,
            validMin: null,
            validMax: null,
            missingPolicy: 'forward-fill',
          },
          {
            asset: null,
            tag: 'Flow',
            unit: 'm3/h',
            samplePeriod: 1,
            validMin: null,
            validMax: null,
            missingPolicy: 'forward-fill',
          },
        ],
      },
      range: { from: 1, to: 10 },
      assets: [
        {
          asset: 'P-105',
          signals: new Map([
            ['DischargePressure', null],
            [
              'Flow',
              { signal: 'P-105/Flow', unit: 'm3/h', t: [1, 2, 3], values: Float64Array.of(1, 2, 3), quality: null },
            ],
          ]),
        },
      ],
    });
    await storeViolations(db, {
      deploymentId: 'dep-1',
      modelVersion: 3,
      range: { from: 1, to: 10 },
      violations: check!.violations,
    });
    const stored = await listViolations(db, { deploymentId: 'dep-1' });
    expect(stored.map((v) => [v.asset, v.signal, v.code, v.severity, v.readings])).toEqual([
      ['P-105', 'DischargePressure', 'unmapped', 'block', 0],
      ['P-105', 'Flow', 'missing', 'warn', 10],
    ]);
    expect(stored[0]?.message).toBe('P-105: the model needs DischargePressure [bar]; no signal maps to it');
    expect(stored[0]).toMatchObject({ range: { from: 1, to: 10 }, modelVersion: 3, workspaceSignal: null });
    expect((await listViolations(db, { deploymentId: 'dep-1', severity: 'block' })).length).toBe(1);
  });

  it('stores drift findings with their sample sizes', async () => {
    const finding: DriftFinding = {
      asset: 'P-105',
      signal: 'DischargePressure',
      method: 'wasserstein',
      from: 0,
      to: 86_400e6,
      readings: 1440,
      referenceReadings: 200_000,
      value: 1.02,
      threshold: 0.1,
      pValue: null,
      calibrated: true,
      flagged: true,
      importance: 0.4,
      outputRising: false,
    };
    const pca: DriftFinding = {
      ...finding,
      signal: null,
      method: 'pca-reconstruction',
      flagged: false,
      importance: null,
      value: 0.3,
      threshold: 0.5,
    };
    await storeDriftResults(db, { deploymentId: 'dep-1', modelVersion: 3, findings: [finding, pca] });
    expect(await listDriftResults(db, { deploymentId: 'dep-1' })).toEqual([finding, pca]);
    expect(await listDriftResults(db, { deploymentId: 'dep-1', flaggedOnly: true })).toEqual([finding]);
    // The same day judged again once more of it arrived (follow mode): the later judgement replaces the earlier,
    // per signal and method; the other findings stay.
    const fuller = { ...finding, readings: 1440 * 2, value: 0.05, flagged: false };
    await storeDriftResults(db, { deploymentId: 'dep-1', modelVersion: 3, findings: [fuller] });
    expect(await listDriftResults(db, { deploymentId: 'dep-1' })).toEqual(expect.arrayContaining([fuller, pca]));
    expect(await listDriftResults(db, { deploymentId: 'dep-1' })).toHaveLength(2);
  });
});

describe('monitoring store: alerts and their audit chain', () => {
  const raise = async (asset = 'P-101', t = 5_000) =>
    insertAlert(
      db,
      raiseAlert({
        id: await nextAlertId(db),
        deploymentId: 'dep-1',
        asset,
        role: 'champion',
        modelVersion: 3,
        event: { kind: 'set', t, value: 0.91 },
        at: '2026-11-01T08:00:00.000Z',
      }),
      'monitor',
    );

  it('raises, acknowledges and closes an alert with its disposition, each step audited', async () => {
    const alert = await raise();
    expect(alert.id).toBe('A-1');
    await actOnAlert(
      db,
      'A-1',
      { kind: 'acknowledge', by: 'tom', at: '2026-11-01T09:00:00.000Z' },
      { actor: 'tom', time: '2026-11-01T09:00:00.000Z' },
    );
    const closed = await actOnAlert(
      db,
      'A-1',
      {
        kind: 'close',
        by: 'tom',
        at: '2026-11-01T10:00:00.000Z',
        disposition: { kind: 'false-alarm', cause: 'sensor-fault' },
      },
      { actor: 'tom', time: '2026-11-01T10:00:00.000Z' },
    );
    await reopen();
    expect(await getAlert(db, 'A-1')).toEqual(closed);
    expect(closed.closed?.disposition).toEqual({ kind: 'false-alarm', cause: 'sensor-fault', note: null });
    const audit = await monitoringAudit(db, { alertId: 'A-1' });
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['raise', 'monitor'],
      ['acknowledge', 'tom'],
      ['close', 'tom'],
    ]);
    expect(await checkMonitoringAudit(db)).toEqual([]);
    // The false alarm is now an event the next training run can use as a label.
    expect(await db.all(`SELECT asset, kind, start_t, end_t, time_kind, code, source FROM events ORDER BY id`)).toEqual(
      [
        {
          asset: 'P-101',
          kind: 'note',
          start_t: 5_000,
          end_t: null,
          time_kind: 'timestamp',
          code: 'false-alarm:sensor-fault',
          source: 'monitoring:alert A-1',
        },
      ],
    );
  });

  it('a confirmed alert becomes an anomaly event; a not-actionable one adds none', async () => {
    await raise('P-101', 5_000);
    await raise('P-105', 7_000);
    const t = { actor: 'tom', time: '2026-11-01T09:00:00.000Z' };
    for (const id of ['A-1', 'A-2']) await actOnAlert(db, id, { kind: 'acknowledge', by: 'tom', at: t.time }, t);
    await actOnAlert(db, 'A-1', { kind: 'clear', t: 6_000 }, t);
    await actOnAlert(
      db,
      'A-1',
      { kind: 'close', by: 'tom', at: t.time, disposition: { kind: 'confirmed', failureMode: 'bearing wear' } },
      t,
    );
    await actOnAlert(db, 'A-2', { kind: 'close', by: 'tom', at: t.time, disposition: { kind: 'not-actionable' } }, t);
    expect(await db.all(`SELECT asset, kind, start_t, end_t, code FROM events ORDER BY id`)).toEqual([
      { asset: 'P-101', kind: 'anomaly', start_t: 5_000, end_t: 6_000, code: 'confirmed:bearing wear' },
    ]);
  });

  it('a refused action changes nothing: no state change and no audit entry', async () => {
    await raise();
    await expect(
      actOnAlert(
        db,
        'A-1',
        { kind: 'close', by: 'tom', at: '2026-11-01T10:00:00.000Z', disposition: { kind: 'not-actionable' } },
        { actor: 'tom', time: '2026-11-01T10:00:00.000Z' },
      ),
    ).rejects.toThrow('alert A-1 on P-101 must be acknowledged before it is closed');
    expect((await getAlert(db, 'A-1'))?.status).toBe('open');
    expect((await monitoringAudit(db)).map((e) => e.action)).toEqual(['raise']);
    await expect(
      actOnAlert(
        db,
        'A-9',
        { kind: 'acknowledge', by: 'tom', at: '2026-11-01T10:00:00.000Z' },
        { actor: 'tom', time: '2026-11-01T10:00:00.000Z' },
      ),
    ).rejects.toThrow('no alert "A-9" in this workspace');
  });

  it('lists alerts by deployment, asset and status', async () => {
    await raise('P-101', 5_000);
    await raise('P-105', 6_000);
    await actOnAlert(
      db,
      'A-2',
      { kind: 'acknowledge', by: 'tom', at: '2026-11-01T09:00:00.000Z' },
      { actor: 'tom', time: '2026-11-01T09:00:00.000Z' },
    );
    expect((await listAlerts(db, { deploymentId: 'dep-1' })).map((a) => a.id)).toEqual(['A-1', 'A-2']);
    expect((await listAlerts(db, { status: 'acknowledged' })).map((a) => a.id)).toEqual(['A-2']);
    expect((await listAlerts(db, { asset: 'P-101' })).map((a) => a.id)).toEqual(['A-1']);
    expect(await listAlerts(db, { deploymentId: 'dep-2' })).toEqual([]);
  });

  const chain = async () => {
    await createDeployment(db, input, by);
    await raise();
    await actOnAlert(
      db,
      'A-1',
      { kind: 'acknowledge', by: 'tom', at: '2026-11-01T09:00:00.000Z' },
      { actor: 'tom', time: '2026-11-01T09:00:00.000Z' },
    );
    await actOnAlert(
      db,
      'A-1',
      {
        kind: 'close',
        by: 'tom',
        at: '2026-11-01T10:00:00.000Z',
        disposition: { kind: 'confirmed', failureMode: 'bearing wear' },
      },
      { actor: 'tom', time: '2026-11-01T10:00:00.000Z' },
    );
    expect(await checkMonitoringAudit(db)).toEqual([]);
  };

  it('detects an edited audit entry', async () => {
    await chain();
    await db.run(`UPDATE alert_actions SET actor = 'someone else' WHERE seq = 3`);
    expect(await checkMonitoringAudit(db)).toEqual([
      {
        seq: 3,
        message:
          'monitoring audit entry seq 3 (acknowledge by someone else) was edited: its content does not match its hash',
      },
    ]);
  });

  it('detects an entry edited and re-hashed (the next no longer chains to it)', async () => {
    await chain();
    // Re-hash seq 3 after changing its disposition-relevant details: its own hash is right again.
    const [entry] = await monitoringAudit(db, { alertId: 'A-1' }).then((a) => a.filter((e) => e.seq === 3));
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('../../../../src/main/core/registry/canonical-json.js');
    const forged = { ...entry!, actor: 'mallory' };
    const { hash: _old, ...rest } = forged;
    const hash = createHash('sha256').update(canonicalJson(rest)).digest('hex');
    await db.run(`UPDATE alert_actions SET actor = 'mallory', hash = $1 WHERE seq = 3`, [hash]);
    expect(await checkMonitoringAudit(db)).toEqual([
      { seq: 3, message: 'monitoring audit entry seq 3 was edited and re-hashed: entry seq 4 no longer chains to it' },
    ]);
  });

  it('detects deleted entries, in the middle and at the end', async () => {
    await chain();
    await db.run('DELETE FROM alert_actions WHERE seq = 2');
    expect(await checkMonitoringAudit(db)).toEqual([
      { seq: 2, message: 'monitoring audit entry seq 2 is missing: deleted' },
    ]);
    await db.run('DELETE FROM alert_actions WHERE seq = 4');
    expect(await checkMonitoringAudit(db)).toContainEqual({
      seq: 4,
      message: 'monitoring audit entry seq 4 is missing at the end (the head records seq 4): deleted',
    });
  });
});
