import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { ProfileStore } from '../../../src/main/core/historians/profiles.js';
import { SqlImportSummarySchema } from '../../../src/shared/domain.js';
import { apiCaller } from '../../support/api-caller.js';
import { requireBuild, startCli } from '../cli/run-cli.js';
import { PG_PASSWORD, startPostgres, type PgServer } from '../historians/postgres-server.js';

let server: PgServer;
let root: string;
let core: AppCore;
const { call, settle } = apiCaller(() => core);

const T0_US = Date.UTC(2024, 0, 1) * 1000;
const HOUR_US = 3_600_000_000;
const LONG = `SELECT ts AS time, tag, value FROM plant.points WHERE ts >= $1 AND ts < $2 ORDER BY ts, tag`;
/** Five million generated rows: long enough to interrupt. */
const ENDLESS = `SELECT timestamptz '2024-01-01' + i * interval '1 second' AS time, 'BIG' AS tag, i::float8 AS value
  FROM generate_series(1, 5000000) i
  WHERE timestamptz '2024-01-01' + i * interval '1 second' >= $1 AND timestamptz '2024-01-01' + i * interval '1 second' < $2`;

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(join(tmpdir(), 'pdm-app-sql-'));
  server = await startPostgres();
  // 3 tags, one reading a second for two hours.
  await server.psql(`
    CREATE SCHEMA plant;
    CREATE TABLE plant.points (ts timestamptz NOT NULL, tag text NOT NULL, value double precision);
    INSERT INTO plant.points
      SELECT timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', 'FT-' || k, i * k
      FROM generate_series(0, 7199) i, generate_series(1, 3) k;
    CREATE ROLE reader LOGIN PASSWORD 'reader-secret';
    GRANT USAGE ON SCHEMA plant TO reader;
    GRANT SELECT ON plant.points TO reader;
  `);
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
}, 120_000);

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('startSqlImport over the app API (real PostgreSQL on 127.0.0.1)', () => {
  it('imports as a job with its summary in job.sql; without from it continues from the checkpoint', async () => {
    const first = await call('startSqlImport', {
      url: server.url,
      password: PG_PASSWORD,
      query: LONG,
      from: T0_US,
      to: T0_US + HOUR_US,
    });
    const job = await settle(first.jobId);
    expect(job).toMatchObject({ kind: 'sql-import', status: 'done', error: null });
    expect(job.sql).toMatchObject({ rows: 10_800, values: 10_800, duplicates: 0, signals: 3, resumed: false });
    const signals = await call('listSignals', {});
    expect(signals.map((s) => `${s.asset}/${s.tag}:${s.count}`).sort()).toEqual([
      'postgres/FT-1:3600',
      'postgres/FT-2:3600',
      'postgres/FT-3:3600',
    ]);
    const second = await settle(
      (await call('startSqlImport', { url: server.url, password: PG_PASSWORD, query: LONG, to: T0_US + 3 * HOUR_US }))
        .jobId,
    );
    expect(second.sql).toMatchObject({ values: 10_800, resumed: true });
    expect((await call('listSignals', {})).every((s) => s.count === 7200)).toBe(true);
  });

  it("a saved profile's password is used only for the login it was saved for", async () => {
    const workspace = join(root, 'ws');
    const readerUrl = server.url.replace('postgres@', 'reader@');
    await new ProfileStore(workspace, join(root, 'user-data')).save({
      kind: 'postgres',
      name: 'plant-db',
      url: readerUrl,
      plainPassword: 'reader-secret',
    });
    const job = await settle(
      (
        await call('startSqlImport', {
          url: readerUrl,
          profile: 'plant-db',
          query: LONG,
          from: T0_US,
          to: T0_US + HOUR_US,
          asset: 'line-2',
        })
      ).jobId,
    );
    expect(job.status).toBe('done');
    expect(job.sql?.values).toBe(10_800);
    await expect(
      call('startSqlImport', { url: server.url, profile: 'plant-db', query: LONG, from: T0_US }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/no saved password/) });
    await expect(
      call('startSqlImport', { url: server.url, profile: 'nope', query: LONG, from: T0_US }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a wrong password fails the job with a message that does not repeat it; bad input is refused by field', async () => {
    const job = await settle(
      (await call('startSqlImport', { url: server.url, password: 'wrong-secret-123', query: LONG, from: T0_US })).jobId,
    );
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/password/i);
    expect(job.error).not.toContain('wrong-secret-123');
    await expect(call('startSqlImport', { url: 'mysql://x@127.0.0.1/db', query: LONG })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/^startSqlImport: url: /),
    });
    await expect(call('startSqlImport', { url: server.url, query: LONG, layout: 'tall' })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/layout/),
    });
  });
});

describe('pdm-studio import sql: a thin caller of startSqlImport (bin/pdm-studio.js)', () => {
  const env = () => ({ PDM_STUDIO_HOME: join(root, 'cli-home'), PDM_PASSWORD: PG_PASSWORD });

  it('--json prints the job result of the API, exactly its fields', async () => {
    const query = join(root, 'points.sql');
    await writeFile(query, LONG);
    const ws = join(root, 'cli-ws');
    const run = await startCli(
      [
        'import',
        'sql',
        '--workspace',
        ws,
        '--url',
        server.url,
        '--query',
        query,
        '--from',
        '2024-01-01T00:00:00Z',
        '--to',
        '2024-01-01T01:00:00Z',
        '--json',
      ],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(SqlImportSummarySchema.strict().parse(run.json)).toMatchObject({ rows: 10_800, signals: 3 });
    expect(run.stderr).toMatch(/100% /);
  });

  it('Ctrl-C cancels the job through cancelJob: exit 130, {"error":{"code":"cancelled"}}, nothing kept', async () => {
    const query = join(root, 'endless.sql');
    await writeFile(query, ENDLESS);
    const ws = join(root, 'cli-ws-cancel');
    let interrupted = false;
    const run = await startCli(
      [
        'import',
        'sql',
        '--workspace',
        ws,
        '--url',
        server.url,
        '--query',
        query,
        '--from',
        '2024-01-01T00:00:00Z',
        '--json',
      ],
      env(),
      (stderr, child) => {
        if (!interrupted && /\d+ rows/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(interrupted).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    expect(run.json).toMatchObject({ error: { code: 'cancelled' } });
    expect(run.stderr).toMatch(/cancelling/);
    const signals = await startCli(['signals', '--workspace', ws, '--json'], env());
    expect(signals.json).toEqual({ signals: [] });
  }, 60_000);
});
