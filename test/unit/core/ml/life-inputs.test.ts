import { describe, expect, it } from 'vitest';
import { lifeInputsOf } from '../../../../src/main/core/datasets/labels.js';
import {
  changeFromBaseline,
  lifeBaselines,
  modelInputSeries,
  smooth,
  type AssetSeries,
} from '../../../../src/main/core/datasets/series.js';
import { changeInputName, modelInputCount, modelInputNames } from '../../../../src/shared/model-inputs.js';

/** One asset on a grid of 2 time units from t = 10: signal a = i, signal b = 100 - 2i (i the step). */
const asset = (n: number): AssetSeries => ({
  asset: 'P-1',
  t: Float64Array.from({ length: n }, (_, i) => 10 + 2 * i),
  values: [Float64Array.from({ length: n }, (_, i) => i), Float64Array.from({ length: n }, (_, i) => 100 - 2 * i)],
});

describe("each signal's change from its life baseline", () => {
  it("takes each life's first N grid steps, a life that starts between grid times from the next one", () => {
    const lives = lifeBaselines(asset(20), [10, 21], 3, 2);
    expect(lives.map((l) => Array.from(l.t))).toEqual([
      [10, 12, 14],
      [22, 24, 26],
    ]);
    expect(Array.from(lives[1]?.values[0] ?? [])).toEqual([6, 7, 8]);
  });

  it('is the level minus a running mean of the baseline steps so far, which restarts with each life and skips gaps', () => {
    const series = asset(20);
    (series.values[0] as Float64Array)[7] = NaN;
    const [a] = changeFromBaseline(series.t, series.values, lifeBaselines(series, [12, 22], 3, 2));
    const at = (t: number) => a?.[(t - 10) / 2] as number;
    expect(at(10)).toBeNaN(); // before the first life
    expect(at(12)).toBe(1 - 1); // running mean of step 1
    expect(at(14)).toBe(2 - 1.5);
    expect(at(16)).toBe(3 - 2); // steps 1..3 taken: the baseline is fixed from here on
    expect(at(20)).toBe(5 - 2);
    // The second life: steps 6, 7 (a gap), 8; the running mean leaves the gap out.
    expect(at(22)).toBe(6 - 6);
    expect(at(24)).toBeNaN(); // the level itself is missing here
    expect(at(26)).toBe(8 - 7);
    expect(at(40)).toBe(15 - 7);
  });

  it('sits after the smoothed signals and before the age, taken at the slowest rate wherever it is listed', () => {
    const series = asset(30);
    const spec = { smoothing: [0.05, 0.5], baseline: 4, age: true } as const;
    const lives = lifeInputsOf(series, [], spec, 2);
    expect(lives?.starts).toEqual([10]);
    const out = modelInputSeries(series, spec, lives);
    expect(out.values).toHaveLength(modelInputCount(2, spec));
    expect(modelInputNames(['a', 'b'], spec)).toEqual([
      'a',
      'b',
      'a (EWMA 0.5)',
      'b (EWMA 0.5)',
      changeInputName('a'),
      changeInputName('b'),
      'age in life',
    ]);
    const slow = smooth(series.values[1] as Float64Array, 0.05);
    const base = (100 + 98 + 96 + 94) / 4;
    expect(out.values[5]?.[20]).toBeCloseTo((slow[20] as number) - base, 12);
    expect(out.values[6]?.[20]).toBe(40);
    expect(lifeInputsOf(series, [], { age: false, baseline: null }, 2)).toBeNull();
  });

  it('gives a part cut later in the record the baseline of its whole life, not of its own first steps', () => {
    const whole = asset(40);
    const spec = { smoothing: null, baseline: 5, age: false } as const;
    const lives = lifeInputsOf(whole, [], spec, 2);
    const part: AssetSeries = { ...whole, t: whole.t.slice(25), values: whole.values.map((v) => v.slice(25)) };
    const fromWhole = modelInputSeries(whole, spec, lives);
    const fromPart = modelInputSeries(part, spec, lives);
    expect(Array.from(fromPart.values[2] ?? [])).toEqual(Array.from(fromWhole.values[2]?.slice(25) ?? []));
    expect(fromPart.values[2]?.[0]).toBe(25 - 2);
    expect(() => modelInputSeries(part, spec, null)).toThrow('no lives were given');
  });
});
