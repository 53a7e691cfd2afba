import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultAsset,
  planImport,
  signalColumns,
  toPreview,
  type ParquetDescription,
} from '../../../../src/main/core/import/plan.js';

let dir: string;
const write = async (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};
const noParquet = async (): Promise<ParquetDescription> => {
  throw new Error('describeParquet must not be called for text files');
};
const described = (description: ParquetDescription) => async () => description;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-plan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('planImport (text)', () => {
  it('plans a wide CSV with the file name as asset and units split from the header', async () => {
    const file = await write(
      'pump-7.csv',
      'time,Bearing temp [°C],Flow\n2024-03-01T00:00:00Z,41.5,10\n2024-03-01T00:01:00Z,41.6,11\n',
    );
    const plan = await planImport(file, {}, noParquet);
    expect(plan.format).toBe('wide-csv');
    expect(plan.asset).toBe('pump-7');
    expect(plan.timeZone).toBe('UTC');
    expect(plan.timeColumn).toBe('time');
    expect(plan.tagColumn).toBeNull();
    expect(signalColumns(plan)).toEqual(['Bearing temp [°C]', 'Flow']);
    const preview = toPreview(plan);
    expect(preview.signals).toEqual([
      { asset: 'pump-7', tag: 'Bearing temp', unit: '°C' },
      { asset: 'pump-7', tag: 'Flow', unit: null },
    ]);
    expect(preview.columns.map((c) => c.role)).toEqual(['time', 'signal', 'signal']);
  });

  it('applies the user options over detection', async () => {
    const file = await write('de.csv', 'Zeit;Druck [bar]\n01.03.2024 10:00:00;1,5\n01.03.2024 10:01:00;1,6\n');
    const plan = await planImport(
      file,
      { timeZone: 'Europe/Berlin', asset: 'Kessel 1', units: { Druck: 'kPa' }, assets: { Druck: 'Kessel 2' } },
      noParquet,
    );
    expect(plan.delimiter).toBe(';');
    expect(plan.decimal).toBe(',');
    expect(plan.timestampFormat).toBe('%d.%m.%Y %H:%M:%S');
    expect(plan.timeZone).toBe('Europe/Berlin');
    expect(plan.asset).toBe('Kessel 1');
    expect(toPreview(plan).signals).toEqual([{ asset: 'Kessel 2', tag: 'Druck', unit: 'kPa' }]);
    const overridden = await planImport(
      file,
      { timestampFormat: '%d.%m.%Y %H:%M', decimal: '.', delimiter: ';' },
      noParquet,
    );
    expect(overridden.timestampFormat).toBe('%d.%m.%Y %H:%M');
    expect(overridden.decimal).toBe('.');
  });

  it('plans a long CSV and its column roles', async () => {
    const file = await write(
      'long.csv',
      'tag,time,value,quality\nA,2024-03-01T00:00:00Z,1,192\nB,2024-03-01T00:00:00Z,2,192\n',
    );
    const plan = await planImport(file, {}, noParquet);
    expect(plan.format).toBe('long-csv');
    expect([plan.tagColumn, plan.timeColumn, plan.valueColumn, plan.qualityColumn]).toEqual([
      'tag',
      'time',
      'value',
      'quality',
    ]);
    expect(toPreview(plan).columns.map((c) => c.role)).toEqual(['tag', 'time', 'value', 'quality']);
    expect(toPreview(plan).signals).toEqual([]);
  });

  it('lets the user name the columns, and refuses names that are not in the file', async () => {
    const file = await write('named.csv', 'when,what,how much\n2024-03-01T00:00:00Z,A,1\n2024-03-01T00:01:00Z,A,2\n');
    const plan = await planImport(
      file,
      { format: 'long-csv', timeColumn: 'when', tagColumn: 'what', valueColumn: 'how much' },
      noParquet,
    );
    expect([plan.format, plan.timeColumn, plan.tagColumn, plan.valueColumn]).toEqual([
      'long-csv',
      'when',
      'what',
      'how much',
    ]);
    await expect(planImport(file, { timeColumn: 'zeit' }, noParquet)).rejects.toThrow(
      /no column "zeit" for the time.*when, what, how much/,
    );
    await expect(planImport(file, { format: 'long-csv' }, noParquet)).rejects.toThrow(
      /long format needs a tag column and a value column/,
    );
  });

  it('refuses empty files, missing files, Parquet named as text and text named as C-MAPSS', async () => {
    await expect(planImport(await write('empty.csv', ''), {}, noParquet)).rejects.toThrow(/empty/);
    await expect(planImport(join(dir, 'missing.csv'), {}, noParquet)).rejects.toThrow(/cannot open \(ENOENT\)/);
    const fakeParquet = await write('x.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(16)]));
    await expect(planImport(fakeParquet, { format: 'wide-csv' }, noParquet)).rejects.toThrow(
      /Parquet file, not wide-csv/,
    );
    const csv = await write('not-cmapss.csv', 'time,a\n2024-03-01T00:00:00Z,1\n');
    await expect(planImport(csv, { format: 'cmapss' }, noParquet)).rejects.toThrow(/not C-MAPSS/);
  });

  it('plans C-MAPSS with the unit as asset and the cycle as time', async () => {
    const line = (u: number, c: number) =>
      `${u} ${c} 0.1 0.2 100.0 ${Array.from({ length: 21 }, (_, i) => i + 0.5).join(' ')}`;
    const file = await write('train_FD009.txt', `${line(1, 1)}\n${line(1, 2)}\n${line(2, 1)}\n`);
    const plan = await planImport(file, {}, noParquet);
    expect(plan.format).toBe('cmapss');
    expect(plan.timeKind).toBe('cycle');
    expect(plan.assetColumn).toBe('unit');
    expect(plan.asset).toBe('train_FD009');
    expect(signalColumns(plan)).toHaveLength(24);
    expect(signalColumns(plan)).not.toContain('cycle');
    expect(signalColumns(plan)).not.toContain('unit');
  });
});

describe('planImport (Parquet)', () => {
  const parquetFile = async (name: string) => write(name, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(16)]));

  it('plans long Parquet from its described columns', async () => {
    const file = await parquetFile('long.parquet');
    const plan = await planImport(
      file,
      {},
      described({
        columns: [
          { name: 'tag', type: 'VARCHAR' },
          { name: 'time', type: 'TIMESTAMP WITH TIME ZONE' },
          { name: 'value', type: 'DOUBLE' },
          { name: 'quality', type: 'UINTEGER' },
        ],
        sampleRows: [],
      }),
    );
    expect(plan.format).toBe('parquet');
    expect([plan.tagColumn, plan.valueColumn, plan.qualityColumn, plan.timeColumn]).toEqual([
      'tag',
      'value',
      'quality',
      'time',
    ]);
    expect(plan.timeKind).toBe('timestamp');
    expect(plan.columnTypes).toEqual(['VARCHAR', 'TIMESTAMP WITH TIME ZONE', 'DOUBLE', 'UINTEGER']);
  });

  it('plans wide Parquet, falling back to the first temporal column', async () => {
    const plan = await planImport(
      await parquetFile('wide.parquet'),
      {},
      described({
        columns: [
          { name: 'Zeit', type: 'TIMESTAMP' },
          { name: 'Temp [°C]', type: 'DOUBLE' },
          { name: 'Speed', type: 'FLOAT' },
        ],
        sampleRows: [],
      }),
    );
    expect(plan.timeColumn).toBe('Zeit');
    expect(plan.tagColumn).toBeNull();
    expect(toPreview(plan).signals.map((s) => [s.tag, s.unit])).toEqual([
      ['Temp', '°C'],
      ['Speed', null],
    ]);
  });

  it('treats an integer cycle column as a cycle axis and refuses a file without time', async () => {
    const file = await parquetFile('cycles.parquet');
    const plan = await planImport(
      file,
      {},
      described({
        columns: [
          { name: 'cycle', type: 'BIGINT' },
          { name: 's1', type: 'DOUBLE' },
        ],
        sampleRows: [],
      }),
    );
    expect(plan.timeKind).toBe('cycle');
    await expect(
      planImport(file, {}, described({ columns: [{ name: 'a', type: 'DOUBLE' }], sampleRows: [] })),
    ).rejects.toThrow(/no time column/);
    await expect(
      planImport(
        file,
        { tagColumn: 'nope' },
        described({ columns: [{ name: 'cycle', type: 'BIGINT' }], sampleRows: [] }),
      ),
    ).rejects.toThrow(/no column "nope"/);
  });
});

describe('defaultAsset', () => {
  it('is the file name without extension', () => {
    expect(defaultAsset('/data/plant/Pump 3.csv')).toBe('Pump 3');
    expect(defaultAsset('/data/x.tar.gz')).toBe('x.tar');
  });
});
