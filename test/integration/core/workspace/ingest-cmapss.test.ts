import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempWorkspace, type TempWorkspace } from './helpers.js';

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

/** A C-MAPSS-shaped line: unit, cycle, 3 settings, 21 sensors (sensor k = 500 + k + cycle/100 + unit). */
const sensor = (unit: number, cycle: number, k: number) => Math.round((500 + k + cycle / 100 + unit) * 100) / 100;
const line = (unit: number, cycle: number) =>
  [
    unit,
    cycle,
    (-0.0007 * unit).toFixed(4),
    '-0.0004',
    '100.0',
    ...Array.from({ length: 21 }, (_, k) => sensor(unit, cycle, k + 1).toFixed(2)),
  ].join(' ');

describe('C-MAPSS text', () => {
  it('imports an excerpt: one asset per unit, 24 cycle-indexed signals each', async () => {
    const text = [];
    for (let unit = 1; unit <= 3; unit++) for (let cycle = 1; cycle <= 25; cycle++) text.push(`${line(unit, cycle)}  `);
    const file = await tw.file('excerpt_FD001.txt', `${text.join('\n')}\n`);
    const summary = await tw.ingest(file);
    expect(summary.files[0]?.format).toBe('cmapss');
    expect(summary).toMatchObject({ rows: 75, values: 75 * 24, rejected: 0, duplicates: 0, signals: 72 });
    const signals = await tw.ws.signals();
    expect(new Set(signals.map((s) => s.asset))).toEqual(
      new Set(['excerpt_FD001 engine 001', 'excerpt_FD001 engine 002', 'excerpt_FD001 engine 003']),
    );
    expect(signals.every((s) => s.timeKind === 'cycle' && s.count === 25 && s.firstT === 1 && s.lastT === 25)).toBe(
      true,
    );
    expect(
      signals
        .filter((s) => s.asset.endsWith('001'))
        .map((s) => s.tag)
        .sort(),
    ).toEqual(
      ['setting_1', 'setting_2', 'setting_3', ...Array.from({ length: 21 }, (_, i) => `sensor_${i + 1}`)].sort(),
    );
    const s7 = await tw.readings('excerpt_FD001 engine 002', 'sensor_7');
    expect(s7.map((r) => r.t)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(s7.map((r) => r.value)).toEqual(Array.from({ length: 25 }, (_, i) => sensor(2, i + 1, 7)));
    expect((await tw.readings('excerpt_FD001 engine 003', 'setting_1'))[0]?.value).toBe(-0.0021);
  });

  it('rejects lines with a wrong field count or a non-number, with their line numbers, and keeps the rest', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => line(1, i + 1));
    lines[21] = line(1, 22).split(' ').slice(0, 25).join(' '); // line 22: 25 fields
    lines[24] = line(1, 25).replace(/ 100\.0 /, ' 1OO.0 '); // line 25: setting_3 not a number
    lines[26] = `${line(1, 27)} 7`; // line 27: 27 fields
    lines[27] = line(1, 28).replace(/^1 28 /, '1 28.5 '); // line 28: fractional cycle
    const text = `${lines.slice(0, 23).join('\n')}\n\n${lines.slice(23).join('\n')}\n`; // a blank line 24 shifts the rest
    const file = await tw.file('bad_FD001.txt', text);
    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ rows: 26, values: 26 * 24, rejected: 4 });
    const rejects = await tw.ws.rejects(summary.files[0]?.ingestId, 100);
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [22, null, 'expected 26 fields, found 25'],
      [26, 'setting_3', 'setting_3: "1OO.0" is not a number'],
      [28, null, 'expected 26 fields, found 27'],
      [29, 'cycle', 'cycle: "28.5" is not a number'],
    ]);
    expect(rejects.every((r) => r.file === file)).toBe(true);
    expect(rejects[1]?.raw).toBe(lines[24]);
    const cycles = (await tw.readings('bad_FD001 engine 001', 'sensor_1')).map((r) => r.t);
    expect(cycles).toEqual(
      [...Array.from({ length: 30 }, (_, i) => i + 1)].filter((c) => ![22, 25, 27, 28].includes(c)),
    );
    expect((await tw.ws.ingests())[0]).toMatchObject({ status: 'done', rejected: 4, rows: 26 });
  });

  it('a short excerpt with a damaged early line: the line is rejected, the file still imports', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => line(4, i + 1));
    lines[2] = line(4, 3).split(' ').slice(0, 10).join(' '); // line 3 cut short
    lines[5] = line(4, 6).replace(/ 100\.0 /, ' NaN-ish '); // line 6 not a number
    const file = await tw.file('short_FD001.txt', `${lines.join('\n')}\n`);
    const summary = await tw.ingest(file, { format: 'cmapss' });
    expect(summary).toMatchObject({ rows: 6, values: 6 * 24, rejected: 2 });
    expect((await tw.ws.rejects(summary.files[0]?.ingestId, 10)).map((r) => [r.line, r.reason])).toEqual([
      [3, 'expected 26 fields, found 10'],
      [6, 'setting_3: "NaN-ish" is not a number'],
    ]);
    expect((await tw.readings('short_FD001 engine 004', 'sensor_21')).map((r) => r.t)).toEqual([1, 2, 4, 5, 7, 8]);
  });

  it('imports the real train_FD001.txt', async () => {
    const summary = await tw.ingest('/work/shared/data/cmapss/train_FD001.txt');
    expect(summary).toMatchObject({ rows: 20631, values: 495144, rejected: 0, duplicates: 0, signals: 2400 });
    const info = await tw.ws.info();
    expect(info).toMatchObject({ signals: 2400, assets: 100, readings: 495144 });
    // Unit 1 ran 192 cycles; its first line has sensor_2 = 641.82.
    const s2 = await tw.readings('train_FD001 engine 001', 'sensor_2');
    expect(s2).toHaveLength(192);
    expect(s2[0]).toEqual({ t: 1, value: 641.82, quality: null });
    expect(await tw.count(`SELECT max(t) AS n FROM readings`)).toBe(362);
  });
});
