import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ImportOptions, IngestSummary } from '../../../../src/shared/domain.js';
import { importFiles } from '../../../../src/main/core/app/import-files.js';
import type { PartialJobControl } from '../../../../src/main/core/jobs/job-control.js';
import { Workspace } from '../../../../src/main/core/workspace/workspace.js';

export interface TempWorkspace {
  readonly root: string;
  readonly ws: Workspace;
  /** Write a data file next to (not inside) the workspace folder; returns its absolute path. */
  file(name: string, content: string | Buffer): Promise<string>;
  ingest(path: string, options?: ImportOptions, control?: PartialJobControl): Promise<IngestSummary>;
  count(sql: string): Promise<number>;
  readings(asset: string, tag: string): Promise<{ t: number; value: number; quality: number | null }[]>;
  close(): Promise<void>;
}

export const tempDir = (prefix = 'pdm-test-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));

export const openTempWorkspace = async (): Promise<TempWorkspace> => {
  const root = await tempDir('pdm-ws-');
  await mkdir(join(root, 'data'));
  const ws = await Workspace.open(join(root, 'workspace'));
  let closed = false;
  return {
    root,
    ws,
    file: async (name, content) => {
      const path = join(root, 'data', name);
      await writeFile(path, content);
      return path;
    },
    ingest: (path, options = {}, control) => importFiles(ws, [path], options, control),
    count: async (sql) => {
      const rows = await ws.query<{ n: number }>(sql);
      return rows[0]?.n ?? Number.NaN;
    },
    readings: (asset, tag) =>
      ws.query<{ t: number; value: number; quality: number | null }>(
        `SELECT r.t, r.value, r.quality FROM readings r JOIN signals s ON s.id = r.signal_id
         WHERE s.asset = '${asset.replaceAll("'", "''")}' AND s.tag = '${tag.replaceAll("'", "''")}' ORDER BY r.t`,
      ),
    close: async () => {
      if (!closed) ws.close();
      closed = true;
      await rm(root, { recursive: true, force: true });
    },
  };
};

/** Microseconds since the epoch of a UTC wall-clock time. */
export const utcMicros = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number =>
  Date.UTC(y, mo - 1, d, h, mi, s, ms) * 1000;

/** Run SQL in a separate in-memory DuckDB (for writing Parquet fixtures and reading exports back). */
export const withScratchDuckDB = async <T>(
  work: (all: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    return await work(async (sql) => {
      const reader = await connection.runAndReadAll(sql);
      return reader
        .getRowObjectsJS()
        .map((row) =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
        );
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

/** Small deterministic PRNG: the app's own seeded generator. */
export { seededRandom as rng } from '../../../../src/shared/seeded-random.js';

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
