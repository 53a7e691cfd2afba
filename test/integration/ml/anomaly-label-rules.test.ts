import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../../src/main/core/datasets/prepare.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { describeLabels } from '../../../src/shared/label-rule.js';
import { RunArtifactSchema } from '../../../src/shared/run-artifact.js';
import { LabelSchema, TrainConfigSchema, type TrainConfigInput } from '../../../src/shared/training.js';

// Labelled runs as plant data comes: each run (asset) starts normal and then carries a fault. Four runs of 300
// readings every 10 minutes; from row 120 on the two signals drift away. No failure or anomaly events.
const MIN = 60_000_000; // µs
const T0 = Date.UTC(2026, 2, 1) * 1000;
const RUNS = ['run-1', 'run-2', 'run-3', 'run-4'];
const ROWS = 300;
const FAULT_AT = 120;
const LENGTH = 6;

let root: string;
let ws: Workspace;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-anomaly-rules-'));
  ws = await Workspace.open(join(root, 'ws'));
  const signals = RUNS.flatMap((r, k) => [
    `(${2 * k + 1}, '${r}', 'Temperature', 'sim', 'timestamp')`,
    `(${2 * k + 2}, '${r}', 'Pressure', 'sim', 'timestamp')`,
  ]);
  await ws.query(`INSERT INTO signals (id, asset, tag, source, time_kind) VALUES ${signals.join(', ')}`);
  await ws.query(`INSERT INTO readings
    SELECT s.id, ${T0} + i * ${10 * MIN}, 50 + sin(i * 0.7 + s.id) + CASE WHEN i >= ${FAULT_AT} THEN (i - ${FAULT_AT}) * 0.2 ELSE 0 END, 0
    FROM range(1, ${2 * RUNS.length + 1}) s(id), range(0, ${ROWS}) r(i)`);
});
afterAll(async () => {
  ws.close();
  await rm(root, { recursive: true, force: true });
});

const config = (label: TrainConfigInput['dataset']['label'], extra: Partial<TrainConfigInput> = {}) =>
  TrainConfigSchema.parse({
    name: 'labelled runs',
    dataset: {
      assets: { names: ['run-1', 'run-2', 'run-3'] },
      signals: ['Temperature', 'Pressure'],
      resample: { period: 10 * MIN },
      window: { length: LENGTH, stride: 1 },
      label,
      validationFraction: 0.34,
    },
    evaluation: { assets: { names: ['run-4'] }, windows: 'all' },
    model: { type: 'pca', varianceKept: 0.9 },
    ...extra,
  });

describe('anomaly label rules', () => {
  it('an anomaly label needs no settings: the first 20% of each asset is normal, failures come from events only', () => {
    expect(LabelSchema.parse({ kind: 'anomaly' })).toEqual({
      kind: 'anomaly',
      failureAt: 'event',
      thresholdQuantile: 0.99,
    });
    expect(describeLabels(LabelSchema.parse({ kind: 'anomaly' }), 'timestamp')).toBe(
      'Normal: the first 20% of rows of each asset. Abnormal: every later row (all of them are scored).',
    );
    // The "lives" rule says what it lacks, by field.
    const lives = LabelSchema.safeParse({ kind: 'anomaly', rule: 'lives', normalSpan: 10 });
    expect(lives.success).toBe(false);
    expect(lives.error?.issues[0]?.path).toEqual(['abnormalWithin']);
  });

  it('"the first N rows of each asset are normal": every later row of the evaluation run is scored as abnormal', async () => {
    const ds = await prepareDataset(ws, config({ kind: 'anomaly', normalRows: FAULT_AT }), null);
    const evaluation = ds.evaluation;
    if (evaluation === null) throw new Error('no evaluation windows');
    // Every window of run-4 (one per row from the first full window on) is labelled and scored.
    expect(evaluation.n).toBe(ROWS - LENGTH + 1);
    const step = (i: number) => Math.round(((evaluation.end[i] as number) - T0) / (10 * MIN));
    for (let i = 0; i < evaluation.n; i += 1) expect(evaluation.y[i]).toBe(step(i) < FAULT_AT ? 0 : 1);
    // The model learns from normal rows only.
    expect(Array.from(ds.train.y).every((y) => y === 0)).toBe(true);
    expect(ds.train.n).toBeGreaterThan(0);
    expect(ds.labelling).toEqual({
      rule: 'first-normal',
      description: 'Normal: the first 120 rows of each asset. Abnormal: every later row (all of them are scored).',
      endFailures: [],
    });
  });

  it('"lives" without failure events no longer labels the end of every asset abnormal; event-or-end says so', async () => {
    const byEvents = await prepareDataset(
      ws,
      config({ kind: 'anomaly', normalSpan: 12 * 60 * MIN, abnormalWithin: 6 * 60 * MIN }),
      null,
    );
    // No failure event: nothing is abnormal (the old default put the last 6 h of every run at 1).
    expect(Array.from(byEvents.evaluation?.y ?? []).some((y) => y === 1)).toBe(false);
    expect(byEvents.labelling.endFailures).toEqual([]);
    const byEnd = await prepareDataset(
      ws,
      config({ kind: 'anomaly', normalSpan: 12 * 60 * MIN, abnormalWithin: 6 * 60 * MIN, failureAt: 'event-or-end' }),
      null,
    );
    expect(Array.from(byEnd.evaluation?.y ?? []).filter((y) => y === 1)).toHaveLength(36 + 1);
    expect(byEnd.labelling.endFailures).toEqual(['run-1', 'run-2', 'run-3', 'run-4']);
    expect(byEnd.labelling.description).toMatch(
      /^Normal: the first 12 h of each life .* Abnormal: within 6 h before a failure .* an asset without one is taken to fail at its last reading \(failureAt "event-or-end"\)\.$/,
    );
  });

  it('the run record states the labelling rule', async () => {
    const run = await trainRun({
      workspace: ws,
      config: config({ kind: 'anomaly', normalRows: FAULT_AT }),
      baseDir: root,
    });
    const artifact = RunArtifactSchema.parse(JSON.parse(await readFile(join(run.folder, 'run.json'), 'utf8')));
    expect(artifact.labels?.rule).toBe('first-normal');
    expect(artifact.labels?.description).toMatch(/first 120 rows of each asset/);
    // Every row of the held-out run is scored: 180 faulty, 115 normal (the first full window ends on row 5).
    expect((run.metrics['tp'] as number) + (run.metrics['fn'] as number)).toBe(ROWS - FAULT_AT);
    expect((run.metrics['tn'] as number) + (run.metrics['fp'] as number)).toBe(FAULT_AT - LENGTH + 1);
    // The fault drifts steadily: the detector finds most of it.
    expect(run.metrics['recall']).toBeGreaterThan(0.4);
  }, 60_000);
});
