import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { startCoreHost, type CoreHost } from '../../../src/main/core-host/host-client.js';
import { forkCoreHost } from '../../../src/main/core-host/fork-host.js';
import { PROFILES_FILE } from '../../../src/main/core/historians/profiles.js';
import { LOG_FILE } from '../../../src/main/core/log/logger.js';
import { isEncryptedSecret } from '../../../src/main/core/historians/secrets.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import type { FollowStatus } from '../../../src/shared/monitoring.js';
import { apiCaller } from '../../support/api-caller.js';
import { startPostgres, PG_PASSWORD, type PgServer } from '../historians/postgres-server.js';
import { tempDir } from '../registry/helpers.js';
import { promotedPumpRulPackage } from '../monitoring/promoted-package.js';

/**
 * Issue 10, follow mode that outlives the app: a deployment followed from a real PostgreSQL historian through the
 * core host process (the process the desktop app and `serve` run the core in). Its password is saved with the
 * source through the API, encrypted like the Import area's saved connections; the loop survives the host being
 * killed and a clean restart, resuming "since the last score"; a user's Stop is remembered.
 */
let root: string;
let pg: PgServer;
let core: AppCore | null = null;
let host: CoreHost | null = null;
const { call, settle } = apiCaller(() => {
  if (core !== null) return core;
  if (host === null) throw new Error('neither an in-process core nor a host is running');
  return { ...host, currentWorkspace: () => null };
});

const MIN_US = 60_000_000;
const TAGS = ['BearingTemperature', 'Flow'] as const;
const QUERY = 'SELECT ts AS time, tag, value, asset FROM plant.points WHERE ts >= $1 AND ts < $2 ORDER BY ts';
// Live data of pump P-201 starts 3 hours ago, so "update to now" reaches it with the default look-back.
const LIVE_T0 = Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000 * 1000;
const TRAIN_T0 = Date.UTC(2026, 0, 1) * 1000;
let id = '';

/** Long rows (ts, tag, value, asset) for minutes [from, to) after `t0` (µs): a pump that slowly heats up. */
const pumpRows = (asset: string, t0: number, from: number, to: number): string =>
  `INSERT INTO plant.points
   SELECT to_timestamp((${t0}::bigint + i::bigint * ${MIN_US}) / 1e6), tag,
     CASE WHEN tag = 'Flow' THEN 100 + 5 * sin(i / 20.0) ELSE 40 + i / 60.0 + sin(i / 7.0) END, '${asset}'
   FROM generate_series(${from}, ${to - 1}) i, unnest(ARRAY['${TAGS.join("','")}']) tag`;

const waitFor = async (done: (s: FollowStatus) => boolean, what: string): Promise<FollowStatus> => {
  const deadline = Date.now() + 180_000;
  let last: unknown = null;
  for (;;) {
    try {
      const status = await call('getFollowStatus', { deploymentId: id });
      if (done(status)) return status;
      last = status;
    } catch (error) {
      // A host being restarted answers "stopped unexpectedly ... try again": that is what the test waits out.
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`follow never reached: ${what} (${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const startHost = async (): Promise<CoreHost> => {
  host = await startCoreHost({
    spawn: forkCoreHost(),
    userDataDir: join(root, 'user-data'),
    shell: 'web',
    workspace: join(root, 'ws'),
  });
  return host;
};

const stopHost = async () => {
  await host?.dispose();
  host = null;
};

beforeAll(async () => {
  root = await tempDir('pdm-follow-restart-');
  pg = await startPostgres();
  await pg.psql(
    'CREATE SCHEMA plant; CREATE TABLE plant.points (ts timestamptz, tag text, value double precision, asset text)',
  );
  for (const pump of ['P-101', 'P-102', 'P-103']) await pg.psql(pumpRows(pump, TRAIN_T0, 0, 600));
  await pg.psql(pumpRows('P-201', LIVE_T0, 0, 60));
  // The model and the deployment, made in this process; the follow loop then runs in the core host.
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  const history = await settle(
    (
      await call('startSqlImport', {
        url: pg.url,
        password: PG_PASSWORD,
        query: QUERY,
        from: TRAIN_T0,
        to: LIVE_T0 + 60 * MIN_US,
      })
    ).jobId,
  );
  expect(history).toMatchObject({ status: 'done' });
  const reg = join(root, 'registry');
  await promotedPumpRulPackage(core.currentWorkspace()!, reg, TAGS);
  const created = await call('createDeployment', { registry: reg, model: 'pump-rul', assets: ['P-201'] });
  id = created.deployment.id;
  await call('setAlertRule', { id, rule: { direction: 'above', setLevel: -1e300 } });
  await pg.psql(pumpRows('P-201', LIVE_T0, 60, 120));
}, 300_000);

afterAll(async () => {
  await core?.dispose();
  await stopHost();
  await pg?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('a PostgreSQL follow source saved with its password', () => {
  it('keeps the password encrypted in the saved connections, never in the workspace or an API answer', async () => {
    const stored = await call('setFollowSource', {
      id,
      source: { kind: 'postgres', url: pg.url, password: PG_PASSWORD, query: QUERY },
    });
    const expected = { kind: 'postgres', url: pg.url, query: QUERY, layout: 'long', profile: `follow ${id}` };
    expect(stored.followSource).toEqual(expected);
    expect((await call('getDeployment', { id })).followSource).toEqual(expected);
    const profiles = await call('listConnectionProfiles', {});
    expect(profiles).toContainEqual({ kind: 'postgres', name: `follow ${id}`, url: pg.url, hasPassword: true });
    expect(JSON.stringify(profiles)).not.toContain(PG_PASSWORD);
    const saved = JSON.parse(await readFile(join(root, 'ws', PROFILES_FILE), 'utf8')) as { password: string }[];
    expect(saved.map((p) => isEncryptedSecret(p.password))).toEqual([true]);
    expect(JSON.stringify(saved)).not.toContain(PG_PASSWORD);

    // A password inside the URL is taken out of it the same way, into the connection the source names.
    const port = new URL(pg.url).port;
    const inUrl = await call('setFollowSource', {
      id,
      source: {
        kind: 'postgres',
        url: `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/postgres`,
        query: QUERY,
        profile: 'plant historian',
      },
    });
    expect(inUrl.followSource).toEqual({ ...expected, profile: 'plant historian' });
    // Back to the first: the rest of the file follows with it.
    await call('setFollowSource', {
      id,
      source: { kind: 'postgres', url: pg.url, password: PG_PASSWORD, query: QUERY },
    });
    await expect(
      call('setFollowSource', {
        id,
        source: { kind: 'postgres', url: 'postgres://[broken', password: PG_PASSWORD, query: QUERY },
      }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.not.stringContaining(PG_PASSWORD) });
  });
});

describe('follow mode across restarts of the core host process', () => {
  it('resumes after the host is killed and after a clean restart, scoring every window exactly once', async () => {
    await core!.dispose();
    core = null;
    await startHost();
    // Started without a source: the stored one, logging in with the saved password.
    const started = await call('startFollow', { deploymentId: id, intervalSeconds: 0.5 });
    expect(started).toMatchObject({ running: true, source: { profile: `follow ${id}` } });
    expect(JSON.stringify(started)).not.toContain(PG_PASSWORD);
    // The 120 minutes so far: windows of 10 ending on each reading from the 10th.
    const first = await waitFor((s) => s.windows >= 111, 'the first windows');
    expect(first).toMatchObject({ windows: 111, failures: 0 });
    expect(first.resumed).not.toBe(true);
    // The package is fetched (and its scoring worker started) once per loop, not once per round: that took
    // seconds of every round, most of follow mode's latency.
    const rounds = await waitFor((s) => s.rounds >= 4, 'four rounds');
    const fetches = (await readFile(join(root, 'user-data', 'logs', LOG_FILE), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"event":"fetch done"') && line.includes(`"pid":${host!.pid()!}`));
    expect([rounds.failures, fetches.length]).toEqual([0, 1]);

    // Killed (no shutdown, no checkpoint) while the historian goes on: the host client starts a new host, which
    // resumes the loop from the workspace's memory and fetches what came meanwhile, with the saved password.
    const killed = host!.pid()!;
    process.kill(killed, 'SIGKILL');
    // Inserted after the kill, so it is the resumed loop that fetches and scores these rows.
    await pg.psql(pumpRows('P-201', LIVE_T0, 120, 150));
    const resumed = await waitFor((s) => s.running && s.resumed === true && s.windows >= 30, 'resumed after kill');
    expect(host!.pid()).not.toBe(killed);
    expect(host!.restarts()).toBe(1);
    expect(resumed).toMatchObject({ windows: 30, failures: 0, source: { profile: `follow ${id}` } });

    // A clean stop and a new start (the app closed and opened again): resumed as well.
    await stopHost();
    await pg.psql(pumpRows('P-201', LIVE_T0, 150, 170));
    await startHost();
    const again = await waitFor((s) => s.running && s.windows >= 20, 'resumed after restart');
    expect(again).toMatchObject({ resumed: true, windows: 20, failures: 0 });

    // The user's Stop is remembered: the next start leaves the loop stopped.
    expect(await call('stopFollow', { deploymentId: id })).toMatchObject({ running: false });
    await stopHost();
    await startHost();
    expect(await call('getFollowStatus', { deploymentId: id })).toMatchObject({ running: false, rounds: 0 });
    expect((await call('listJobs', {})).filter((j) => j.kind === 'follow')).toEqual([]);
    await stopHost();

    // Every window of minutes 0-169 scored exactly once: none lost to the kill, none scored twice on resume.
    const ws = await Workspace.open(join(root, 'ws'));
    try {
      const [row] = await ws.monitoringRead((db) =>
        db.all<{ n: number; distinct_ends: number; first: number; last: number }>(
          `SELECT count(*)::INTEGER AS n, count(DISTINCT window_end)::INTEGER AS distinct_ends,
             min(window_end)::DOUBLE AS first, max(window_end)::DOUBLE AS last
           FROM scores WHERE deployment_id = $1 AND asset = 'P-201'`,
          [id],
        ),
      );
      expect(row).toEqual({
        n: 161,
        distinct_ends: 161,
        first: LIVE_T0 + 9 * MIN_US,
        last: LIVE_T0 + 169 * MIN_US,
      });
      // Start, Stop and the source changes are in the monitoring audit chain; no password anywhere in it.
      const audit = await ws.monitoringRead((db) =>
        db.all<{ action: string; details: string }>(
          `SELECT action, CAST(details AS VARCHAR) AS details FROM alert_actions WHERE deployment_id = $1 ORDER BY seq`,
          [id],
        ),
      );
      expect(audit.map((a) => a.action).filter((a) => a.startsWith('follow-'))).toEqual([
        'follow-start',
        'follow-stop',
      ]);
      expect(JSON.stringify(audit)).not.toContain(PG_PASSWORD);
      const settings = await ws.monitoringRead((db) =>
        db.all<{ key: string; value: string }>('SELECT key, value FROM settings'),
      );
      expect(JSON.stringify(settings)).not.toContain(PG_PASSWORD);
    } finally {
      ws.close();
    }
  }, 600_000);
});

describe('follow loops when another workspace opens', () => {
  it('ends the loops of the workspace closed for another (still remembered) and resumes them when it reopens', async () => {
    core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
    // Stopped by the user in the test before: not resumed.
    expect(await call('getFollowStatus', { deploymentId: id })).toMatchObject({ running: false, rounds: 0 });
    await call('startFollow', { deploymentId: id, intervalSeconds: 60 });
    // A running follow loop used to refuse this ("an import is running").
    await call('openWorkspace', { path: join(root, 'other') });
    expect(await call('getFollowStatus', { deploymentId: id })).toMatchObject({ running: false, rounds: 0 });
    expect((await call('listJobs', {})).filter((j) => j.kind === 'follow' && j.status === 'running')).toEqual([]);
    await call('openWorkspace', { path: join(root, 'ws') });
    expect(await call('getFollowStatus', { deploymentId: id })).toMatchObject({ running: true, resumed: true });
    expect(await call('stopFollow', { deploymentId: id })).toMatchObject({ running: false });
  }, 120_000);
});
