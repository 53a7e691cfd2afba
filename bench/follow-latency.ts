// Follow-mode latency (issue 10): from a value appearing in a PostgreSQL historian to its alert being stored, through
// the app's own path: startFollow on a deployment from a folder registry, each round "update to now" (the SQL
// import job), contract check, the package's pipeline in the scoring worker, the alert rule, alerts stored.
// Used by bench/score.ts (the `followLatency` part of its JSON). Needs Debian's postgresql package (a throwaway
// cluster on 127.0.0.1, as bench:postgres and the tests start it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAppCore } from '../src/main/core/app/app-core.js';
import { dispatch } from '../src/main/core/app/dispatch.js';
import type { ApiMethodName, ApiOutput } from '../src/shared/api.js';
import { PG_PASSWORD, startPostgres } from '../test/integration/historians/postgres-server.js';
import { promotedPumpRulPackage } from '../test/integration/monitoring/promoted-package.js';

export interface FollowLatency {
  readonly source: 'postgres';
  readonly intervalSeconds: number;
  readonly events: number;
  /** Seconds from the historian's commit of an event's rows to its alert stored (seen in the follow status). */
  readonly latencySeconds: readonly number[];
  readonly p50Seconds: number;
  readonly p95Seconds: number;
  readonly targetSeconds: number;
  readonly withinTarget: boolean;
}

const MIN_US = 60_000_000;
const TAGS = ['BearingTemperature', 'Flow'] as const;
const QUERY = 'SELECT ts AS time, tag, value, asset FROM plant.points WHERE ts >= $1 AND ts < $2 ORDER BY ts';

/** Nearest-rank percentile. */
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

const rowsSql = (asset: string, t0: number, from: number, to: number): string =>
  `INSERT INTO plant.points
   SELECT to_timestamp((${t0}::bigint + i::bigint * ${MIN_US}) / 1e6), tag,
     CASE WHEN tag = 'Flow' THEN 100 + 5 * sin(i / 20.0) ELSE 40 + i / 60.0 + sin(i / 7.0) END, '${asset}'
   FROM generate_series(${from}, ${to - 1}) i, unnest(ARRAY['${TAGS.join("','")}']) tag`;

/**
 * Each event is a new pump (P-301, P-302, ...) of the deployment: one reading of each tag was there when the
 * deployment was made (so its signals map), and the event inserts the next 9 minutes in one transaction, which
 * completes the first 10-minute window; the rule raises on any output (k = 1 of 1), so that window's alert is the
 * event's alert. Events are spaced so each lands in its own round.
 */
export const measureFollowLatency = async (options: {
  readonly events: number;
  readonly intervalSeconds: number;
}): Promise<FollowLatency> => {
  const { events, intervalSeconds } = options;
  const root = await mkdtemp(join(tmpdir(), 'pdm-bench-follow-'));
  const server = await startPostgres();
  const client = new pg.Client({
    host: '127.0.0.1',
    port: server.port,
    user: 'postgres',
    database: 'postgres',
    password: PG_PASSWORD,
  });
  const core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'cli', workspace: join(root, 'ws') });
  const call = async <M extends ApiMethodName>(method: M, input: unknown): Promise<ApiOutput<M>> => {
    const answer = await dispatch(core.handlers, method, input);
    if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as ApiOutput<M>;
  };
  const settle = async (jobId: string) => {
    for (;;) {
      const job = await call('getJob', { jobId });
      if (job.status !== 'running') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await client.connect();
    await client.query(
      'CREATE SCHEMA plant; CREATE TABLE plant.points (ts timestamptz, tag text, value double precision, asset text)',
    );
    // Training history of three pumps, far in the past; the event pumps' first reading 20 minutes ago.
    const trainT0 = Date.UTC(2026, 0, 1) * 1000;
    for (const pump of ['P-101', 'P-102', 'P-103']) await client.query(rowsSql(pump, trainT0, 0, 600));
    const eventT0 = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000 * 1000;
    const pumps = Array.from({ length: events }, (_, i) => `P-${301 + i}`);
    for (const pump of pumps) await client.query(rowsSql(pump, eventT0, 0, 1));
    const source = { kind: 'postgres' as const, url: server.url, password: PG_PASSWORD, query: QUERY };
    const history = await settle((await call('startSqlImport', { ...source, from: trainT0 })).jobId);
    if (history.status !== 'done') throw new Error(`history import: ${history.error ?? history.message}`);

    const registry = join(root, 'registry');
    await promotedPumpRulPackage(core.currentWorkspace()!, registry, TAGS);
    const { deployment } = await call('createDeployment', { registry, model: 'pump-rul', assets: pumps });
    await call('setAlertRule', { id: deployment.id, rule: { direction: 'above', setLevel: -1e300, k: 1, n: 1 } });

    await call('startFollow', { deploymentId: deployment.id, intervalSeconds, source });
    // The follow status is in memory, set by the round right after its alerts are stored: polled every 10 ms it
    // costs the loop nothing and adds at most 10 ms to a figure.
    const status = () => call('getFollowStatus', { deploymentId: deployment.id });
    const waitUntil = async (done: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 120_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`follow latency: ${what} did not happen within 120 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    // The first round (nothing to score yet) has run: the loop is in its steady state.
    await waitUntil(async () => (await status()).rounds >= 1, 'a round');

    const latencySeconds: number[] = [];
    for (const pump of pumps) {
      const before = (await status()).opened.length;
      await client.query(rowsSql(pump, eventT0, 1, 10));
      const committed = performance.now();
      await waitUntil(async () => (await status()).opened.length > before, `the alert of ${pump}`);
      latencySeconds.push(Number(((performance.now() - committed) / 1000).toFixed(3)));
      // Out of step with the polling, so the events sample every phase of the interval.
      await new Promise((r) => setTimeout(r, (0.3 + Math.random()) * intervalSeconds * 1000));
    }
    const alerts = await call('listAlerts', { deploymentId: deployment.id });
    const missing = pumps.filter((p) => !alerts.some((a) => a.asset === p));
    if (missing.length > 0) throw new Error(`follow latency: no alert stored for ${missing.join(', ')}`);
    await call('stopFollow', { deploymentId: deployment.id });
    const targetSeconds = 2 + intervalSeconds;
    const p95Seconds = percentile(latencySeconds, 95);
    return {
      source: 'postgres',
      intervalSeconds,
      events,
      latencySeconds,
      p50Seconds: percentile(latencySeconds, 50),
      p95Seconds,
      targetSeconds,
      withinTarget: p95Seconds <= targetSeconds,
    };
  } finally {
    await core.dispose();
    await client.end().catch(() => undefined);
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
};
