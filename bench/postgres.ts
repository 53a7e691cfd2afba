/**
 * PostgreSQL historian import rate (rows/s, server-side cursor into the workspace) against the server's own
 * limit: `COPY (same query) TO STDOUT` of the same rows, read by psql and discarded. A throwaway cluster on
 * 127.0.0.1 (test/integration/historians/postgres-server.ts; needs Debian's postgresql package).
 *
 *   npm run bench:postgres [-- --tags 20 --rows-per-tag 100000 --runs 3]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importPostgres } from '../src/main/core/historians/sql/postgres-import.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { PG_PASSWORD, startPostgres, type PgServer } from '../test/integration/historians/postgres-server.js';
import { median } from './util.js';

const { values: args } = parseArgs({
  options: { tags: { type: 'string' }, 'rows-per-tag': { type: 'string' }, runs: { type: 'string' } },
});
const TAGS = Number(args.tags ?? 20);
const PER_TAG = Number(args['rows-per-tag'] ?? 100_000);
const RUNS = Number(args.runs ?? 3);
const FROM = '2024-01-01T00:00:00Z';
const TO = '2025-01-01T00:00:00Z';
const QUERY =
  'SELECT ts AS time, tag, value, quality FROM historian.points WHERE ts >= $1 AND ts < $2 ORDER BY ts, tag';

/** COPY of the same rows to psql's stdout, thrown away: the server's limit. */
const copyOut = (server: PgServer): Promise<{ seconds: number; lines: number }> =>
  new Promise((resolve, reject) => {
    const sql = `COPY (${QUERY.replace('$1', `'${FROM}'::timestamptz`).replace('$2', `'${TO}'::timestamptz`)}) TO STDOUT`;
    const t0 = performance.now();
    const child = spawn(
      'psql',
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-d',
        server.url.replace('postgres@', `postgres:${PG_PASSWORD}@`),
        '-c',
        sql,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let lines = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
    });
    child.once('exit', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - t0) / 1000, lines })
        : reject(new Error(`psql exited with ${String(code)}`)),
    );
  });

const main = async () => {
  const server = await startPostgres();
  const root = await mkdtemp(join(tmpdir(), 'pdm-bench-pg-'));
  try {
    await server.psql(`
      CREATE SCHEMA historian;
      CREATE TABLE historian.points (ts timestamptz NOT NULL, tag text NOT NULL, value double precision, quality bigint);
      INSERT INTO historian.points
        SELECT timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', 'TI-' || k, sin(i / 100.0 + k) * 10 + k, 0
        FROM generate_series(0, ${PER_TAG - 1}) i, generate_series(1, ${TAGS}) k;
      CREATE INDEX ON historian.points (ts, tag);
      ANALYZE historian.points;
    `);
    const rows = TAGS * PER_TAG;
    const ours: number[] = [];
    const copy: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const out = await copyOut(server);
      if (out.lines !== rows) throw new Error(`COPY sent ${out.lines} rows, expected ${rows}`);
      copy.push(out.seconds);
      const ws = await Workspace.open(join(root, `ws-${run}`));
      const t0 = performance.now();
      const result = await importPostgres(ws, {
        url: server.url,
        password: PG_PASSWORD,
        query: QUERY,
        layout: 'long',
        fromMs: Date.parse(FROM),
        toMs: Date.parse(TO),
        asset: 'bench',
      });
      ours.push((performance.now() - t0) / 1000);
      ws.close();
      if (result.rows !== rows) throw new Error(`imported ${result.rows} rows, expected ${rows}`);
    }
    const oursRate = rows / median(ours);
    const copyRate = rows / median(copy);
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'postgres-import',
        tags: TAGS,
        rows,
        runs: RUNS,
        ours: { seconds: ours.map((s) => Number(s.toFixed(3))), rowsPerSecond: Math.round(oursRate) },
        copyToStdout: { seconds: copy.map((s) => Number(s.toFixed(3))), rowsPerSecond: Math.round(copyRate) },
        ratio: Number((oursRate / copyRate).toFixed(3)),
      })}\n`,
    );
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
};

await main();
