import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPostgres, parsePgTime } from '../../../src/main/core/historians/sql/postgres-import.js';
import { duplicateReadings, openFixture, workspaceCounts, type Fixture } from './opcua-helpers.js';
import { PG_PASSWORD, startPostgres, type PgServer } from './postgres-server.js';

let server: PgServer;
let fx: Fixture;

const T0 = Date.UTC(2024, 0, 1);
const LONG = `SELECT ts AS time, tag, value, quality FROM historian.points WHERE ts >= $1 AND ts < $2 ORDER BY ts, tag`;

beforeAll(async () => {
  server = await startPostgres();
  // 5 tags x 40k rows at 1 s, with µs timestamps, plus a wide table and a badly typed table.
  await server.psql(`
    CREATE SCHEMA historian;
    CREATE TABLE historian.points (ts timestamptz NOT NULL, tag text NOT NULL, value double precision, quality bigint);
    INSERT INTO historian.points
      SELECT timestamptz '2024-01-01 00:00:00+00' + (i * interval '1 second') + interval '123456 microseconds', 'TI-' || k,
             round((sin(i / 100.0 + k) * 10 + k)::numeric, 4)::float8, CASE WHEN i % 1000 = 0 THEN 2156593152 ELSE 0 END
      FROM generate_series(0, 39999) i, generate_series(1, 5) k;
    CREATE TABLE historian.wide (ts timestamp NOT NULL, "FT-1" real, "PT-1" numeric);
    INSERT INTO historian.wide SELECT timestamp '2024-01-01' + i * interval '1 minute', i, i / 10.0 FROM generate_series(0, 999) i;
    CREATE TABLE historian.bad (ts timestamptz, tag text, value text);
    INSERT INTO historian.bad VALUES (now(), 'X', '1.0'), (now(), 'X', 'n/a');
  `);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const withFixture = async (work: (fx: Fixture) => Promise<void>) => {
  fx = await openFixture();
  try {
    await work(fx);
  } finally {
    await fx.close();
  }
};

const base = () => ({ url: server.url, password: PG_PASSWORD, layout: 'long' as const, query: LONG });

describe('PostgreSQL historian import (real server on 127.0.0.1)', () => {
  it('parses PostgreSQL time text to µs', () => {
    expect(parsePgTime('2024-01-01 00:00:01.123456+00')).toBe((T0 + 1000) * 1000 + 123_456);
    expect(parsePgTime('2024-01-01 02:00:00+02')).toBe(T0 * 1000);
    expect(parsePgTime('2024-01-01')).toBe(T0 * 1000);
    expect(parsePgTime('infinity')).toBeNull();
  });

  it('streams a long table through a cursor: every row, µs times, quality; incremental re-run adds only what is new', async () => {
    await withFixture(async (fx) => {
      const half = T0 + 20_000 * 1000;
      const first = await importPostgres(fx.ws, { ...base(), fromMs: T0, toMs: half, rowsPerFetch: 5000 });
      expect(first).toMatchObject({ rows: 100_000, values: 100_000, duplicates: 0, signals: 5, resumed: false });
      const stats = await fx.ws.query<{ n: number; first_t: number; s: number; bad: number }>(
        `SELECT count(*) AS n, min(t) AS first_t, sum(round(value * 10000)::BIGINT) AS s, count(*) FILTER (WHERE quality <> 0) AS bad FROM readings`,
      );
      const expected = await server.psql(
        `SELECT count(*) || ',' || sum(round(value::numeric * 10000)) || ',' || count(*) FILTER (WHERE quality <> 0) FROM historian.points WHERE ts < '2024-01-01 05:33:20+00'`,
      );
      expect(`${stats[0]?.n},${stats[0]?.s},${stats[0]?.bad}`).toBe(expected);
      expect(stats[0]?.first_t).toBe(T0 * 1000 + 123_456);
      // "Update to now": no --from; continues from the checkpoint.
      const second = await importPostgres(fx.ws, { ...base(), toMs: T0 + 86_400_000 });
      expect(second.resumed).toBe(true);
      expect(second.values).toBe(100_000);
      expect((await fx.ws.info()).readings).toBe(200_000);
      expect(await duplicateReadings(fx.ws)).toBe(0);
      const signals = await fx.ws.signals();
      expect(signals.map((s) => `${s.asset}/${s.tag}`).sort()).toEqual([
        'postgres/TI-1',
        'postgres/TI-2',
        'postgres/TI-3',
        'postgres/TI-4',
        'postgres/TI-5',
      ]);
    });
  });

  it('imports a wide table (one column per tag) with the asset given', async () => {
    await withFixture(async (fx) => {
      const result = await importPostgres(fx.ws, {
        ...base(),
        layout: 'wide',
        asset: 'Pump 7',
        query: 'SELECT ts, "FT-1", "PT-1" FROM historian.wide WHERE ts >= $1 AND ts < $2',
        fromMs: T0,
        toMs: T0 + 86_400_000,
      });
      expect(result).toMatchObject({ rows: 1000, values: 2000, signals: 2 });
      const [row] = await fx.ws.query<{ v: number }>(
        `SELECT value AS v FROM readings r JOIN signals s ON s.id = r.signal_id WHERE tag = 'PT-1' AND t = ${(T0 + 999 * 60_000) * 1000}`,
      );
      expect(row?.v).toBe(99.9);
    });
  });

  it('a malformed row type, a wrong password, an unreachable server: clear message, workspace unchanged', async () => {
    await withFixture(async (fx) => {
      const empty = { readings: 0, signals: 0, ingests: 0, checkpoints: 0 };
      await expect(
        importPostgres(fx.ws, {
          ...base(),
          query: 'SELECT ts AS time, tag, value FROM historian.bad WHERE ts >= $1 AND ts < $2',
          fromMs: 0,
        }),
      ).rejects.toThrow('column "value" has type text; expected a number (cast it in the query); nothing was stored');
      await expect(importPostgres(fx.ws, { ...base(), password: 'wrong', fromMs: 0 })).rejects.toThrow(
        /rejected the login: wrong user name or password/,
      );
      await expect(
        importPostgres(fx.ws, { ...base(), url: 'postgres://postgres@127.0.0.1:1/postgres', fromMs: 0 }),
      ).rejects.toThrow('cannot reach postgres://postgres@127.0.0.1:1/postgres: connection refused');
      await expect(importPostgres(fx.ws, { ...base() })).rejects.toThrow(/give a start time/);
      expect(await workspaceCounts(fx.ws)).toMatchObject(empty);
    });
  });

  it('a connection broken mid-stream (pg_terminate_backend): clear message, workspace unchanged, re-run completes', async () => {
    await withFixture(async (fx) => {
      const killer = new pg.Client({
        host: '127.0.0.1',
        port: server.port,
        user: 'postgres',
        database: 'postgres',
        password: PG_PASSWORD,
      });
      await killer.connect();
      let killed = false;
      const error = await importPostgres(
        fx.ws,
        { ...base(), fromMs: T0, toMs: T0 + 86_400_000, rowsPerFetch: 2000 },
        {
          progress: (_f, message) => {
            if (!killed && Number.parseInt(message, 10) >= 20_000) {
              killed = true;
              void killer.query(
                `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pdm-studio'`,
              );
            }
          },
        },
      ).then(
        () => null,
        (e: Error) => e,
      );
      await killer.end();
      expect(killed).toBe(true);
      expect(error?.message).toMatch(
        /connection to postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres lost mid-stream .*nothing was stored; run the import again/,
      );
      expect(await workspaceCounts(fx.ws)).toMatchObject({ readings: 0, signals: 0, checkpoints: 0 });
      const again = await importPostgres(fx.ws, { ...base(), fromMs: T0, toMs: T0 + 86_400_000 });
      expect(again.values).toBe(200_000);
      expect(await duplicateReadings(fx.ws)).toBe(0);
    });
  });

  it('cancel rolls everything back', async () => {
    await withFixture(async (fx) => {
      let cancel = false;
      await expect(
        importPostgres(
          fx.ws,
          { ...base(), fromMs: T0, toMs: T0 + 86_400_000, rowsPerFetch: 1000 },
          {
            isCancelled: () => cancel,
            progress: () => {
              cancel = true;
            },
          },
        ),
      ).rejects.toThrow('cancelled');
      expect((await fx.ws.info()).readings).toBe(0);
    });
  });
});
