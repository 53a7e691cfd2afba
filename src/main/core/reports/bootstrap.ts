import { seededRandom } from '../../../shared/seeded-random.js';

/**
 * Percentile bootstrap over assets: assets (not alerts) are resampled with replacement, because alerts on one
 * asset are not independent of each other. A pooled statistic (a ratio of sums) is recomputed on every resample;
 * the interval is the 2.5th to 97.5th percentile. Seeded, so a report made twice prints the same interval.
 */

export interface Interval {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  /** Assets the statistic is defined on (the resampling units). */
  readonly assets: number;
}

export const bootstrapOverAssets = <T>(
  perAsset: readonly T[],
  statistic: (sample: readonly T[]) => number | null,
  options: { readonly resamples?: number; readonly seed?: number; readonly level?: number } = {},
): Interval | null => {
  const value = statistic(perAsset);
  if (value === null || perAsset.length === 0) return null;
  const random = seededRandom(options.seed ?? 11);
  const resamples = options.resamples ?? 1000;
  const stats: number[] = [];
  for (let b = 0; b < resamples; b += 1) {
    const sample = Array.from({ length: perAsset.length }, () => perAsset[Math.floor(random() * perAsset.length)] as T);
    const s = statistic(sample);
    if (s !== null && Number.isFinite(s)) stats.push(s);
  }
  if (stats.length === 0) return { value, low: value, high: value, assets: perAsset.length };
  stats.sort((a, b) => a - b);
  const alpha = (1 - (options.level ?? 0.95)) / 2;
  const at = (q: number) => stats[Math.min(stats.length - 1, Math.max(0, Math.floor(q * stats.length)))] as number;
  return { value, low: at(alpha), high: at(1 - alpha), assets: perAsset.length };
};
