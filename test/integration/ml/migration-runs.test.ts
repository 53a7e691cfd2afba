import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, type Connection } from '../../../src/main/core/workspace/database.js';
import { migrate, migrations } from '../../../src/main/core/workspace/migrations.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';

let dir: string;
let database: Database;
let db: Connection;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-mig5-'));
  database = await Database.open(join(dir, 'workspace.duckdb'));
  db = await database.connect();
});
afterEach(async () => {
  db.close();
  database.close();
  await rm(dir, { recursive: true, force: true });
});

const columns = async (table: string) =>
  (
    await db.all<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [table],
    )
  ).map((r) => r.column_name);

describe('migration 6: dataset snapshots and training runs', () => {
  it('is the migration that adds the datasets and runs tables', async () => {
    const six = migrations.find((m) => m.version === 6);
    expect(six?.name).toBe('dataset snapshots and training runs');
    expect(await migrate(db, 5)).toBe(5);
    expect(await columns('runs')).toEqual([]);
    expect(await migrate(db, 6)).toBe(6);
    expect(await columns('datasets')).toEqual([
      'id',
      'name',
      'definition',
      'content_hash',
      'assets',
      'windows',
      'created_at',
    ]);
    expect(await columns('runs')).toEqual([
      'id',
      'name',
      'task',
      'model_type',
      'status',
      'backend',
      'seed',
      'dataset_id',
      'dataset_hash',
      'created_at',
      'duration_s',
      'metrics',
      'config',
      'app_version',
      'artifact_dir',
      'message',
    ]);
  });

  it('refuses a run status outside done/failed/cancelled', async () => {
    await migrate(db, 6);
    await expect(
      db.run(
        `INSERT INTO runs VALUES ('r', 'n', 'rul', 'dense', 'running', 'cpu', 1, 'd', 'h', now(), 1, '{}', '{}', '0', NULL, NULL)`,
      ),
    ).rejects.toThrow(/CHECK/i);
  });

  it('records, lists, reads back and deletes runs through the workspace', async () => {
    db.close();
    database.close();
    const ws = await Workspace.open(join(dir, 'ws'));
    try {
      const run = {
        id: 'run-1',
        name: 'n',
        task: 'rul',
        modelType: 'dense',
        status: 'done' as const,
        backend: 'wasm',
        seed: 42,
        datasetId: 'ds-1',
        datasetHash: 'abc',
        createdAt: '2026-01-02T03:04:05.000Z',
        durationS: 1.5,
        metrics: { rmse: 12.5 },
        config: { a: 1 },
        appVersion: '0.1.0',
        artifactDir: '/x',
        message: null,
      };
      await ws.recordRun(run);
      expect(await ws.run('run-1')).toEqual(run);
      expect((await ws.runs()).map((r) => r.id)).toEqual(['run-1']);
      await ws.saveDataset({ id: 'ds-1', name: 'd', definition: { x: 1 }, contentHash: 'abc', assets: 2, windows: 10 });
      await ws.saveDataset({ id: 'ds-1', name: 'd', definition: { x: 1 }, contentHash: 'abc', assets: 2, windows: 10 });
      expect(await ws.query('SELECT id FROM datasets')).toEqual([{ id: 'ds-1' }]);
      expect(await ws.deleteRun('run-1')).toBe(true);
      expect(await ws.deleteRun('run-1')).toBe(false);
    } finally {
      ws.close();
      database = await Database.open(join(dir, 'other.duckdb'));
      db = await database.connect();
    }
  });
});
