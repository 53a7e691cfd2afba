import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { prepareDataset } from '../../../src/main/core/datasets/prepare.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import type { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { TrainConfigSchema, type TrainConfigInput } from '../../../src/shared/training.js';
import { apiCaller } from '../../support/api-caller.js';

// A data file with a label column: wide CSV, a reading every minute, two sensors and a `state` code
// (0 normal, 1 and 2 two fault kinds, 9 "not known": an operator's unlabelled stretch). Imported as it comes.
const ROWS = 240;
const LENGTH = 5;
const stateAt = (run: number, i: number) =>
  i < 100 ? 0 : i < 110 + run * 5 ? 9 : i < 170 ? 1 + (run % 2) : i < 200 ? 0 : 1;
const csv = (run: number) => {
  const lines = ['time,Temperature [°C],Pressure [bar],state'];
  for (let i = 0; i < ROWS; i += 1) {
    const s = stateAt(run, i);
    const t = new Date(Date.UTC(2026, 3, 1) + i * 60_000).toISOString();
    const fault = s === 1 || s === 2 ? 3 + s : 0;
    lines.push(
      `${t},${(60 + Math.sin(i / 5 + run) + fault).toFixed(3)},${(4 + 0.1 * Math.cos(i / 7) + fault / 10).toFixed(3)},${s}`,
    );
  }
  return `${lines.join('\n')}\n`;
};

let root: string;
let core: AppCore;
const { call, settle } = apiCaller(() => core);
const ws = () => core.currentWorkspace() as Workspace;
const RUNS = ['run-a', 'run-b', 'run-c'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-label-column-'));
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  for (const [k, name] of RUNS.entries()) {
    const path = join(root, `${name}.csv`);
    await writeFile(path, csv(k));
    const job = await settle((await call('startImport', { paths: [path], options: { asset: name } })).jobId);
    expect(job.status).toBe('done');
  }
}, 60_000);
afterAll(async () => {
  await core?.dispose();
  await rm(root, { recursive: true, force: true });
});

const config = (label: TrainConfigInput['dataset']['label'], signals = ['Temperature', 'Pressure']) =>
  TrainConfigSchema.parse({
    name: 'state column',
    dataset: {
      assets: { names: ['run-a', 'run-b'] },
      signals,
      resample: { period: 60_000_000 },
      window: { length: LENGTH, stride: 1 },
      label,
      validationFraction: 0.5,
    },
    evaluation: { assets: { names: ['run-c'] }, windows: 'all' },
    model: { type: 'pca', varianceKept: 0.95 },
  });

const stateColumn = { kind: 'anomaly' as const, column: { tag: 'state', normal: [0], abnormal: [1, 2] } };

describe('a label column in the data file', () => {
  it('stays data: the import makes it a signal of each asset like any other column', async () => {
    const signals = await ws().signals();
    for (const asset of RUNS) expect(signals.some((s) => s.asset === asset && s.tag === 'state')).toBe(true);
  });

  it('gives the labels: codes mapped to normal / abnormal, other codes not scored, never a model input', async () => {
    const ds = await prepareDataset(ws(), config(stateColumn), null);
    expect(ds.features).toEqual(['Temperature', 'Pressure']);
    expect(ds.labelling.rule).toBe('column');
    expect(ds.labelling.description).toBe(
      'Labels from the column "state": 0 normal; 1, 2 abnormal; other codes not labelled; rows without a value are not labelled.',
    );
    const evaluation = ds.evaluation;
    if (evaluation === null) throw new Error('no evaluation windows');
    const T0 = Date.UTC(2026, 3, 1) * 1000;
    const scored = Array.from({ length: evaluation.n }, (_, i) => {
      const row = Math.round(((evaluation.end[i] as number) - T0) / 60_000_000);
      return { row, y: evaluation.y[i] as number, state: stateAt(2, row) };
    });
    // Every row from the first full window on is scored, except the 9s.
    const nines = Array.from({ length: ROWS }, (_, i) => stateAt(2, i)).filter((s) => s === 9).length;
    expect(nines).toBe(20);
    expect(scored.length).toBe(ROWS - (LENGTH - 1) - nines);
    expect(scored.some((w) => w.state === 9)).toBe(false);
    for (const w of scored) expect(w.y).toBe(w.state === 0 ? 0 : 1);
    // The model learns from state 0 only.
    expect(Array.from(ds.train.y).every((y) => y === 0)).toBe(true);
  });

  it('refuses the column as a model input too, and a column an asset lacks', async () => {
    await expect(prepareDataset(ws(), config(stateColumn, ['Temperature', 'Pressure', 'state']), null)).rejects.toThrow(
      'label column "state" is also in dataset.signals',
    );
    await expect(
      prepareDataset(ws(), config({ kind: 'anomaly', column: { tag: 'mode', normal: [0] } }), null),
    ).rejects.toThrow('label column "mode" is missing on asset "run-a" and 2 more');
  });

  it('trains a run: its record names the rule, and its training snapshot (labels included) freezes', async () => {
    const run = await trainRun({ workspace: ws(), config: config(stateColumn), baseDir: root });
    expect(run.result.artifact.labels?.rule).toBe('column');
    const row = await ws().run(run.runId);
    expect(row?.message ?? null).toBeNull();
    // State 1 and 2 shift both sensors: the detector sees most of the faults of the held-out run.
    expect(run.metrics['recall']).toBeGreaterThan(0.5);
  }, 60_000);
});
