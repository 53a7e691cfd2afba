import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLATLINE_MIN_RUN, GAP_FACTOR } from '../../../../src/main/core/workspace/quality.js';
import { openTempWorkspace, utcMicros, type TempWorkspace } from './helpers.js';

const T0 = utcMicros(2024, 3, 1);
const MIN = 60_000_000;

/**
 * Signal Q: one reading a minute for minutes 0..99 without 50..59 (one 11-minute gap), a run of 12 equal
 * values (minutes 20..31), NaN at 5, 70 and 85, out of [0, 200] at 10 (250), 11 (-5) and 90 (1000),
 * a Bad quality at 3 and an Uncertain one at 4.
 */
const qRows = (): { minute: number; value: number; quality: number }[] => {
  const rows = [];
  for (let m = 0; m < 100; m++) {
    if (m >= 50 && m < 60) continue;
    let value = 100 + m * 0.75 + (m % 3) * 0.1;
    if (m >= 20 && m < 32) value = 42;
    if ([5, 70, 85].includes(m)) value = Number.NaN;
    if (m === 10) value = 250;
    if (m === 11) value = -5;
    if (m === 90) value = 1000;
    rows.push({ minute: m, value, quality: m === 3 ? 0x80000000 : m === 4 ? 0x40000000 : 0 });
  }
  return rows;
};

/** Signal R: runs of 9 and 10 equal values, otherwise increasing, regular. */
const rValues = [1, 2, ...Array<number>(9).fill(7), 8, ...Array<number>(10).fill(9), 10, 11];

let tw: TempWorkspace;
let q: number;
let r: number;
let n: number;

beforeAll(async () => {
  tw = await openTempWorkspace();
  const iso = (m: number) => new Date(T0 / 1000 + m * 60_000).toISOString();
  const lines = [
    'tag,time,value,quality',
    ...qRows().map((row) => `Q,${iso(row.minute)},${Number.isNaN(row.value) ? 'NaN' : row.value},${row.quality}`),
    ...rValues.map((v, i) => `R,${iso(i * 10)},${v},0`),
    // Signal N: 12 NaN in a row, then infinities: missing data, not a stuck sensor and not out of range.
    ...Array.from({ length: 12 }, (_, i) => `N,${iso(i)},NaN,0`),
    `N,${iso(12)},1,0`,
    `N,${iso(13)},inf,0`,
    `N,${iso(14)},-inf,0`,
  ];
  const summary = await tw.ingest(await tw.file('quality.csv', `${lines.join('\n')}\n`));
  expect(summary).toMatchObject({ rejected: 0, values: 90 + rValues.length + 15 });
  q = (await tw.ws.resolveSignal('Q')).id;
  r = (await tw.ws.resolveSignal('R')).id;
  n = (await tw.ws.resolveSignal('N')).id;
});
afterAll(async () => {
  await tw.close();
});

describe('quality report', () => {
  it('uses the documented thresholds', () => {
    expect(FLATLINE_MIN_RUN).toBe(10);
    expect(GAP_FACTOR).toBe(2);
  });

  it('counts gaps, flatlines, NaN, out-of-range values and bad quality', async () => {
    await tw.ws.updateSignals([q], { validMin: 0, validMax: 200 });
    const [row] = await tw.ws.quality([q]);
    const finite = qRows()
      .map((x) => x.value)
      .filter(Number.isFinite);
    expect(row).toMatchObject({
      signalId: q,
      count: 90,
      firstT: T0,
      lastT: T0 + 99 * MIN,
      period: MIN,
      gaps: 1,
      largestGap: 11 * MIN,
      flatlines: 1,
      flatlineReadings: 12,
      nonFinite: 3,
      outOfRange: 3,
      badQuality: 1,
      min: -5,
      max: 1000,
    });
    expect(row?.mean).toBeCloseTo(finite.reduce((a, b) => a + b, 0) / finite.length, 9);
  });

  it('counts only the bound that is set', async () => {
    await tw.ws.updateSignals([q], { validMin: 0, validMax: null });
    expect((await tw.ws.quality([q]))[0]?.outOfRange).toBe(1);
    await tw.ws.updateSignals([q], { validMin: null, validMax: 200 });
    expect((await tw.ws.quality([q]))[0]?.outOfRange).toBe(2);
    await tw.ws.updateSignals([q], { validMin: null, validMax: null });
    expect((await tw.ws.quality([q]))[0]?.outOfRange).toBe(0);
  });

  it('uses the configured sample period for gaps instead of the median spacing', async () => {
    await tw.ws.updateSignals([q], { samplePeriod: 20_000_000 });
    const [row] = await tw.ws.quality([q]);
    expect(row?.period).toBe(20_000_000);
    expect(row?.gaps).toBe(89);
    await tw.ws.updateSignals([q], { samplePeriod: 6 * MIN });
    expect((await tw.ws.quality([q]))[0]?.gaps).toBe(0);
    await tw.ws.updateSignals([q], { samplePeriod: null });
    expect((await tw.ws.quality([q]))[0]).toMatchObject({ period: MIN, gaps: 1 });
  });

  it('a flatline needs at least 10 equal values in a row', async () => {
    const [row] = await tw.ws.quality([r]);
    expect(row).toMatchObject({
      count: rValues.length,
      flatlines: 1,
      flatlineReadings: 10,
      gaps: 0,
      nonFinite: 0,
      outOfRange: 0,
      period: 10 * MIN,
    });
  });

  it('NaN and infinities are non-finite, never a flatline or out of range', async () => {
    await tw.ws.updateSignals([n], { validMin: 0, validMax: 10 });
    const [row] = await tw.ws.quality([n]);
    expect(row).toMatchObject({
      count: 15,
      nonFinite: 14,
      flatlines: 0,
      flatlineReadings: 0,
      outOfRange: 0,
      min: 1,
      max: 1,
      mean: 1,
    });
  });

  it('reports every signal when none is named, and zeros for a signal without readings', async () => {
    const all = await tw.ws.quality();
    expect(all.map((x) => x.signalId).sort()).toEqual([q, r, n].sort());
    expect((await tw.ws.quality([424242]))[0]).toMatchObject({
      signalId: 424242,
      count: 0,
      gaps: 0,
      min: null,
      period: null,
    });
  });
});
