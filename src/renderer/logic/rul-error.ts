/** One scored window of an RUL run: `label` the true remaining life, `score` the prediction. */
export interface RulPrediction {
  readonly label: number;
  readonly score: number;
}

export interface RulBucket {
  /** True remaining life in (from, to]; the first bucket also holds 0. */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Mean absolute error of the windows in the bucket. */
  readonly mae: number;
  /** Mean signed error (predicted - true): positive is late, the costly side. */
  readonly bias: number;
}

/**
 * Mean absolute error by band of true remaining life, bands (from, to] of `width` (the trainer's rule, so a
 * capped RUL of 125 lands in (100, 125]). Empty bands are left out; bands come in ascending order.
 */
export const errorByRul = (predictions: readonly RulPrediction[], width: number): RulBucket[] => {
  if (!(width > 0)) throw new Error('errorByRul: width must be positive');
  const groups = new Map<number, { abs: number; sum: number; n: number }>();
  for (const p of predictions) {
    if (!Number.isFinite(p.label) || !Number.isFinite(p.score)) continue;
    const k = p.label > 0 ? Math.ceil(p.label / width) - 1 : 0;
    const d = p.score - p.label;
    const g = groups.get(k) ?? { abs: 0, sum: 0, n: 0 };
    g.abs += Math.abs(d);
    g.sum += d;
    g.n += 1;
    groups.set(k, g);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, g]) => ({ from: k * width, to: (k + 1) * width, count: g.n, mae: g.abs / g.n, bias: g.sum / g.n }));
};

/** A band width giving about `target` bands over the largest true RUL, rounded to 5, 10, 25, 50, ... */
export const bucketWidth = (predictions: readonly RulPrediction[], target = 6): number => {
  let max = 0;
  for (const p of predictions) if (Number.isFinite(p.label) && p.label > max) max = p.label;
  return max <= 0 ? 1 : niceStep(max, target);
};

/** A round step giving about `target` intervals over a span: 1, 2, 2.5 or 5 times a power of ten. */
export const niceStep = (span: number, target = 5): number => {
  if (!(span > 0)) return 1;
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((w) => w >= raw) ?? 10 * magnitude;
};

/**
 * A square domain covering both true and predicted values (so y = x is the diagonal), widened to round ticks,
 * for the predicted-vs-true plot.
 */
export const scatterAxis = (predictions: readonly RulPrediction[]): { domain: [number, number]; ticks: number[] } => {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of predictions) {
    for (const v of [p.label, p.score]) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return { domain: [0, 1], ticks: [0, 1] };
  lo = Math.min(0, lo);
  if (hi <= lo) hi = lo + 1;
  const step = niceStep(hi - lo);
  const low = Math.floor(lo / step) * step;
  const high = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = low; t <= high + step / 2; t += step) ticks.push(Math.round(t * 1e9) / 1e9);
  return { domain: [low, high], ticks };
};

/** At most `max` items, evenly spread over the list (first and last kept), so a big scatter stays responsive. */
export const thinOut = <T>(items: readonly T[], max: number): T[] => {
  if (items.length <= max) return [...items];
  if (max < 2) return items.slice(0, Math.max(0, max));
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i += 1) out.push(items[Math.round(i * step)] as T);
  return out;
};
