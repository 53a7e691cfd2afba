import type { TrendSeries } from '../../../shared/domain.js';
import type { Connection } from './database.js';

/**
 * M4 aggregation (Jugel et al., VLDB 2014): for each pixel column keep the first, last, minimum and
 * maximum reading, so a line chart drawn from at most 4·width points is pixel-identical to one drawn
 * from every reading. Column of a reading: floor((t - from) · width / (to - from)), the last column
 * closed on the right; `from` is floored and `to` ceiled to whole time units.
 */
export const pixelColumn = (t: number, from: number, to: number, width: number): number => {
  const lo = Math.floor(from);
  const span = Math.ceil(to) - lo;
  if (span <= 0) return 0;
  // Integer arithmetic, as in SQL: (t - from) · width overflows doubles' exact range for long µs spans.
  const column = Number((BigInt(Math.floor(t) - lo) * BigInt(width)) / BigInt(span));
  return Math.min(column, width - 1);
};

export interface M4Bucket {
  readonly t_first: number;
  readonly v_first: number;
  readonly t_last: number;
  readonly v_last: number;
  readonly t_min: number;
  readonly v_min: number;
  readonly t_max: number;
  readonly v_max: number;
  readonly n: number;
}

/** A column's four points in time order, without repeats. */
export const m4Points = (buckets: readonly M4Bucket[]): { t: number[]; v: number[]; rawCount: number } => {
  const t: number[] = [];
  const v: number[] = [];
  let rawCount = 0;
  for (const b of buckets) {
    rawCount += b.n;
    const points: [number, number][] = [
      [b.t_first, b.v_first],
      [b.t_min, b.v_min],
      [b.t_max, b.v_max],
      [b.t_last, b.v_last],
    ];
    points.sort((a, c) => a[0] - c[0]);
    let lastT = Number.NaN;
    for (const [pt, pv] of points) {
      if (pt === lastT) continue;
      lastT = pt;
      t.push(pt);
      v.push(pv);
    }
  }
  return { t, v, rawCount };
};

export const m4Query = async (
  db: Connection,
  signalId: number,
  from: number,
  to: number,
  width: number,
): Promise<TrendSeries> => {
  const lo = Math.floor(from);
  const hi = Math.ceil(to);
  const span = hi > lo ? hi - lo : 1;
  // 128-bit arithmetic is several times slower; it is needed only when span × width could overflow 64 bits.
  const wide = span * width >= 2 ** 62;
  // Literal integers, not parameters: DuckDB prunes row groups by zone map only for constants it sees at
  // planning time, which makes a trend over one signal of a large table ~5x faster.
  const int = (n: number) => String(Math.trunc(n));
  // Ties go to the earliest reading (the (value, t) keys), so the same range always gives the same points,
  // whatever order a parallel scan meets the readings in.
  const buckets = await db.all<M4Bucket>(
    `SELECT min(t) AS t_first, arg_min(value, t) AS v_first, max(t) AS t_last, arg_max(value, t) AS v_last,
            arg_min(t, (value, t)) AS t_min, min(value) AS v_min, arg_max(t, (value, -t)) AS t_max, max(value) AS v_max,
            count(*) AS n
     FROM (
       SELECT t, value, least(((t - ${int(lo)})${wide ? '::HUGEINT' : ''} * ${int(width)}) // ${int(span)}, ${int(width - 1)}) AS px
       FROM readings WHERE signal_id = ${int(signalId)} AND t >= ${int(lo)} AND t <= ${int(hi)} AND isfinite(value)
     )
     GROUP BY px ORDER BY px`,
  );
  return { signalId, ...m4Points(buckets) };
};
