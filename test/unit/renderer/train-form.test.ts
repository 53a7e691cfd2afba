import { describe, expect, it } from 'vitest';
import { ANOMALY_STEPS, AUTOENCODER_ALARM_RULE, DEFAULT_ALARM_RULE } from '../../../src/shared/alarm-rule.js';
import type { Signal } from '../../../src/shared/domain.js';
import { TrainConfigSchema } from '../../../src/shared/training.js';
import {
  BACKENDS,
  commonAssetPrefix,
  configToJson,
  defaultTrainForm,
  formToConfig,
  MODEL_TYPES,
  modelTypesFor,
  parseConfigJson,
  selectedAssets,
  tagsOnAssets,
  TASK_KINDS,
  withModel,
  withTask,
  type TrainForm,
} from '../../../src/renderer/logic/train-form.js';

let nextId = 1;
const signal = (asset: string, tag: string): Signal => ({
  id: nextId++,
  asset,
  tag,
  unit: null,
  samplePeriod: 1,
  validMin: null,
  validMax: null,
  source: 'test',
  timeKind: 'cycle',
  count: 100,
  firstT: 1,
  lastT: 100,
});

const engines = ['FD001 engine 001', 'FD001 engine 002', 'FD001 engine 010'];
const signals: Signal[] = [
  ...engines.flatMap((a) => ['sensor_2', 'sensor_11', 'sensor_3'].map((t) => signal(a, t))),
  signal('FD001 engine 001', 'only_on_one'),
  signal('Pump 1', 'Vibration'),
];

/** The engines only: they share a prefix and three tags. */
const fd = signals.filter((s) => s.asset !== 'Pump 1');

const built = (form: TrainForm) => {
  const result = formToConfig(form);
  if ('error' in result) throw new Error(result.error);
  return result.config;
};

describe('train form choices', () => {
  it('reads tasks, model types and backends from the schema', () => {
    expect(TASK_KINDS).toEqual(['rul', 'failure-horizon', 'anomaly']);
    expect(MODEL_TYPES).toEqual(expect.arrayContaining(['dense', 'gru', 'lstm', 'cnn1d', 'autoencoder', 'pca']));
    expect(BACKENDS[0]).toBe('auto');
    expect(modelTypesFor('anomaly')).toEqual(['autoencoder', 'pca']);
    expect(modelTypesFor('rul')).not.toContain('pca');
  });

  it('finds a common asset prefix without the trailing counter', () => {
    expect(commonAssetPrefix(engines)).toBe('FD001 engine');
    expect(commonAssetPrefix(['a', 'b'])).toBe('');
    expect(commonAssetPrefix([])).toBe('');
  });

  it('limits tags to those present on every chosen asset, in natural order', () => {
    expect(tagsOnAssets(signals, engines)).toEqual(['sensor_2', 'sensor_3', 'sensor_11']);
    expect(tagsOnAssets(signals, ['FD001 engine 001'])).toEqual(['only_on_one', 'sensor_2', 'sensor_3', 'sensor_11']);
    expect(tagsOnAssets(signals, ['FD001 engine 001', 'Pump 1'])).toEqual([]);
    expect(tagsOnAssets(signals, ['no such asset'])).toEqual([]);
    expect(tagsOnAssets(signals, [])).toEqual([]);
  });

  it('selects assets by prefix or by name', () => {
    const all = ['FD001 engine 001', 'FD001 engine 002', 'Pump 1'];
    expect(selectedAssets({ assetMode: 'prefix', assetPrefix: 'FD001', assetNames: [] }, all)).toEqual(all.slice(0, 2));
    expect(selectedAssets({ assetMode: 'prefix', assetPrefix: '', assetNames: [] }, all)).toEqual([]);
    expect(selectedAssets({ assetMode: 'names', assetPrefix: 'FD001', assetNames: ['Pump 1'] }, all)).toEqual([
      'Pump 1',
    ]);
  });
});

describe('form -> TrainConfig', () => {
  it('builds a valid RUL config from the defaults', () => {
    const form = defaultTrainForm(signals);
    expect(form.assetMode).toBe('names'); // "FD001 engine" and "Pump 1" share no prefix
    const config = built({
      ...form,
      assetMode: 'prefix',
      assetPrefix: 'FD001 engine',
      signals: ['sensor_2', 'sensor_3'],
    });
    expect(config).toMatchObject({
      name: 'RUL (dense)',
      dataset: {
        assets: { prefix: 'FD001 engine' },
        signals: ['sensor_2', 'sensor_3'],
        window: { length: 30, stride: 1 },
        smoothing: null,
        label: { kind: 'rul', cap: 125 },
        validationFraction: 0.2,
      },
      model: { type: 'dense', units: [64, 32] },
      training: { epochs: 30, batchSize: 256, seed: 42 },
      backend: 'auto',
    });
    expect(config.evaluation).toBeUndefined();
    expect(TrainConfigSchema.safeParse(config).success).toBe(true);
  });

  it('uses a prefix by default when the assets share one, with every common tag', () => {
    const form = defaultTrainForm(signals.filter((s) => s.asset !== 'Pump 1'));
    expect(form).toMatchObject({
      assetMode: 'prefix',
      assetPrefix: 'FD001 engine',
      signals: ['sensor_2', 'sensor_3', 'sensor_11'],
    });
  });

  it('maps every field: names, no cap, smoothing, evaluation assets, GRU units, backend, seed', () => {
    const form: TrainForm = {
      ...defaultTrainForm(signals),
      assetMode: 'names',
      assetNames: ['FD001 engine 001', 'FD001 engine 002'],
      signals: ['sensor_2'],
      rulCap: ' ',
      smoothing: '0,3',
      evaluationPrefix: 'test_FD001',
      windowLength: '20',
      windowStride: '2',
      epochs: '5',
      seed: '7',
      backend: 'cpu',
    };
    const config = built(withModel(form, 'gru'));
    expect(config.name).toBe('RUL (gru)');
    expect(config.model).toEqual({ type: 'gru', units: 32, dense: [16] });
    expect(config.dataset.assets).toEqual({ names: ['FD001 engine 001', 'FD001 engine 002'] });
    expect(config.dataset.label).toEqual({ kind: 'rul', cap: null });
    expect(config.dataset.smoothing).toBe(0.3);
    expect(config.dataset.window).toEqual({ length: 20, stride: 2 });
    expect(config.evaluation).toEqual({ assets: { prefix: 'test_FD001' }, windows: 'all' });
    expect(config.training).toEqual({ epochs: 5, batchSize: 256, seed: 7 });
    expect(config.backend).toBe('cpu');
  });

  it('trains an ensemble from the dialog: members averaged (the accurate preset is 5), none for a PCA', () => {
    const form = defaultTrainForm(fd);
    expect(built(form).training).not.toHaveProperty('ensemble');
    expect(built({ ...form, ensemble: '5' }).training).toEqual({ epochs: 30, batchSize: 256, seed: 42, ensemble: 5 });
    expect(formToConfig({ ...form, ensemble: '0' })).toEqual({ error: 'Ensemble members: at least 1' });
    expect(formToConfig({ ...form, ensemble: '17' })).toEqual({ error: 'Ensemble members: at most 16' });
    expect(formToConfig({ ...form, ensemble: '2.5' })).toEqual({ error: 'Ensemble members: enter a whole number' });
    const pca = withModel(withTask(form, 'anomaly'), 'pca');
    expect(formToConfig({ ...pca, ensemble: '3' })).toEqual({
      error: 'Ensemble members: a PCA model is fitted once; use 1',
    });
    expect(built({ ...pca, ensemble: '1' }).training).not.toHaveProperty('ensemble');
  });

  it('takes several smoothing weights (one input each), the life baseline and the age, as the FD001 default does', () => {
    const form = defaultTrainForm(fd);
    expect(built(form).dataset).not.toHaveProperty('age');
    expect(built(form).dataset).not.toHaveProperty('baseline');
    const both = built({ ...form, smoothing: '0.3; 0.05', baseline: ' 20 ', age: true }).dataset;
    expect(both.smoothing).toEqual([0.3, 0.05]);
    expect(both.baseline).toBe(20);
    expect(both.age).toBe(true);
    expect(formToConfig({ ...form, baseline: '2.5' })).toEqual({ error: 'Life baseline: enter a whole number' });
    expect(formToConfig({ ...form, baseline: '0' })).toEqual({ error: 'Life baseline: at least 1' });
    // ", " separates; a comma inside a number is a decimal comma.
    expect(built({ ...form, smoothing: '0,3, 0,05' }).dataset.smoothing).toEqual([0.3, 0.05]);
    expect(built({ ...form, smoothing: '0.3 0.1 0.05' }).dataset.smoothing).toEqual([0.3, 0.1, 0.05]);
    expect(formToConfig({ ...form, smoothing: '0.3; 1.5' })).toEqual({ error: 'Smoothing: at most 1' });
    expect(formToConfig({ ...form, smoothing: '0.5 0.4 0.3 0.2 0.1' })).toEqual({
      error: 'Smoothing: at most 4 weights',
    });
  });

  it('switches task with a suitable model and label', () => {
    const base = defaultTrainForm(fd);
    const anomaly = withTask({ ...base, assetMode: 'prefix', assetPrefix: 'FD001' }, 'anomaly');
    expect(anomaly).toMatchObject({
      task: 'anomaly',
      modelType: 'autoencoder',
      units: '64, 16',
      name: 'Anomaly (autoencoder)',
    });
    // On cycle counters (run-to-failure records) the end of each asset is its failure, said explicitly.
    expect(built(anomaly).dataset.label).toEqual({
      kind: 'anomaly',
      rule: 'lives',
      normalSpan: 50,
      abnormalWithin: 30,
      failureAt: 'event-or-end',
    });
    const horizon = withTask(anomaly, 'failure-horizon');
    expect(horizon.modelType).toBe('dense');
    expect(built({ ...horizon, horizon: '15' }).dataset.label).toEqual({ kind: 'failure-horizon', horizon: 15 });
    // A renamed run keeps its name.
    expect(withTask({ ...base, name: 'mine' }, 'anomaly').name).toBe('mine');
    expect(built({ ...withModel(anomaly, 'pca'), assetPrefix: 'FD' }).model).toEqual({
      type: 'pca',
      varianceKept: 0.9,
      statistic: 't2-q',
    });
  });

  it("anomaly runs from the dialog carry their model's default alarm rule, and an autoencoder the step budget", () => {
    const anomaly = withTask({ ...defaultTrainForm(fd), assetMode: 'prefix', assetPrefix: 'FD001' }, 'anomaly');
    const config = built(anomaly);
    expect(config.model?.type).toBe('autoencoder');
    expect(config.alarm).toEqual(AUTOENCODER_ALARM_RULE);
    expect(config.training?.steps).toBe(ANOMALY_STEPS);
    const pca = built(withModel(anomaly, 'pca'));
    expect(pca.alarm).toEqual(DEFAULT_ALARM_RULE);
    expect(pca.training?.steps).toBeUndefined();
    // RUL runs have no alarm rule.
    expect(built({ ...defaultTrainForm(fd), assetMode: 'prefix', assetPrefix: 'FD001' }).alarm).toBeUndefined();
  });

  it('names the field of the first problem', () => {
    const form = { ...defaultTrainForm(fd), assetMode: 'prefix' as const, assetPrefix: 'FD001' };
    expect(formToConfig({ ...form, windowLength: 'x' })).toEqual({ error: 'Window length: enter a number' });
    expect(formToConfig({ ...form, windowLength: '2.5' })).toEqual({ error: 'Window length: enter a whole number' });
    expect(formToConfig({ ...form, windowLength: '0' })).toEqual({ error: 'Window length: at least 1' });
    expect(formToConfig({ ...form, epochs: '20000' })).toEqual({ error: 'Epochs: at most 10000' });
    expect(formToConfig({ ...form, validationFraction: '1' })).toEqual({
      error: 'Validation fraction: must be below 1',
    });
    expect(formToConfig({ ...form, rulCap: '-5' })).toEqual({ error: 'RUL cap: must be above 0' });
    expect(formToConfig({ ...form, units: '64, x' })).toEqual({ error: 'Hidden units: enter a number' });
    expect(formToConfig({ ...form, units: '' })).toMatchObject({ error: expect.stringMatching(/^Hidden units:/) });
    expect(formToConfig({ ...form, signals: [] })).toEqual({ error: 'Signals: choose at least one signal' });
    expect(formToConfig({ ...form, assetPrefix: '' })).toEqual({ error: 'Assets: enter a name prefix' });
    expect(formToConfig({ ...form, assetMode: 'names', assetNames: [] })).toEqual({
      error: 'Assets: choose at least one asset',
    });
    expect(formToConfig({ ...form, name: ' ' })).toEqual({ error: 'Name: required' });
  });
});

describe('advanced JSON editor', () => {
  it('round-trips the form config with every default spelled out', () => {
    const form = { ...defaultTrainForm(fd), assetMode: 'prefix' as const, assetPrefix: 'FD001' };
    const text = configToJson(built(form));
    const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
    expect(parsed['training']?.['patience']).toBe(10);
    expect(parsed['dataset']?.['normalisation']).toBe('z-score');
    const result = parseConfigJson(text);
    expect('config' in result && result.config.dataset.signals).toEqual(form.signals);
  });

  it('refuses bad JSON and schema errors, naming the field', () => {
    expect(parseConfigJson('{')).toMatchObject({ error: expect.stringMatching(/^Not valid JSON/) });
    const good = JSON.parse(
      configToJson(built({ ...defaultTrainForm(fd), assetMode: 'prefix', assetPrefix: 'FD' })),
    ) as {
      dataset: { window: { length: unknown } };
      model: { type: unknown };
    };
    good.dataset.window.length = 0;
    const error = parseConfigJson(JSON.stringify(good));
    expect(error).toMatchObject({ error: expect.stringContaining('dataset.window.length') });
    good.dataset.window.length = 30;
    good.model.type = 'transformer';
    expect(parseConfigJson(JSON.stringify(good))).toMatchObject({ error: expect.stringContaining('model.type') });
    expect(parseConfigJson('{"dataset":{}}')).toMatchObject({ error: expect.stringContaining('dataset.signals') });
  });
});

describe('train form on timestamped plant data', () => {
  const pumps: Signal[] = ['P-101', 'P-102', 'P-103'].flatMap((a) =>
    ['BearingTemperature', 'Flow'].map((t) => ({ ...signal(a, t), timeKind: 'timestamp' as const, samplePeriod: 1e6 })),
  );
  const MIN = 60e6;
  const DAY = 86_400e6;

  it('defaults to units a person reads: a 1-minute grid and a 7-day horizon, never raw microseconds', () => {
    const form = defaultTrainForm(pumps);
    expect(form).toMatchObject({ timeKind: 'timestamp', grid: '1 min', horizon: '7 d', rulCap: '30 d' });
    const config = TrainConfigSchema.parse(built(withTask(form, 'failure-horizon')));
    expect(config.dataset.resample).toEqual({
      period: MIN,
      gap: 'forward-fill',
      fillLimit: null,
      maxMissing: 1,
      windowsEnd: 'reading',
    });
    expect(config.dataset.label).toMatchObject({ kind: 'failure-horizon', horizon: 7 * DAY });
    const anomaly = TrainConfigSchema.parse(built(withTask(form, 'anomaly')));
    expect(anomaly.dataset.label).toMatchObject({ normalSpan: 2 * DAY, abnormalWithin: DAY, failureAt: 'event' });
  });

  it('splits by time, labels by a normal start or a label column, with defaults a person reads', () => {
    const form = withTask({ ...defaultTrainForm(pumps), evaluationPrefix: 'Pump' }, 'anomaly');
    expect(form).toMatchObject({ splitMode: 'assets', trainPercent: '70', anomalyRule: 'lives', normalCodes: '0' });
    // By time: the first 70% of each asset trains; held-out assets do not apply.
    const byTime = built({ ...form, splitMode: 'time' });
    expect(byTime.dataset.split).toEqual({ kind: 'time', trainFraction: 0.7 });
    expect(byTime.evaluation).toBeUndefined();
    expect(built({ ...form, splitMode: 'time', trainUntil: '2026-01-20' }).dataset.split).toEqual({
      kind: 'time',
      trainUntil: Date.UTC(2026, 0, 20) * 1000,
    });
    expect(formToConfig({ ...form, splitMode: 'time', trainPercent: '100' })).toEqual({
      error: 'Train on the first (%): must be below 100',
    });
    // The first N rows (or a span) of each asset are normal; empty: the schema's default (first 20%).
    const first = { ...form, anomalyRule: 'first-normal' as const };
    expect(built({ ...first, normalStart: '500 rows' }).dataset.label).toEqual({
      kind: 'anomaly',
      rule: 'first-normal',
      normalRows: 500,
    });
    expect(built({ ...first, normalStart: '12 h' }).dataset.label).toMatchObject({ normalSpan: 12 * 60 * MIN });
    expect(built(first).dataset.label).toEqual({ kind: 'anomaly', rule: 'first-normal' });
    // A label column: codes mapped, and never a model input.
    const column = { ...form, anomalyRule: 'column' as const, signals: ['Vibration', 'state'] };
    expect(formToConfig(column)).toEqual({ error: 'Label column: choose the column that holds the labels' });
    const labelled = built({ ...column, labelColumn: 'state', normalCodes: '0', abnormalCodes: '1, 2' });
    expect(labelled.dataset.label).toEqual({
      kind: 'anomaly',
      rule: 'column',
      column: { tag: 'state', normal: [0], abnormal: [1, 2] },
    });
    expect(labelled.dataset.signals).toEqual(['Vibration']);
  });

  it('takes the gap policy and a time range, and refuses a duration without a unit', () => {
    const form: TrainForm = {
      ...defaultTrainForm(pumps),
      fillLimit: '15 min',
      maxMissing: '20',
      from: '2026-01-01',
      to: '2026-01-31T06:00',
    };
    const config = TrainConfigSchema.parse(built(form));
    expect(config.dataset.resample).toMatchObject({ fillLimit: 15 * MIN, maxMissing: 0.2 });
    expect(config.dataset.from).toBe(Date.UTC(2026, 0, 1) * 1000);
    expect(config.dataset.to).toBe(Date.UTC(2026, 0, 31, 6) * 1000);
    expect(formToConfig({ ...form, grid: '1' })).toEqual({
      error: 'Grid: enter a duration with a unit, e.g. 1 min, 12 h or 7 d',
    });
    expect(formToConfig({ ...form, to: '2025-12-31' })).toEqual({ error: 'To: must be after From' });
    expect(built({ ...form, gapPolicy: 'reject' }).dataset.resample).toMatchObject({ gap: 'reject' });
  });

  it('reads from/to by the one time rule: "YYYY-MM-DD HH:MM" is UTC (not the machine zone), or the display zone', () => {
    const form: TrainForm = { ...defaultTrainForm(pumps), from: '2026-01-31 06:00', to: '' };
    expect(TrainConfigSchema.parse(built(form)).dataset.from).toBe(Date.UTC(2026, 0, 31, 6) * 1000);
    const berlin = formToConfig({ ...form, from: '2024-03-31 03:30' }, 'Europe/Berlin');
    expect('config' in berlin && berlin.config.dataset.from).toBe(Date.UTC(2024, 2, 31, 1, 30) * 1000);
    expect(formToConfig({ ...form, from: '2024-03-31 02:30' }, 'Europe/Berlin')).toEqual({
      error:
        'From: enter a date (Europe/Berlin), e.g. 2026-01-31 or 2026-01-31 06:00 (2024-03-31 02:30:00 does not exist in Europe/Berlin (the clocks skip that hour))',
    });
  });

  it('keeps cycles on cycle data (C-MAPSS): grid 1, horizon 30, RUL cap 125', () => {
    const form = defaultTrainForm(fd);
    expect(form).toMatchObject({ timeKind: 'cycle', grid: '1', horizon: '30', rulCap: '125' });
    expect(TrainConfigSchema.parse(built(form)).dataset.resample.period).toBe(1);
  });
});
