// Ingest throughput against DuckDB's own read_csv of the same file (the limit), each in a fresh process.
// Usage: npm run bench:ingest -- [--rows 50000000] [--tags 200]
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { outDir, repoRoot, runChild } from './util.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '50000000' }, tags: { type: 'string', default: '200' } },
});
const rows = Number(values.rows);
const tags = Number(values.tags);
await mkdir(outDir, { recursive: true });
const csv = join(outDir, `long-${rows}-${tags}.csv`);

if (!existsSync(csv)) {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (
      SELECT 'TAG_' || lpad(((i % ${tags}) + 1)::VARCHAR, 3, '0') AS tag,
             strftime(TIMESTAMP '2024-01-01' + to_seconds((i // ${tags}) * 10), '%Y-%m-%dT%H:%M:%S') AS ts,
             round(sin(i / 1000.0) * 50 + (i % 97) / 10.0, 3) AS value
      FROM range(${rows}) r(i)) TO '${csv}' (HEADER, DELIMITER ',')`);
  c.closeSync();
  db.closeSync();
}

interface ChildResult {
  readonly rows: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly values?: number;
}

const measure = async (file: string, label: string) => {
  const limit = await runChild<ChildResult>('bench/ingest-child.ts', ['limit', file, join(outDir, `${label}-limit`)]);
  const ours = await runChild<ChildResult>('bench/ingest-child.ts', ['ours', file, join(outDir, `${label}-ours`)]);
  return {
    file,
    bytes: (await stat(file)).size,
    limit: { ...limit, rowsPerSecond: Math.round(limit.rows / limit.seconds) },
    ours: { ...ours, rowsPerSecond: Math.round(ours.rows / ours.seconds) },
    ratioToLimit: Number((limit.seconds / ours.seconds).toFixed(3)),
  };
};

const cmapss = join(repoRoot, '..', 'shared', 'data', 'cmapss', 'train_FD001.txt');
const result = {
  benchmark: 'ingest',
  target: 'ratioToLimit >= 0.7, ours.peakRssMiB < 2048',
  longCsv: await measure(csv, 'long'),
  cmapss: existsSync(cmapss) ? await measure(cmapss, 'cmapss') : null,
};
console.log(JSON.stringify(result, null, 2));
