import { describe, expect, it } from 'vitest';
import { applyGapPolicy, dropMissingInputs, fillGaps } from '../../../../src/main/core/datasets/gaps.js';
import type { AssetSeries } from '../../../../src/main/core/datasets/series.js';
import { smooth } from '../../../../src/main/core/datasets/series.js';
import { fitNormalisation } from '../../../../src/main/core/datasets/normalise.js';
import { makeWindows } from '../../../../src/main/core/datasets/windows.js';
import { DatasetConfigSchema } from '../../../../src/shared/training.js';

// A grid of 10 slots, t = 0..9; NaN is a slot without a good reading (none, NULL or bad quality).
const grid = (a: number[], b: number[]): AssetSeries => ({
  asset: 'P-101',
  t: Float64Array.from(a, (_, i) => i),
  values: [Float64Array.from(a), Float64Array.from(b)],
});
const N = NaN;
const resample = (over: Record<string, unknown> = {}) =>
  DatasetConfigSchema.parse({
    assets: { prefix: 'P' },
    signals: ['a', 'b'],
    window: { length: 3 },
    label: { kind: 'rul' },
    resample: { period: 1, ...over },
  }).resample;

describe('gap policy', () => {
  it('defaults: forward-fill without a limit, keep every window that can be filled, end on a real reading', () => {
    expect(resample()).toEqual({
      period: 1,
      gap: 'forward-fill',
      fillLimit: null,
      maxMissing: 1,
      windowsEnd: 'reading',
    });
  });

  it('forward-fills from the last good reading, at most fillLimit past it, and counts what it did', () => {
    const s = grid([N, 1, N, N, N, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const unlimited = fillGaps(s, resample());
    expect(Array.from(unlimited.series.values[0] ?? []).slice(0, 6)).toEqual([N, 1, 1, 1, 1, 5]);
    expect(unlimited.missing).toBe(4);
    expect(unlimited.filled).toBe(3);
    const limited = fillGaps(s, resample({ fillLimit: 2 }));
    expect(Array.from(limited.series.values[0] ?? []).slice(0, 6)).toEqual([N, 1, 1, 1, N, 5]);
    expect(Array.from(limited.series.real)).toEqual([1, 2, 1, 1, 1, 2, 2, 2, 2, 2]);
  });

  it('drops windows holding a gap, windows over the missing share, and windows ending on a made-up slot', () => {
    // Signal a misses 2..4; signal b misses 3 and 4 too, so nothing was measured at t = 3 and t = 4.
    const s = grid([0, 1, N, N, N, 5, 6, 7, 8, 9], [0, 1, 2, N, N, 5, 6, 7, 8, 9]);
    const labels = Float64Array.from({ length: 10 }, (_, i) => 9 - i);
    const keepAll = applyGapPolicy(s, labels, { resample: resample(), window: { length: 3, stride: 1 } });
    // Windows end at 2..9 (8 of them); those ending at 3 and 4 end where no signal has a reading.
    expect(keepAll.report).toMatchObject({ windows: 8, droppedMissing: 0, droppedSyntheticEnd: 2 });
    expect(keepAll.report).toMatchObject({ missingValues: 5, values: 20, filledValues: 5 });
    const w = makeWindows([keepAll.series], [keepAll.labels], 3, 1);
    expect(Array.from(w.end)).toEqual([2, 5, 6, 7, 8, 9]);

    const scoreAny = applyGapPolicy(s, labels, {
      resample: resample({ windowsEnd: 'any' }),
      window: { length: 3, stride: 1 },
    });
    expect(scoreAny.report.droppedSyntheticEnd).toBe(0);

    // At most 1/3 of a window's 6 values made up: windows ending at 2 (1 of 6), 5 (3), 6 (2) ... are judged.
    const strict = applyGapPolicy(s, labels, {
      resample: resample({ maxMissing: 1 / 3 }),
      window: { length: 3, stride: 1 },
    });
    expect(makeWindows([strict.series], [strict.labels], 3, 1).end).toEqual(Float64Array.from([2, 6, 7, 8, 9]));
    expect(strict.report.droppedMissing).toBe(3);

    // A gap the limit leaves open can never be scored, whatever the share.
    const limited = applyGapPolicy(s, labels, {
      resample: resample({ fillLimit: 1, windowsEnd: 'any' }),
      window: { length: 3, stride: 1 },
    });
    // a is filled only at 2 (a step past its reading at 1), b only at 3: windows over 3..6 hold a gap.
    expect(Array.from(makeWindows([limited.series], [limited.labels], 3, 1).end)).toEqual([2, 7, 8, 9]);
  });

  it('smoothing and normalisation step over gaps instead of turning everything after them NaN', () => {
    expect(Array.from(smooth(Float64Array.from([N, 0, 10, N, 10]), 0.5))).toEqual([N, 0, 5, N, 7.5]);
    const norm = fitNormalisation('z-score', [grid([N, 1, 3, N, N, N, N, N, N, N], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1])], 2);
    expect(norm.center[0]).toBe(2);
  });

  it('drops the windows over a model input still missing after the policy (a change before any baseline reading)', () => {
    // Input b is missing at slots 5 and 6, as a change from a life baseline is until the new life has a reading.
    const inputs = grid([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 0, 0, 0, N, N, 0, 0, 0]);
    const labels = Float64Array.from({ length: 10 }, (_, i) => 9 - i);
    const kept = dropMissingInputs(inputs, labels, 3, 1);
    // Windows of 3 ending at 5..8 touch slot 5 or 6.
    expect(Array.from(kept.labels, (v) => (Number.isNaN(v) ? null : v))).toEqual([
      9,
      8,
      7,
      6,
      5,
      null,
      null,
      null,
      null,
      0,
    ]);
    expect(kept.dropped).toBe(4);
    // Stride 2, counted back from the last slot: of the dropped ends only 5 and 7 were windows to cut.
    expect(dropMissingInputs(inputs, labels, 3, 2).dropped).toBe(2);
    // Nothing missing: the same labels back.
    const whole = grid([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(dropMissingInputs(whole, labels, 3, 1)).toEqual({ labels, dropped: 0 });
  });
});
