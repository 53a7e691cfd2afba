import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reject } from '../../../../src/shared/domain.js';
import { openTempWorkspace, sqlString, utcMicros, withScratchDuckDB, type TempWorkspace } from './helpers.js';

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const MIN = 60_000_000;
const T0 = utcMicros(2024, 3, 1);
const iso = (minute: number) => new Date(T0 / 1000 + minute * 60_000).toISOString().replace('.000Z', 'Z');

/** Good long rows for tag A at minutes from..to-1 (enough of them that the sniffer sees a consistent file). */
const goodLong = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `A,${iso(from + i)},${from + i}.5`);

const byLine = (rejects: readonly Reject[]) => new Map(rejects.map((r) => [r.line, r]));

describe('rejected rows', () => {
  it('long CSV: each kind of bad row is rejected with file, real line number and reason; the good rows are all stored', async () => {
    const lines = [
      'tag,time,value', // 1
      ...goodLong(0, 10), // 2..11
      `A,${iso(100)},abc`, // 12 unparseable number
      `A,${iso(101)},2.0,extra`, // 13 too many columns
      'A,not-a-time,3.0', // 14 bad timestamp after a structural reject
      `A,${iso(102)},`, // 15 empty value
      `A,${iso(103)}`, // 16 too few columns
      'A,2024-13-45T00:00:00Z,4.0', // 17 impossible date
      ...goodLong(10, 30), // 18..37
      `A,${iso(104)},1.2.3`, // 38 unparseable number
      ...goodLong(30, 40), // 39..48
    ];
    const file = await tw.file('long-bad.csv', `${lines.join('\n')}\n`);
    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ rows: 40, values: 40, rejected: 7, duplicates: 0 });
    const ingestId = summary.files[0]?.ingestId;
    const rejects = await tw.ws.rejects(ingestId, 100);
    const lineOf = byLine(rejects);
    expect([...lineOf.keys()].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([12, 13, 14, 15, 16, 17, 38]);
    expect(rejects.every((r) => r.file === file && r.ingestId === ingestId)).toBe(true);
    // Reasons are in the user's words, never the CSV engine's text.
    expect(lineOf.get(12)).toMatchObject({ field: 'value', reason: 'value: "abc" is not a number' });
    expect(lineOf.get(12)?.raw).toContain('abc');
    expect(lineOf.get(13)?.reason).toBe('expected 3 fields, found 4');
    expect(lineOf.get(14)).toMatchObject({ field: 'time', reason: 'time: cannot parse "not-a-time"' });
    expect(lineOf.get(15)).toMatchObject({ field: 'value', reason: 'value: empty' });
    expect(lineOf.get(16)?.reason).toBe('expected 3 fields, found 2');
    expect(lineOf.get(17)).toMatchObject({ field: 'time', reason: 'time: cannot parse "2024-13-45T00:00:00Z"' });
    expect(lineOf.get(38)?.reason).toBe('value: "1.2.3" is not a number');
    expect(rejects.every((r) => !/CAST|COLUMNS|Error|SELECT/.test(r.reason))).toBe(true);
    // Each reject points at the line that really holds the bad text.
    for (const r of rejects) {
      if (r.raw !== null) expect(lines[(r.line ?? 0) - 1]).toBe(r.raw);
    }
    const stored = await tw.readings('long-bad', 'A');
    expect(stored.map((r) => [r.t, r.value])).toEqual(Array.from({ length: 40 }, (_, i) => [T0 + i * MIN, i + 0.5]));
    expect((await tw.ws.ingests())[0]).toMatchObject({ status: 'done', rejected: 7, rows: 40, values: 40 });
  });

  it('wide CSV: a bad or empty cell is rejected on its own (the row keeps its good cells); bad time and wrong column count reject the line', async () => {
    const good = (m: number) => `${iso(m)},${m},${-m}`;
    const lines = [
      'time,A,B', // 1
      ...Array.from({ length: 10 }, (_, i) => good(i)), // 2..11
      `${iso(50)},x,3`, // 12 bad number in A: B still stored
      `${iso(51)},1,2,3`, // 13 too many columns
      `31.02.2024 10:00:00,1,2`, // 14 bad time
      `${iso(52)},,7`, // 15 empty A (rejected as a cell): B still stored
      `${iso(53)},6`, // 16 too few
      'yesterday,1,2', // 17 bad time
      ...Array.from({ length: 20 }, (_, i) => good(10 + i)), // 18..37
    ];
    const file = await tw.file('wide-bad.csv', `${lines.join('\n')}\n`);
    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ rows: 32, values: 62, rejected: 6, duplicates: 0 });
    const rejects = await tw.ws.rejects(summary.files[0]?.ingestId, 100);
    const lineOf = byLine(rejects);
    expect([...lineOf.keys()].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([12, 13, 14, 15, 16, 17]);
    expect(lineOf.get(12)).toMatchObject({ field: 'A', reason: 'A: "x" is not a number' });
    expect(lineOf.get(13)).toMatchObject({ field: null, reason: 'expected 3 fields, found 4' });
    expect(lineOf.get(14)).toMatchObject({ field: 'time', reason: 'time: cannot parse "31.02.2024 10:00:00"' });
    expect(lineOf.get(15)).toMatchObject({ field: 'A', reason: 'A: empty' });
    expect(lineOf.get(16)?.reason).toBe('expected 3 fields, found 2');
    expect(lineOf.get(17)).toMatchObject({ field: 'time', reason: 'time: cannot parse "yesterday"' });
    const a = await tw.readings('wide-bad', 'A');
    const b = await tw.readings('wide-bad', 'B');
    expect(a.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(b.map((r) => [r.t, r.value])).toEqual(
      [
        ...Array.from({ length: 30 }, (_, i) => [T0 + i * MIN, i === 0 ? 0 : -i]),
        [T0 + 50 * MIN, 3],
        [T0 + 52 * MIN, 7],
      ].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0)),
    );
  });

  it('decimal-comma file with a given format: a bad timestamp is rejected with the format in the reason', async () => {
    const good = (i: number) => `01.03.2024 10:${String(i).padStart(2, '0')}:00;${i},5`;
    const lines = [
      'Zeit;Wert',
      ...Array.from({ length: 5 }, (_, i) => good(i)),
      '30.02.2024 10:00:00;1,0',
      '01.03.2024 10:59:00;1;2',
      ...Array.from({ length: 5 }, (_, i) => good(i + 5)),
    ];
    const file = await tw.file('de-bad.csv', `${lines.join('\n')}\n`);
    const summary = await tw.ingest(file, {
      timeZone: 'Europe/Berlin',
      timestampFormat: '%d.%m.%Y %H:%M:%S',
      decimal: ',',
      delimiter: ';',
    });
    expect(summary).toMatchObject({ values: 10, rejected: 2 });
    const lineOf = byLine(await tw.ws.rejects(summary.files[0]?.ingestId, 100));
    expect(lineOf.get(7)?.reason).toBe('time: cannot parse "30.02.2024 10:00:00" with format %d.%m.%Y %H:%M:%S');
    expect(lineOf.get(8)?.reason).toBe('expected 2 fields, found 3');
    expect((await tw.readings('de-bad', 'Wert')).map((r) => [r.t, r.value])).toEqual(
      Array.from({ length: 10 }, (_, i) => [utcMicros(2024, 3, 1, 9, i), i + 0.5]),
    );
  });

  it('a bad timestamp among detected European times is one reject, not the whole file', async () => {
    const good = (i: number) => `01.03.2024 10:${String(i).padStart(2, '0')}:00;${i},5`;
    const lines = [
      'Zeit;Wert',
      ...Array.from({ length: 12 }, (_, i) => good(i)),
      '32.03.2024 10:00:00;1,0',
      ...Array.from({ length: 12 }, (_, i) => good(i + 12)),
    ];
    const file = await tw.file('de-auto.csv', `${lines.join('\n')}\n`);
    const summary = await tw.ingest(file, { timeZone: 'Europe/Berlin' });
    expect(summary).toMatchObject({ values: 24, rejected: 1 });
    expect((await tw.ws.rejects(summary.files[0]?.ingestId, 10)).map((r) => [r.line, r.reason])).toEqual([
      [14, 'time: cannot parse "32.03.2024 10:00:00" with format %d.%m.%Y %H:%M:%S'],
    ]);
  });

  it('long CSV: a row without a tag is rejected instead of failing the import', async () => {
    const lines = ['tag,time,value', ...goodLong(0, 20), `,${iso(50)},2`, `"",${iso(51)},3`, ...goodLong(20, 25)];
    const file = await tw.file('no-tag.csv', `${lines.join('\n')}\n`);
    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ values: 25, rejected: 2, signals: 1 });
    expect((await tw.ws.rejects(summary.files[0]?.ingestId, 10)).map((r) => [r.line, r.field, r.reason])).toEqual([
      [22, 'tag', 'tag: empty'],
      [23, 'tag', 'tag: empty'],
    ]);
  });

  it('long Parquet: empty values and unparseable times are rejected with their row number', async () => {
    const path = `${tw.root}/data/bad.parquet`;
    await withScratchDuckDB((all) =>
      all(`COPY (
             SELECT 'A' AS tag,
                    CASE WHEN i = 3 THEN 'garbage' ELSE '2024-03-01T00:' || lpad(i::VARCHAR, 2, '0') || ':00Z' END AS time,
                    CASE WHEN i = 6 THEN NULL ELSE i::DOUBLE END AS value
             FROM range(10) r(i)
           ) TO ${sqlString(path)} (FORMAT parquet)`),
    );
    const summary = await tw.ingest(path);
    expect(summary).toMatchObject({ rows: 8, values: 8, rejected: 2 });
    const lineOf = byLine(await tw.ws.rejects(summary.files[0]?.ingestId, 100));
    expect(lineOf.get(4)).toMatchObject({ field: 'time', reason: 'time: cannot parse "garbage"' });
    expect(lineOf.get(7)).toMatchObject({ field: 'value', reason: 'value: empty' });
    expect((await tw.readings('bad', 'A')).map((r) => r.value)).toEqual([0, 1, 2, 4, 5, 7, 8, 9]);
  });

  it('line numbers stay right with CRLF line ends and blank lines', async () => {
    const lines = [
      'tag,time,value',
      ...goodLong(0, 5),
      '',
      ...goodLong(5, 10),
      'A,never,1',
      ...goodLong(10, 20),
      `A,${iso(95)},x`,
      ...goodLong(20, 25),
    ];
    const file = await tw.file('crlf.csv', `${lines.join('\r\n')}\r\n`);
    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ values: 25, rejected: 2 });
    const rejects = await tw.ws.rejects(summary.files[0]?.ingestId, 10);
    expect(rejects.map((r) => r.line)).toEqual([13, 24]);
    expect(lines[12]).toBe('A,never,1');
    expect(rejects[0]?.reason).toBe('time: cannot parse "never"');
  });

  it('rejects of different imports are kept apart', async () => {
    const one = await tw.file('one.csv', `${['tag,time,value', ...goodLong(0, 20), `A,${iso(90)},bad`].join('\n')}\n`);
    const two = await tw.file(
      'two.csv',
      `${['tag,time,value', ...goodLong(20, 40), `A,later,1`, `A,${iso(91)},`].join('\n')}\n`,
    );
    const s1 = await tw.ingest(one);
    const s2 = await tw.ingest(two);
    expect([s1.rejected, s2.rejected]).toEqual([1, 2]);
    expect((await tw.ws.rejects(s1.files[0]?.ingestId, 10)).map((r) => [r.file, r.line])).toEqual([[one, 22]]);
    expect((await tw.ws.rejects(s2.files[0]?.ingestId, 10)).map((r) => [r.file, r.line])).toEqual([
      [two, 22],
      [two, 23],
    ]);
    expect(await tw.ws.rejects(undefined, 10)).toHaveLength(3);
  });
});
