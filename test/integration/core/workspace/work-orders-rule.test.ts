import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importWorkOrders } from '../../../../src/main/core/historians/events/work-orders.js';
import { openTempWorkspace, type TempWorkspace } from './helpers.js';

/** Work-order import (issue 9 §3): kinds without a type column, and times by the one time rule in a chosen zone. */

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const us = (iso: string) => Date.parse(iso) * 1000;

describe('work orders', () => {
  it('without a type column not every row is a failure: kinds come from failure code and description, with a warning', async () => {
    const file = await tw.file(
      'orders.csv',
      [
        'order,equipment,start,failure_code,description',
        'W1,P-101,2024-05-01T08:00:00Z,BRG,bearing seized',
        'W2,P-101,2024-05-02T08:00:00Z,,PM lubrication',
        'W3,P-101,2024-05-03T08:00:00Z,,inspection round',
        'W4,P-101,2024-05-04T08:00:00Z,,pump tripped on overload',
        '',
      ].join('\n'),
    );
    const result = await importWorkOrders(tw.ws, file);
    expect(result).toMatchObject({ events: 4, rejected: 0 });
    expect((await tw.ws.events(['P-101'])).map((e) => e.kind)).toEqual([
      'failure',
      'maintenance',
      'inspection',
      'failure',
    ]);
    expect(result.warnings).toEqual([
      'no type column: kinds inferred from failure code and description (2 failure, 1 maintenance, 1 inspection); add a type column to be exact',
    ]);
  });

  it('times without an offset are read in the chosen zone; offsets are kept', async () => {
    const file = await tw.file(
      'zoned.csv',
      'asset,start,end,type\nP-1,2024-07-01 10:00,01.07.2024 11:30,PM\nP-1,2024-07-02T10:00:00Z,,PM\n',
    );
    await importWorkOrders(tw.ws, file, { timeZone: 'Europe/Berlin' });
    expect((await tw.ws.events(['P-1'])).map((e) => [e.start, e.end])).toEqual([
      [us('2024-07-01T08:00:00Z'), us('2024-07-01T09:30:00Z')],
      [us('2024-07-02T10:00:00Z'), null],
    ]);
  });

  it('Europe/Berlin clock changes: a skipped start is rejected with the reason; the repeated hour keeps both orders', async () => {
    const file = await tw.file(
      'dst.csv',
      [
        'asset,start,type',
        'P-1,2024-03-31 02:30,corrective',
        'P-1,2024-10-27 02:30,corrective',
        'P-1,2024-10-27 02:30,corrective',
        '',
      ].join('\n'),
    );
    const result = await importWorkOrders(tw.ws, file, { timeZone: 'Europe/Berlin' });
    expect(result).toMatchObject({ events: 2, rejected: 1, duplicates: 0 });
    expect((await tw.ws.events(['P-1'])).map((e) => e.start)).toEqual([
      us('2024-10-27T00:30:00Z'),
      us('2024-10-27T01:30:00Z'),
    ]);
    const [reject] = await tw.ws.rejects(result.ingestId, 10);
    expect(reject).toMatchObject({
      line: 2,
      reason: 'start: 2024-03-31 02:30:00 does not exist in Europe/Berlin (the clocks skip that hour)',
    });
  });
});
