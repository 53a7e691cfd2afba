import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import type { FollowStatus } from '../../../src/shared/monitoring.js';
import { apiCaller } from '../../support/api-caller.js';
import { startPostgres, PG_PASSWORD, type PgServer } from '../historians/postgres-server.js';
import { promotedFd001Package, promotedPumpRulPackage } from '../monitoring/promoted-package.js';
import { engines, requireCmapss } from '../ml/helpers.js';
import { tempDir } from '../registry/helpers.js';

/**
 * Issue 10, the parts session 3 finished, over the app API with real components: a challenger shadowing the
 * champion (scored in the same pass, kept apart, compared with the dispositions technicians gave), alert figures
 * and the latest drift findings, and follow mode as a job that fetches from a real PostgreSQL historian, scores,
 * raises an alert, retries with backoff when the historian is away, and stops.
 */
let root: string;
let core: AppCore;
let reg: string;
let runFolder: string;
let pg: PgServer;
const { call, settle } = apiCaller(() => core);
const [E9] = engines(9, 9) as [string];

beforeAll(async () => {
  requireCmapss();
  root = await tempDir('pdm-mon-shadow-');
  pg = await startPostgres();
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  ({ runFolder, registry: reg } = await promotedFd001Package(core.currentWorkspace()!, root, {
    name: 'shadow and follow',
    evaluateOn: engines(9, 10),
  }));
  // Version 2 of the same model, approved but not promoted: the challenger.
  await (await openRegistry(reg)).publish({ runDir: runFolder, name: 'fd001-rul', idempotencyKey: 'challenger' });
  await (await openRegistry(reg, { as: 'bob' })).govern('approve', { name: 'fd001-rul', version: 2, reason: 'shadow' });
}, 300_000);

afterAll(async () => {
  await core?.dispose();
  await pg?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('challenger in shadow over the app API', () => {
  let champion = '';
  let challenger = '';

  it('proposes a deployment for the dialog: version, contract signals, mapping and a rule from the run', async () => {
    const p = await call('proposeDeployment', { registry: reg, model: 'fd001-rul', assets: [E9] });
    expect(p).toMatchObject({ version: 1, task: 'rul' });
    expect(p.signals.map((s) => s.tag)).toContain('sensor_2');
    expect(p.mapping[E9]?.['sensor_2']).toEqual({ asset: E9, tag: 'sensor_2' });
    expect(p.catalogue[E9]).toContain('sensor_21');
    // RUL: alert below twice the run's RMSE, cleared above 2.5 times it, 3 of 5 windows.
    expect(p.ruleBasis).toMatch(/twice the run's .*rmse/);
    const rmse = Number(/\(([\d.]+)\)/.exec(p.ruleBasis)?.[1]);
    expect(p.rule).toMatchObject({ direction: 'below', k: 3, n: 5 });
    expect(p.rule!.setLevel).toBeCloseTo(2 * rmse, 1);
    await expect(
      call('proposeDeployment', { registry: reg, model: 'fd001-rul', stage: 'production', version: 1, assets: [E9] }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(
      call('proposeDeployment', { registry: reg, model: 'fd001-rul', assets: ['P-9'] }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('creates a challenger on another version with the champion assets, mapping and rule; refuses nonsense', async () => {
    const created = await call('createDeployment', { registry: reg, model: 'fd001-rul', assets: [E9] });
    champion = created.deployment.id;
    await call('setAlertRule', { id: champion, rule: { direction: 'above', setLevel: -1e9 } });
    await expect(call('createChallenger', { championId: champion, version: 1 })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/already scores with/),
    });
    const c = await call('createChallenger', { championId: champion, version: 2 });
    challenger = c.id;
    expect(c).toMatchObject({
      role: 'challenger',
      championId: champion,
      currentVersion: 2,
      model: { name: 'fd001-rul', stage: null, pinnedVersion: 2 },
      assets: [E9],
      rule: { direction: 'above', setLevel: -1e9 },
    });
    expect(c.mapping).toEqual(created.deployment.mapping);
    await expect(call('createChallenger', { championId: champion, version: 2 })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already shadows/),
    });
    await expect(call('createChallenger', { championId: challenger, version: 1 })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/itself a challenger/),
    });
    await expect(call('compareChallenger', { challengerId: champion })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });

  it("scores the challenger in the champion's pass on the same data and keeps its scores and alerts apart", async () => {
    const job = await settle((await call('startScoring', { deploymentId: champion })).jobId);
    expect(job.status).toBe('done');
    const result = job.scoring!;
    expect(result.challengers).toHaveLength(1);
    const shadow = result.challengers![0]!;
    expect(shadow).toMatchObject({ deployment: challenger, modelVersion: 2, scored: 1, error: null });
    expect(shadow.windows).toBe(result.windows);
    expect(shadow.alerts.opened).toHaveLength(1);
    const championAlerts = await call('listAlerts', { deploymentId: champion });
    const challengerAlerts = await call('listAlerts', { deploymentId: challenger });
    expect(championAlerts.map((a) => a.role)).toEqual(['champion']);
    expect(challengerAlerts.map((a) => [a.role, a.modelVersion])).toEqual([['challenger', 2]]);
    // The list technicians work from holds the champion's alerts only, unless asked for the challenger's.
    expect((await call('listAlerts', {})).map((a) => a.role)).toEqual(['champion']);
    expect((await call('listAlerts', { role: 'all' })).map((a) => a.role).sort()).toEqual(['challenger', 'champion']);
    const a = await call('getHealthSeries', { deploymentId: champion, asset: E9 });
    const b = await call('getHealthSeries', { deploymentId: challenger, asset: E9 });
    expect(a.t).toEqual(b.t);
    expect([a.modelVersions, b.modelVersions]).toEqual([[1], [2]]);
  });

  it('compares champion and challenger: alerts raised, and confirmed vs false from the dispositions', async () => {
    const before = await call('compareChallenger', { challengerId: challenger });
    expect(before.champion).toMatchObject({ deployment: champion, raised: 1, confirmed: 0, undispositioned: 1 });
    expect(before.challenger).toMatchObject({ deployment: challenger, raised: 1, undispositioned: 1 });
    const [alert] = await call('listAlerts', { deploymentId: champion });
    await call('acknowledgeAlert', { id: alert!.id });
    await call('closeAlert', { id: alert!.id, disposition: { kind: 'confirmed', failureMode: 'HPC degradation' } });
    const after = await call('compareChallenger', { challengerId: challenger });
    expect(after.tolerance).toBe(10); // cycles
    expect(after.champion).toMatchObject({ raised: 1, confirmed: 1, falseAlarms: 0, undispositioned: 0 });
    // The challenger raised the same warning: it counts with what the technician found.
    expect(after.challenger).toMatchObject({ raised: 1, confirmed: 1, falseAlarms: 0, undispositioned: 0 });
    expect(after.byAsset).toEqual([
      expect.objectContaining({ asset: E9, matched: 1, confirmedAlsoRaised: 1, confirmedMissed: 0 }),
    ]);
  });

  it('gives alert figures per deployment, asset and month, and the latest drift findings ranked', async () => {
    const figures = await call('getAlertFigures', { deploymentId: champion });
    expect(figures.overall).toMatchObject({ raised: 1, closed: 1, confirmed: 1, falseAlarms: 0, precision: 1 });
    expect(figures.byAssetMonth.map((m) => [m.asset, m.figures.raised])).toEqual([[E9, 1]]);
    expect(figures.period.from).toBeLessThan(figures.period.to);

    const drift = await call('getDriftFindings', { deploymentId: champion });
    expect(drift.findings.length).toBeGreaterThan(0);
    // One finding per asset, signal and method: the latest chunk.
    const keys = drift.findings.map((f) => `${f.asset}/${f.signal ?? '*'}/${f.method}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of drift.findings) {
      expect(f.readings).toBeGreaterThan(0);
      expect(f.referenceReadings).toBeGreaterThan(0);
      expect(f.lookFirst).toBe(f.flagged && f.outputRising);
    }
    // Ranked: look-first before other flags, flags before the rest.
    const rank = drift.findings.map((f) => (f.lookFirst ? 0 : f.flagged ? 1 : 2));
    expect(rank).toEqual([...rank].sort((x, y) => x - y));
  });
});

const MIN_US = 60_000_000;
const TAGS = ['BearingTemperature', 'Flow'] as const;

/** Long rows (ts, tag, value, asset) for minutes [from, to) after `t0` (µs): a pump that slowly heats up. */
const pumpRows = (asset: string, t0: number, from: number, to: number): string =>
  `INSERT INTO plant.points
   SELECT to_timestamp((${t0}::bigint + i::bigint * ${MIN_US}) / 1e6), tag,
     CASE WHEN tag = 'Flow' THEN 100 + 5 * sin(i / 20.0) ELSE 40 + i / 60.0 + sin(i / 7.0) END, '${asset}'
   FROM generate_series(${from}, ${to - 1}) i, unnest(ARRAY['${TAGS.join("','")}']) tag`;

const waitFor = async (id: string, done: (s: FollowStatus) => boolean, what: string): Promise<FollowStatus> => {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await call('getFollowStatus', { deploymentId: id });
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`follow never reached: ${what} (${JSON.stringify(status)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('follow mode over the app API, fetching from a PostgreSQL historian', () => {
  const QUERY = 'SELECT ts AS time, tag, value, asset FROM plant.points WHERE ts >= $1 AND ts < $2 ORDER BY ts';
  const source = () => ({ kind: 'postgres' as const, url: pg.url, password: PG_PASSWORD, query: QUERY });
  // Live data of pump P-201 starts 3 hours ago, so "update to now" reaches it with the default look-back.
  const LIVE_T0 = Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000 * 1000;
  let id = '';

  it('follows: each round fetches only what is new from PostgreSQL, scores it and raises the alert', async () => {
    // A minute-data RUL model of pumps P-101..P-103, trained on their history from the same historian.
    const TRAIN_T0 = Date.UTC(2026, 0, 1) * 1000;
    await pg.psql(
      'CREATE SCHEMA plant; CREATE TABLE plant.points (ts timestamptz, tag text, value double precision, asset text)',
    );
    for (const pump of ['P-101', 'P-102', 'P-103']) await pg.psql(pumpRows(pump, TRAIN_T0, 0, 600));
    await pg.psql(pumpRows('P-201', LIVE_T0, 0, 60));
    const history = await settle(
      (await call('startSqlImport', { ...source(), from: TRAIN_T0, to: LIVE_T0 + 60 * MIN_US })).jobId,
    );
    expect(history).toMatchObject({ status: 'done', sql: { values: (3 * 600 + 60) * TAGS.length } });
    const ws = core.currentWorkspace()!;
    await promotedPumpRulPackage(ws, reg, TAGS);

    const created = await call('createDeployment', { registry: reg, model: 'pump-rul', assets: ['P-201'] });
    id = created.deployment.id;
    expect(created.unmapped).toEqual([]);
    // Any output sets it: the test is about the loop raising the alert, not the model's quality.
    await call('setAlertRule', { id, rule: { direction: 'above', setLevel: -1e300 } });
    await pg.psql(pumpRows('P-201', LIVE_T0, 60, 120));

    const started = await call('startFollow', { deploymentId: id, intervalSeconds: 0.2, source: source() });
    expect(started).toMatchObject({ running: true, source: { kind: 'postgres' } });
    expect((await call('getJob', { jobId: started.jobId! })).kind).toBe('follow');
    await expect(call('startFollow', { deploymentId: id })).rejects.toMatchObject({ code: 'conflict' });
    const scored = await waitFor(id, (s) => s.windows > 0, 'a scored round');
    // The 120 minutes fetched so far, windows of 10 ending on each reading from the 10th.
    expect(scored.windows).toBe(111);
    expect(scored.opened).toHaveLength(1);
    expect(scored.failures).toBe(0);
    expect((await call('listAlerts', { deploymentId: id })).map((a) => a.status)).toEqual(['open']);

    // New rows in the historian: the next rounds fetch them (and only them) and score the new windows.
    await pg.psql(pumpRows('P-201', LIVE_T0, 120, 150));
    const more = await waitFor(id, (s) => s.windows > scored.windows, 'the new windows');
    expect(more.windows - scored.windows).toBe(30);
    const stopped = await call('stopFollow', { deploymentId: id });
    expect(stopped).toMatchObject({ running: false, failures: 0 });
    expect((await call('getJob', { jobId: started.jobId! })).status).not.toBe('running');
    const series = await call('getHealthSeries', { deploymentId: id, asset: 'P-201' });
    // No window scored twice, none skipped.
    expect(series.windows).toBe(more.windows);
    await expect(call('stopFollow', { deploymentId: id })).rejects.toMatchObject({ code: 'conflict' });
  }, 240_000);

  it('retries with backoff while the historian is away, says why, and stops on request', async () => {
    const started = await call('startFollow', {
      deploymentId: id,
      intervalSeconds: 0.2,
      source: { ...source(), url: 'postgres://postgres@127.0.0.1:1/postgres' },
    });
    const failing = await waitFor(id, (s) => s.failedInARow >= 3, 'three failed rounds');
    // In the words the switch shows: the historian cannot be reached, and when the next try comes (counting down).
    expect(failing.lastError).toMatch(/^historian unreachable \(.*(ECONNREFUSED|127\.0\.0\.1)/);
    expect(failing.windows).toBe(0);
    const waiting = await waitFor(id, (s) => s.failedInARow >= 3 && (s.nextInSeconds ?? 0) > 0.5, 'a wait');
    await new Promise((r) => setTimeout(r, 100));
    const later = await call('getFollowStatus', { deploymentId: id });
    if (later.failedInARow === waiting.failedInARow && later.nextInSeconds !== null) {
      expect(later.nextInSeconds).toBeLessThan(waiting.nextInSeconds!);
    }
    const job = await call('getJob', { jobId: started.jobId! });
    expect(job.message).toMatch(/failed \(\d in a row\).*retrying with backoff; next round in/);
    const stopped = await call('stopFollow', { deploymentId: id });
    expect(stopped.running).toBe(false);
  }, 120_000);

  it('stores the follow source with the deployment (never a password) and follows from it when started without one', async () => {
    // The password goes to a saved connection (encrypted); the deployment's source names it instead.
    const withPassword = await call('setFollowSource', { id, source: source() });
    expect(withPassword.followSource).toEqual({
      kind: 'postgres',
      url: pg.url,
      query: QUERY,
      layout: 'long',
      profile: `follow ${id}`,
    });
    const stored = await call('setFollowSource', {
      id,
      source: { kind: 'opcua', profile: 'no-such-connection', tags: ['ns=1;s=P-201.Flow'] },
    });
    expect(stored.followSource).toEqual({ kind: 'opcua', profile: 'no-such-connection', tags: ['ns=1;s=P-201.Flow'] });
    expect((await call('getDeployment', { id })).followSource).toEqual(stored.followSource);
    await call('startFollow', { deploymentId: id, intervalSeconds: 0.2 });
    // The stored source is what the rounds fetch from: here a connection that does not exist, said in words.
    const failing = await waitFor(id, (s) => s.failedInARow >= 1, 'a round from the stored source');
    expect(failing.source).toEqual(stored.followSource);
    expect(failing.lastError).toMatch(/no saved connection "no-such-connection"/);
    await call('stopFollow', { deploymentId: id });
    expect((await call('setFollowSource', { id, source: null })).followSource).toBeNull();
  }, 120_000);

  it('ends a running follow loop when the app core is disposed (the workspace closes after it)', async () => {
    const started = await call('startFollow', { deploymentId: id, intervalSeconds: 60 });
    await waitFor(id, (s) => s.rounds >= 1, 'one round');
    await core.dispose();
    expect((await call('getJob', { jobId: started.jobId! })).status).not.toBe('running');
    expect(await call('getFollowStatus', { deploymentId: id })).toMatchObject({ running: false });
  }, 120_000);
});
