import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/main/core/workspace/database.js';
import { migrate, migrations } from '../../../src/main/core/workspace/migrations.js';
import { SOURCE_CHECKPOINT, signalKey } from '../../../src/main/core/workspace/stream-ingest.js';
import { Workspace, WORKSPACE_FILE } from '../../../src/main/core/workspace/workspace.js';

let dir: string;
let ws: Workspace;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-stream-'));
  ws = await Workspace.open(dir);
});
afterEach(async () => {
  ws.close();
  await rm(dir, { recursive: true, force: true });
});

const count = async (sql: string) => (await ws.query<{ n: number }>(sql))[0]?.n ?? NaN;

describe('migration 4: ingest checkpoints', () => {
  it('creates ingest_checkpoints keyed by (source, signal_id)', async () => {
    const other = await mkdtemp(join(tmpdir(), 'pdm-mig4-'));
    const database = await Database.open(join(other, WORKSPACE_FILE));
    const c = await database.connect();
    try {
      expect(migrations.find((m) => m.version === 4)?.name).toBe('ingest checkpoints');
      expect(await migrate(c, 3)).toBe(3);
      expect(
        await c.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'ingest_checkpoints'`),
      ).toHaveLength(0);
      expect(await migrate(c, 4)).toBe(4);
      const cols = await c.all<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'ingest_checkpoints' ORDER BY ordinal_position`,
      );
      expect(cols.map((r) => [r.column_name, r.data_type, r.is_nullable])).toEqual([
        ['source', 'VARCHAR', 'NO'],
        ['signal_id', 'INTEGER', 'NO'],
        ['last_t', 'BIGINT', 'NO'],
        ['continuation', 'VARCHAR', 'YES'],
        ['updated_at', 'TIMESTAMP WITH TIME ZONE', 'NO'],
      ]);
      await c.run(`INSERT INTO ingest_checkpoints (source, signal_id, last_t) VALUES ('s', 1, 10)`);
      await expect(
        c.run(`INSERT INTO ingest_checkpoints (source, signal_id, last_t) VALUES ('s', 1, 11)`),
      ).rejects.toThrow(/constraint|duplicate/i);
    } finally {
      c.close();
      database.close();
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('stream sink', () => {
  it('creates signals with metadata, stores readings deduplicated (existing wins, first in batch wins) with checkpoints', async () => {
    const sink = await ws.openStream({ source: 'test:a', mode: 'per-batch', format: 'test' });
    try {
      await sink.declare([
        { asset: 'P-101', tag: 'Vibration', unit: 'mm/s', validMin: 0, validMax: 50, samplePeriod: 60e6 },
        { asset: 'P-101', tag: 'Temp', unit: '°C' },
      ]);
      expect(await sink.checkpoints()).toEqual(new Map());
      const v = signalKey('P-101', 'Vibration');
      const r1 = await sink.write([
        {
          key: v,
          t: [3, 1, 2, 2],
          value: [0.3, 0.1, 0.2, 9.9],
          quality: [0, 0, 0, 0],
          checkpoint: { lastT: 3, continuation: '{"a":1}' },
        },
      ]);
      expect(r1).toEqual({ values: 3, duplicates: 1 });
      // Existing readings win; NaN and Infinity become NULL values.
      const r2 = await sink.write([{ key: v, t: [3, 4, 5], value: [7, Number.NaN, 0.5], quality: [0, 0x80000000, 0] }]);
      expect(r2).toEqual({ values: 2, duplicates: 1 });
      expect((await sink.checkpoints()).get(v)).toEqual({ lastT: 5, continuation: '{"a":1}' });
      const summary = await sink.finish('done', null, { endpoint: 'x' });
      expect(summary.values).toBe(5);
      expect(summary.duplicates).toBe(2);
    } finally {
      await sink.close();
    }
    const rows = await ws.query<{ t: number; value: number | null; quality: number }>(
      `SELECT t, value, quality FROM readings r JOIN signals s ON s.id = r.signal_id WHERE tag = 'Vibration' ORDER BY t`,
    );
    expect(rows).toEqual([
      { t: 1, value: 0.1, quality: 0 },
      { t: 2, value: 0.2, quality: 0 },
      { t: 3, value: 0.3, quality: 0 },
      { t: 4, value: null, quality: 0x80000000 },
      { t: 5, value: 0.5, quality: 0 },
    ]);
    const vib = (await ws.signals()).find((s) => s.tag === 'Vibration');
    expect(vib).toMatchObject({
      unit: 'mm/s',
      validMin: 0,
      validMax: 50,
      samplePeriod: 60e6,
      source: 'test:a',
      count: 5,
    });
    // A declared signal that never received data was not created.
    expect(await count(`SELECT count(*) AS n FROM signals`)).toBe(1);
    expect(await ws.ingests()).toMatchObject([
      { file: 'test:a', format: 'test', status: 'done', values: 5, duplicates: 2 },
    ]);
  });

  it('atomic mode: a failure rolls back readings, signals and checkpoints', async () => {
    const sink = await ws.openStream({ source: 'sql:x', mode: 'atomic', format: 'sql' });
    await sink.declare([{ asset: 'A', tag: 'T' }]);
    await sink.write([{ key: signalKey('A', 'T'), t: [1, 2], value: [1, 2] }], { lastT: 2, continuation: null });
    await sink.finish('failed', 'connection lost');
    await sink.close();
    expect(await count('SELECT count(*) AS n FROM readings')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM signals')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ingest_checkpoints')).toBe(0);

    const again = await ws.openStream({ source: 'sql:x', mode: 'atomic', format: 'sql' });
    await again.declare([{ asset: 'A', tag: 'T' }]);
    await again.write([{ key: signalKey('A', 'T'), t: [1, 2], value: [1, 2] }], { lastT: 2, continuation: null });
    await again.finish('done', null);
    await again.close();
    expect(await count('SELECT count(*) AS n FROM readings')).toBe(2);
    const reopened = await ws.openStream({ source: 'sql:x', mode: 'atomic', format: 'sql' });
    await reopened.declare([{ asset: 'A', tag: 'T' }]);
    expect((await reopened.checkpoints()).get(SOURCE_CHECKPOINT)).toEqual({ lastT: 2, continuation: null });
    await reopened.close();
  });

  it('per-batch mode: a failing batch leaves earlier batches and their checkpoints, and nothing of itself', async () => {
    const sink = await ws.openStream({ source: 'test:b', mode: 'per-batch', format: 'test' });
    await sink.declare([
      { asset: 'A', tag: 'T' },
      { asset: 'A', tag: 'U' },
    ]);
    await sink.write([{ key: signalKey('A', 'T'), t: [1, 2], value: [1, 2] }]);
    await expect(
      sink.write([
        { key: signalKey('A', 'U'), t: [1], value: [1] },
        { key: signalKey('A', 'T'), t: [3, 4.5], value: [3, 4] },
      ]),
    ).rejects.toThrow(/not an integer/);
    await sink.close();
    expect(await count('SELECT count(*) AS n FROM readings')).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM signals`)).toBe(1);
    expect(await ws.query(`SELECT signal_id, last_t FROM ingest_checkpoints`)).toEqual([{ signal_id: 1, last_t: 2 }]);
  });

  it('stores 1M readings of 10 signals in batches fast enough', async () => {
    const sink = await ws.openStream({ source: 'test:big', mode: 'per-batch', format: 'test' });
    const keys = Array.from({ length: 10 }, (_, i) => signalKey('A', `T${i}`));
    await sink.declare(keys.map((_, i) => ({ asset: 'A', tag: `T${i}` })));
    const started = Date.now();
    for (let b = 0; b < 10; b++) {
      await sink.write(
        keys.map((key, k) => {
          const t = Float64Array.from({ length: 10_000 }, (_, i) => (b * 10_000 + i) * 1e6);
          return {
            key,
            t,
            value: Float64Array.from(t, (x) => Math.sin(x / 1e9 + k)),
            quality: new Uint32Array(10_000),
          };
        }),
      );
    }
    const seconds = (Date.now() - started) / 1000;
    await sink.finish('done', null);
    await sink.close();
    expect(await count('SELECT count(*) AS n FROM readings')).toBe(1_000_000);
    expect(seconds).toBeLessThan(30);
  });
});
