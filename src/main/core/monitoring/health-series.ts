/**
 * A health series cut to what a chart w pixels wide can show: per pixel column its first, last, minimum and
 * maximum point (M4, Jugel et al., VLDB 2014), so the drawn line is the same as with every window. A NaN (a window
 * that could not be scored) survives where it is a column's first or last point.
 */
export const m4 = (
  t: ArrayLike<number>,
  value: ArrayLike<number>,
  width: number,
): { readonly t: number[]; readonly value: number[] } => {
  const n = t.length;
  if (n <= 4 * width) return { t: Array.from(t), value: Array.from(value) };
  const t0 = t[0] as number;
  const span = Math.max((t[n - 1] as number) - t0, 1e-9);
  const outT: number[] = [];
  const outV: number[] = [];
  let i = 0;
  while (i < n) {
    const column = Math.min(width - 1, Math.floor((((t[i] as number) - t0) / span) * width));
    let j = i;
    let lo = -1;
    let hi = -1;
    while (j < n && Math.min(width - 1, Math.floor((((t[j] as number) - t0) / span) * width)) === column) {
      const v = value[j] as number;
      if (!Number.isNaN(v)) {
        if (lo < 0 || v < (value[lo] as number)) lo = j;
        if (hi < 0 || v > (value[hi] as number)) hi = j;
      }
      j += 1;
    }
    const picks = [...new Set([i, lo, hi, j - 1].filter((k) => k >= 0))].sort((a, b) => a - b);
    for (const k of picks) {
      outT.push(t[k] as number);
      outV.push(value[k] as number);
    }
    i = j;
  }
  return { t: outT, value: outV };
};
