import { describe, expect, it } from 'vitest';
import { labelSteps } from '../../../../src/main/core/datasets/labels.js';
import { applyNormalisation, fitNormalisation } from '../../../../src/main/core/datasets/normalise.js';
import { smooth, type AssetSeries } from '../../../../src/main/core/datasets/series.js';
import { splitAssets } from '../../../../src/main/core/datasets/split.js';
import { makeWindows } from '../../../../src/main/core/datasets/windows.js';
import { LabelSchema } from '../../../../src/shared/training.js';

const series = (asset: string, n: number, f = (i: number) => i): AssetSeries => ({
  asset,
  t: Float64Array.from({ length: n }, (_, i) => i + 1),
  values: [Float64Array.from({ length: n }, (_, i) => f(i)), Float64Array.from({ length: n }, (_, i) => 10 * f(i))],
});

describe('labels', () => {
  it('RUL is time to the last reading, capped, for run-to-failure assets', () => {
    const y = labelSteps(series('a', 200), [], LabelSchema.parse({ kind: 'rul', cap: 125 }));
    expect(y[199]).toBe(0);
    expect(y[198]).toBe(1);
    expect(y[0]).toBe(125);
    expect(y[200 - 1 - 125]).toBe(125);
    expect(y[200 - 1 - 124]).toBe(124);
  });

  it('RUL uses a failure event, or the known RUL after the last reading (test units)', () => {
    const label = LabelSchema.parse({ kind: 'rul', cap: null });
    expect(labelSteps(series('a', 10), [{ asset: 'a', kind: 'failure', start: 50, end: null }], label)[9]).toBe(40);
    expect(labelSteps(series('a', 10), [], label, 31)[9]).toBe(31);
    const censored = labelSteps(series('a', 10), [], LabelSchema.parse({ kind: 'rul', failureAt: 'event' }));
    expect(Array.from(censored).every(Number.isNaN)).toBe(true);
  });

  it('failure within horizon is 1 only within H of failure', () => {
    const y = labelSteps(series('a', 100), [], LabelSchema.parse({ kind: 'failure-horizon', horizon: 20 }));
    expect(y[99]).toBe(1);
    // t = 80 is 20 cycles before the failure at t = 100 (inside the horizon); t = 79 is 21 (outside).
    expect(y[79]).toBe(1);
    expect(y[78]).toBe(0);
  });

  it('anomaly labels: normal early, abnormal near failure, unlabelled between', () => {
    const y = labelSteps(
      series('a', 100),
      [],
      LabelSchema.parse({ kind: 'anomaly', normalSpan: 30, abnormalWithin: 20, failureAt: 'event-or-end' }),
    );
    expect(y[0]).toBe(0);
    expect(y[29]).toBe(0);
    expect(Number.isNaN(y[30] as number)).toBe(true);
    expect(y[80]).toBe(1);
  });
});

describe('windows', () => {
  it('cuts windows back from the last reading with the label at the window end', () => {
    const a = series('a', 6);
    const w = makeWindows([a], [Float64Array.from([5, 4, 3, 2, 1, 0])], 3, 2);
    // Ends at steps 5 and 3 (stride 2 back from the last), oldest first.
    expect(w.n).toBe(2);
    expect(Array.from(w.y)).toEqual([2, 0]);
    expect(Array.from(w.end)).toEqual([4, 6]);
    // [window][step][signal]: window 0 covers steps 1..3.
    expect(Array.from(w.x.subarray(0, 6))).toEqual([1, 10, 2, 20, 3, 30]);
    expect(makeWindows([a], [new Float64Array(6)], 3, 1, 'last').n).toBe(1);
  });
});

describe('normalisation and smoothing', () => {
  it('is fitted on the given (training) assets only and maps them to mean 0, sd 1', () => {
    const train = [series('a', 5)];
    const norm = fitNormalisation('z-score', train, 2);
    expect(norm.center).toEqual([2, 20]);
    const z = applyNormalisation(train[0] as AssetSeries, norm).values[0] as Float64Array;
    expect(z.reduce((s, v) => s + v, 0)).toBeCloseTo(0);
    const constant = fitNormalisation('min-max', [series('c', 5, () => 7)], 2);
    expect(constant.scale).toEqual([1, 1]);
  });

  it('z-score keeps a small spread on a large offset (Welford), where the one-pass sum of squares loses it', () => {
    // 2^30 +/- 2^-10, both exact in a double: the true sample standard deviation is 2^-10 * sqrt(n / (n - 1)).
    // The one-pass formula squares values near 2^60 (a double's step there is 256), so sumSq - n*mean^2 is
    // rounding noise: it gave scale 1 (variance cancelled to 0) instead of about 0.000977.
    const n = 1000;
    const offset = 2 ** 30;
    const spread = 2 ** -10;
    const big = series('big', n, (i) => offset + (i % 2 === 0 ? spread : -spread));
    const norm = fitNormalisation('z-score', [big], 1);
    const expected = spread * Math.sqrt(n / (n - 1));
    expect(norm.center[0]).toBeCloseTo(offset, 6);
    expect(Math.abs((norm.scale[0] as number) - expected) / expected).toBeLessThan(1e-5);
    const z = applyNormalisation(big, norm).values[0] as Float64Array;
    expect(Math.abs((z[0] as number) - 1)).toBeLessThan(1e-2);
  });

  it('exponential smoothing is causal', () => {
    expect(Array.from(smooth(Float64Array.from([0, 10, 10]), 0.5))).toEqual([0, 5, 7.5]);
  });
});

describe('split by asset', () => {
  it('never puts an asset on both sides, and repeats for the same seed', () => {
    const assets = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const a = splitAssets(assets, 0.2, 7);
    expect(a.validation).toHaveLength(4);
    expect(a.train.filter((x) => a.validation.includes(x))).toEqual([]);
    expect(splitAssets(assets, 0.2, 7)).toEqual(a);
    expect(splitAssets(assets, 0.2, 8)).not.toEqual(a);
  });
});
