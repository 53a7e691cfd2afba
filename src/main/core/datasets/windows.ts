import type { AssetSeries } from './series.js';

/**
 * Windows ready for a model: `x` holds n windows of `length` steps by `features` signals, row-major
 * ([window][step][signal]), and `y` one label per window. `asset[i]` indexes `assets`; `end[i]` is the time of
 * the window's last step (the moment the prediction is made).
 */
export interface WindowSet {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
  readonly length: number;
  readonly features: number;
  readonly asset: Int32Array;
  readonly end: Float64Array;
  readonly assets: readonly string[];
  /**
   * The true label per window where `y` is capped (RUL with a cap): the model trains on the capped target, but
   * figures are reported against the truth (C-MAPSS RUL_FD001 as given), with the capped figure named beside it.
   */
  readonly truth?: Float32Array;
}

/**
 * Cut windows ending at every `stride`-th step counted back from each asset's last reading (so the last,
 * most recent window is always included), or only the last one. A window whose label is NaN is skipped:
 * labels use NaN for "no ground truth here" (e.g. the ambiguous middle of an anomaly dataset).
 */
export const makeWindows = (
  series: readonly AssetSeries[],
  labels: readonly Float64Array[],
  length: number,
  stride: number,
  which: 'all' | 'last' = 'all',
): WindowSet => {
  const features = series[0]?.values.length ?? 0;
  // Window ends as two typed arrays, oldest first within each asset (consumers that walk an asset's windows see
  // time moving forward): a million [asset, end] pairs as JS arrays cost more memory than the labels themselves.
  const endsOf = (ai: number): number[] => {
    const n = series[ai]?.t.length ?? 0;
    const found: number[] = [];
    for (let e = n - 1; e >= length - 1; e -= stride) {
      if (!Number.isNaN(labels[ai]?.[e] ?? NaN)) found.push(e);
      if (which === 'last') break;
    }
    return found;
  };
  let count = 0;
  for (let ai = 0; ai < series.length; ai += 1) count += endsOf(ai).length;
  const x = new Float32Array(count * length * features);
  const y = new Float32Array(count);
  const asset = new Int32Array(count);
  const end = new Float64Array(count);
  let w = 0;
  series.forEach((a, ai) => {
    const found = endsOf(ai);
    const values = a.values as readonly Float64Array[];
    for (let k = found.length - 1; k >= 0; k -= 1, w += 1) {
      const e = found[k] as number;
      let o = w * length * features;
      for (let step = e - length + 1; step <= e; step += 1) {
        for (let s = 0; s < features; s += 1) x[o++] = (values[s] as Float64Array)[step] as number;
      }
      y[w] = (labels[ai] as Float64Array)[e] as number;
      asset[w] = ai;
      end[w] = a.t[e] as number;
    }
  });
  return { x, y, n: count, length, features, asset, end, assets: series.map((a) => a.asset) };
};

/** The windows at the given positions, as a new set (for validation subsets and permutation tests). */
export const selectWindows = (set: WindowSet, keep: (i: number) => boolean): WindowSet => {
  const idx: number[] = [];
  for (let i = 0; i < set.n; i += 1) if (keep(i)) idx.push(i);
  const size = set.length * set.features;
  const x = new Float32Array(idx.length * size);
  idx.forEach((i, k) => x.set(set.x.subarray(i * size, (i + 1) * size), k * size));
  return {
    ...set,
    x,
    y: Float32Array.from(idx, (i) => set.y[i] as number),
    n: idx.length,
    asset: Int32Array.from(idx, (i) => set.asset[i] as number),
    end: Float64Array.from(idx, (i) => set.end[i] as number),
    ...(set.truth === undefined ? {} : { truth: Float32Array.from(idx, (i) => set.truth?.[i] as number) }),
  };
};
