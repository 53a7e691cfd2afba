// M4 trend latency at width 2000, full range and zoomed, on 50M-reading workspaces.
// Case "200 tags": the workspace bench:ingest built (50M readings, 250k per tag).
// Case "1 tag": one signal holding all 50M readings, written straight into a workspace's readings table;
// its trend tiles are (re)built first and the build time is reported.
// Usage: npm run bench:trend -- [--rows 50000000]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { median, outDir } from './util.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '50000000' }, runs: { type: 'string', default: '21' } },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const WIDTH = 2000;

const timeTrend = async (workspace: Workspace, signalId: number) => {
  const [signal] = await workspace.signals([signalId]);
  if (signal?.firstT == null || signal.lastT == null) throw new Error('empty signal');
  const span = signal.lastT - signal.firstT;
  const cases = {
    full: [signal.firstT, signal.lastT],
    tenth: [signal.firstT + span * 0.45, signal.firstT + span * 0.55],
  } as const;
  const out: Record<string, { medianMs: number; points: number; rawCount: number }> = {};
  for (const [name, [from, to]] of Object.entries(cases)) {
    const times: number[] = [];
    let points = 0;
    let rawCount = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = await workspace.trend([signalId], WIDTH, from, to);
      times.push(performance.now() - started);
      points = result.series[0]?.t.length ?? 0;
      rawCount = result.series[0]?.rawCount ?? 0;
    }
    out[name] = { medianMs: Number(median(times.slice(1)).toFixed(1)), points, rawCount };
  }
  return { readings: signal.count, ...out };
};

const manyTags = join(outDir, 'long-ours');
const result: Record<string, unknown> = { benchmark: 'trend', width: WIDTH, target: 'medianMs < 150' };
if (existsSync(join(manyTags, 'workspace.duckdb'))) {
  const ws = await Workspace.open(manyTags);
  const total = (await ws.info()).readings;
  const first = (await ws.signals())[0];
  if (first !== undefined) result['tags200'] = { totalReadings: total, ...(await timeTrend(ws, first.id)) };
  ws.close();
} else {
  result['tags200'] = 'skipped: run npm run bench:ingest first';
}

const oneTag = join(outDir, `trend-one-tag-${rows}`);
if (!existsSync(join(oneTag, 'workspace.duckdb'))) {
  (await Workspace.open(oneTag)).close();
  const db = await DuckDBInstance.create(join(oneTag, 'workspace.duckdb'));
  const c = await db.connect();
  await c.run(`INSERT INTO signals (asset, tag, source, time_kind) VALUES ('bench', 'one', 'bench', 'timestamp')`);
  await c.run(
    `INSERT INTO readings SELECT 1, 1704067200000000 + i * 1000000, sin(i / 5000.0) * 10 + (i % 13), NULL FROM range(${rows}) r(i) ORDER BY 1, 2`,
  );
  await c.run('CHECKPOINT');
  c.closeSync();
  db.closeSync();
}
const ws = await Workspace.open(oneTag);
const tileStarted = performance.now();
const built = await ws.refreshTrendTiles([1]);
result['tag1TilesBuildS'] = { built, seconds: Number(((performance.now() - tileStarted) / 1000).toFixed(2)) };
result['tag1'] = await timeTrend(ws, 1);
ws.close();
console.log(JSON.stringify(result, null, 2));
