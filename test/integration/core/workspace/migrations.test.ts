import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
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
import { backupName } from '../../../../src/main/core/workspace/migration-backup.js';
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
/** Backups next to the workspace file (workspace.duckdb.bak-v<from>-<date>). */
const backups = async (): Promise<string[]> =>
  (await readdir(dir)).filter((name) => name.startsWith(`${WORKSPACE_FILE}.bak-`)).sort();

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
    // 12 is assigned to another branch of the same session; the merge closes the gap.
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
    expect(latestSchemaVersion()).toBe(13);
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

  it('9: monitoring: deployments, scores, contract violations, alerts, audit, drift', async () => {
    const c = await open();
    expect(await migrate(c, 8)).toBe(8);
    await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('P-101', 'Flow', 'test', 'timestamp')`);
    expect(await migrate(c, 9)).toBe(9);
    expect(await tables(c)).toEqual(
      expect.arrayContaining([
        'deployments',
        'deployment_assets',
        'scores',
        'contract_violations',
        'alerts',
        'alert_actions',
        'audit_heads',
        'drift_results',
      ]),
    );
    expect(await sequences(c)).toEqual(
      expect.arrayContaining(['deployment_id_seq', 'contract_violation_id_seq', 'alert_id_seq']),
    );
    expect(await columns(c, 'scores')).toEqual({
      deployment_id: 'VARCHAR',
      asset: 'VARCHAR',
      output: 'VARCHAR',
      window_end: 'BIGINT',
      value: 'DOUBLE',
      model_version: 'INTEGER',
      package_hash: 'VARCHAR',
      scored_at: 'TIMESTAMP WITH TIME ZONE',
    });
    expect(Object.keys(await columns(c, 'alert_actions'))).toEqual([
      'seq',
      'time',
      'actor',
      'action',
      'deployment_id',
      'alert_id',
      'details',
      'prev',
      'hash',
    ]);
    // Earlier data is untouched.
    expect((await c.one<{ n: number }>('SELECT count(*) AS n FROM signals')).n).toBe(1);
    const deployment = (stage: string, pinned: string, role = 'champion', champion = 'NULL') =>
      c.run(`INSERT INTO deployments (id, name, model_name, stage, pinned_version, registry, role, champion_id, assets,
               mapping, limits, status, created_by, created_at)
             VALUES ('d-' || nextval('deployment_id_seq'), 'n', 'm', ${stage}, ${pinned}, '/r', '${role}', ${champion},
               '[]', '{}', '{}', 'active', 'u', now())`);
    await deployment(`'production'`, 'NULL');
    await deployment('NULL', '3');
    // A stage or a pinned version: exactly one.
    await expect(deployment(`'production'`, '3')).rejects.toThrow(/constraint/i);
    await expect(deployment('NULL', 'NULL')).rejects.toThrow(/constraint/i);
    await expect(deployment(`'archived'`, 'NULL')).rejects.toThrow(/constraint/i);
    // A challenger names its champion, a champion does not.
    await expect(deployment(`'production'`, 'NULL', 'challenger')).rejects.toThrow(/constraint/i);
    await deployment('NULL', '4', 'challenger', `'d-1'`);
    // A closed alert has a disposition and an open one has none.
    const alert = (id: string, status: string, disposition: string) =>
      c.run(`INSERT INTO alerts (id, deployment_id, asset, role, model_version, raised_t, raised_value, raised_at,
               status, disposition, last_announced_t)
             VALUES ('${id}', 'd-1', 'P-101', 'champion', 1, 10, 0.9, now(), '${status}', ${disposition}, 10)`);
    await alert('A-1', 'open', 'NULL');
    await alert('A-2', 'closed', `'false-alarm'`);
    await expect(alert('A-3', 'closed', 'NULL')).rejects.toThrow(/constraint/i);
    await expect(alert('A-4', 'open', `'confirmed'`)).rejects.toThrow(/constraint/i);
    await expect(alert('A-5', 'closed', `'maybe'`)).rejects.toThrow(/constraint/i);
    await expect(
      c.run(`INSERT INTO contract_violations (deployment_id, asset, signal, code, severity, message, readings,
               range_from, range_to) VALUES ('d-1', 'P-101', 's', 'unmapped', 'info', 'm', 0, 0, 1)`),
    ).rejects.toThrow(/constraint/i);
    // One scoring state per deployment and asset.
    await c.run(`INSERT INTO deployment_assets (deployment_id, asset, last_scored_t) VALUES ('d-1', 'P-101', 5)`);
    await expect(
      c.run(`INSERT INTO deployment_assets (deployment_id, asset, last_scored_t) VALUES ('d-1', 'P-101', 6)`),
    ).rejects.toThrow(/constraint|duplicate/i);
  });

  it('10: workspace settings, one value per key', async () => {
    const c = await open();
    expect(await migrate(c, 9)).toBe(9);
    expect(await migrate(c, 10)).toBe(10);
    expect(await columns(c, 'settings')).toEqual({ key: 'VARCHAR', value: 'VARCHAR' });
    await c.run(`INSERT INTO settings VALUES ('display_time_zone', 'Europe/Berlin')`);
    await expect(c.run(`INSERT INTO settings VALUES ('display_time_zone', 'UTC')`)).rejects.toThrow(
      /constraint|duplicate/i,
    );
    await expect(c.run(`INSERT INTO settings VALUES ('other', NULL)`)).rejects.toThrow(/NOT NULL|constraint/i);
  });

  it('11: asset criticality (1..5, one row per asset) and the audit of exported reports', async () => {
    const c = await open();
    expect(await migrate(c, 10)).toBe(10);
    expect(await migrate(c, 11)).toBe(11);
    expect(await columns(c, 'asset_criticality')).toEqual({
      asset: 'VARCHAR',
      criticality: 'INTEGER',
      asset_class: 'VARCHAR',
      set_by: 'VARCHAR',
      set_at: 'TIMESTAMP WITH TIME ZONE',
    });
    await c.run(
      `INSERT INTO asset_criticality (asset, criticality, asset_class, set_by) VALUES ('P-101', 5, 'pump', 'ann')`,
    );
    await expect(
      c.run(`INSERT INTO asset_criticality (asset, criticality, set_by) VALUES ('P-101', 2, 'ann')`),
    ).rejects.toThrow(/constraint|duplicate/i);
    await expect(
      c.run(`INSERT INTO asset_criticality (asset, criticality, set_by) VALUES ('P-102', 6, 'ann')`),
    ).rejects.toThrow(/constraint|check/i);
    expect(await columns(c, 'report_exports')).toEqual({
      id: 'INTEGER',
      kind: 'VARCHAR',
      parameters: 'JSON',
      sha256: 'VARCHAR',
      path: 'VARCHAR',
      format: 'VARCHAR',
      pages: 'INTEGER',
      created_at: 'TIMESTAMP WITH TIME ZONE',
      who: 'VARCHAR',
    });
    const hash = 'a'.repeat(64);
    await c.run(
      `INSERT INTO report_exports (kind, parameters, sha256, path, format, pages, who)
       VALUES ('fleet', '{"from":1}', '${hash}', '/tmp/r.pdf', 'pdf', 3, 'ann')`,
    );
    await c.run(
      `INSERT INTO report_exports (kind, parameters, sha256, path, format, pages, who)
       VALUES ('value', '{}', '${hash}', '/tmp/r.html', 'html', NULL, 'ann')`,
    );
    expect(await c.all(`SELECT id, kind, pages FROM report_exports ORDER BY id`)).toEqual([
      { id: 1, kind: 'fleet', pages: 3 },
      { id: 2, kind: 'value', pages: null },
    ]);
    await expect(
      c.run(`INSERT INTO report_exports (kind, parameters, sha256, path, format, who)
             VALUES ('roi', '{}', '${hash}', '/tmp/x', 'pdf', 'ann')`),
    ).rejects.toThrow(/constraint|check/i);
    await expect(
      c.run(`INSERT INTO report_exports (kind, parameters, sha256, path, format, who)
             VALUES ('fleet', '{}', 'short', '/tmp/x', 'pdf', 'ann')`),
    ).rejects.toThrow(/constraint|check/i);
  });

  it('13: candidate label columns: a nullable flag on signals, existing signals not yet judged', async () => {
    const c = await open();
    expect(await migrate(c, 11)).toBe(11);
    await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('P-101', 'state', 'test', 'timestamp')`);
    expect(await migrate(c, 13)).toBe(13);
    expect((await columns(c, 'signals'))['label_candidate']).toBe('BOOLEAN');
    expect(await c.all(`SELECT tag, label_candidate FROM signals`)).toEqual([{ tag: 'state', label_candidate: null }]);
    await c.run(`UPDATE signals SET label_candidate = true WHERE tag = 'state'`);
    expect(await c.all(`SELECT label_candidate FROM signals`)).toEqual([{ label_candidate: true }]);
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

  it('backs the workspace file up before migrating it, after a CHECKPOINT, as workspace.duckdb.bak-v<from>-<date>', async () => {
    const c = await open();
    await migrate(c, 6);
    await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('a', 't', 'test', 'timestamp')`);
    // Still in the WAL until a checkpoint: the backup must hold it all the same.
    await c.run(`INSERT INTO readings VALUES (1, 10, 1.5, NULL), (1, 20, 2.5, NULL)`);
    closeDb();
    const before = new Date();
    const ws = await Workspace.open(dir);
    try {
      expect(ws.schemaVersion).toBe(latestSchemaVersion());
    } finally {
      ws.close();
    }
    const made = await backups();
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(new RegExp(`^${WORKSPACE_FILE}\\.bak-v6-\\d{8}-\\d{6}$`));
    // Named after the moment it was taken (within the second or two the open took).
    const stamps = [before, new Date()].map((d) => backupName(WORKSPACE_FILE, 6, d));
    expect(made[0] !== undefined && made[0] >= (stamps[0] ?? '') && made[0] <= (stamps[1] ?? '')).toBe(true);
    // The backup is the workspace as it was: version 6, with its signal and readings.
    database = await Database.open(join(dir, made[0] ?? ''));
    db = await database.connect();
    expect(await currentSchemaVersion(db)).toBe(6);
    expect(await db.all('SELECT t, value FROM readings ORDER BY t')).toEqual([
      { t: 10, value: 1.5 },
      { t: 20, value: 2.5 },
    ]);
    expect(Object.keys(await columns(db, 'ingests'))).not.toContain('bytes');
  });

  it('makes no backup for a new workspace, nor for one already up to date', async () => {
    const first = await Workspace.open(dir);
    first.close();
    const second = await Workspace.open(dir);
    second.close();
    expect(await backups()).toEqual([]);
  });

  it('makes no backup when it refuses a newer workspace, and names both versions and the folder', async () => {
    const c = await open();
    await migrate(c);
    const future = latestSchemaVersion() + 3;
    await c.run(`INSERT INTO schema_migrations (version, name) VALUES (${future}, 'from the future')`);
    closeDb();
    await expect(Workspace.open(dir)).rejects.toThrow(
      `${dir}: workspace schema version ${future} is newer than this app understands (${latestSchemaVersion()}); update PdM Studio`,
    );
    expect(await backups()).toEqual([]);
  });
});
