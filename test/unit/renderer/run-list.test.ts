import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/shared/training.js';
import {
  betterSide,
  diffRuns,
  filterRuns,
  flatten,
  formatDuration,
  formatMetric,
  keyMetricsFor,
  nextSort,
  shortHash,
  sortRuns,
  toggleCompare,
} from '../../../src/renderer/logic/run-list.js';
import { addProgress, curveProgress } from '../../../src/renderer/logic/loss-curve.js';

const run = (id: string, over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  name: `run ${id}`,
  task: 'rul',
  modelType: 'dense',
  status: 'done',
  backend: 'wasm',
  seed: 42,
  datasetId: 'ds-1',
  datasetHash: 'sha256:abcdef0123456789',
  createdAt: `2026-01-0${id}T10:00:00.000Z`,
  durationS: 10,
  metrics: {},
  ...over,
});

const runs = [
  run('1', { metrics: { rmse: 15, mae: 11 }, seed: 1 }),
  run('2', { metrics: { rmse: 12.5 }, modelType: 'gru', backend: 'cpu' }),
  run('3', { task: 'anomaly', modelType: 'autoencoder', metrics: { f1: 0.8, false_alarm_rate: 0.02 } }),
  run('4', { metrics: { rmse: 13 }, name: 'Pump model', status: 'failed' }),
];
const ids = (list: readonly RunSummary[]) => list.map((r) => r.id);

describe('sorting runs', () => {
  it('sorts by a metric, runs without it last in both directions', () => {
    expect(ids(sortRuns(runs, { key: 'metric:rmse', dir: 'asc' }))).toEqual(['2', '4', '1', '3']);
    expect(ids(sortRuns(runs, { key: 'metric:rmse', dir: 'desc' }))).toEqual(['1', '4', '2', '3']);
    expect(ids(sortRuns(runs, { key: 'metric:f1', dir: 'desc' }))[0]).toBe('3');
  });

  it('sorts text naturally and numbers numerically; ties stay newest first', () => {
    expect(ids(sortRuns(runs, { key: 'createdAt', dir: 'desc' }))).toEqual(['4', '3', '2', '1']);
    expect(ids(sortRuns(runs, { key: 'modelType', dir: 'asc' }))).toEqual(['3', '4', '1', '2']);
    expect(ids(sortRuns(runs, { key: 'seed', dir: 'asc' }))).toEqual(['1', '4', '3', '2']);
    expect(ids(sortRuns(runs, { key: 'name', dir: 'asc' }))).toEqual(['4', '1', '2', '3']);
    expect(runs.map((r) => r.id)).toEqual(['1', '2', '3', '4']); // input untouched
  });

  it('flips the direction on the same column, starts a new one sensibly', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'metric:rmse')).toEqual({ key: 'metric:rmse', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'metric:f1')).toEqual({ key: 'metric:f1', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'createdAt')).toEqual({ key: 'createdAt', dir: 'desc' });
  });
});

describe('filtering runs', () => {
  it('matches every word against id, name, task, model, backend, status, hash and seed', () => {
    expect(ids(filterRuns(runs, ''))).toEqual(['1', '2', '3', '4']);
    expect(ids(filterRuns(runs, 'GRU'))).toEqual(['2']);
    expect(ids(filterRuns(runs, 'anomaly'))).toEqual(['3']);
    expect(ids(filterRuns(runs, 'pump failed'))).toEqual(['4']);
    expect(ids(filterRuns(runs, 'pump done'))).toEqual([]);
    expect(ids(filterRuns(runs, 'abcdef'))).toEqual(['1', '2', '3', '4']);
  });
});

describe('comparing runs', () => {
  const a = {
    summary: runs[0] as RunSummary,
    config: { model: { type: 'dense', units: [64, 32] }, training: { epochs: 30, seed: 1 } },
  };
  const b = {
    summary: runs[1] as RunSummary,
    config: { model: { type: 'gru', units: 32 }, training: { epochs: 30, seed: 42 }, backend: 'cpu' },
  };

  it('flattens nested config, keeping arrays whole', () => {
    expect([...flatten(a.config)]).toEqual([
      ['model.type', 'dense'],
      ['model.units', '[64,32]'],
      ['training.epochs', '30'],
      ['training.seed', '1'],
    ]);
  });

  it('lists run facts, config and metrics with differences and the better side marked', () => {
    const rows = diffRuns(a, b);
    const row = (section: string, key: string) => rows.find((r) => r.section === section && r.key === key);
    expect(row('run', 'model')).toMatchObject({ a: 'dense', b: 'gru', differs: true });
    expect(row('run', 'dataset hash')).toMatchObject({ differs: false });
    expect(row('run', 'id')?.differs).toBe(false); // always different, never highlighted
    expect(row('config', 'training.epochs')).toMatchObject({ a: '30', b: '30', differs: false });
    expect(row('config', 'training.seed')).toMatchObject({ a: '1', b: '42', differs: true });
    expect(row('config', 'backend')).toMatchObject({ a: '', b: 'cpu', differs: true });
    expect(row('config', 'model.units')).toMatchObject({ a: '[64,32]', b: '32', differs: true });
    expect(row('metrics', 'rmse')).toMatchObject({ a: '15.00', b: '12.50', differs: true, better: 'b' });
    expect(row('metrics', 'mae')).toMatchObject({ a: '11.00', b: '', differs: true });
    expect(row('metrics', 'mae')?.better).toBeUndefined();
    expect(rows.map((r) => r.section)).toEqual(
      [...rows.map((r) => r.section)].sort(
        (x, y) => ['run', 'config', 'metrics'].indexOf(x) - ['run', 'config', 'metrics'].indexOf(y),
      ),
    );
  });

  it('knows which way a metric is better', () => {
    expect(betterSide('f1', 0.7, 0.8)).toBe('b');
    expect(betterSide('val_f1', 0.9, 0.8)).toBe('a');
    expect(betterSide('nasa_score', 300, 400)).toBe('a');
    expect(betterSide('false_alarm_rate', 0.1, 0.05)).toBe('b');
    expect(betterSide('epochs_run', 3, 4)).toBeUndefined();
    expect(betterSide('rmse', 1, 1)).toBeUndefined();
  });

  it('keeps at most two runs picked for comparison', () => {
    expect(toggleCompare([], 'a')).toEqual(['a']);
    expect(toggleCompare(['a', 'b'], 'c')).toEqual(['b', 'c']);
    expect(toggleCompare(['a', 'b'], 'a')).toEqual(['b']);
  });
});

describe('run table formatting', () => {
  it('formats hashes, durations and metrics', () => {
    expect(shortHash('sha256:abcdef0123456789')).toBe('abcdef01');
    expect(formatDuration(4.25)).toBe('4.3 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
    expect(formatMetric(12.584)).toBe('12.58');
    expect(formatMetric(0.01234)).toBe('0.012');
    expect(formatMetric(12345.6)).toBe('12,346');
    expect(formatMetric(undefined)).toBe('');
    expect(keyMetricsFor('rul').map((m) => m.key)).toEqual(['rmse', 'mae', 'nasa_score']);
    expect(keyMetricsFor('anomaly').map((m) => m.key)).toEqual(['f1', 'false_alarm_rate']);
  });
});

describe('live loss curves', () => {
  it('collects training-progress events per job in epoch order, replacing a repeated epoch', () => {
    let curves = addProgress({}, { jobId: 'j', epoch: 2, epochs: 5, loss: 2, valLoss: 3 });
    curves = addProgress(curves, { jobId: 'j', epoch: 1, epochs: 5, loss: 4, valLoss: Number.NaN });
    curves = addProgress(curves, { jobId: 'other', epoch: 1, epochs: 9, loss: 1, valLoss: 1 });
    curves = addProgress(curves, { jobId: 'j', epoch: 2, epochs: 5, loss: 1.5, valLoss: null });
    expect(curves['j']?.points).toEqual([
      { epoch: 1, loss: 4, valLoss: null },
      { epoch: 2, loss: 1.5, valLoss: null },
    ]);
    expect(curveProgress(curves['j'])).toEqual({ epoch: 2, epochs: 5, fraction: 0.4 });
    expect(curveProgress(undefined)).toBeNull();
  });
});
