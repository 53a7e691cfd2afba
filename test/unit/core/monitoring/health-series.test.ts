import { describe, expect, it } from 'vitest';
import { m4 } from '../../../../src/main/core/monitoring/health-series.js';

describe('health series cut to a chart width (M4)', () => {
  it('keeps a short series whole', () => {
    expect(m4([1, 2, 3], [5, NaN, 7], 10)).toEqual({ t: [1, 2, 3], value: [5, NaN, 7] });
  });

  it('keeps first, last, minimum and maximum of each pixel column: at most 4 per column, extremes intact', () => {
    const n = 10_000;
    const t = Array.from({ length: n }, (_, i) => i);
    const value = t.map((i) => Math.sin(i / 50) * 100 + (i === 4321 ? 500 : 0) + (i === 777 ? -400 : 0));
    const cut = m4(t, value, 100);
    expect(cut.t.length).toBeLessThanOrEqual(400);
    expect(Math.max(...cut.value)).toBe(Math.max(...value));
    expect(Math.min(...cut.value)).toBe(Math.min(...value));
    expect(cut.t[0]).toBe(0);
    expect(cut.t.at(-1)).toBe(n - 1);
    // Time order is kept, so the polyline is drawn left to right.
    expect(cut.t.every((x, i) => i === 0 || x > (cut.t[i - 1] as number))).toBe(true);
  });

  it('ignores unscored windows (NaN) when choosing a column extreme', () => {
    const t = Array.from({ length: 100 }, (_, i) => i);
    const value = t.map((i) => (i % 2 === 0 ? NaN : i));
    const cut = m4(t, value, 2);
    expect(cut.value.filter((v) => !Number.isNaN(v))).toEqual(expect.arrayContaining([1, 99]));
  });
});
