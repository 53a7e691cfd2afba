import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelColumn } from '../../../../src/main/core/workspace/m4.js';
import { openTempWorkspace, rng, type TempWorkspace } from './helpers.js';

/** Brute-force M4 as sets of "t:v" per pixel column. */
const bruteForce = (points: readonly [number, number][], from: number, to: number, width: number) => {
  const columns = new Map<
    number,
    { first: [number, number]; last: [number, number]; min: [number, number]; max: [number, number] }
  >();
  for (const p of points) {
    const [t, v] = p;
    if (t < from || t > to || !Number.isFinite(v)) continue;
    const c = pixelColumn(t, from, to, width);
    const b = columns.get(c);
    if (b === undefined) columns.set(c, { first: p, last: p, min: p, max: p });
    else {
      if (t < b.first[0]) b.first = p;
      if (t > b.last[0]) b.last = p;
      if (v < b.min[1]) b.min = p;
      if (v > b.max[1]) b.max = p;
    }
  }
  return new Set([...columns.values()].flatMap((b) => [b.first, b.last, b.min, b.max].map(([t, v]) => `${t}:${v}`)));
};

describe('trend tiles', () => {
  let w: TempWorkspace;
  let id: number;
  const points: [number, number][] = [];
  const next = rng(42);

  beforeAll(async () => {
    w = await openTempWorkspace();
    let t = 1000;
    const lines = ['tag,cycle,value'];
    for (let i = 0; i < 200_000; i++) {
      t += 1 + Math.floor(next() * 5);
      const v = i % 5000 === 17 ? Number.NaN : Math.round((Math.sin(i / 300) * 50 + next() * 10) * 1000) / 1000;
      points.push([t, v]);
      lines.push(`s1,${t},${Number.isNaN(v) ? 'NaN' : v}`);
    }
    const summary = await w.ingest(await w.file('one.csv', `${lines.join('\n')}\n`));
    id = summary.signalIds[0] ?? -1;
    expect(await w.ws.refreshTrendTiles([id], 10_000)).toBe(1);
  }, 120_000);

  afterAll(async () => {
    await w.close();
  });

  it('answers exactly what M4 over the raw readings gives, for the range it reports', async () => {
    const first = points[0]?.[0] ?? 0;
    const last = points[points.length - 1]?.[0] ?? 0;
    let tiled = 0;
    for (let k = 0; k < 25; k++) {
      const width = [1, 7, 200, 640, 1999][k % 5] ?? 100;
      const a = first + Math.floor(next() * (last - first));
      const b = first + Math.floor(next() * (last - first));
      const [from, to] = k < 5 ? [first, last] : [Math.min(a, b), Math.max(a, b) + 1];
      const result = await w.ws.trend([id], width, from, to);
      expect(result.from).toBeLessThanOrEqual(from);
      expect(result.to).toBeGreaterThanOrEqual(to);
      // The range grows by less than two tiles per column (one sixteenth of a column each, at most).
      expect(result.to - result.from).toBeLessThanOrEqual((to - from) * (1 + 2 / 16) + 2 * 4 ** 20);
      if (result.from !== from || result.to !== to) tiled++;
      const series = result.series[0];
      if (series === undefined) throw new Error('no series');
      const got = new Set(series.t.map((t, i) => `${t}:${series.v[i]}`));
      expect(got).toEqual(bruteForce(points, result.from, result.to, width));
      expect(series.t.length).toBeLessThanOrEqual(4 * width);
      expect(series.rawCount).toBe(
        points.filter(([t, v]) => t >= result.from && t <= result.to && Number.isFinite(v)).length,
      );
    }
    expect(tiled).toBeGreaterThan(5);
  });

  it('ignores tiles once the signal has new readings, until they are rebuilt', async () => {
    const last = points[points.length - 1]?.[0] ?? 0;
    await w.ingest(await w.file('more.csv', `tag,cycle,value\ns1,${last + 10},1.5\n`), { asset: 'one' });
    points.push([last + 10, 1.5]);
    const stale = await w.ws.trend([id], 500);
    expect(stale.from).toBe(points[0]?.[0]);
    expect(stale.to).toBe(last + 10);
    const series = stale.series[0];
    expect(new Set(series?.t.map((t, i) => `${t}:${series.v[i]}`))).toEqual(
      bruteForce(points, stale.from, stale.to, 500),
    );
    expect(await w.ws.refreshTrendTiles([id], 10_000)).toBe(1);
    const fresh = await w.ws.trend([id], 500);
    expect(fresh.from).not.toBe(stale.from);
  });
});
