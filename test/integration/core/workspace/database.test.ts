import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, type Connection } from '../../../../src/main/core/workspace/database.js';
import { tempDir } from './helpers.js';

let dir: string;
let database: Database;
let db: Connection;

beforeAll(async () => {
  dir = await tempDir('pdm-database-');
  database = await Database.open(join(dir, 'test.duckdb'));
  db = await database.connect();
});

afterAll(async () => {
  db.close();
  database.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Connection.all', () => {
  it('turns a large result into objects without holding the event loop: other work runs in between', async () => {
    const ROWS = 300_000;
    // The longest stretch the event loop goes without running a timer while the rows are converted.
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    let rows: { i: number; v: number; label: string }[];
    try {
      rows = await db.all<{ i: number; v: number; label: string }>(
        `SELECT range AS i, range * 0.5 AS v, 'row ' || range AS label FROM range(${ROWS})`,
      );
    } finally {
      clearInterval(timer);
    }
    // The stretch since the last timer counts too (a conversion at the very end would hide there).
    longest = Math.max(longest, performance.now() - last);
    expect(rows).toHaveLength(ROWS);
    expect(rows[ROWS - 1]).toEqual({ i: ROWS - 1, v: (ROWS - 1) * 0.5, label: `row ${ROWS - 1}` });
    // Converting all 300,000 rows at once held the loop for 2-3 s on this machine; a chunk at a time, ms each (GC aside).
    expect(longest).toBeLessThan(500);
  });

  it('keeps column names, BIGINT as numbers and NULLs as before', async () => {
    expect(
      await db.all(`SELECT 1::BIGINT AS a, NULL AS b, [1::BIGINT, 2] AS l, {'x': 3::BIGINT} AS s, 'q' AS "a b"`),
    ).toEqual([{ a: 1, b: null, l: [1, 2], s: { x: 3 }, 'a b': 'q' }]);
    expect(await db.all('SELECT 1 AS a WHERE false')).toEqual([]);
  });
});
