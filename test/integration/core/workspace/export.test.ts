import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempWorkspace, sqlString, utcMicros, withScratchDuckDB, type TempWorkspace } from './helpers.js';

const T0 = utcMicros(2024, 3, 1);
/** A little over a second apart, so the microseconds matter. */
const STEP = 1_000_123;
const N = 50;

interface Row {
  asset: string;
  tag: string;
  unit: string | null;
  t: number;
  value: number;
  quality: number | null;
}

const value = (tag: string, i: number) => (tag === 'Flow' ? i * 0.1 - 2.5 : tag === 'Temp' ? 20 + i / 3 : -i);
const quality = (i: number) => (i % 4 === 0 ? null : i % 4 === 1 ? 192 : 0x80000000 + i);
const isoMicros = (t: number) =>
  `${new Date(Math.floor(t / 1000)).toISOString().slice(0, -1)}${String(t % 1000).padStart(3, '0')}Z`;

let tw: TempWorkspace;
let ids: Record<string, number>;

beforeAll(async () => {
  tw = await openTempWorkspace();
  const lines = ['tag,time,value,quality'];
  for (const tag of ['Temp [°C]', 'Flow', 'Other']) {
    for (let i = 0; i < N; i++) {
      const q = quality(i);
      lines.push(`${tag},${isoMicros(T0 + i * STEP)},${value(tag.split(' ')[0] ?? '', i)},${q ?? ''}`);
    }
  }
  await tw.ingest(await tw.file('plant.csv', `${lines.join('\n')}\n`), { asset: 'P-1' });
  ids = Object.fromEntries((await tw.ws.signals()).map((s) => [s.tag, s.id]));
  const line = (u: number, c: number) =>
    `${u} ${c} 0.1 0.2 100.0 ${Array.from({ length: 21 }, (_, k) => (k + c / 8).toFixed(3)).join(' ')}`;
  await tw.ingest(
    await tw.file('mini_FD001.txt', `${Array.from({ length: 30 }, (_, c) => line(1, c + 1)).join('\n')}\n`),
  );
});
afterAll(async () => {
  await tw.close();
});

/** The selection Flow + Temp, readings 10..39, in export order (asset, tag, time). */
const expected = (): Row[] =>
  ['Flow', 'Temp'].flatMap((tag) =>
    Array.from({ length: 30 }, (_, k) => {
      const i = k + 10;
      return {
        asset: 'P-1',
        tag,
        unit: tag === 'Temp' ? '°C' : null,
        t: T0 + i * STEP,
        value: value(tag, i),
        quality: quality(i),
      };
    }),
  );
const selection = () => ({
  signalIds: [ids['Temp'] ?? -1, ids['Flow'] ?? -1],
  from: T0 + 10 * STEP,
  to: T0 + 39 * STEP,
});
const out = (name: string) => join(tw.root, name);

const arrowRows = (table: Table, timeName: string): Row[] => {
  const col = (name: string) => {
    const vector = table.getChild(name);
    if (vector === null) throw new Error(`no column ${name}`);
    return vector;
  };
  const times = col(timeName).data.flatMap((d) => Array.from(d.values as BigInt64Array, Number));
  return Array.from({ length: table.numRows }, (_, i) => ({
    asset: col('asset').get(i) as string,
    tag: col('tag').get(i) as string,
    unit: col('unit').get(i) as string | null,
    t: times[i] ?? Number.NaN,
    value: col('value').get(i) as number,
    quality: col('quality').get(i) as number | null,
  }));
};

describe('export', () => {
  it('CSV: header, ISO times with microseconds, values and nulls read back by DuckDB', async () => {
    const path = out('sel.csv');
    expect(await tw.ws.export({ ...selection(), format: 'csv', path })).toBe(60);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')[0]).toBe('asset,tag,unit,time,value,quality');
    expect(text).toContain(isoMicros(T0 + 10 * STEP).replace('Z', ''));
    const rows = await withScratchDuckDB((all) =>
      all(`SELECT asset, tag, unit, epoch_us("time"::TIMESTAMPTZ) AS t, value::DOUBLE AS value, quality::UBIGINT AS quality
           FROM read_csv(${sqlString(path)}, all_varchar = true)`),
    );
    expect(rows).toEqual(expected());
  });

  it('Parquet: typed columns (TIMESTAMPTZ, DOUBLE, UINTEGER) read back by DuckDB', async () => {
    const path = out('sel.parquet');
    expect(await tw.ws.export({ ...selection(), format: 'parquet', path })).toBe(60);
    await withScratchDuckDB(async (all) => {
      const types = await all(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
      expect(types.map((c) => [c['column_name'], c['column_type']])).toEqual([
        ['asset', 'VARCHAR'],
        ['tag', 'VARCHAR'],
        ['unit', 'VARCHAR'],
        ['time', 'TIMESTAMP WITH TIME ZONE'],
        ['value', 'DOUBLE'],
        ['quality', 'UINTEGER'],
      ]);
      const rows = await all(
        `SELECT asset, tag, unit, epoch_us("time") AS t, value, quality FROM read_parquet(${sqlString(path)})`,
      );
      expect(rows).toEqual(expected());
    });
  });

  it('Arrow IPC: a UTC microsecond time column, read back with apache-arrow', async () => {
    const path = out('sel.arrow');
    expect(await tw.ws.export({ ...selection(), format: 'arrow', path })).toBe(60);
    const table = tableFromIPC(await readFile(path));
    expect(table.numRows).toBe(60);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['asset', 'tag', 'unit', 'time', 'value', 'quality']);
    expect(String(table.schema.fields[3]?.type)).toMatch(/Timestamp<MICROSECOND, UTC>/i);
    expect(arrowRows(table, 'time')).toEqual(expected());
  });

  it('exports the whole history when no range is given, and nothing for an empty range', async () => {
    const all = out('all.parquet');
    expect(await tw.ws.export({ signalIds: [ids['Other'] ?? -1], format: 'parquet', path: all })).toBe(N);
    const empty = out('empty.arrow');
    expect(await tw.ws.export({ signalIds: [ids['Other'] ?? -1], from: 0, to: 1, format: 'arrow', path: empty })).toBe(
      0,
    );
    expect(tableFromIPC(await readFile(empty)).numRows).toBe(0);
    const emptyCsv = out('empty.csv');
    expect(await tw.ws.export({ signalIds: [ids['Other'] ?? -1], from: 0, to: 1, format: 'csv', path: emptyCsv })).toBe(
      0,
    );
    expect((await readFile(emptyCsv, 'utf8')).trim()).toBe('asset,tag,unit,time,value,quality');
  });

  it('exports cycle-indexed signals with a cycle column', async () => {
    const sensor = (await tw.ws.signals()).filter(
      (s) => s.timeKind === 'cycle' && ['sensor_1', 'sensor_2'].includes(s.tag),
    );
    expect(sensor).toHaveLength(2);
    const signalIds = sensor.map((s) => s.id);
    const arrow = out('cycles.arrow');
    expect(await tw.ws.export({ signalIds, from: 5, to: 14, format: 'arrow', path: arrow })).toBe(20);
    const table = tableFromIPC(await readFile(arrow));
    expect(table.schema.fields.map((f) => f.name)).toEqual(['asset', 'tag', 'unit', 'cycle', 'value', 'quality']);
    const rows = arrowRows(table, 'cycle');
    expect(rows.map((r) => [r.tag, r.t, r.value])).toEqual(
      ['sensor_1', 'sensor_2'].flatMap((tag, k) =>
        Array.from({ length: 10 }, (_, i) => [tag, i + 5, Number((k + (i + 5) / 8).toFixed(3))]),
      ),
    );
    const csv = out('cycles.csv');
    expect(await tw.ws.export({ signalIds, format: 'csv', path: csv })).toBe(60);
    const back = await withScratchDuckDB((all) =>
      all(
        `SELECT count(*) AS n, min(cycle::BIGINT) AS lo, max(cycle::BIGINT) AS hi FROM read_csv(${sqlString(csv)}, all_varchar = true)`,
      ),
    );
    expect(back).toEqual([{ n: 60, lo: 1, hi: 30 }]);
  });

  it('Arrow IPC over several record batches keeps every row in order', async () => {
    const n = 70_000;
    const rows = Array.from({ length: n }, (_, i) => `${i + 1},${(i * 0.001).toFixed(3)}`);
    await tw.ingest(await tw.file('long-run.csv', `cycle,Speed\n${rows.join('\n')}\n`));
    const speed = await tw.ws.resolveSignal('long-run/Speed');
    const path = out('long-run.arrow');
    expect(await tw.ws.export({ signalIds: [speed.id], format: 'arrow', path })).toBe(n);
    const table = tableFromIPC(await readFile(path));
    expect(table.numRows).toBe(n);
    expect(table.batches.length).toBeGreaterThan(1);
    const back = arrowRows(table, 'cycle');
    expect(back.every((r, i) => r.t === i + 1 && r.value === Number((i * 0.001).toFixed(3)) && r.tag === 'Speed')).toBe(
      true,
    );
  });

  it('refuses mixed time axes and unknown signals, leaving no file behind', async () => {
    const cycle = (await tw.ws.signals()).find((s) => s.timeKind === 'cycle');
    const path = out('mixed.csv');
    await expect(
      tw.ws.export({ signalIds: [ids['Flow'] ?? -1, cycle?.id ?? -1], format: 'csv', path }),
    ).rejects.toThrow(/same time axis/);
    await expect(tw.ws.export({ signalIds: [987654], format: 'parquet', path })).rejects.toThrow(
      /none of the signals exists/,
    );
    const files = await readdir(tw.root);
    expect(files.filter((f) => f.startsWith('mixed') || f.endsWith('.partial'))).toEqual([]);
  });
});
