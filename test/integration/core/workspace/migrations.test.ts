import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, type Connection } from '../../../../src/main/core/workspace/database.js';
import {
  currentSchemaVersion,
  latestSchemaVersion,
  migrate,
  migrations,
} from '../../../../src/main/core/workspace/migrations.js';
import { Workspace, WORKSPACE_FILE } from '../../../../src/main/core/workspace/workspace.js';
import { tempDir } from './helpers.js';

let dir: string;
let database: Database | null;
let db: Connection | null;

const open = async () => {
  database = await Database.open(join(dir, WORKSPACE_FILE));
  db = await database.connect();
  return db;
};
const closeDb = () => {
  db?.close();
  database?.close();
  db = null;
  database = null;
};

const tables = async (c: Connection): Promise<string[]> =>
  (
    await c.all<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`,
    )
  ).map((r) => r.table_name);
const columns = async (c: Connection, table: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (
      await c.all<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).map((r) => [r.column_name, r.data_type]),
  );
const sequences = async (c: Connection): Promise<string[]> =>
  (await c.all<{ sequence_name: string }>('SELECT sequence_name FROM duckdb_sequences() ORDER BY 1')).map(
    (r) => r.sequence_name,
  );

beforeEach(async () => {
  dir = await tempDir('pdm-migrate-');
});
afterEach(async () => {
  closeDb();
  await rm(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are numbered 1..n without gaps, and each one below has its own test', () => {
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(latestSchemaVersion()).toBe(8);
  });

  it('an empty database is at version 0', async () => {
    expect(await currentSchemaVersion(await open())).toBe(0);
  });

  it('1: signals and readings', async () => {
    const c = await open();
    expect(await migrate(c, 1)).toBe(1);
    expect(await tables(c)).toEqual(['readings', 'schema_migrations', 'signals']);
    expect(await sequences(c)).toEqual(['signal_id_seq']);
    expect(await columns(c, 'signals')).toEqual({
      id: 'INTEGER',
      asset: 'VARCHAR',
      tag: 'VARCHAR',
      unit: 'VARCHAR',
      sample_period: 'DOUBLE',
      valid_min: 'DOUBLE',
      valid_max: 'DOUBLE',
      source: 'VARCHAR',
      time_kind: 'VARCHAR',
      created_at: 'TIMESTAMP WITH TIME ZONE',
    });
    expect(await columns(c, 'readings')).toEqual({
      signal_id: 'INTEGER',
      t: 'BIGINT',
      value: 'DOUBLE',
      quality: 'UINTEGER',
    });
    // The constraints hold: ids come from the sequence, (asset, tag) is unique, time_kind is checked.
    await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('a', 't', 'test', 'cycle')`);
    expect((await c.one<{ id: number }>(`SELECT id FROM signals`)).id).toBe(1);
    await expect(
      c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('a', 't', 'test', 'cycle')`),
    ).rejects.toThrow(/constraint|duplicate/i);
    await expect(
      c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('a', 'u', 'test', 'hours')`),
    ).rejects.toThrow(/constraint/i);
  });

  it('2: ingest records and rejects', async () => {
    const c = await open();
    expect(await migrate(c, 2)).toBe(2);
    expect(await tables(c)).toEqual(['ingests', 'readings', 'rejects', 'schema_migrations', 'signals']);
    expect(await sequences(c)).toEqual(['ingest_id_seq', 'signal_id_seq']);
    expect(Object.keys(await columns(c, 'ingests'))).toEqual([
      'id',
      'file',
      'format',
      'sha256',
      'options',
      'status',
      'started_at',
      'finished_at',
      'rows',
      'values',
      'rejected',
      'duplicates',
      'message',
    ]);
    expect(await columns(c, 'rejects')).toEqual({
      ingest_id: 'INTEGER',
      file: 'VARCHAR',
      line: 'BIGINT',
      field: 'VARCHAR',
      reason: 'VARCHAR',
      raw: 'VARCHAR',
    });
    await expect(
      c.run(`INSERT INTO ingests (file, format, sha256, status) VALUES ('f', 'x', 'h', 'paused')`),
    ).rejects.toThrow(/constraint/i);
  });

  it('3: events', async () => {
    const c = await open();
    expect(await migrate(c, 3)).toBe(3);
    expect(await tables(c)).toContain('events');
    expect(await sequences(c)).toContain('event_id_seq');
    expect(Object.keys(await columns(c, 'events'))).toEqual([
      'id',
      'asset',
      'kind',
      'start_t',
      'end_t',
      'time_kind',
      'code',
      'description',
      'source',
      'created_at',
    ]);
    await c.run(
      `INSERT INTO events (asset, kind, start_t, time_kind, source) VALUES ('E1', 'failure', 192, 'cycle', 'test')`,
    );
    await expect(
      c.run(
        `INSERT INTO events (asset, kind, start_t, time_kind, source) VALUES ('E1', 'explosion', 1, 'cycle', 'test')`,
      ),
    ).rejects.toThrow(/constraint/i);
  });

  it('4: ingest checkpoints', async () => {
    const c = await open();
    expect(await migrate(c, 4)).toBe(4);
    expect(await tables(c)).toContain('ingest_checkpoints');
    expect(Object.keys(await columns(c, 'ingest_checkpoints'))).toEqual([
      'source',
      'signal_id',
      'last_t',
      'continuation',
      'updated_at',
    ]);
    await c.run(`INSERT INTO ingest_checkpoints (source, signal_id, last_t) VALUES ('opcua:x', 1, 10)`);
    // One checkpoint per source and signal: a second row for the same pair would let a resume start twice.
    await expect(
      c.run(`INSERT INTO ingest_checkpoints (source, signal_id, last_t) VALUES ('opcua:x', 1, 20)`),
    ).rejects.toThrow(/constraint|duplicate/i);
  });

  it('5: trend tiles', async () => {
    const c = await open();
    expect(await migrate(c, 5)).toBe(5);
    expect(await tables(c)).toEqual(expect.arrayContaining(['trend_tiles', 'trend_tile_sets']));
    expect(Object.keys(await columns(c, 'trend_tile_sets'))).toEqual([
      'signal_id',
      'min_exponent',
      'max_exponent',
      'built_count',
    ]);
    expect(Object.keys(await columns(c, 'trend_tiles'))).toEqual([
      'signal_id',
      'exponent',
      'tile',
      'n',
      't_first',
      'v_first',
      't_last',
      'v_last',
      't_min',
      'v_min',
      't_max',
      'v_max',
    ]);
    await c.run('INSERT INTO trend_tile_sets VALUES (1, 3, 9, 100)');
    await expect(c.run('INSERT INTO trend_tile_sets VALUES (1, 4, 9, 100)')).rejects.toThrow(/constraint|duplicate/i);
  });

  it('7: ingest file size', async () => {
    const c = await open();
    expect(await migrate(c, 6)).toBe(6);
    await c.run(`INSERT INTO ingests (file, format, sha256, status) VALUES ('old.csv', 'long-csv', 'abc', 'done')`);
    expect(await migrate(c, 7)).toBe(7);
    expect((await columns(c, 'ingests'))['bytes']).toBe('BIGINT');
    // Imports recorded before the column existed have no size: they stay, and count as "size unknown".
    expect(await c.all('SELECT file, bytes FROM ingests')).toEqual([{ file: 'old.csv', bytes: null }]);
  });

  it('8: historian coverage, seeded from the checkpoints of earlier imports', async () => {
    const c = await open();
    expect(await migrate(c, 7)).toBe(7);
    // An OPC UA tag with its own checkpoint, a SQL query's source-wide checkpoint over two signals (one lagging),
    // a signal of a file import (no checkpoint: no coverage).
    await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES
      ('P-1', 'A', 'opcua:x', 'timestamp'), ('db', 'B', 'sql:y', 'timestamp'), ('db', 'C', 'sql:y', 'timestamp'),
      ('f', 'D', 'file.csv', 'timestamp')`);
    await c.run(`INSERT INTO readings VALUES (1, 100, 1, 0), (1, 200, 1, 0), (1, 300, 1, 0),
      (2, 50, 1, NULL), (2, 400, 1, NULL), (3, 60, 1, NULL), (3, 90, 1, NULL), (4, 10, 1, NULL)`);
    await c.run(
      `INSERT INTO ingest_checkpoints (source, signal_id, last_t) VALUES ('opcua:x', 1, 200), ('sql:y', 0, 400)`,
    );
    expect(await migrate(c, 8)).toBe(8);
    expect(Object.keys(await columns(c, 'historian_coverage'))).toEqual(['source', 'signal_id', 'from_t', 'to_t']);
    expect(await c.all('SELECT source, signal_id, from_t, to_t FROM historian_coverage ORDER BY signal_id')).toEqual([
      // Only up to the checkpoint: the reading at 300 came later than what the checkpoint vouches for.
      { source: 'opcua:x', signal_id: 1, from_t: 100, to_t: 201 },
      { source: 'sql:y', signal_id: 2, from_t: 50, to_t: 401 },
      // The lagging signal is covered only up to its own last reading.
      { source: 'sql:y', signal_id: 3, from_t: 60, to_t: 91 },
    ]);
    await expect(c.run(`INSERT INTO historian_coverage VALUES ('opcua:x', 1, 100, 500)`)).rejects.toThrow(
      /constraint|duplicate/i,
    );
  });

  it('migrates step by step to the same schema as in one go, recording each version once', async () => {
    const c = await open();
    for (const m of migrations) expect(await migrate(c, m.version)).toBe(m.version);
    const rows = await c.all<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
  });

  it('migrating twice is a no-op that keeps the data', async () => {
    const c = await open();
    expect(await migrate(c)).toBe(latestSchemaVersion());
    await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('a', 't', 'test', 'timestamp')`);
    await c.run(`INSERT INTO readings VALUES (1, 10, 1.5, NULL)`);
    const before = await c.all(
      'SELECT version, name, applied_at::VARCHAR AS applied FROM schema_migrations ORDER BY version',
    );
    expect(await migrate(c)).toBe(latestSchemaVersion());
    expect(await migrate(c, 1)).toBe(latestSchemaVersion());
    expect(
      await c.all('SELECT version, name, applied_at::VARCHAR AS applied FROM schema_migrations ORDER BY version'),
    ).toEqual(before);
    expect((await c.one<{ n: number }>('SELECT count(*) AS n FROM readings')).n).toBe(1);
    closeDb();
    // And again after reopening, through the workspace.
    const ws = await Workspace.open(dir);
    try {
      expect(ws.schemaVersion).toBe(latestSchemaVersion());
      expect((await ws.info()).readings).toBe(1);
    } finally {
      ws.close();
    }
  });

  it('a workspace opened at an older version is brought up to date', async () => {
    const c = await open();
    await migrate(c, 1);
    await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('a', 't', 'test', 'timestamp')`);
    closeDb();
    const ws = await Workspace.open(dir);
    try {
      expect(ws.schemaVersion).toBe(latestSchemaVersion());
      expect((await ws.info()).signals).toBe(1);
      expect(await ws.ingests()).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it('refuses a workspace whose schema is newer than the app, with a clear message, and leaves it untouched', async () => {
    const c = await open();
    await migrate(c);
    const future = latestSchemaVersion() + 1;
    await c.run(`INSERT INTO schema_migrations (version, name) VALUES (${future}, 'from the future')`);
    await expect(migrate(c)).rejects.toThrow(
      `workspace schema version ${future} is newer than this app understands (${latestSchemaVersion()}); update PdM Studio`,
    );
    closeDb();
    await expect(Workspace.open(dir)).rejects.toThrow(
      /schema version \d+ is newer than this app understands.*update PdM Studio/,
    );
    // The refused open released the file: another process (the CLI, a second window) can open it.
    const script = `require('@duckdb/node-api').DuckDBInstance.create(process.argv[1]).then((i) => { i.closeSync(); console.log('opened'); }, (e) => { console.log(e.message); })`;
    const child = await promisify(execFile)(process.execPath, ['-e', script, join(dir, WORKSPACE_FILE)], {
      cwd: process.cwd(),
    });
    expect(child.stdout.trim()).toBe('opened');
    // And nothing was changed.
    const again = await open();
    expect(await currentSchemaVersion(again)).toBe(future);
  });
});
