import type { RunSummary } from '../../../shared/training.js';
import type { Connection } from './database.js';

export interface RunRow extends RunSummary {
  readonly config: unknown;
  readonly appVersion: string;
  readonly artifactDir: string | null;
  readonly message: string | null;
}

interface DbRunRow {
  id: string;
  name: string;
  task: string;
  model_type: string;
  status: RunSummary['status'];
  backend: string;
  seed: number;
  dataset_id: string;
  dataset_hash: string;
  created_at: string;
  duration_s: number;
  metrics: string;
  config: string;
  app_version: string;
  artifact_dir: string | null;
  message: string | null;
}

const toRun = (r: DbRunRow): RunRow => ({
  id: r.id,
  name: r.name,
  task: r.task,
  modelType: r.model_type,
  status: r.status,
  backend: r.backend,
  seed: r.seed,
  datasetId: r.dataset_id,
  datasetHash: r.dataset_hash,
  createdAt: r.created_at,
  durationS: r.duration_s,
  metrics: JSON.parse(r.metrics) as Record<string, number>,
  config: JSON.parse(r.config) as unknown,
  appVersion: r.app_version,
  artifactDir: r.artifact_dir,
  message: r.message,
});

export const insertRun = async (db: Connection, run: RunRow): Promise<void> => {
  await db.run(
    `INSERT INTO runs (id, name, task, model_type, status, backend, seed, dataset_id, dataset_hash, created_at, duration_s,
       metrics, config, app_version, artifact_dir, message)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS TIMESTAMPTZ), $11, $12, $13, $14, $15, $16)`,
    [
      run.id,
      run.name,
      run.task,
      run.modelType,
      run.status,
      run.backend,
      run.seed,
      run.datasetId,
      run.datasetHash,
      run.createdAt,
      run.durationS,
      JSON.stringify(run.metrics),
      JSON.stringify(run.config),
      run.appVersion,
      run.artifactDir,
      run.message,
    ],
  );
};

const SELECT = `SELECT id, name, task, model_type, status, backend, seed, dataset_id, dataset_hash,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, duration_s, CAST(metrics AS VARCHAR) AS metrics,
  CAST(config AS VARCHAR) AS config, app_version, artifact_dir, message FROM runs`;

export const listRuns = async (db: Connection): Promise<RunRow[]> =>
  (await db.all<DbRunRow>(`${SELECT} ORDER BY created_at DESC, id`)).map(toRun);

export const getRun = async (db: Connection, id: string): Promise<RunRow | null> => {
  const rows = await db.all<DbRunRow>(`${SELECT} WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toRun(rows[0]);
};

export const deleteRun = async (db: Connection, id: string): Promise<boolean> => {
  const before = await getRun(db, id);
  if (before === null) return false;
  await db.run('DELETE FROM runs WHERE id = $1', [id]);
  return true;
};

export const updateRunMetrics = async (db: Connection, id: string, metrics: Record<string, number>): Promise<void> => {
  await db.run('UPDATE runs SET metrics = $2 WHERE id = $1', [id, JSON.stringify(metrics)]);
};
