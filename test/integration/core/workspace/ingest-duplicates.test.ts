import { copyFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DUPLICATE_RULE } from '../../../../src/main/core/workspace/ingest.js';
import { openTempWorkspace, utcMicros, type TempWorkspace } from './helpers.js';

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const T0 = utcMicros(2024, 3, 1);
const MIN = 60_000_000;
const iso = (minute: number) => new Date(T0 / 1000 + minute * 60_000).toISOString();

describe('duplicates', () => {
  it('within a long file: the same signal and time twice is stored once, the first row wins', async () => {
    const file = await tw.file(
      'dup.csv',
      [
        'tag,time,value',
        `A,${iso(0)},1`,
        `A,${iso(1)},2`,
        `A,${iso(0)},9`,
        `B,${iso(0)},5`,
        `A,${iso(1)},8`,
        `A,${iso(0)},7`,
        '',
      ].join('\n'),
    );
    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ rows: 3, values: 3, duplicates: 3, rejected: 0, duplicateRule: DUPLICATE_RULE });
    expect((await tw.readings('dup', 'A')).map((r) => [r.t, r.value])).toEqual([
      [T0, 1],
      [T0 + MIN, 2],
    ]);
    expect((await tw.readings('dup', 'B')).map((r) => r.value)).toEqual([5]);
    expect((await tw.ws.ingests())[0]).toMatchObject({ duplicates: 3, values: 3 });
  });

  it('within a long file: the same instant written with different offsets is a duplicate', async () => {
    const file = await tw.file(
      'offsets.csv',
      ['tag,time,value', 'A,2024-03-01T00:00:00Z,1', 'A,2024-03-01T02:00:00+02:00,2', ''].join('\n'),
    );
    expect(await tw.ingest(file)).toMatchObject({ values: 1, duplicates: 1 });
    expect((await tw.readings('offsets', 'A')).map((r) => r.value)).toEqual([1]);
  });

  it('within a wide file: a repeated time stores each signal once, first row wins', async () => {
    const file = await tw.file(
      'widedup.csv',
      ['time,A,B', `${iso(0)},1,10`, `${iso(1)},2,20`, `${iso(0)},3,`, `${iso(2)},4,40`, ''].join('\n'),
    );
    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ values: 6, duplicates: 1, rows: 3 });
    expect((await tw.readings('widedup', 'A')).map((r) => r.value)).toEqual([1, 2, 4]);
    expect((await tw.readings('widedup', 'B')).map((r) => r.value)).toEqual([10, 20, 40]);
  });

  it('re-importing the same file (also under another name) stores nothing and says so', async () => {
    const file = await tw.file('once.csv', ['tag,time,value', `A,${iso(0)},1`, `A,${iso(1)},2`, ''].join('\n'));
    const first = await tw.ingest(file);
    expect(first).toMatchObject({ values: 2, rows: 2 });
    expect(first.files[0]?.previouslyImported).toBe(false);
    const again = await tw.ingest(file);
    expect(again).toMatchObject({ rows: 0, values: 0, duplicates: 0, rejected: 0, signals: 0 });
    expect(again.files[0]).toMatchObject({ previouslyImported: true, sha256: first.files[0]?.sha256 });
    const copy = `${tw.root}/data/copy-of-once.csv`;
    await copyFile(file, copy);
    expect((await tw.ingest(copy)).files[0]).toMatchObject({ previouslyImported: true, values: 0, rows: 0 });
    expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(2);
    const records = await tw.ws.ingests();
    expect(records.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(records[0]?.message).toBe(`identical to ingest #${first.files[0]?.ingestId}; nothing new`);
  });

  it('an overlapping file adds only the new readings and keeps the existing values', async () => {
    const one = await tw.file(
      'part1.csv',
      ['tag,time,value', `A,${iso(0)},1`, `A,${iso(1)},2`, `B,${iso(0)},5`, ''].join('\n'),
    );
    await tw.ingest(one, { asset: 'P-1' });
    const two = await tw.file(
      'part2.csv',
      [
        'tag,time,value',
        `A,${iso(1)},20`,
        `A,${iso(2)},3`,
        `B,${iso(0)},55`,
        `C,${iso(0)},7`,
        `A,${iso(2)},30`,
        '',
      ].join('\n'),
    );
    const summary = await tw.ingest(two, { asset: 'P-1' });
    expect(summary).toMatchObject({ values: 2, duplicates: 3, rows: 2, rejected: 0 });
    expect(summary.files[0]?.previouslyImported).toBe(false);
    expect((await tw.readings('P-1', 'A')).map((r) => [r.t, r.value])).toEqual([
      [T0, 1],
      [T0 + MIN, 2],
      [T0 + 2 * MIN, 3],
    ]);
    expect((await tw.readings('P-1', 'B')).map((r) => r.value)).toEqual([5]);
    expect((await tw.readings('P-1', 'C')).map((r) => r.value)).toEqual([7]);
    expect((await tw.ws.signals()).map((s) => s.tag)).toEqual(['A', 'B', 'C']);
  });

  it('a wide file overlapping a long one extends the same signals', async () => {
    const long = await tw.file(
      'a.csv',
      ['tag,time,value', `Temp [°C],${iso(0)},1`, `Temp [°C],${iso(1)},2`, ''].join('\n'),
    );
    await tw.ingest(long, { asset: 'M' });
    const wide = await tw.file('b.csv', ['time,Temp [°C]', `${iso(1)},99`, `${iso(2)},3`, ''].join('\n'));
    const summary = await tw.ingest(wide, { asset: 'M' });
    expect(summary).toMatchObject({ values: 1, duplicates: 1 });
    const signals = await tw.ws.signals();
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ asset: 'M', tag: 'Temp', unit: '°C', count: 3 });
    expect((await tw.readings('M', 'Temp')).map((r) => r.value)).toEqual([1, 2, 3]);
  });
});
