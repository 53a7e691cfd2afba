import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun } from '../../../src/main/core/runs/evaluate-run.js';
import { runDetail } from '../../../src/main/core/runs/run-files.js';
import { alarmFigures, thresholdMetrics } from '../../../src/renderer/logic/threshold-metrics.js';
import { parseTrainConfig } from '../../../src/main/core/runs/load-config.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import type { TrainConfigInput, TrainProgress } from '../../../src/shared/training.js';
import { AUTOENCODER_ALARM_RULE, DEFAULT_ALARM_RULE } from '../../../src/shared/alarm-rule.js';
import { engines, requireCmapss, openCmapssWorkspace } from './helpers.js';

let env: Awaited<ReturnType<typeof openCmapssWorkspace>>;

beforeAll(async () => {
  requireCmapss();
  env = await openCmapssWorkspace(['train_FD001.txt']);
}, 120_000);
afterAll(async () => env?.close());

const train = (input: TrainConfigInput, onProgress?: (p: TrainProgress) => void) =>
  trainRun({ workspace: env.workspace, config: parseTrainConfig(input), baseDir: process.cwd(), onProgress });

/** Engines 1-16 train (4 of them validate), 17-24 are held out: small enough for CI, real degradation data. */
const data = (label: TrainConfigInput['dataset']['label'], extra: Partial<TrainConfigInput['dataset']> = {}) => ({
  dataset: {
    assets: { names: engines(1, 16) },
    signals: CMAPSS_FD001_SENSORS,
    window: { length: 30, stride: 1 },
    smoothing: 0.3,
    label,
    validationFraction: 0.25,
    ...extra,
  },
  evaluation: { assets: { names: engines(17, 24) }, windows: 'all' as const },
});

// C-MAPSS training engines run to failure: the end of each is its failure (said explicitly; the default is failure events only).
const anomaly = { kind: 'anomaly' as const, normalSpan: 60, abnormalWithin: 30, failureAt: 'event-or-end' as const };

/** The run view's live figures at the trained threshold are the figures the run recorded. */
const expectLiveFiguresMatchRecord = async (runId: string, metrics: Readonly<Record<string, number>>) => {
  const detail = await runDetail(env.workspace, runId);
  if (detail === null) throw new Error(`run ${runId} not found`);
  expect(detail.failures?.timeKind).toBe('cycle');
  expect(Object.keys(detail.failures?.failures ?? {})).toHaveLength(8);
  const threshold = (detail.artifact?.['thresholds'] as Record<string, number>)['score'] as number;
  const live = alarmFigures(detail.predictions, detail.failures, threshold);
  expect(live).toMatchObject({
    detectedFailures: metrics['detected_failures'],
    missedFailures: metrics['missed_failures'],
    falseAlarms: metrics['false_alarms'],
    periodUnit: 'asset-1000-cycles',
  });
  expect(live?.meanLeadTime).toBeCloseTo(metrics['mean_lead_time'] as number, 4);
  expect(live?.falseAlarmsPerAssetPeriod).toBeCloseTo(metrics['false_alarms_per_asset_1000_cycles'] as number, 4);
  expect(thresholdMetrics(detail.predictions, threshold)).toMatchObject({
    tp: metrics['tp'],
    fp: metrics['fp'],
    tn: metrics['tn'],
    fn: metrics['fn'],
  });
};

describe('every model type trains on the backends available here', () => {
  it('GRU regression trains on wasm (its gradients exist there)', async () => {
    const run = await train({
      ...data({ kind: 'rul', cap: 125 }),
      model: { type: 'gru', units: 8, dense: [] },
      training: { epochs: 2, batchSize: 256, seed: 1, patience: null },
    });
    expect(run.backend).toBe('wasm');
    expect(run.metrics['rmse']).toBeGreaterThan(0);
    expect(run.metrics['rmse']).toBeLessThan(125);
  });

  it('LSTM regression trains on wasm', async () => {
    const run = await train({
      ...data({ kind: 'rul', cap: 125 }, { window: { length: 30, stride: 4 } }),
      model: { type: 'lstm', units: 8, dense: [] },
      training: { epochs: 1, batchSize: 256, seed: 1, patience: null },
    });
    expect(run.backend).toBe('wasm');
    expect(Number.isFinite(run.metrics['rmse'])).toBe(true);
  });

  it('1D-CNN regression trains on wasm (convolution as im2col + matMul, no Conv2DBackprop kernels needed)', async () => {
    const run = await train({
      ...data({ kind: 'rul', cap: 125 }, { assets: { names: engines(1, 4) }, window: { length: 30, stride: 8 } }),
      model: { type: 'cnn1d', filters: [4], kernelSize: 3, dense: [] },
      training: { epochs: 1, batchSize: 64, seed: 1, patience: null },
    });
    expect(run.backend).toBe('wasm');
    expect(Number.isFinite(run.metrics['rmse'])).toBe(true);
  });

  it('dense autoencoder: trained on normal windows, threshold from validation, alarm metrics on held-out engines', async () => {
    const reports: TrainProgress[] = [];
    const run = await train(
      {
        ...data(anomaly),
        model: { type: 'autoencoder', units: [32, 8] },
        training: { epochs: 15, steps: 300, batchSize: 64, learningRate: 0.003, seed: 2, patience: null },
      },
      (p) => reports.push(p),
    );
    const m = run.metrics;
    for (const key of ['precision', 'recall', 'f1', 'false_alarm_rate', 'missed_alarm_rate']) {
      expect(m[key]).toBeGreaterThanOrEqual(0);
      expect(m[key]).toBeLessThanOrEqual(1);
    }
    expect(run.result.artifact.thresholds['score']).toBeGreaterThan(0);
    // Trained for the step budget, not the 15-epoch count (about 90 steps here); the run records both settings.
    const recorded = run.result.artifact.config as { training: { steps?: number }; alarm?: unknown };
    expect(recorded.training.steps).toBe(300);
    expect(recorded.alarm).toEqual(AUTOENCODER_ALARM_RULE);
    expect(m['epochs']).toBeGreaterThan(15);
    // Progress counts towards the epochs the budget gives, never "epoch 40 of 15".
    const last = reports.filter((p) => p.phase === 'training').at(-1);
    expect(last?.epochs).toBe(m['epochs']);
    expect(last?.epoch).toBe(m['epochs']);
    expect(m['false_alarms_per_asset_1000_cycles']).toBeGreaterThanOrEqual(0);
    // Degradation is real in FD001: the detector must catch most engines before they fail.
    expect(m['recall']).toBeGreaterThan(0.5);
    expect((m['detected_failures'] as number) + (m['missed_failures'] as number)).toBe(8);
    expect(m['mean_lead_time']).toBeGreaterThan(0);
    expect((await evaluateRun(env.workspace, run.runId, process.cwd())).matchesRecord).toBe(true);
    await expectLiveFiguresMatchRecord(run.runId, m);
  });

  it('PCA T2/Q baseline in plain TypeScript: no model.json, pca.json instead', async () => {
    const run = await train({ ...data(anomaly), model: { type: 'pca', varianceKept: 0.9 } });
    expect(run.backend).toBe('plain TypeScript (no TensorFlow)');
    const files = await readdir(run.folder);
    expect(files).toContain('pca.json');
    expect(files).not.toContain('model.json');
    expect(run.metrics['recall']).toBeGreaterThan(0.5);
    // The default alarm rule (3 of 5 windows, tail-fitted threshold) is recorded with the run it made.
    expect(run.metrics['f1']).toBeGreaterThan(0.85);
    expect(run.result.artifact.config['alarm']).toEqual(DEFAULT_ALARM_RULE);
    expect(run.result.artifact.thresholds['t2']).toBeGreaterThan(0);
    expect((await evaluateRun(env.workspace, run.runId, process.cwd())).matchesRecord).toBe(true);
  });

  it('PCA with Q alone records no T2 limit, and evaluation scores it the same way', async () => {
    const run = await train({ ...data(anomaly), model: { type: 'pca', statistic: 'q' } });
    const artifact = run.result.artifact;
    expect(artifact.thresholds['t2']).toBeUndefined();
    expect(artifact.thresholds['q']).toBeGreaterThan(0);
    expect((artifact.config['model'] as Record<string, unknown>)['statistic']).toBe('q');
    expect(run.metrics['recall']).toBeGreaterThan(0.3);
    expect((await evaluateRun(env.workspace, run.runId, process.cwd())).matchesRecord).toBe(true);
    await expectLiveFiguresMatchRecord(run.runId, run.metrics);
  });

  it('failure-within-horizon classifier from failure events', async () => {
    // Record each training engine's failure as an event at its last cycle + 1 (it failed right after the record).
    const lasts = await env.workspace.query<{ asset: string; last: number }>(
      `SELECT s.asset, max(r.t) AS last FROM readings r JOIN signals s ON s.id = r.signal_id
       WHERE s.tag = 'sensor_2' AND s.asset <= 'train_FD001 engine 024' GROUP BY 1`,
    );
    for (const r of lasts)
      await env.workspace.saveEvent({
        asset: r.asset,
        kind: 'failure',
        startT: Number(r.last) + 1,
        endT: null,
        code: null,
        description: null,
      });
    const run = await train({
      ...data({ kind: 'failure-horizon', horizon: 30, failureAt: 'event' }),
      model: { type: 'dense', units: [16] },
      training: { epochs: 15, batchSize: 64, learningRate: 0.003, seed: 3, patience: null },
    });
    const m = run.metrics;
    expect(run.result.artifact.task).toBe('failure-horizon');
    expect(m['f1']).toBeGreaterThan(0.6);
    expect(m['detected_failures']).toBeGreaterThan(5);
    expect(m['mean_lead_time']).toBeGreaterThan(10);
    expect(run.result.artifact.thresholds['score']).toBeGreaterThan(0);
    await expectLiveFiguresMatchRecord(run.runId, m);
  });
});
