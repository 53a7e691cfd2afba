import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../../src/main/core/app/import-files.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import {
  createDatasetSnapshot,
  listDatasetSnapshots,
  parseSnapshotConfig,
} from '../../../src/main/core/datasets/dataset-snapshots.js';
import { evaluateRun } from '../../../src/main/core/runs/evaluate-run.js';
import { parseTrainConfig } from '../../../src/main/core/runs/load-config.js';
import { trainRun, type TrainRunResult } from '../../../src/main/core/runs/train-run.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import type { TrainConfigInput } from '../../../src/shared/training.js';

const engine = (n: number) => `cmapss-fd001-sample engine ${String(n).padStart(3, '0')}`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => engine(from + i));
/** Sample engine lengths (cycles): 7 → 259, 8 → 150, 9 → 201, 10 → 222. Windows of 30, stride 5. */
const windowsOf = (steps: number) => Math.floor((steps - 30) / 5) + 1;

let root: string;
let workspace: Workspace;
let run: TrainRunResult;

const trainConfig: TrainConfigInput = {
  name: 'engines 1-6',
  dataset: {
    assets: { names: range(1, 6) },
    signals: CMAPSS_FD001_SENSORS,
    window: { length: 30, stride: 5 },
    smoothing: 0.3,
    label: { kind: 'rul', cap: 125 },
  },
  // The run's own evaluation on engines 7-10: the reference the snapshot evaluation must reproduce.
  evaluation: { assets: { names: range(7, 10) }, windows: 'all' },
  model: { type: 'dense', units: [16] },
  training: { epochs: 3, seed: 5, patience: null },
};
/** The dataset part of a training config, for other assets: what `datasets create --config` reads. */
const snapshotOf = (name: string, assets: string[], signals = CMAPSS_FD001_SENSORS, windowLength = 30) =>
  parseSnapshotConfig({
    name,
    dataset: {
      ...trainConfig.dataset,
      assets: { names: assets },
      signals,
      window: { length: windowLength, stride: 5 },
    },
    training: { seed: 5 },
  });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-ml-snapshots-'));
  workspace = await Workspace.open(join(root, 'ws'));
  await importFiles(workspace, ['resources/sample/cmapss-fd001-sample.txt'], { format: 'cmapss' });
  run = await trainRun({ workspace, config: parseTrainConfig(trainConfig), baseDir: process.cwd() });
}, 120_000);
afterAll(async () => {
  workspace?.close();
  await rm(root, { recursive: true, force: true });
});

describe('dataset snapshots and evaluate on a chosen dataset', () => {
  it('a run trained on engines 1-6 scores a snapshot of engines 7-10 with its own normalisation', async () => {
    const created = await createDatasetSnapshot(workspace, snapshotOf('engines 7-10', range(7, 10)));
    expect(created).toMatchObject({
      id: `ds-${created.contentHash.slice(0, 16)}`,
      assets: range(7, 10),
      created: true,
    });
    expect(created.windows).toBe(windowsOf(259) + windowsOf(150) + windowsOf(201) + windowsOf(222));
    // Same definition, same data: the same id, stored once.
    expect(await createDatasetSnapshot(workspace, snapshotOf('again', range(7, 10)))).toMatchObject({
      id: created.id,
      created: false,
    });

    const listed = await listDatasetSnapshots(workspace);
    expect(listed.map((d) => d.id)).toEqual(expect.arrayContaining([created.id, run.dataset.id]));
    expect(listed.find((d) => d.id === run.dataset.id)?.runs).toEqual([run.runId]);

    const result = await evaluateRun(workspace, run.runId, process.cwd(), { datasetId: created.id });
    expect(result.dataset).toEqual({
      source: 'snapshot',
      id: created.id,
      contentHash: created.contentHash,
      assets: range(7, 10),
      seenInTraining: [],
    });
    expect(result.scoredWindows).toBe(created.windows);
    expect(result.metrics['scored_windows']).toBe(created.windows);
    for (const e of result.explanations) expect(range(7, 10)).toContain(e.asset);
    // The run's own evaluation was on exactly these engines and windows: the figures must agree, which they
    // only do if the snapshot is scored with the run's stored normalisation (not refitted on engines 7-10).
    expect(result.metrics['rmse']).toBeCloseTo(run.metrics['rmse'] as number, 4);
    expect(result.metrics['nasa_score']).toBeCloseTo(run.metrics['nasa_score'] as number, 2);

    // Scoring the run's own training snapshot is allowed, but says which assets the model has seen.
    const own = await evaluateRun(workspace, run.runId, process.cwd(), { datasetId: run.dataset.id });
    expect(own.dataset.seenInTraining).toEqual(range(1, 6));
    expect(own.scoredWindows).toBe(run.dataset.train.n + run.dataset.validation.n);
    // Without --dataset: the run's own evaluation assets, reproducing the record.
    const plain = await evaluateRun(workspace, run.runId, process.cwd());
    expect(plain).toMatchObject({ matchesRecord: true, dataset: { source: 'run', assets: range(7, 10) } });
  });

  it('a run reading life inputs (two rates, the change from the life baseline, the age) scores a snapshot with its own figures', async () => {
    const lifeConfig: TrainConfigInput = {
      ...trainConfig,
      name: 'engines 1-6, life inputs',
      dataset: { ...trainConfig.dataset, smoothing: [0.3, 0.05], baseline: 20, age: true },
    };
    const lifeRun = await trainRun({ workspace, config: parseTrainConfig(lifeConfig), baseDir: process.cwd() });
    const snapshot = await createDatasetSnapshot(
      workspace,
      parseSnapshotConfig({
        name: 'engines 7-10, life inputs',
        dataset: { ...lifeConfig.dataset, assets: { names: range(7, 10) } },
        training: { seed: 5 },
      }),
    );
    const result = await evaluateRun(workspace, lifeRun.runId, process.cwd(), { datasetId: snapshot.id });
    expect(result.scoredWindows).toBe(snapshot.windows);
    // Equal only if the snapshot's inputs are built as training built them: the baselines from each engine's
    // first 20 cycles, the age from its first cycle.
    expect(result.metrics['rmse']).toBeCloseTo(lifeRun.metrics['rmse'] as number, 4);
    expect(result.metrics['nasa_score']).toBeCloseTo(lifeRun.metrics['nasa_score'] as number, 2);
    const plain = await evaluateRun(workspace, lifeRun.runId, process.cwd());
    expect(plain.matchesRecord).toBe(true);
  });

  it('refuses a snapshot that lacks a signal the model needs, naming it, or has another window length', async () => {
    const lacking = await createDatasetSnapshot(
      workspace,
      snapshotOf(
        'no sensor_7',
        range(7, 10),
        CMAPSS_FD001_SENSORS.filter((s) => s !== 'sensor_7'),
      ),
    );
    await expect(evaluateRun(workspace, run.runId, process.cwd(), { datasetId: lacking.id })).rejects.toThrow(
      new RegExp(`dataset ${lacking.id} lacks signal "sensor_7", which run ${run.runId}'s model needs`),
    );
    const shorter = await createDatasetSnapshot(
      workspace,
      snapshotOf('windows of 20', range(7, 10), CMAPSS_FD001_SENSORS, 20),
    );
    await expect(evaluateRun(workspace, run.runId, process.cwd(), { datasetId: shorter.id })).rejects.toThrow(
      /has windows of 20 steps; .* takes 30/,
    );
    await expect(evaluateRun(workspace, run.runId, process.cwd(), { datasetId: 'ds-nope' })).rejects.toThrow(
      /no dataset "ds-nope"/,
    );
  });

  it('a snapshot is frozen: scoring it after the workspace changed gives the same figures; a damaged copy is refused', async () => {
    const snapshot = await createDatasetSnapshot(workspace, snapshotOf('engines 8-9', range(8, 9)));
    const file = join(root, 'ws', 'artifacts', 'datasets', `${snapshot.id}.snapshot`);
    // Training froze its own snapshot too.
    await stat(join(root, 'ws', 'artifacts', 'datasets', `${run.dataset.id}.snapshot`));
    const before = await evaluateRun(workspace, run.runId, process.cwd(), { datasetId: snapshot.id });
    const where = `t = 40 AND signal_id = (SELECT id FROM signals WHERE asset = '${engine(8)}' AND tag = 'sensor_4')`;
    await workspace.query(`UPDATE readings SET value = value + 1 WHERE ${where}`);
    try {
      const after = await evaluateRun(workspace, run.runId, process.cwd(), { datasetId: snapshot.id });
      expect(after.dataset).toMatchObject({ id: snapshot.id, contentHash: snapshot.contentHash, assets: range(8, 9) });
      expect(after.metrics).toEqual(before.metrics);

      // The values live once per distinct content in the store; the snapshot file names them by hash.
      const { data: sha256 } = JSON.parse((await readFile(file, 'utf8')).split('\n')[0] ?? '{}') as { data: string };
      const stored = join(root, 'ws', 'artifacts', 'datasets', 'store', `${sha256}.series`);
      // One flipped byte in the frozen values: refused, naming the file.
      const original = await readFile(stored);
      const damaged = Buffer.from(original);
      damaged[damaged.length - 3] = (damaged[damaged.length - 3] ?? 0) ^ 0x01;
      await writeFile(stored, damaged);
      await expect(evaluateRun(workspace, run.runId, process.cwd(), { datasetId: snapshot.id })).rejects.toThrow(
        `${file}: the frozen dataset snapshot is damaged (its content hash does not match)`,
      );

      // Cut short (a copy interrupted outside the app's own write-aside-and-rename): refused.
      await writeFile(stored, original.subarray(0, original.length - 8));
      await expect(evaluateRun(workspace, run.runId, process.cwd(), { datasetId: snapshot.id })).rejects.toThrow(
        `${file}: the frozen dataset snapshot is damaged (its content hash does not match)`,
      );
      // Data bytes after a layout-2 header (the data belongs in the store): refused, saying how.
      const header = await readFile(file);
      await writeFile(file, Buffer.concat([header, Buffer.alloc(8)]));
      await expect(evaluateRun(workspace, run.runId, process.cwd(), { datasetId: snapshot.id })).rejects.toThrow(
        /the frozen dataset snapshot is damaged \(\d+ data bytes where \d+ belong\)/,
      );
      await writeFile(stored, original);

      // Without a frozen copy (snapshots saved by older versions) it is rebuilt from the workspace and checked.
      await rm(file);
      await expect(evaluateRun(workspace, run.runId, process.cwd(), { datasetId: snapshot.id })).rejects.toThrow(
        new RegExp(
          `dataset ${snapshot.id}: the workspace data no longer matches the snapshot \\(content hash [0-9a-f]{12} ≠ saved ${snapshot.contentHash.slice(0, 12)}\\)`,
        ),
      );
    } finally {
      await workspace.query(`UPDATE readings SET value = value - 1 WHERE ${where}`);
    }
    expect((await evaluateRun(workspace, run.runId, process.cwd(), { datasetId: snapshot.id })).metrics).toEqual(
      before.metrics,
    );
  });

  it('a run re-evaluates on the data it read at training, after the workspace changed; a damaged recording is refused', async () => {
    // The run's reference names its data in the store (one copy per distinct content).
    const ref = join(root, 'ws', 'artifacts', 'datasets', `${run.runId}.source-ref`);
    const refText = await readFile(ref, 'utf8');
    const { sha256 } = JSON.parse(refText) as { sha256: string };
    const file = join(root, 'ws', 'artifacts', 'datasets', 'store', `${sha256}.source`);
    const original = await readFile(file);
    // A training engine and an evaluation engine both change in the workspace.
    const where = `t = 40 AND signal_id IN (SELECT id FROM signals WHERE asset IN ('${engine(3)}', '${engine(8)}') AND tag = 'sensor_4')`;
    await workspace.query(`UPDATE readings SET value = value + 1 WHERE ${where}`);
    try {
      const again = await evaluateRun(workspace, run.runId, process.cwd());
      expect(again).toMatchObject({ matchesRecord: true, dataset: { source: 'run', assets: range(7, 10) } });
      expect(again.metrics['rmse']).toBeCloseTo(run.metrics['rmse'] as number, 4);

      const damaged = Buffer.from(original);
      damaged[damaged.length - 5] = (damaged[damaged.length - 5] ?? 0) ^ 0x01;
      await writeFile(file, damaged);
      await expect(evaluateRun(workspace, run.runId, process.cwd())).rejects.toThrow(
        new RegExp(
          `run ${run.runId}: its recorded data does not (hash as at training \\((dataset|evaluation data) hash|match its hash)`,
        ),
      );

      // Without the recording (runs from before it was kept) the workspace is read, and its change is refused.
      await rm(file);
      await rm(ref);
      await expect(evaluateRun(workspace, run.runId, process.cwd())).rejects.toThrow(
        `run ${run.runId}: the workspace data changed since training`,
      );
    } finally {
      await workspace.query(`UPDATE readings SET value = value - 1 WHERE ${where}`);
      await writeFile(file, original);
      await writeFile(ref, refText);
    }
    expect((await evaluateRun(workspace, run.runId, process.cwd())).matchesRecord).toBe(true);
  });
});
