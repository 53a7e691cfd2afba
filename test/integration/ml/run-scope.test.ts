import { describe, expect, it } from 'vitest';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { scopeDifferences, scopeLabel } from '../../../src/shared/run-scope.js';
import type { TrainConfigInput } from '../../../src/shared/training.js';
import { sampleEngine, useSampleCore } from '../../support/sample-core.js';

// Every run records what its headline figures were computed on; runs scored on different data say why they are
// not comparable. Real training runs on the shipped C-MAPSS sample in a real workspace.
const { call, settle } = useSampleCore('pdm-run-scope-');
const engine = sampleEngine;

const config = (evaluation: TrainConfigInput['evaluation']): TrainConfigInput => ({
  name: 'scope',
  dataset: {
    assets: { names: [1, 2, 3, 4, 5, 6].map(engine) },
    signals: CMAPSS_FD001_SENSORS.slice(0, 6),
    window: { length: 20, stride: 1 },
    label: { kind: 'rul', cap: 125 },
  },
  ...(evaluation === undefined ? {} : { evaluation }),
  model: { type: 'dense', units: [8] },
  training: { epochs: 2, seed: 4, patience: null },
});

const train = async (c: TrainConfigInput): Promise<string> => {
  const job = await settle((await call('startTraining', { config: c })).jobId);
  expect(job.error ?? null).toBeNull();
  return job.training?.run as string;
};

describe('run scope and comparability', () => {
  it('records windows scored of how many, per asset and range; lists it; names why two runs are not comparable', async () => {
    const last = await train(config({ assets: { names: [engine(9), engine(10)] }, windows: 'last' }));
    const all = await train(config({ assets: { names: [engine(9)] }, windows: 'all' }));
    const again = await train(config({ assets: { names: [engine(9), engine(10)] }, windows: 'last' }));
    const runs = await call('listRuns', {});
    const byId = (id: string) => runs.find((r) => r.id === id) as (typeof runs)[number];
    const a = byId(last);
    const b = byId(all);
    expect(a.scope).toMatchObject({ part: 'evaluation', split: 'assets', windowsScored: 2, truth: 'uncapped' });
    expect(a.scope?.assets.map((x) => [x.asset, x.windows])).toEqual([
      [engine(9), 1],
      [engine(10), 1],
    ]);
    // Of all the windows the two engines had at stride 1: one per cycle from the 20th on.
    expect(a.scope?.windowsTotal).toBeGreaterThan(100);
    expect(b.scope?.windowsScored).toBe(b.scope?.windowsTotal);
    expect(b.scope?.assets[0]?.to).toBe(a.scope?.assets[0]?.to);
    expect(scopeLabel(a.scope)).toMatch(/^evaluation · 2 assets · 2 of \d+ windows$/);

    const reasons = scopeDifferences(a, b);
    expect(reasons).toContain(`different assets: 2 vs 1; only the first: "${engine(10)}"`);
    expect(reasons.some((r) => r.startsWith('different window counts: 2 of'))).toBe(true);
    expect(scopeDifferences(a, byId(again))).toEqual([]);
    // The run view's summary carries it too.
    expect((await call('getRun', { id: all })).summary.scope).toEqual(b.scope);
  }, 180_000);

  it('a run without a recorded scope (older runs), and capped vs uncapped truth, are named', () => {
    const scope = {
      part: 'evaluation' as const,
      split: 'assets' as const,
      timeKind: 'cycle' as const,
      windowsScored: 2,
      windowsTotal: 300,
      assets: [{ asset: 'e1', from: 1, to: 150, windows: 1 }],
      truth: 'uncapped' as const,
    };
    const old = { task: 'rul', metrics: { rmse: 30 }, scope: null };
    expect(scopeDifferences({ task: 'rul', metrics: { rmse: 20, rmse_capped: 18 }, scope }, old)).toEqual([
      'uncapped vs capped truth',
      'one run did not record what it scored (trained before scopes were kept)',
    ]);
    const later = { ...scope, assets: [{ asset: 'e1', from: 40, to: 150, windows: 1 }] };
    expect(scopeDifferences({ task: 'rul', metrics: {}, scope }, { task: 'rul', metrics: {}, scope: later })).toEqual([
      'different time ranges on "e1"',
    ]);
  });
});
