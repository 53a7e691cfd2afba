import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AppCore } from '../../../src/main/core/app/app-core.js';
import { prepareDataset } from '../../../src/main/core/datasets/prepare.js';
import type { WindowSet } from '../../../src/main/core/datasets/windows.js';
import { DRIFT_REFERENCE_FILE } from '../../../src/main/core/monitoring/drift.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { TrainConfigSchema, type TrainConfigInput } from '../../../src/shared/training.js';
import { sampleEngine, useSampleCore } from '../../support/sample-core.js';

// Split by time within an asset, on the shipped C-MAPSS sample (ten run-to-failure engines, one reading per cycle)
// imported into a real workspace: one engine is enough to train, validate and evaluate.
const { call, settle, root, core } = useSampleCore('pdm-time-split-');
const engine = sampleEngine;
const LENGTH = 20;
const ws = () => core().currentWorkspace() as NonNullable<ReturnType<AppCore['currentWorkspace']>>;

const config = (dataset: Partial<TrainConfigInput['dataset']>, extra: Partial<TrainConfigInput> = {}) =>
  TrainConfigSchema.parse({
    name: 'time split',
    dataset: {
      assets: { names: [engine(1)] },
      signals: CMAPSS_FD001_SENSORS.slice(0, 4),
      window: { length: LENGTH, stride: 1 },
      label: { kind: 'rul', cap: 125 },
      split: { kind: 'time', trainFraction: 0.6 },
      validationFraction: 0.25,
      ...dataset,
    },
    model: { type: 'dense', units: [8] },
    training: { epochs: 2, seed: 3, patience: null },
    ...extra,
  });

/** The first and last window end of each asset in a set. */
const ends = (set: WindowSet) => {
  const out = new Map<string, { first: number; last: number }>();
  for (let i = 0; i < set.n; i += 1) {
    const name = set.assets[set.asset[i] as number] as string;
    const e = set.end[i] as number;
    const seen = out.get(name);
    out.set(name, { first: Math.min(seen?.first ?? e, e), last: Math.max(seen?.last ?? e, e) });
  }
  return out;
};

describe('split by time within an asset', () => {
  it('one engine: first 60% trains (its last quarter validates), the rest is evaluated; no window spans a cut', async () => {
    const ds = await prepareDataset(ws(), config({}), null);
    expect(ds.split).toEqual({ train: [engine(1)], validation: [engine(1)], evaluation: [engine(1)] });
    const cut = ds.timeCuts[0];
    expect(cut?.asset).toBe(engine(1));
    const { validationFrom, evaluationFrom } = cut as { validationFrom: number; evaluationFrom: number };
    expect(validationFrom).toBeLessThan(evaluationFrom);
    const train = ends(ds.train).get(engine(1));
    const validation = ends(ds.validation).get(engine(1));
    const evaluation = ends(ds.evaluation as WindowSet).get(engine(1));
    // Cycles are one step apart: a window ending at e reads cycles e-LENGTH+1 .. e, all inside its own part.
    expect(train?.last).toBeLessThan(validationFrom);
    expect(validation?.first).toBe(validationFrom + LENGTH - 1);
    expect(validation?.last).toBeLessThan(evaluationFrom);
    expect(evaluation?.first).toBe(evaluationFrom + LENGTH - 1);
    // Every window of the evaluation part is scored (labels from the whole record: RUL counts down to its end).
    expect(ds.evaluation?.n).toBe((ds.evaluation?.truth ?? new Float32Array()).length);
    expect(ds.evaluationHash).toMatch(/^[0-9a-f]{64}$/);
    expect(ds.description).toMatch(/1 asset split by time \(first 60% of each asset trains\)/);
  });

  it('trainUntil cuts every engine at the same cycle; a part shorter than a window is refused by name', async () => {
    const ds = await prepareDataset(
      ws(),
      config({ assets: { names: [engine(2), engine(3)] }, split: { kind: 'time', trainUntil: 120 } }),
      null,
    );
    expect(ds.timeCuts.map((c) => c.evaluationFrom)).toEqual([120, 120]);
    for (const [, e] of ends(ds.evaluation as WindowSet)) expect(e.first).toBe(120 + LENGTH - 1);
    await expect(prepareDataset(ws(), config({ split: { kind: 'time', trainUntil: 30 } }), null)).rejects.toThrow(
      /split by time: asset "cmapss-fd001-sample engine 001" has 7 steps in its validation part \(cycle 23 to cycle 29\)/,
    );
    await expect(
      prepareDataset(ws(), config({}, { evaluation: { assets: { names: [engine(4)] }, windows: 'all' } }), null),
    ).rejects.toThrow(/remove the "evaluation" block/);
  });

  it('trains a run from a single engine; it records its evaluation part and re-evaluates to the same figures', async () => {
    const job = await settle((await call('startTraining', { config: config({}) })).jobId);
    expect(job.error ?? null).toBeNull();
    expect(job.status).toBe('done');
    const id = job.training?.run as string;
    const run = JSON.parse(await readFile(join(root(), 'ws', 'artifacts', 'runs', id, 'run.json'), 'utf8')) as {
      evaluationDataset: { contentHash: string } | null;
      metrics: Record<string, number>;
    };
    expect(run.evaluationDataset?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.metrics['rmse']).toBeGreaterThan(0);
    expect((await call('evaluateRun', { id })).matchesRecord).toBe(true);
    // The drift reference the package carries describes the training side only: cycles before the evaluation cut.
    const ds = await prepareDataset(ws(), config({}), null);
    const cut = ds.timeCuts[0]?.evaluationFrom ?? NaN;
    const drift = JSON.parse(
      await readFile(join(root(), 'ws', 'artifacts', 'runs', id, DRIFT_REFERENCE_FILE), 'utf8'),
    ) as {
      signals: { tag: string; count: number }[];
    };
    expect(drift.signals[0]?.count).toBe(cut - 1);
  }, 120_000);
});
