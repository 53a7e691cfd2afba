import type { OperatingModes } from '../../../shared/monitoring.js';
import { seededRandom } from '../../../shared/seeded-random.js';

/**
 * Operating modes of a plant (stopped, part load, full load, ...) found in the reference data, so drift compares a
 * chunk of current data with the reference mode by mode. A pump that ran at part load all day has a different
 * daily pressure distribution from the reference (which holds every mode) without any sensor having drifted;
 * within each mode the distributions agree. Modes are k-means clusters of the standardised reference rows.
 *
 * Which mode a reading belongs to is decided from the OTHER signals of its row (the signal being judged is left
 * out, so a drifted signal cannot move its own readings into another mode and hide the drift), and the one signal
 * that disagrees most with a mode is left out of the distance too (so one drifted signal cannot move the readings
 * of every other signal into the wrong mode and make them look drifted).
 */

/** At least this many signals: with fewer, leaving the judged one out leaves too little to place a row. */
export const MODES_MIN_SIGNALS = 3;
export const MODES_MAX = 8;
/**
 * A further mode is kept when it removes at least this share of the remaining within-mode variance. One normal
 * cloud split in two removes 2/(pi d) of it (0.21 for 3 signals, less for more): it stays one mode. Separate
 * operating states remove far more (30-70% on the plant simulator).
 */
export const MODE_GAIN = 0.25;
/**
 * Modes must be distinct states: a mean silhouette of at least this over the reference rows, Kaufman & Rousseeuw's
 * bound of a "reasonable structure" (0.26-0.50 is weak structure that may be artificial). Measured: the plant
 * simulator's modes 0.55-0.69 (seeds 1, 2, 3, 6; 10 or 60 days); C-MAPSS FD001's clusters along the degradation
 * trend 0.36-0.49 (3 to 100 engines), which are positions on a trend, not states.
 */
export const MIN_SILHOUETTE = 0.5;
const SILHOUETTE_ROWS = 2000;

/** Mean silhouette of rows placed at their nearest centroid (on at most 2000 rows: it is quadratic). */
const silhouette = (all: readonly Float64Array[], centroids: readonly number[][]): number => {
  const step = Math.max(1, all.length / SILHOUETTE_ROWS);
  const rows: Float64Array[] = [];
  for (let p = 0; p < all.length; p += step) rows.push(all[Math.floor(p)] as Float64Array);
  const label = rows.map((r) => {
    let best = 0;
    centroids.forEach((c, m) => {
      if (distance2(r, c) < distance2(r, centroids[best] as number[])) best = m;
    });
    return best;
  });
  let total = 0;
  const sums = new Float64Array(centroids.length);
  const counts = new Int32Array(centroids.length);
  rows.forEach((r, i) => {
    sums.fill(0);
    counts.fill(0);
    rows.forEach((q, j) => {
      if (i === j) return;
      let d = 0;
      for (let k = 0; k < r.length; k += 1) d += ((r[k] as number) - (q[k] as number)) ** 2;
      const m = label[j] as number;
      sums[m] = (sums[m] as number) + Math.sqrt(d);
      counts[m] = (counts[m] as number) + 1;
    });
    const own = label[i] as number;
    if ((counts[own] as number) === 0) return; // a row alone in its mode: silhouette 0 by convention
    const a = (sums[own] as number) / (counts[own] as number);
    let b = Infinity;
    for (let m = 0; m < centroids.length; m += 1)
      if (m !== own && (counts[m] as number) > 0) b = Math.min(b, (sums[m] as number) / (counts[m] as number));
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b, 1e-12);
  });
  return total / rows.length;
};

/** k-means runs on at most this many rows, spread evenly over the reference (the fit is stable long before). */
const FIT_ROWS = 10_000;

const distance2 = (row: Float64Array, centroid: readonly number[]): number => {
  let d = 0;
  for (let j = 0; j < row.length; j += 1) d += ((row[j] as number) - (centroid[j] as number)) ** 2;
  return d;
};

/** Lloyd's k-means with k-means++ seeding (seeded: the same reference gives the same modes). */
const kMeans = (rows: readonly Float64Array[], k: number, seed: number): { centroids: number[][]; within: number } => {
  const random = seededRandom(seed);
  const dims = rows[0]?.length ?? 0;
  const centroids: number[][] = [Array.from(rows[Math.floor(random() * rows.length)] as Float64Array)];
  const nearest = new Float64Array(rows.length).fill(Infinity);
  while (centroids.length < k) {
    let total = 0;
    rows.forEach((r, i) => {
      nearest[i] = Math.min(nearest[i] as number, distance2(r, centroids.at(-1) as number[]));
      total += nearest[i] as number;
    });
    if (total === 0) break;
    let target = random() * total;
    let pick = rows.length - 1;
    for (let i = 0; i < rows.length; i += 1) {
      target -= nearest[i] as number;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
    centroids.push(Array.from(rows[pick] as Float64Array));
  }
  const label = new Int32Array(rows.length);
  let within = 0;
  for (let iteration = 0; iteration < 60; iteration += 1) {
    within = 0;
    let moved = 0;
    rows.forEach((r, i) => {
      let best = 0;
      let bestD = Infinity;
      centroids.forEach((c, m) => {
        const d = distance2(r, c);
        if (d < bestD) {
          bestD = d;
          best = m;
        }
      });
      if (label[i] !== best) moved += 1;
      label[i] = best;
      within += bestD;
    });
    if (iteration > 0 && moved === 0) break;
    const sums = centroids.map(() => new Float64Array(dims));
    const counts = new Int32Array(centroids.length);
    rows.forEach((r, i) => {
      const m = label[i] as number;
      counts[m] = (counts[m] as number) + 1;
      for (let j = 0; j < dims; j += 1) (sums[m] as Float64Array)[j]! += r[j] as number;
    });
    centroids.forEach((c, m) => {
      if ((counts[m] as number) === 0) return;
      for (let j = 0; j < dims; j += 1) c[j] = ((sums[m] as Float64Array)[j] as number) / (counts[m] as number);
    });
  }
  return { centroids, within };
};

/**
 * The reference's operating modes from its rows (values[s][i]: signal s at row i; rows with a missing value are
 * left out of the fit). Null with fewer than 3 signals, too few complete rows, or when the data is one mode.
 */
export const fitOperatingModes = (
  tags: readonly string[],
  values: readonly ArrayLike<number>[],
): OperatingModes | null => {
  const dims = tags.length;
  if (dims < MODES_MIN_SIGNALS) return null;
  const length = values[0]?.length ?? 0;
  const complete: number[] = [];
  for (let i = 0; i < length; i += 1) if (values.every((v) => Number.isFinite(v[i] as number))) complete.push(i);
  if (complete.length < 50 * MODES_MAX) return null;
  const center = new Array<number>(dims).fill(0);
  const scale = new Array<number>(dims).fill(0);
  for (const i of complete) for (let j = 0; j < dims; j += 1) center[j]! += (values[j]![i] as number) / complete.length;
  for (const i of complete)
    for (let j = 0; j < dims; j += 1) scale[j]! += ((values[j]![i] as number) - center[j]!) ** 2;
  for (let j = 0; j < dims; j += 1) scale[j] = Math.sqrt(scale[j]! / (complete.length - 1)) || 1;
  const step = Math.max(1, complete.length / FIT_ROWS);
  const rows: Float64Array[] = [];
  for (let p = 0; p < complete.length; p += step) {
    const i = complete[Math.floor(p)] as number;
    rows.push(Float64Array.from({ length: dims }, (_, j) => ((values[j]![i] as number) - center[j]!) / scale[j]!));
  }
  // The most modes whose last one still removed a large share of what was left: k-means' gain from k - 1 to k is
  // not monotone in k (two states that differ little split off only after a larger one has), so every k is tried.
  const one = kMeans(rows, 1, 1);
  let best = one;
  let previous = one;
  for (let k = 2; k <= MODES_MAX; k += 1) {
    // The best of a few seedings: one k-means++ start often spends a centroid on rare outlying rows.
    const next = [1, 2, 3].map((r) => kMeans(rows, k, k * 10 + r)).reduce((a, b) => (b.within < a.within ? b : a));
    if (next.within <= previous.within * (1 - MODE_GAIN)) best = next;
    previous = next;
  }
  const total = one.within;
  if (best.centroids.length < 2) return null;
  // Clusters along a continuous trend (engines degrading, as in C-MAPSS FD001) are no operating states:
  // a reading's place among them moves with one drifted signal, which would make the others look drifted too.
  if (silhouette(rows, best.centroids) < MIN_SILHOUETTE) return null;
  return {
    tags: [...tags],
    center,
    scale,
    centroids: best.centroids,
    rows: complete.length,
    explained: total > 0 ? 1 - best.within / total : 0,
  };
};

/**
 * The mode of each row in [start, end) for judging signal `judged` (an index into modes.tags, or -1 for none):
 * the nearest mode over the other signals' standardised values, leaving out the one signal farthest from each
 * candidate mode when at least 3 remain. -1 where too few signals have a value to place the row.
 */
export const assignModes = (
  modes: OperatingModes,
  values: readonly (ArrayLike<number> | undefined)[],
  judged: number,
  start: number,
  end: number,
): Int8Array => {
  const dims = modes.tags.length;
  const out = new Int8Array(end - start);
  for (let i = start; i < end; i += 1) {
    let best = -1;
    let bestD = Infinity;
    for (let m = 0; m < modes.centroids.length; m += 1) {
      const c = modes.centroids[m] as number[];
      let used = 0;
      let sum = 0;
      let worst = 0;
      for (let j = 0; j < dims; j += 1) {
        if (j === judged) continue;
        const v = values[j]?.[i];
        if (v === undefined || !Number.isFinite(v)) continue;
        const d = ((v - (modes.center[j] as number)) / (modes.scale[j] as number) - (c[j] as number)) ** 2;
        used += 1;
        sum += d;
        worst = Math.max(worst, d);
      }
      if (used < 2) continue;
      const d = used >= 3 ? sum - worst : sum;
      if (d < bestD) {
        bestD = d;
        best = m;
      }
    }
    out[i - start] = best;
  }
  return out;
};
