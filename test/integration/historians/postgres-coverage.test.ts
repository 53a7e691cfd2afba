import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPostgres } from '../../../src/main/core/historians/sql/postgres-import.js';
import { duplicateReadings, openFixture, type Fixture } from './opcua-helpers.js';
import { PG_PASSWORD, startPostgres, type PgServer } from './postgres-server.js';

let server: PgServer;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** End of the history table: 2024-01-21 00:00 UTC. */
const END = Date.UTC(2024, 0, 21);
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  server = await startPostgres();
  // history: 2 tags every minute for 20 days. late: tag A every minute over 12 hours with 11:20-11:40 not yet
  // forwarded, tag B (its collector lags) only up to 11:45. big: one tag, 1.1M readings at 1 s.
  await server.psql(`
    CREATE TABLE history (ts timestamptz NOT NULL, tag text NOT NULL, value double precision);
    INSERT INTO history SELECT timestamptz '${iso(END - 20 * DAY)}' + i * interval '1 minute', 'T-' || k, i + k / 10.0
      FROM generate_series(0, 20 * 1440 - 1) i, generate_series(1, 2) k;
    CREATE TABLE late (ts timestamptz NOT NULL, tag text NOT NULL, value double precision);
    INSERT INTO late SELECT timestamptz '2024-02-01 00:00+00' + i * interval '1 minute', 'A', i
      FROM generate_series(0, 719) i WHERE i NOT BETWEEN 680 AND 699;
    INSERT INTO late SELECT timestamptz '2024-02-01 00:00+00' + i * interval '1 minute', 'B', -i
      FROM generate_series(0, 705) i;
    CREATE TABLE big (ts timestamptz NOT NULL, tag text NOT NULL, value double precision);
    INSERT INTO big SELECT timestamptz '2024-03-01 00:00+00' + i * interval '1 second', 'FT-9', sin(i / 500.0)
      FROM generate_series(0, 1099999) i;
  `);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

const withFixture = async (work: (fx: Fixture) => Promise<void>) => {
  const fx = await openFixture();
  try {
    await work(fx);
  } finally {
    await fx.close();
  }
};

const query = (table: string) =>
  `SELECT ts AS time, tag, value FROM ${table} WHERE ts >= $1 AND ts < $2 ORDER BY ts, tag`;
const base = (table: string) => ({
  url: server.url,
  password: PG_PASSWORD,
  layout: 'long' as const,
  query: query(table),
});
const count = async (fx: Fixture, tag?: string) =>
  (
    await fx.ws.query<{ n: number }>(
      `SELECT count(*) AS n FROM readings r JOIN signals s ON s.id = r.signal_id ${tag ? `WHERE s.tag = '${tag}'` : ''}`,
    )
  )[0]?.n ?? -1;

describe('PostgreSQL import fetches what was asked, including late data', () => {
  it('a range starting before the last import end fetches all of it (19 days after a 3-day import)', async () => {
    await withFixture(async (fx) => {
      const first = await importPostgres(fx.ws, { ...base('history'), fromMs: END - 3 * DAY, toMs: END });
      expect(first).toMatchObject({ values: 2 * 3 * 1440, resumed: false });
      const second = await importPostgres(fx.ws, { ...base('history'), fromMs: END - 19 * DAY, toMs: END });
      expect(await count(fx)).toBe(2 * 19 * 1440);
      expect(second.values).toBe(2 * 16 * 1440);
      expect(second.resumed).toBe(true);
      // The 16 days not imported, and the hour before the newest value again (late data): 60 duplicates each.
      expect(second.ranges).toEqual([
        { fromMs: END - 19 * DAY, toMs: END - 3 * DAY },
        { fromMs: END - MINUTE - HOUR, toMs: END },
      ]);
      expect(second.duplicates).toBe(2 * 60);
      expect(await duplicateReadings(fx.ws)).toBe(0);
    });
  });

  it('a lagging tag keeps its own checkpoint; values forwarded late arrive with the look-back overlap', async () => {
    await withFixture(async (fx) => {
      const t0 = Date.UTC(2024, 1, 1);
      const first = await importPostgres(fx.ws, { ...base('late'), fromMs: t0, toMs: t0 + 12 * HOUR + 30 * MINUTE });
      expect(first.values).toBe(700 + 706);
      // Both collectors forward what they held back: B 11:46-11:59 (it lagged), A 11:20-11:39 (a gap).
      await server.psql(`
        INSERT INTO late SELECT timestamptz '2024-02-01 00:00+00' + i * interval '1 minute', 'B', -i FROM generate_series(706, 719) i;
        INSERT INTO late SELECT timestamptz '2024-02-01 00:00+00' + i * interval '1 minute', 'A', i FROM generate_series(680, 699) i;
      `);
      // Without look-back: B continues from its own newest value (11:45), not from A's (11:59), and gets it all;
      // A's gap lies before that and stays.
      const blind = await importPostgres(fx.ws, { ...base('late'), toMs: t0 + 13 * HOUR, overlapMs: 0 });
      expect(blind.resumed).toBe(true);
      expect(await count(fx, 'B')).toBe(720);
      expect(blind.ranges).toEqual([{ fromMs: t0 + 705 * MINUTE, toMs: t0 + 13 * HOUR }]);
      expect(await count(fx, 'A')).toBe(700);
      // With the default look-back of an hour, A's late stretch arrives too.
      const update = await importPostgres(fx.ws, { ...base('late'), toMs: t0 + 13 * HOUR });
      expect(update.ranges).toEqual([{ fromMs: t0 + 719 * MINUTE - HOUR, toMs: t0 + 13 * HOUR }]);
      expect(update.values).toBe(20);
      expect(await count(fx, 'A')).toBe(720);
      const checkpoints = await fx.ws.query<{ signal_id: number; last_t: number }>(
        'SELECT signal_id, last_t FROM ingest_checkpoints ORDER BY signal_id',
      );
      expect(checkpoints.map((c) => c.last_t)).toEqual([(t0 + 719 * MINUTE) * 1000, (t0 + 719 * MINUTE) * 1000]);
      expect(await duplicateReadings(fx.ws)).toBe(0);
    });
  });

  it('builds trend tiles for a large signal, so its trend takes the fast path', async () => {
    await withFixture(async (fx) => {
      const t0 = Date.UTC(2024, 2, 1);
      const result = await importPostgres(fx.ws, { ...base('big'), fromMs: t0, toMs: t0 + 30 * DAY });
      expect(result.values).toBe(1_100_000);
      const [id] = result.signalIds;
      const sets = await fx.ws.query<{ signal_id: number; built_count: number }>('SELECT * FROM trend_tile_sets');
      expect(sets).toEqual([expect.objectContaining({ signal_id: id, built_count: 1_100_000 })]);
      const trend = await fx.ws.trend([id as number], 1000);
      expect(trend.series[0]?.rawCount).toBe(1_100_000);
      expect(trend.series[0]?.t.length).toBeLessThanOrEqual(4000);
    });
  }, 120_000);
});
