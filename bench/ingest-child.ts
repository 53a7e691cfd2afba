// One measured ingest in its own process, so peak RSS belongs to it alone. Prints one JSON line.
import { rm } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { importFiles } from '../src/main/core/app/import-files.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { peakRssMiB } from './util.js';

const [mode, file, dir] = process.argv.slice(2);
if (mode === undefined || file === undefined || dir === undefined)
  throw new Error('usage: ingest-child limit|ours <file> <dir>');
await rm(dir, { recursive: true, force: true });
const started = performance.now();
if (mode === 'limit') {
  // The peer: DuckDB's own CSV reader into a table, same memory limit as a workspace.
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const db = await DuckDBInstance.create(`${dir}/limit.duckdb`, { memory_limit: '1GB' });
  const connection = await db.connect();
  await connection.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`);
  await connection.run('CHECKPOINT');
  const rows = Number((await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]?.[0]);
  connection.closeSync();
  db.closeSync();
  console.log(JSON.stringify({ mode, rows, seconds: (performance.now() - started) / 1000, peakRssMiB: peakRssMiB() }));
} else {
  const workspace = await Workspace.open(dir);
  const summary = await importFiles(workspace, [file], {});
  workspace.close();
  console.log(
    JSON.stringify({
      mode,
      rows: summary.rows,
      values: summary.values,
      rejected: summary.rejected,
      duplicates: summary.duplicates,
      signals: summary.signals,
      seconds: (performance.now() - started) / 1000,
      peakRssMiB: peakRssMiB(),
    }),
  );
}
