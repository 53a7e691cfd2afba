/**
 * OPC UA Historical Access import rate from the local plant simulator, against the library's own limit: a bare
 * node-opcua HistoryRead loop over the same tags and range (same page size, continuation points followed) that
 * stores nothing. The simulator runs in its own process (`pdm-studio simulate`), as a real server would.
 *
 *   npm run bench:opcua [-- --tags 20 --days 30 --runs 3 --reads-in-flight 2]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  HistoryReadRequest,
  ReadRawModifiedDetails,
  TimestampsToReturn,
  type ClientSession,
  type HistoryReadResult,
} from 'node-opcua';
import { browseTags } from '../src/main/core/historians/opcua/browse.js';
import { connectOpcua } from '../src/main/core/historians/opcua/connection.js';
import { importOpcuaHistory } from '../src/main/core/historians/opcua/history-import.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { median, repoRoot } from './util.js';

const { values: args } = parseArgs({
  options: {
    tags: { type: 'string' },
    days: { type: 'string' },
    runs: { type: 'string' },
    'values-per-read': { type: 'string' },
    'reads-in-flight': { type: 'string' },
  },
});
const TAGS = Number(args.tags ?? 20);
const DAYS = Number(args.days ?? 30);
const RUNS = Number(args.runs ?? 3);
const PER_READ = Number(args['values-per-read'] ?? 10_000);
/** HistoryRead requests our import keeps in flight (its default is 2; the bare loop always has one). */
const READS_IN_FLIGHT = args['reads-in-flight'] === undefined ? undefined : Number(args['reads-in-flight']);
const END_MS = Date.UTC(2025, 0, 1);
const FROM_MS = END_MS - DAYS * 86_400_000;

// node-opcua logs with console.log: keep stdout for the JSON result.
console.log = (...a: unknown[]) => process.stderr.write(`${a.map(String).join(' ')}\n`);
console.warn = console.log;

const startSimulator = async (pki: string) => {
  const child = spawn(
    process.execPath,
    [
      'bin/pdm-studio.js',
      'simulate',
      '--port',
      '0',
      '--assets',
      String(Math.ceil(TAGS / 6)),
      '--days',
      String(DAYS),
      '--end',
      new Date(END_MS).toISOString(),
      '--pki-dir',
      pki,
      '--json',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${String(code)}`)));
  });
  return { endpoint, stop: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGINT'))) };
};

/** The limit: HistoryRead pages of the same tags over the same range, values counted and dropped. */
const bareLoop = async (session: ClientSession, nodeIds: readonly string[]): Promise<number> => {
  let total = 0;
  let points: (Buffer | null)[] = nodeIds.map(() => null);
  let active = nodeIds.map((_, i) => i);
  let first = true;
  while (active.length > 0) {
    const response = await session.historyRead(
      new HistoryReadRequest({
        historyReadDetails: new ReadRawModifiedDetails({
          isReadModified: false,
          startTime: new Date(FROM_MS),
          endTime: new Date(END_MS),
          numValuesPerNode: PER_READ,
          returnBounds: false,
        }),
        timestampsToReturn: TimestampsToReturn.Source,
        releaseContinuationPoints: false,
        nodesToRead: active.map((i) => ({
          nodeId: nodeIds[i] as string,
          continuationPoint: first ? undefined : (points[i] ?? undefined),
        })),
      }),
    );
    first = false;
    const next: number[] = [];
    (response.results ?? []).forEach((r: HistoryReadResult, j) => {
      const i = active[j] as number;
      total += (r.historyData as { dataValues?: unknown[] } | null)?.dataValues?.length ?? 0;
      const cp = r.continuationPoint;
      points[i] = cp !== null && cp !== undefined && cp.length > 0 ? cp : null;
      if (points[i] !== null) next.push(i);
    });
    active = next;
  }
  points = [];
  return total;
};

const main = async () => {
  const root = await mkdtemp(join(tmpdir(), 'pdm-bench-opcua-'));
  const sim = await startSimulator(join(root, 'sim-pki'));
  const userDataDir = join(root, 'user-data');
  try {
    const probe = await connectOpcua({
      endpoint: sim.endpoint,
      securityMode: 'None',
      securityPolicy: 'None',
      userDataDir,
    });
    const nodeIds = (await browseTags(probe.session, { historizingOnly: true })).slice(0, TAGS).map((t) => t.nodeId);
    await probe.close();
    const ours: { s: number; values: number }[] = [];
    const bare: { s: number; values: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Alternate, so drift of the machine (caches, other load) hits both alike.
      const c1 = await connectOpcua({
        endpoint: sim.endpoint,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir,
      });
      let t0 = performance.now();
      const values = await bareLoop(c1.session, nodeIds);
      bare.push({ s: (performance.now() - t0) / 1000, values });
      await c1.close();

      const ws = await Workspace.open(join(root, `ws-${run}`));
      const c2 = await connectOpcua({
        endpoint: sim.endpoint,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir,
      });
      t0 = performance.now();
      const result = await importOpcuaHistory(ws, c2.session, {
        endpoint: sim.endpoint,
        nodeIds,
        fromMs: FROM_MS,
        toMs: END_MS,
        valuesPerRead: PER_READ,
        ...(READS_IN_FLIGHT === undefined ? {} : { readsInFlight: READS_IN_FLIGHT }),
      });
      ours.push({ s: (performance.now() - t0) / 1000, values: result.values });
      await c2.close();
      ws.close();
      if (result.values !== values) throw new Error(`imported ${result.values} values, the bare loop read ${values}`);
    }
    const oursRate = median(ours.map((r) => r.values / r.s));
    const bareRate = median(bare.map((r) => r.values / r.s));
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'opcua-history-import',
        tags: nodeIds.length,
        days: DAYS,
        valuesPerTag: Math.round((ours[0]?.values ?? 0) / nodeIds.length),
        values: ours[0]?.values ?? 0,
        valuesPerRead: PER_READ,
        readsInFlight: READS_IN_FLIGHT ?? 'default',
        runs: RUNS,
        ours: { seconds: ours.map((r) => Number(r.s.toFixed(3))), valuesPerSecond: Math.round(oursRate) },
        bareHistoryRead: { seconds: bare.map((r) => Number(r.s.toFixed(3))), valuesPerSecond: Math.round(bareRate) },
        ratio: Number((oursRate / bareRate).toFixed(3)),
      })}\n`,
    );
  } finally {
    await sim.stop();
    await rm(root, { recursive: true, force: true });
  }
};

await main();
