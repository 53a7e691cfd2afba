import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrendSeries } from '../../../../src/shared/domain.js';
import { pixelColumn } from '../../../../src/main/core/workspace/m4.js';
import { openTempWorkspace, rng, utcMicros, type TempWorkspace } from './helpers.js';

interface Series {
  readonly tag: string;
  readonly t: number[];
  readonly v: number[];
}

const SEEDS = [1, 2, 3, 4, 5, 6];

/** Irregular times, a random walk (some seeds with many ties), about 2 % NaN. */
const generate = (seed: number, t0: number, maxStep: number): Series => {
  const random = rng(seed);
  const n = 200 + Math.floor(random() * 1500);
  const ties = seed % 3 === 0;
  const t: number[] = [];
  const v: number[] = [];
  let time = t0 + Math.floor(random() * 1000);
  let value = random() * 100 - 50;
  for (let i = 0; i < n; i++) {
    time += 1 + Math.floor(random() * maxStep);
    value += random() * 10 - 5;
    t.push(time);
    v.push(random() < 0.02 ? Number.NaN : ties ? Math.round(value / 5) * 5 + 0 : value); // + 0: no -0
  }
  return { tag: `S${seed}`, t, v };
};

/** The reference: every finite reading in [from, to] in its pixel column, and per column first/last/min/max. */
const bruteForce = (s: Series, from: number, to: number, width: number) => {
  const buckets = new Map<
    number,
    { first: number; last: number; firstV: number; lastV: number; min: number; max: number }
  >();
  let count = 0;
  s.t.forEach((t, i) => {
    const v = s.v[i] ?? Number.NaN;
    if (t < from || t > to || !Number.isFinite(v)) return;
    count++;
    const px = pixelColumn(t, from, to, width);
    const b = buckets.get(px);
    if (b === undefined) buckets.set(px, { first: t, last: t, firstV: v, lastV: v, min: v, max: v });
    else {
      if (t < b.first) Object.assign(b, { first: t, firstV: v });
      if (t > b.last) Object.assign(b, { last: t, lastV: v });
      b.min = Math.min(b.min, v);
      b.max = Math.max(b.max, v);
    }
  });
  return { buckets, count };
};

const checkSeries = (s: Series, series: TrendSeries, from: number, to: number, width: number) => {
  const label = `${s.tag} from=${from} to=${to} width=${width}`;
  const { buckets, count } = bruteForce(s, from, to, width);
  expect(series.rawCount, label).toBe(count);
  expect(series.t.length, label).toBe(series.v.length);
  expect(series.t.length, label).toBeLessThanOrEqual(4 * width);
  // Collected, then asserted once: thousands of points per query.
  const problems: string[] = [];
  const readings = new Map(s.t.map((t, i) => [t, s.v[i]]));
  const returned = new Map<number, { t: number[]; v: number[] }>();
  series.t.forEach((t, i) => {
    const v = series.v[i] ?? Number.NaN;
    if (i > 0 && !(t > (series.t[i - 1] ?? -Infinity))) problems.push(`t=${t} not after the previous point`);
    if (!readings.has(t)) problems.push(`t=${t} is no reading`);
    else if (!Object.is(v, readings.get(t))) problems.push(`t=${t}: value ${v}, reading ${readings.get(t)}`);
    if (!Number.isFinite(v)) problems.push(`t=${t}: non-finite value ${v}`);
    if (t < from || t > to) problems.push(`t=${t} outside the range`);
    const px = pixelColumn(t, from, to, width);
    const entry = returned.get(px) ?? { t: [], v: [] };
    entry.t.push(t);
    entry.v.push(v);
    returned.set(px, entry);
  });
  for (const px of returned.keys())
    if (!buckets.has(px)) problems.push(`px=${px}: points in a column without readings`);
  for (const [px, b] of buckets) {
    const got = returned.get(px) ?? { t: [], v: [] };
    if (got.t.length > 4) problems.push(`px=${px}: ${got.t.length} points`);
    if (!got.t.includes(b.first) || !got.t.includes(b.last))
      problems.push(`px=${px}: first ${b.first} or last ${b.last} missing`);
    for (const [name, value] of [
      ['first', b.firstV],
      ['last', b.lastV],
      ['min', b.min],
      ['max', b.max],
    ] as const) {
      if (!got.v.includes(value)) problems.push(`px=${px}: ${name} value ${value} missing from ${got.v.join(', ')}`);
    }
  }
  expect(problems, label).toEqual([]);
  return count;
};

let tw: TempWorkspace;
const cycleSeries = SEEDS.map((seed) => generate(seed, 0, 20));
const timeSeries: Series = { ...generate(99, utcMicros(2024, 3, 1), 60_000_000), tag: 'TS' };
const ids = new Map<string, number>();

const csvNumber = (v: number) => (Number.isNaN(v) ? 'NaN' : String(v));

beforeAll(async () => {
  tw = await openTempWorkspace();
  const rows = cycleSeries.flatMap((s) => s.t.map((t, i) => `${s.tag},${t},${csvNumber(s.v[i] ?? Number.NaN)}`));
  const summary = await tw.ingest(await tw.file('m4.csv', `tag,cycle,value\n${rows.join('\n')}\n`));
  expect(summary.rejected).toBe(0);
  const timeRows = timeSeries.t.map(
    (t, i) =>
      `TS,${new Date(t / 1000).toISOString().replace('Z', '')}${String(t % 1000).padStart(3, '0')}Z,${csvNumber(timeSeries.v[i] ?? Number.NaN)}`,
  );
  await tw.ingest(await tw.file('m4-time.csv', `tag,time,value\n${timeRows.join('\n')}\n`));
  for (const s of await tw.ws.signals()) ids.set(s.tag, s.id);
});
afterAll(async () => {
  await tw.close();
});

const idOf = (tag: string) => {
  const id = ids.get(tag);
  if (id === undefined) throw new Error(`no signal ${tag}`);
  return id;
};

describe('M4 trend aggregation', () => {
  it('stores the generated data as generated (NaN included)', async () => {
    for (const s of [...cycleSeries, timeSeries]) {
      const stored = await tw.readings('m4' + (s === timeSeries ? '-time' : ''), s.tag);
      expect(stored.map((r) => r.t)).toEqual(s.t);
      expect(stored.map((r) => r.value)).toEqual(s.v);
    }
    expect(cycleSeries.some((s) => s.v.some(Number.isNaN))).toBe(true);
  });

  for (const s of [...cycleSeries, timeSeries]) {
    it(`matches the brute-force reference on ${s.tag} (${s.t.length} readings)`, async () => {
      const random = rng(1000 + s.t.length);
      const first = s.t[0] ?? 0;
      const last = s.t[s.t.length - 1] ?? 0;
      const span = last - first;
      const at = (i: number) => s.t[Math.min(s.t.length - 1, Math.max(0, i))] ?? 0;
      const pick = () => Math.floor(random() * s.t.length);
      const ranges: [number, number][] = [
        [first, last], // the whole series, edges on the first and last reading
        [at(pick()), at(pick())].sort((a, b) => a - b) as [number, number], // edges exactly on readings
        [first + Math.floor(random() * span * 0.5), first + Math.floor(span * (0.5 + random() * 0.5))],
        [first - span, first + Math.floor(span / 3)], // starts before the data
        [last - Math.floor(span / 4), last + span], // ends after the data
        [last + 1, last + 1000], // outside, after
        [first - 1000, first - 1], // outside, before
        [at(10), at(10)], // a single instant
        [at(20), at(21)], // two neighbouring readings
      ];
      const widths = [
        1,
        2,
        3,
        7,
        1 + Math.floor(random() * 60),
        1 + Math.floor(random() * 400),
        s.t.length + 17,
        3 * s.t.length,
      ];
      let checked = 0;
      for (const [from, to] of ranges) {
        for (const width of widths) {
          const result = await tw.ws.trend([idOf(s.tag)], width, from, to);
          expect(result).toMatchObject({ from, to, width, timeKind: s === timeSeries ? 'timestamp' : 'cycle' });
          const [series] = result.series;
          if (series === undefined) throw new Error('no series');
          checked += checkSeries(s, series, from, to, width);
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('with more pixels than readings returns every finite reading in range', async () => {
    const s = cycleSeries[0];
    if (s === undefined) throw new Error('no data');
    const first = s.t[0] ?? 0;
    const last = s.t[s.t.length - 1] ?? 0;
    const [series] = (await tw.ws.trend([idOf(s.tag)], (last - first) * 2 + 10, first, last)).series;
    const finite = s.t.filter((_, i) => Number.isFinite(s.v[i]));
    expect(series?.t).toEqual(finite);
    expect(series?.rawCount).toBe(finite.length);
  });

  it('defaults to the whole span of the chosen signals, and serves several at once', async () => {
    const [a, b] = cycleSeries;
    if (a === undefined || b === undefined) throw new Error('no data');
    const result = await tw.ws.trend([idOf(a.tag), idOf(b.tag)], 100);
    expect(result.from).toBe(Math.min(a.t[0] ?? 0, b.t[0] ?? 0));
    expect(result.to).toBe(Math.max(a.t[a.t.length - 1] ?? 0, b.t[b.t.length - 1] ?? 0));
    expect(result.series.map((x) => x.signalId)).toEqual([idOf(a.tag), idOf(b.tag)]);
    checkSeries(a, result.series[0] as TrendSeries, result.from, result.to, 100);
    checkSeries(b, result.series[1] as TrendSeries, result.from, result.to, 100);
  });

  it('gives ties to the earliest reading, whatever order the readings are stored in', async () => {
    // One column, stored newest first: the minimum -1 and the maximum 7 each occur three times.
    const values = [3, -1, 7, 2, -1, 7, 5, -1, 7, 4];
    const path = await tw.file(
      'ties.csv',
      `tag,cycle,value\n${values.map((v, i) => `TIES,${100 + i},${v}`).join('\n')}\n`,
    );
    const [id] = (await tw.ingest(path)).signalIds;
    await tw.ws.query(`CREATE TEMP TABLE reversed AS SELECT * FROM readings WHERE signal_id = ${id} ORDER BY t DESC`);
    await tw.ws.query(`DELETE FROM readings WHERE signal_id = ${id}`);
    await tw.ws.query('INSERT INTO readings SELECT * FROM reversed');
    await tw.ws.query('DROP TABLE reversed');
    const [series] = (await tw.ws.trend([id ?? -1], 1, 100, 109)).series;
    // first, min (earliest of the three -1), max (earliest of the three 7), last
    expect(series?.t).toEqual([100, 101, 102, 109]);
  });

  it('refuses unknown signals and mixing cycle and time axes', async () => {
    await expect(tw.ws.trend([999_999], 100)).rejects.toThrow(/do not exist/);
    await expect(tw.ws.trend([idOf('S1'), idOf('TS')], 100)).rejects.toThrow(/cannot share a chart/);
  });
});

describe('pixelColumn', () => {
  it('maps the range onto [0, width) with the right edge in the last column', () => {
    expect(pixelColumn(0, 0, 100, 10)).toBe(0);
    expect(pixelColumn(9.99, 0, 100, 10)).toBe(0);
    expect(pixelColumn(10, 0, 100, 10)).toBe(1);
    expect(pixelColumn(99, 0, 100, 10)).toBe(9);
    expect(pixelColumn(100, 0, 100, 10)).toBe(9);
    expect(pixelColumn(5, 5, 5, 10)).toBe(0);
  });
});
