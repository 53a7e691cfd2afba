import { describe, expect, it } from 'vitest';
import { applyNormalisation } from '../../../../src/main/core/datasets/normalise.js';
import { lifeBaselines, modelInputSeries } from '../../../../src/main/core/datasets/series.js';
import { makeWindows, type WindowSet } from '../../../../src/main/core/datasets/windows.js';
import {
  baselineOf,
  gridOf,
  historyNeeded,
  pipelineOf,
  prepareWindows,
  scoreAsset,
  type FeatureReadings,
  type PreparedWindows,
  type Predictor,
  type ScoringPipeline,
} from '../../../../src/main/core/monitoring/score.js';
import type { ManifestCore } from '../../../../src/shared/registry-manifest.js';

const manifest = (
  over: {
    smoothing?: unknown;
    resample?: unknown;
    dropSmoothing?: boolean;
    age?: unknown;
    baseline?: unknown;
    normalisation?: { center: number[]; scale: number[] };
  } = {},
): ManifestCore => ({
  formatVersion: 1,
  name: 'pump-rul',
  version: 3,
  task: 'rul',
  modelType: 'dense',
  createdAt: '2026-11-01T00:00:00Z',
  createdBy: 'ann',
  model: { format: 'tfjs-layers', modelFile: 'model.json', weightFiles: ['weights.bin'] },
  dataContract: {
    signals: ['a', 'b'].map((tag) => ({
      asset: null,
      tag,
      unit: null,
      samplePeriod: 1,
      validMin: null,
      validMax: null,
      missingPolicy: 'forward-fill' as const,
    })),
    features: ['a', 'b'],
    window: { length: 4, stride: 2, timeKind: 'cycle' },
    normalisation: { method: 'z-score', ...(over.normalisation ?? { center: [10, 100], scale: [2, 5] }) },
  },
  outputs: [{ name: 'rul', unit: 'cycles', description: 'remaining useful life' }],
  thresholds: {},
  evaluation: { metrics: {}, dataset: null },
  lineage: {
    runId: 'run-1',
    trainedBy: 'ann',
    trainedAt: '2026-11-01T00:00:00Z',
    dataset: { id: 'ds', contentHash: 'h', description: '' },
    config: {
      dataset: over.dropSmoothing
        ? { resample: over.resample ?? { period: 1, gap: 'forward-fill' } }
        : {
            resample: over.resample ?? { period: 1, gap: 'forward-fill' },
            smoothing: 'smoothing' in over ? over.smoothing : 0.4,
            ...('age' in over ? { age: over.age } : {}),
            ...('baseline' in over ? { baseline: over.baseline } : {}),
          },
    },
    seed: 1,
    backend: 'wasm',
    appVersion: '0.0.0',
    durationS: 1,
  },
  files: [],
});

/** Each scored window equals, value for value, the training window with the same end. */
const expectTrainingWindows = (prepared: PreparedWindows, all: WindowSet) => {
  const size = prepared.length * prepared.features;
  for (let w = 0; w < prepared.n; w += 1) {
    const k = Array.from(all.end).indexOf(prepared.end[w] as number);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(Array.from(prepared.x.subarray(w * size, (w + 1) * size))).toEqual(
      Array.from(all.x.subarray(k * size, (k + 1) * size)),
    );
  }
};

/** A model stand-in: the sum of each window's values (any deterministic function of the window will do). */
const sumPredictor: Predictor = {
  backend: 'test',
  predict: async (w) =>
    Float32Array.from({ length: w.n }, (_, i) =>
      w.x.subarray(i * w.length * w.features, (i + 1) * w.length * w.features).reduce((s, v) => s + v, 0),
    ),
  dispose: () => undefined,
};

const series = (n: number, f: (i: number) => number, t0 = 0): FeatureReadings => ({
  t: Float64Array.from({ length: n }, (_, i) => t0 + i),
  values: Float64Array.from({ length: n }, (_, i) => f(i)),
});

describe('the package pipeline comes from the manifest', () => {
  it('reads grid, gap policy, smoothing, normalisation and window from the package', () => {
    const p = pipelineOf(manifest({ smoothing: 0.25, resample: { period: 5, gap: 'reject' } }));
    expect(p).toMatchObject({
      model: 'pump-rul v3',
      period: 5,
      gap: 'reject',
      smoothing: [0.25],
      age: false,
      features: ['a', 'b'],
      window: { length: 4, stride: 2, timeKind: 'cycle' },
      output: { name: 'rul', unit: 'cycles' },
    });
    expect(pipelineOf(manifest({ smoothing: null })).smoothing).toEqual([]);
  });

  it('refuses a package that does not record its smoothing instead of guessing a default', () => {
    expect(() => pipelineOf(manifest({ dropSmoothing: true }))).toThrow(
      'pump-rul v3 does not record its smoothing (lineage.config.dataset.smoothing)',
    );
    expect(() => pipelineOf(manifest({ smoothing: 7 }))).toThrow(/smoothing 7 is not a number in \(0, 1\]/);
    expect(() => pipelineOf(manifest({ smoothing: [0.3, 2] }))).toThrow(/smoothing \[0.3,2\] is not a number/);
    expect(() => pipelineOf(manifest({ smoothing: 0.3, age: 'yes' }))).toThrow('age "yes" is not true or false');
    expect(() => pipelineOf(manifest({ smoothing: 0.3, baseline: 2.5 }))).toThrow(
      'baseline 2.5 is not a number of grid steps or null',
    );
    expect(() => pipelineOf(manifest({ smoothing: 0.3, baseline: 0 }))).toThrow('baseline 0 is not');
  });

  it('builds the inputs of several smoothing rates and the age in life as training does, and needs the life starts', () => {
    // 2 features x 2 rates + the age: 5 inputs, each with its own stored centre and scale.
    const normalisation = { center: [10, 100, 10.5, 101, 20], scale: [2, 5, 1.5, 4, 12] };
    const p = pipelineOf(manifest({ smoothing: [0.4, 0.05], age: true, normalisation }));
    expect(p).toMatchObject({ smoothing: [0.4, 0.05], age: true });
    // The slow rate sets how far back scoring reads: its weight falls below 1e-9 after 405 steps.
    expect(historyNeeded(p)).toBe(3 + 405);
    expect(() => pipelineOf(manifest({ smoothing: [0.4, 0.05], age: true }))).toThrow(
      'normalisation has 2 centres and 2 scales for 5 model inputs (2 features)',
    );
    const a = series(40, (i) => 10 + Math.sin(i / 3), 100);
    const b = series(40, (i) => 100 + 5 * Math.cos(i / 5), 100);
    expect(() => prepareWindows(p, [a, b], { from: 100, to: 139 })).toThrow(
      "pump-rul v3 reads the asset's age in its life: scoring needs when its lives began",
    );
    // A life began at 100 (the record start) and another at 120 (a repair).
    const prepared = prepareWindows(p, [a, b], { from: 100, to: 139, lifeStarts: [100, 120] });
    const asset = {
      asset: 'E1',
      t: Float64Array.from(a.t),
      values: [Float64Array.from(a.values), Float64Array.from(b.values)],
    };
    const ready = applyNormalisation(
      modelInputSeries(
        asset,
        { smoothing: [0.4, 0.05], baseline: null, age: true },
        { starts: [100, 120], baselines: [] },
      ),
      p.normalisation,
    );
    const all = makeWindows([ready], [new Float64Array(40)], 4, 1);
    expect(prepared.features).toBe(5);
    expect(prepared.n).toBe(18);
    expectTrainingWindows(prepared, all);
    // The age input of the window ending at 126 (stride 2): 6 steps into the second life, normalised.
    const at126 = Array.from(prepared.end).indexOf(126);
    expect(prepared.x[at126 * 20 + 3 * 5 + 4]).toBeCloseTo((6 - 20) / 12, 6);
  });

  it("builds each feature's change from its life baseline as training does, from the first readings of each life", () => {
    // 2 features x 2 rates, their 2 changes from the baseline, the age: 7 inputs.
    const normalisation = { center: [10, 100, 10, 100, 0, 0, 20], scale: [2, 5, 2, 5, 1, 3, 12] };
    const p = pipelineOf(manifest({ smoothing: [0.4, 0.05], baseline: 5, age: true, normalisation }));
    expect(p).toMatchObject({ baseline: 5, age: true });
    const a = series(60, (i) => 10 + i / 20 + Math.sin(i / 3), 100);
    const b = series(60, (i) => 100 + 5 * Math.cos(i / 5) - i / 10, 100);
    // A reading missing in the second life's baseline steps: the mean is over the good ones, as training's grid
    // (gaps as NaN) gives it.
    (b.values as Float64Array)[32] = NaN;
    const starts = [100, 131.5];
    const asset = {
      asset: 'E1',
      t: Float64Array.from(a.t),
      values: [Float64Array.from(a.values), Float64Array.from(b.values)],
    };
    const trained = lifeBaselines(asset, starts, 5, 1);
    const scored = starts.map((s) => baselineOf(p, s, [a, b]));
    expect(scored.map((l) => Array.from(l.t))).toEqual(trained.map((l) => Array.from(l.t)));
    expect(scored[1]?.t[0]).toBe(132);
    expect(scored.map((l) => l.values.map((v) => Array.from(v)))).toEqual(
      trained.map((l) => l.values.map((v) => Array.from(v))),
    );
    expect(() => prepareWindows(p, [a, b], { from: 100, to: 159, lifeStarts: starts })).toThrow(
      "pump-rul v3 reads each feature's change from its life's baseline: scoring needs the first readings of each life",
    );
    const filled = {
      ...asset,
      values: asset.values.map((v) => v.map((x, i) => (Number.isNaN(x) ? (v[i - 1] as number) : x))),
    };
    const ready = applyNormalisation(
      modelInputSeries(filled, { smoothing: [0.4, 0.05], baseline: 5, age: true }, { starts, baselines: trained }),
      p.normalisation,
    );
    const all = makeWindows([ready], [new Float64Array(60)], 4, 1);
    const prepared = prepareWindows(p, [a, b], { from: 100, to: 159, lifeStarts: starts, lifeBaselines: scored });
    expect(prepared.features).toBe(7);
    // b has no good baseline reading yet at 132, the second life's first step: the windows over it are not scored.
    expect(prepared.n).toBe(26);
    expect(prepared.incomplete).toBe(2);
    expectTrainingWindows(prepared, all);
    // Feature a's change at the window ending 140 (last step): its 0.05-smoothed level minus the mean of a over the
    // second life's 5 steps (132..136).
    const at140 = Array.from(prepared.end).indexOf(140);
    const level = ready.values[2]?.[40] as number;
    const mean = [32, 33, 34, 35, 36].reduce((s, i) => s + (a.values[i] as number), 0) / 5;
    // The change inputs are stored with centre 0 and scale 1; a's slow level with centre 10 and scale 2.
    expect(prepared.x[at140 * 28 + 3 * 7 + 4]).toBeCloseTo(level * 2 + 10 - mean, 5);
    // One step into the second life (133, the first step of the window ending 136) the baseline is the running mean
    // of its two steps so far.
    const at136 = Array.from(prepared.end).indexOf(136);
    const level133 = (ready.values[2]?.[33] as number) * 2 + 10;
    const mean133 = ((a.values[32] as number) + (a.values[33] as number)) / 2;
    expect(prepared.x[at136 * 28 + 0 * 7 + 4]).toBeCloseTo(level133 - mean133, 5);
  });

  it('builds exactly the windows training builds: smoothing, then the stored normalisation, then windows', () => {
    const p = pipelineOf(manifest({ smoothing: 0.4 }));
    const a = series(40, (i) => 10 + Math.sin(i / 3));
    const b = series(40, (i) => 100 + 5 * Math.cos(i / 5));
    const prepared = prepareWindows(p, [a, b], { from: 0, to: 39 });
    const asset = {
      asset: 'E1',
      t: Float64Array.from(a.t),
      values: [Float64Array.from(a.values), Float64Array.from(b.values)],
    };
    const ready = applyNormalisation(
      modelInputSeries(asset, { smoothing: 0.4, baseline: null, age: false }, null),
      p.normalisation,
    );
    const all = makeWindows([ready], [new Float64Array(40)], 4, 1);
    // Stride 2 on absolute slots: the window ends 4, 6, ..., 38 (3 is the first possible end, odd).
    expect(Array.from(prepared.end)).toEqual(Array.from({ length: 18 }, (_, i) => 4 + 2 * i));
    expectTrainingWindows(prepared, all);
  });

  it('scores a range in pieces exactly as at once (stride anchored on the grid, not on the last reading)', async () => {
    const p = pipelineOf(manifest({ smoothing: null }));
    const readings = new Map([
      ['a', series(60, (i) => i % 7)],
      ['b', series(60, (i) => (i * 3) % 11)],
    ]);
    const whole = await scoreAsset(p, sumPredictor, 'E1', readings, { from: 0, to: 59 });
    const first = await scoreAsset(p, sumPredictor, 'E1', readings, { from: 0, to: 30 });
    const second = await scoreAsset(p, sumPredictor, 'E1', readings, { from: 31, to: 59 });
    expect([...first.windowEnd, ...second.windowEnd]).toEqual([...whole.windowEnd]);
    expect([...first.value, ...second.value]).toEqual([...whole.value]);
  });

  it('reads enough history that the smoothing forgets where the series began', async () => {
    const p = pipelineOf(manifest({ smoothing: 0.3 }));
    const a = series(400, (i) => 10 + Math.sin(i / 9));
    const b = series(400, (i) => 100 + Math.cos(i / 4));
    const full = await scoreAsset(
      p,
      sumPredictor,
      'E1',
      new Map([
        ['a', a],
        ['b', b],
      ]),
      { from: 398, to: 398 },
    );
    const start = 398 - historyNeeded(p);
    const cut = (r: FeatureReadings) => ({
      t: Float64Array.from(r.t).subarray(start),
      values: Float64Array.from(r.values).subarray(start),
    });
    const short = await scoreAsset(
      p,
      sumPredictor,
      'E1',
      new Map([
        ['a', cut(a)],
        ['b', cut(b)],
      ]),
      { from: 398, to: 398 },
    );
    expect(short.windowEnd[0]).toBe(398);
    expect(short.value[0]).toBeCloseTo(full.value[0] as number, 5);
    // Without the warm-up, the difference is visible.
    const bare = 398 - 3;
    const tooShort = await scoreAsset(
      p,
      sumPredictor,
      'E1',
      new Map([
        ['a', { t: Float64Array.from(a.t).subarray(bare), values: Float64Array.from(a.values).subarray(bare) }],
        ['b', { t: Float64Array.from(b.t).subarray(bare), values: Float64Array.from(b.values).subarray(bare) }],
      ]),
      { from: 398, to: 398 },
    );
    expect(Math.abs((tooShort.value[0] as number) - (full.value[0] as number))).toBeGreaterThan(1e-3);
  });
});

describe('the grid', () => {
  const pipeline = (gap: ScoringPipeline['gap'], period = 10): ScoringPipeline => ({
    ...pipelineOf(manifest({ smoothing: null, resample: { period, gap } })),
  });

  it('averages the readings of a slot and starts where every feature has begun', () => {
    const grid = gridOf(pipeline('forward-fill'), [
      { t: [0, 5, 10, 31], values: [1, 3, 5, 7] },
      { t: [12, 25], values: [100, 200] },
    ]);
    expect(Array.from(grid.t)).toEqual([10, 20, 30]);
    expect(Array.from(grid.values[0]!)).toEqual([5, 5, 7]);
    expect(Array.from(grid.values[1]!)).toEqual([100, 200, 200]);
  });

  it('fills empty slots by the package gap policy; missing readings (NaN) leave their slot empty', () => {
    const readings = [{ t: [0, 10, 20, 30, 40], values: [1, NaN, NaN, 4, 5] }];
    const one = (gap: ScoringPipeline['gap']) => ({ ...pipeline(gap), features: ['a'] });
    expect(Array.from(gridOf(one('forward-fill'), readings).values[0]!)).toEqual([1, 1, 1, 4, 5]);
    expect(Array.from(gridOf(one('zero'), readings).values[0]!)).toEqual([1, 0, 0, 4, 5]);
    expect(Array.from(gridOf(one('interpolate'), readings).values[0]!)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(gridOf(one('reject'), readings).values[0]!).map((v) => (Number.isNaN(v) ? null : v))).toEqual([
      1,
      null,
      null,
      4,
      5,
    ]);
  });

  it('under "reject", a window touching an empty slot is not scored and is counted', () => {
    const p = { ...pipeline('reject', 1), window: { length: 4, stride: 1, timeKind: 'cycle' as const } };
    const a = series(20, (i) => (i === 10 ? NaN : i));
    const b = series(20, (i) => i);
    const w = prepareWindows(p, [a, b], { from: 0, to: 19 });
    // Ends 3..19 are 17 windows; those ending at 10..13 contain slot 10.
    expect(w.incomplete).toBe(4);
    expect(w.n).toBe(13);
    expect(Array.from(w.end)).not.toContain(12);
  });
});
