import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlantSimulator, type SimulatorOptions } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
import type { Sample } from '../../../src/main/core/historians/simulator/plant-model.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';

/** A fixed end of history, so every run sees the same data. */
export const END_MS = Date.UTC(2025, 0, 1);
export const DAY_MS = 86_400_000;

export interface Fixture {
  readonly root: string;
  readonly userData: string;
  readonly ws: Workspace;
  close(): Promise<void>;
}

export const openFixture = async (): Promise<Fixture> => {
  const root = await mkdtemp(join(tmpdir(), 'pdm-hist-'));
  const ws = await Workspace.open(join(root, 'workspace'));
  let closed = false;
  return {
    root,
    userData: join(root, 'user-data'),
    ws,
    close: async () => {
      if (!closed) ws.close();
      closed = true;
      await rm(root, { recursive: true, force: true });
    },
  };
};

export const startSimulator = (root: string, options: Partial<SimulatorOptions> = {}): Promise<PlantSimulator> =>
  PlantSimulator.start({
    port: 0,
    seed: 42,
    assets: 4,
    days: 71,
    endMs: END_MS,
    pkiDir: join(root, 'sim-pki'),
    ...options,
  });

export interface HistoryStats {
  count: number;
  nulls: number;
  firstMs: number | null;
  lastMs: number | null;
  /** Sum of values in units of 1e-4 (the simulator rounds to 4 decimals): exact in integers. */
  checksum: number;
}

/** What the server's history holds for a tag in [fromMs, toMs), computed from the same model. */
export const expectedHistory = (sim: PlantSimulator, tagIndex: number, fromMs: number, toMs: number): HistoryStats => {
  const [first, end] = sim.indexRange(fromMs, toMs);
  const sample: Sample = { t: 0, value: null, status: 0 };
  const stats: HistoryStats = { count: 0, nulls: 0, firstMs: null, lastMs: null, checksum: 0 };
  for (let k = first; k < end; k++) {
    if (!sim.model.sample(tagIndex, k, sample)) continue;
    stats.count++;
    stats.firstMs ??= sample.t;
    stats.lastMs = sample.t;
    if (sample.value === null) stats.nulls++;
    else stats.checksum += Math.round(sample.value * 10_000);
  }
  return stats;
};

export const storedHistory = async (ws: Workspace, asset: string, tag: string): Promise<HistoryStats> => {
  const [row] = await ws.query<{
    count: number;
    nulls: number;
    first_t: number | null;
    last_t: number | null;
    checksum: number | null;
  }>(
    `SELECT count(*) AS count, count(*) - count(value) AS nulls, min(t) AS first_t, max(t) AS last_t,
            sum(round(value * 10000)::BIGINT) AS checksum
     FROM readings r JOIN signals s ON s.id = r.signal_id WHERE s.asset = '${asset}' AND s.tag = '${tag}'`,
  );
  return {
    count: row?.count ?? 0,
    nulls: row?.nulls ?? 0,
    firstMs: row?.first_t === null || row?.first_t === undefined ? null : row.first_t / 1000,
    lastMs: row?.last_t === null || row?.last_t === undefined ? null : row.last_t / 1000,
    checksum: row?.checksum ?? 0,
  };
};

export const duplicateReadings = async (ws: Workspace): Promise<number> =>
  (
    await ws.query<{ n: number }>(
      'SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT signal_id, t FROM readings)) AS n FROM readings',
    )
  )[0]?.n ?? -1;

export const workspaceCounts = async (ws: Workspace) => ({
  ...(await ws.info()),
  ingests: (await ws.ingests()).length,
  checkpoints: (await ws.query<{ n: number }>('SELECT count(*) AS n FROM ingest_checkpoints'))[0]?.n ?? -1,
});
