import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FROZEN_KEEP_PUBLISHED_KEY,
  FROZEN_KEEP_RUNS_KEY,
  frozenStoreDir,
  markRunPublished,
  readRunRecording,
  runSourceRefFile,
} from '../../../src/main/core/datasets/frozen-store.js';
import { loadSavedSnapshot } from '../../../src/main/core/datasets/dataset-snapshots.js';
import { frozenSnapshotFile } from '../../../src/main/core/datasets/frozen-snapshot.js';
import { runSourceFile, writeRecording } from '../../../src/main/core/datasets/recorded-source.js';
import { seriesLayout, writeSeriesFile } from '../../../src/main/core/datasets/series-file.js';
import { evaluateRun } from '../../../src/main/core/runs/evaluate-run.js';
import { parseTrainConfig } from '../../../src/main/core/runs/load-config.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';

// Three pumps, a reading a minute for a day: small runs, as a sweep of model settings makes them.
const MIN = 60_000_000; // µs
const T0 = Date.UTC(2026, 0, 1) * 1000;

let root: string;
let ws: Workspace;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-frozen-'));
  ws = await Workspace.open(join(root, 'ws'));
  await ws.query(`INSERT INTO signals (id, asset, tag, source, time_kind) VALUES
    (1, 'P-101', 'Flow', 'sim', 'timestamp'), (2, 'P-102', 'Flow', 'sim', 'timestamp'), (3, 'P-103', 'Flow', 'sim', 'timestamp')`);
  await ws.query(`INSERT INTO readings
    SELECT s.id, ${T0} + i * ${MIN}, 40 + s.id + 10 * sin(i / 50.0), 0 FROM range(1, 4) s(id), range(0, 1440) r(i)`);
});
afterAll(async () => {
  ws.close();
  await rm(root, { recursive: true, force: true });
});

const train = (seed: number, to?: number) =>
  trainRun({
    workspace: ws,
    config: parseTrainConfig({
      name: `sweep ${seed}`,
      dataset: {
        assets: { prefix: 'P-' },
        signals: ['Flow'],
        ...(to === undefined ? {} : { to }),
        resample: { period: MIN },
        window: { length: 10, stride: 5 },
        label: { kind: 'rul', cap: null },
        validationFraction: 0.34,
      },
      model: { type: 'dense', units: [4] },
      training: { epochs: 1, patience: null, seed },
    }),
    baseDir: process.cwd(),
  });

/** Stored recordings (`.source`); frozen snapshots' shared data (`.series`) sits beside them. */
const storedRecordings = async () => (await readdir(frozenStoreDir(ws.path))).filter((f) => f.endsWith('.source'));

const datasetsBytes = async (): Promise<number> => {
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else total += (await stat(path)).size;
    }
  };
  await walk(join(ws.path, 'artifacts', 'datasets'));
  return total;
};

describe('frozen data kept once per distinct content, with retention', () => {
  const runs: string[] = [];

  it('many small runs on identical data: one stored copy, disk use no longer grows per run', async () => {
    const first = await train(1);
    runs.push(first.runId);
    // No evaluation block: the figures are named for what they are, in the run record and when re-evaluated.
    expect(first.result.artifact.metricsOn).toEqual({
      kind: 'validation',
      label: 'validation (used for tuning)',
      assets: first.dataset.split.validation,
    });
    const afterOne = await datasetsBytes();
    const stored = await storedRecordings();
    expect(stored).toHaveLength(1);
    for (let seed = 2; seed <= 6; seed += 1) runs.push((await train(seed)).runId);
    // Five more runs add references (a line of JSON each: the recording, the frozen snapshot), not copies of the data.
    const growth = (await datasetsBytes()) - afterOne;
    expect(growth).toBeLessThan(5 * 4096);
    expect(await storedRecordings()).toEqual(stored);
    // The frozen training snapshots (a different id per seed, the same values) share one copy of the data too.
    expect((await readdir(frozenStoreDir(ws.path))).filter((f) => f.endsWith('.series'))).toHaveLength(1);
    // The stored copy holds thousands of float64 values: a copy per run would have grown by more than 100 kB.
    expect(afterOne).toBeGreaterThan(100_000);
    for (const id of runs) expect((await readRunRecording(ws.path, id))?.grids[0]?.series).toHaveLength(3);
    const again = await evaluateRun(ws, runs[0] as string, process.cwd());
    expect(again.matchesRecord).toBe(true);
    expect(again.dataset?.label).toBe('validation (used for tuning)');
  }, 300_000);

  it('retention: the newest N runs and published runs keep their data; stored data nobody references is deleted', async () => {
    await markRunPublished(ws.path, runs[0] as string);
    await ws.saveSettings({ [FROZEN_KEEP_RUNS_KEY]: '2', [FROZEN_KEEP_PUBLISHED_KEY]: 'true' });
    // Other data (the first half day): a second stored copy; the sweep falls out of the newest 2 but run 1.
    const other = await train(7, T0 + 720 * MIN);
    expect(await storedRecordings()).toHaveLength(2);
    const kept = runs.filter((id) => existsSync(runSourceRefFile(ws.path, id)));
    expect(kept.sort()).toEqual([runs[0], runs[5]].sort());
    expect(existsSync(runSourceRefFile(ws.path, other.runId))).toBe(true);
    // A run whose data went re-evaluates from the workspace, as runs from before recordings did.
    expect(await readRunRecording(ws.path, runs[1] as string)).toBeNull();
    expect((await evaluateRun(ws, runs[1] as string, process.cwd())).matchesRecord).toBe(true);

    // Without the published rule, run 1 goes too; its content stays while run 6 still references it.
    await ws.saveSettings({ [FROZEN_KEEP_RUNS_KEY]: '1', [FROZEN_KEEP_PUBLISHED_KEY]: 'false' });
    await train(8, T0 + 720 * MIN);
    expect(runs.filter((id) => existsSync(runSourceRefFile(ws.path, id)))).toEqual([]);
    // Only the half-day content is referenced now (by the newest run): the full-day copy is deleted.
    expect(await storedRecordings()).toHaveLength(1);
    await ws.saveSettings({ [FROZEN_KEEP_RUNS_KEY]: '', [FROZEN_KEEP_PUBLISHED_KEY]: 'true' });
  }, 300_000);

  it('a run recorded in the older layout (its own <run>.source file) still re-evaluates from it', async () => {
    const run = await train(9, T0 + 720 * MIN);
    const recording = await readRunRecording(ws.path, run.runId);
    expect(recording).not.toBeNull();
    await rm(runSourceRefFile(ws.path, run.runId));
    await writeRecording(runSourceFile(ws.path, run.runId), recording!);
    // The workspace changes: only the recorded copy can reproduce the run.
    await ws.query(`UPDATE readings SET value = value + 5 WHERE signal_id = 1 AND t < ${T0 + 100 * MIN}`);
    try {
      expect((await readRunRecording(ws.path, run.runId))?.grids).toHaveLength(recording!.grids.length);
      expect((await evaluateRun(ws, run.runId, process.cwd())).matchesRecord).toBe(true);
    } finally {
      await ws.query(`UPDATE readings SET value = value - 5 WHERE signal_id = 1 AND t < ${T0 + 100 * MIN}`);
    }
  }, 300_000);

  it('a frozen snapshot in the older layout (header and values in one <id>.snapshot file) is still read', async () => {
    const run = await train(10, T0 + 720 * MIN);
    const data = await loadSavedSnapshot(ws, run.dataset.id);
    const file = frozenSnapshotFile(ws.path, data.id);
    // Layout 1, as written before the store: one JSON header line, then every series' float64 values.
    const header = {
      format: 'pdm-dataset-snapshot/1',
      id: data.id,
      contentHash: data.contentHash,
      definition: data.definition,
      assets: data.assets,
      timeKind: data.timeKind,
      windows: data.windows,
      events: data.events,
      series: seriesLayout(data.series),
    };
    await rm(file);
    await writeSeriesFile(file, header, data.series);
    // The workspace changes: only the frozen copy can give the snapshot's values now.
    await ws.query(`UPDATE readings SET value = value + 5 WHERE signal_id = 2 AND t < ${T0 + 100 * MIN}`);
    try {
      const read = await loadSavedSnapshot(ws, data.id);
      expect(read.contentHash).toBe(data.contentHash);
      expect(Array.from(read.series[1]?.values[0] ?? [])).toEqual(Array.from(data.series[1]?.values[0] ?? []));
    } finally {
      await ws.query(`UPDATE readings SET value = value - 5 WHERE signal_id = 2 AND t < ${T0 + 100 * MIN}`);
    }
  }, 300_000);
});
