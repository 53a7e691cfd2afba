import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempWorkspace, type TempWorkspace } from './helpers.js';

/**
 * The one time rule applied by file import (issue 9 §3): naive times in Europe/Berlin across the 2024 clock
 * changes. Spring: 02:00-02:59 on 31 March does not exist and is rejected with the reason (never shifted onto the
 * real 03:30). Autumn: 02:00-02:59 on 27 October happens twice; file order tells the passes apart (first = summer
 * offset, second = winter offset), and nothing is merged as a duplicate.
 */

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const us = (iso: string) => Date.parse(iso) * 1000;
const BERLIN = { timeZone: 'Europe/Berlin' } as const;

const AUTUMN_LOCAL = ['02:00', '02:15', '02:30', '02:45', '02:00', '02:15', '02:30', '02:45'];
const AUTUMN_UTC = [
  '2024-10-27T00:00:00Z',
  '2024-10-27T00:15:00Z',
  '2024-10-27T00:30:00Z',
  '2024-10-27T00:45:00Z',
  '2024-10-27T01:00:00Z',
  '2024-10-27T01:15:00Z',
  '2024-10-27T01:30:00Z',
  '2024-10-27T01:45:00Z',
].map(us);

describe('file import: the one time rule in Europe/Berlin', () => {
  it('spring forward, long CSV: 02:30 is rejected as non-existent, the real 03:30 is stored (not a duplicate)', async () => {
    const rows = ['01:30', '02:30', '03:30', '04:30'].map((t, i) => `P,2024-03-31 ${t}:00,${i}`);
    const file = await tw.file('spring.csv', `tag,time,value\n${rows.join('\n')}\n`);
    const summary = await tw.ingest(file, BERLIN);
    expect(summary).toMatchObject({ values: 3, rejected: 1, duplicates: 0 });
    expect((await tw.ws.rejects(summary.files[0]?.ingestId, 10)).map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, 'time', 'time: "2024-03-31 02:30:00" does not exist in Europe/Berlin (the clocks skip that hour)'],
    ]);
    expect((await tw.readings('spring', 'P')).map((r) => [r.t, r.value])).toEqual([
      [us('2024-03-31T00:30:00Z'), 0],
      [us('2024-03-31T01:30:00Z'), 2],
      [us('2024-03-31T02:30:00Z'), 3],
    ]);
  });

  it('autumn, long CSV: 8 rows through the repeated hour are 8 readings, first pass summer time, second winter', async () => {
    const rows = AUTUMN_LOCAL.map((t, i) => `P,2024-10-27 ${t}:00,${i}`);
    const file = await tw.file('autumn.csv', `tag,time,value\n${rows.join('\n')}\n`);
    const summary = await tw.ingest(file, BERLIN);
    expect(summary).toMatchObject({ values: 8, rejected: 0, duplicates: 0 });
    expect((await tw.readings('autumn', 'P')).map((r) => [r.t, r.value])).toEqual(AUTUMN_UTC.map((t, i) => [t, i]));
  });

  it('autumn, long CSV with two tags interleaved: file order is counted per signal', async () => {
    const rows = AUTUMN_LOCAL.flatMap((t, i) => [`P,2024-10-27 ${t}:00,${i}`, `Q,2024-10-27 ${t}:00,${-i}`]);
    const file = await tw.file('autumn2.csv', `tag,time,value\n${rows.join('\n')}\n`);
    expect(await tw.ingest(file, BERLIN)).toMatchObject({ values: 16, duplicates: 0 });
    expect((await tw.readings('autumn2', 'Q')).map((r) => r.t)).toEqual(AUTUMN_UTC);
  });

  it('autumn and spring, wide CSV with a dd.mm.yyyy format: same rule', async () => {
    const rows = [
      ...AUTUMN_LOCAL.map((t, i) => `27.10.2024 ${t}:00;${i},5;${i}`),
      '31.03.2024 02:30:00;9,5;9',
      '31.03.2024 03:30:00;10,5;10',
    ];
    const file = await tw.file('wide-dst.csv', `Zeit;A;B\n${rows.join('\n')}\n`);
    const summary = await tw.ingest(file, {
      ...BERLIN,
      timestampFormat: '%d.%m.%Y %H:%M:%S',
      delimiter: ';',
      decimal: ',',
    });
    expect(summary).toMatchObject({ values: 18, rejected: 1, duplicates: 0 });
    expect((await tw.ws.rejects(summary.files[0]?.ingestId, 10)).map((r) => [r.line, r.reason])).toEqual([
      [10, 'time: "31.03.2024 02:30:00" does not exist in Europe/Berlin (the clocks skip that hour)'],
    ]);
    expect((await tw.readings('wide-dst', 'A')).map((r) => [r.t, r.value])).toEqual([
      [us('2024-03-31T01:30:00Z'), 10.5],
      ...AUTUMN_UTC.map((t, i) => [t, i + 0.5]),
    ]);
  });

  it('times with an offset ignore the zone; an unknown zone is refused by name', async () => {
    const file = await tw.file(
      'offsets.csv',
      'tag,time,value\nP,2024-10-27T02:30:00+02:00,1\nP,2024-10-27T02:30:00+01:00,2\n',
    );
    expect(await tw.ingest(file, BERLIN)).toMatchObject({ values: 2 });
    expect((await tw.readings('offsets', 'P')).map((r) => r.t)).toEqual([
      us('2024-10-27T00:30:00Z'),
      us('2024-10-27T01:30:00Z'),
    ]);
    await expect(tw.ingest(file, { timeZone: 'Europe/Berlln' })).rejects.toThrow(
      `${file}: unknown time zone "Europe/Berlln": use an IANA name such as Europe/Berlin or UTC`,
    );
  });
});
