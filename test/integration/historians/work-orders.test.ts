import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importWorkOrders, parseEventTime } from '../../../src/main/core/historians/events/work-orders.js';
import { PlantModel, workOrdersCsv } from '../../../src/main/core/historians/simulator/plant-model.js';
import { signalKey } from '../../../src/main/core/workspace/stream-ingest.js';
import { openFixture } from './opcua-helpers.js';

describe('CMMS work orders into events', () => {
  it('imports the simulator work orders, maps asset names, rejects bad rows with their line, adds nothing twice', async () => {
    const fx = await openFixture();
    try {
      const sink = await fx.ws.openStream({ source: 't', mode: 'per-batch', format: 't' });
      await sink.declare([
        { asset: 'P-101', tag: 'Flow' },
        { asset: 'P-102', tag: 'Flow' },
      ]);
      await sink.write([
        { key: signalKey('P-101', 'Flow'), t: [1], value: [1] },
        { key: signalKey('P-102', 'Flow'), t: [1], value: [1] },
      ]);
      await sink.close();
      const model = new PlantModel({
        seed: 7,
        assets: 2,
        startMs: Date.UTC(2024, 0, 1),
        endMs: Date.UTC(2024, 3, 1),
        periodMs: 60_000,
      });
      const orders = model.workOrdersBetween(Date.UTC(2024, 0, 1), Date.UTC(2024, 3, 1));
      expect(orders.some((o) => o.kind === 'failure')).toBe(true);
      // A CMMS that spells assets its own way, plus two broken rows.
      const csv =
        workOrdersCsv(orders).replaceAll(',P-101,', ',p101,') +
        'WO-X,P-102,corrective,yesterday,,BRG,"bad time"\nWO-Y,P-102\n';
      const file = join(fx.root, 'wo.csv');
      await writeFile(file, csv);
      const result = await importWorkOrders(fx.ws, file);
      expect(result).toMatchObject({ events: orders.length, rejected: 2, duplicates: 0, unmatchedAssets: [] });
      expect(result.assets['p101']).toBe('P-101');
      const events = await fx.ws.eventRecords(['P-101']);
      const first = orders.find((o) => o.asset === 'P-101');
      expect(events[0]).toMatchObject({
        asset: 'P-101',
        kind: first?.kind,
        startT: (first?.startMs ?? 0) * 1000,
        code: first?.code,
      });
      const rejects = await fx.ws.rejects(result.ingestId, 10);
      expect(rejects.map((r) => [r.line, r.reason])).toEqual([
        [
          orders.length + 2,
          'start: "yesterday" is not a time (use ISO 8601 such as 2024-03-31T02:30:00, with or without an offset)',
        ],
        [orders.length + 3, 'expected 7 fields, found 2'],
      ]);
      const again = await importWorkOrders(fx.ws, file);
      expect(again).toMatchObject({ events: 0, duplicates: orders.length });
    } finally {
      await fx.close();
    }
  });

  it('reads ISO and European times as UTC', () => {
    expect(parseEventTime('2024-03-01T10:00:00Z').micros).toBe(Date.UTC(2024, 2, 1, 10) * 1000);
    expect(parseEventTime('2024-03-01 10:00').micros).toBe(Date.UTC(2024, 2, 1, 10) * 1000);
    expect(parseEventTime('01.03.2024 10:00:30').micros).toBe(Date.UTC(2024, 2, 1, 10, 0, 30) * 1000);
    expect(parseEventTime('soon').micros).toBeNull();
  });
});
