import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempWorkspace, sqlString, utcMicros, withScratchDuckDB, type TempWorkspace } from './helpers.js';

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const MIN = 60_000_000;

describe('wide CSV', () => {
  it('stores one signal per column, with the unit taken from the header', async () => {
    const file = await tw.file(
      'pump1.csv',
      [
        'time,Bearing temp [°C],Pressure (bar),Flow',
        '2024-03-01T00:00:00Z,41.5,1.25,10',
        '2024-03-01T00:01:00Z,41.75,,11',
        '2024-03-01T00:02:00Z,-42e-1,1.5,12',
        '',
      ].join('\n'),
    );
    const summary = await tw.ingest(file);
    expect(summary.files[0]?.format).toBe('wide-csv');
    // The empty Pressure cell is not silently dropped: it is a reject of its own (line 3, field Pressure (bar)).
    expect(summary).toMatchObject({ rows: 3, values: 8, rejected: 1, duplicates: 0, signals: 3 });
    expect((await tw.ws.rejects(summary.files[0]?.ingestId, 10)).map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, 'Pressure (bar)', 'Pressure (bar): empty'],
    ]);
    const signals = await tw.ws.signals();
    expect(signals.map((s) => [s.asset, s.tag, s.unit, s.timeKind, s.count])).toEqual([
      ['pump1', 'Bearing temp', '°C', 'timestamp', 3],
      ['pump1', 'Flow', null, 'timestamp', 3],
      ['pump1', 'Pressure', 'bar', 'timestamp', 2],
    ]);
    expect(summary.signalIds.sort()).toEqual(signals.map((s) => s.id).sort());
    const t0 = utcMicros(2024, 3, 1);
    expect(await tw.readings('pump1', 'Bearing temp')).toEqual([
      { t: t0, value: 41.5, quality: null },
      { t: t0 + MIN, value: 41.75, quality: null },
      { t: t0 + 2 * MIN, value: -4.2, quality: null },
    ]);
    expect((await tw.readings('pump1', 'Pressure')).map((r) => [r.t, r.value])).toEqual([
      [t0, 1.25],
      [t0 + 2 * MIN, 1.5],
    ]);
    const [record] = await tw.ws.ingests();
    expect(record).toMatchObject({
      status: 'done',
      format: 'wide-csv',
      rows: 3,
      values: 8,
      rejected: 1,
      duplicates: 0,
    });
    expect(record?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the asset from an asset column and honours asset and unit overrides', async () => {
    const file = await tw.file(
      'plant.csv',
      ['asset,time,Temp [°C],Speed', 'P-1,2024-03-01T00:00:00Z,1,100', 'P-2,2024-03-01T00:00:00Z,2,200', ''].join('\n'),
    );
    const summary = await tw.ingest(file, { units: { Speed: 'rpm' } });
    expect(summary.values).toBe(4);
    const signals = await tw.ws.signals();
    expect(signals.map((s) => `${s.asset}/${s.tag}/${s.unit}`)).toEqual([
      'P-1/Speed/rpm',
      'P-1/Temp/°C',
      'P-2/Speed/rpm',
      'P-2/Temp/°C',
    ]);
    expect((await tw.readings('P-2', 'Speed'))[0]?.value).toBe(200);
  });

  it('reads ";" with decimal comma and "%d.%m.%Y %H:%M:%S" times in Europe/Berlin', async () => {
    const file = await tw.file(
      'kessel.csv',
      [
        'Zeitstempel;Lagertemperatur [°C];Druck [bar]',
        '01.03.2024 10:00:00;41,5;1,25',
        '01.03.2024 10:00:30;-41,75;2',
        '15.07.2024 12:00:00;1234,5;0,001',
        '',
      ].join('\n'),
    );
    const summary = await tw.ingest(file, { timeZone: 'Europe/Berlin' });
    expect(summary).toMatchObject({ rows: 3, values: 6, rejected: 0 });
    // Winter time is UTC+1, summer time UTC+2.
    expect(await tw.readings('kessel', 'Lagertemperatur')).toEqual([
      { t: utcMicros(2024, 3, 1, 9, 0, 0), value: 41.5, quality: null },
      { t: utcMicros(2024, 3, 1, 9, 0, 30), value: -41.75, quality: null },
      { t: utcMicros(2024, 7, 15, 10, 0, 0), value: 1234.5, quality: null },
    ]);
    expect((await tw.readings('kessel', 'Druck')).map((r) => r.value)).toEqual([1.25, 2, 0.001]);
    expect((await tw.ws.signals()).map((s) => s.unit)).toEqual(['bar', '°C']);
  });

  it('reads the same file with every option given explicitly', async () => {
    const file = await tw.file(
      'explicit.csv',
      ['Zeit;Wert A', '01.03.2024 10:00:00;1,5', '01.03.2024 10:00:01;2,5', ''].join('\n'),
    );
    const summary = await tw.ingest(file, {
      format: 'wide-csv',
      delimiter: ';',
      decimal: ',',
      timestampFormat: '%d.%m.%Y %H:%M:%S',
      timeZone: 'Europe/Berlin',
      asset: 'Kessel 9',
    });
    expect(summary.values).toBe(2);
    expect(await tw.readings('Kessel 9', 'Wert A')).toEqual([
      { t: utcMicros(2024, 3, 1, 9, 0, 0), value: 1.5, quality: null },
      { t: utcMicros(2024, 3, 1, 9, 0, 1), value: 2.5, quality: null },
    ]);
  });

  it('reads a file without header, naming the columns column1, column2, ...', async () => {
    const file = await tw.file(
      'raw.csv',
      ['2024-03-01T00:00:00Z,1.5,2.5', '2024-03-01T00:01:00Z,1.75,2.75', ''].join('\n'),
    );
    expect(await tw.ingest(file)).toMatchObject({ rows: 2, values: 4, rejected: 0 });
    expect((await tw.ws.signals()).map((s) => s.tag)).toEqual(['column2', 'column3']);
    expect((await tw.readings('raw', 'column3')).map((r) => [r.t, r.value])).toEqual([
      [utcMicros(2024, 3, 1), 2.5],
      [utcMicros(2024, 3, 1, 0, 1), 2.75],
    ]);
  });

  it('reads cycle-indexed wide CSV', async () => {
    const file = await tw.file(
      'engine.csv',
      ['cycle,T24,P30', '1,642.1,1589.7', '2,642.2,1591.8', '3,642.3,1587.9', ''].join('\n'),
    );
    await tw.ingest(file);
    const [p30] = await tw.ws.signals();
    expect(p30).toMatchObject({ tag: 'P30', timeKind: 'cycle', count: 3, firstT: 1, lastT: 3 });
    expect((await tw.readings('engine', 'T24')).map((r) => [r.t, r.value])).toEqual([
      [1, 642.1],
      [2, 642.2],
      [3, 642.3],
    ]);
  });
});

describe('ISO timestamps', () => {
  it('honours Z and numeric offsets, fractions, and treats naive times as UTC by default', async () => {
    const file = await tw.file(
      'iso.csv',
      [
        'tag,time,value',
        'A,2024-03-01T00:00:00Z,1',
        'A,2024-03-01T03:00:00+02:00,2',
        'A,2024-03-01T00:30:00-05:00,3',
        'A,2024-03-01 06:00:00,4',
        'A,2024-03-01T07:00:00.250Z,5',
        '',
      ].join('\n'),
    );
    expect((await tw.ingest(file)).values).toBe(5);
    expect((await tw.readings('iso', 'A')).map((r) => [r.t, r.value])).toEqual([
      [utcMicros(2024, 3, 1, 0), 1],
      [utcMicros(2024, 3, 1, 1), 2],
      [utcMicros(2024, 3, 1, 5, 30), 3],
      [utcMicros(2024, 3, 1, 6), 4],
      [utcMicros(2024, 3, 1, 7, 0, 0, 250), 5],
    ]);
  });

  it('applies the chosen zone only to times without an offset', async () => {
    const file = await tw.file(
      'iso-berlin.csv',
      [
        'tag,time,value',
        'A,2024-03-01T00:00:00Z,1',
        'A,2024-03-01T03:00:00+02:00,2',
        'A,2024-03-01 06:00:00,3',
        'A,2024-07-01 06:00:00,4',
        '',
      ].join('\n'),
    );
    await tw.ingest(file, { timeZone: 'Europe/Berlin' });
    expect((await tw.readings('iso-berlin', 'A')).map((r) => r.t)).toEqual([
      utcMicros(2024, 3, 1, 0),
      utcMicros(2024, 3, 1, 1),
      utcMicros(2024, 3, 1, 5),
      utcMicros(2024, 7, 1, 4),
    ]);
  });
});

describe('long CSV', () => {
  it('stores tag, time, value and quality, one signal per tag', async () => {
    const file = await tw.file(
      'historian.csv',
      [
        'tag,timestamp,value,quality',
        'Vibration [mm/s],2024-03-01T00:00:00Z,1.5,192',
        'Temp,2024-03-01T00:00:00Z,20.25,0',
        'Vibration [mm/s],2024-03-01T00:01:00Z,1.75,2147483648',
        'Temp,2024-03-01T00:01:00Z,20.5,',
        '',
      ].join('\n'),
    );
    const summary = await tw.ingest(file);
    expect(summary.files[0]?.format).toBe('long-csv');
    expect(summary).toMatchObject({ rows: 4, values: 4, rejected: 0, duplicates: 0, signals: 2 });
    expect((await tw.ws.signals()).map((s) => [s.asset, s.tag, s.unit])).toEqual([
      ['historian', 'Temp', null],
      ['historian', 'Vibration', 'mm/s'],
    ]);
    const t0 = utcMicros(2024, 3, 1);
    expect(await tw.readings('historian', 'Vibration')).toEqual([
      { t: t0, value: 1.5, quality: 192 },
      { t: t0 + MIN, value: 1.75, quality: 2147483648 },
    ]);
    expect(await tw.readings('historian', 'Temp')).toEqual([
      { t: t0, value: 20.25, quality: 0 },
      { t: t0 + MIN, value: 20.5, quality: null },
    ]);
  });

  it('reads the asset from an asset column', async () => {
    const file = await tw.file(
      'assets.csv',
      ['asset,tag,time,value', 'P-1,Flow,2024-03-01T00:00:00Z,1', 'P-2,Flow,2024-03-01T00:00:00Z,2', ''].join('\n'),
    );
    await tw.ingest(file);
    expect((await tw.ws.signals()).map((s) => `${s.asset}/${s.tag}`)).toEqual(['P-1/Flow', 'P-2/Flow']);
    expect((await tw.readings('P-2', 'Flow'))[0]?.value).toBe(2);
  });
});

describe('Parquet', () => {
  it('imports long Parquet written by DuckDB, with quality', async () => {
    const path = `${tw.root}/data/long.parquet`;
    await withScratchDuckDB((all) =>
      all(`COPY (
             SELECT CASE WHEN i % 2 = 0 THEN 'Temp [°C]' ELSE 'Speed' END AS tag,
                    TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_minutes((i // 2)::BIGINT) AS time,
                    i * 1.5 AS value, (i % 3)::UINTEGER AS quality
             FROM range(200) r(i)
           ) TO ${sqlString(path)} (FORMAT parquet)`),
    );
    const summary = await tw.ingest(path, { asset: 'Line 1' });
    expect(summary.files[0]?.format).toBe('parquet');
    expect(summary).toMatchObject({ rows: 200, values: 200, rejected: 0, duplicates: 0, signals: 2 });
    const temp = await tw.readings('Line 1', 'Temp');
    expect(temp).toHaveLength(100);
    expect(temp[0]).toEqual({ t: utcMicros(2024, 3, 1), value: 0, quality: 0 });
    expect(temp[99]).toEqual({ t: utcMicros(2024, 3, 1) + 99 * MIN, value: 198 * 1.5, quality: 198 % 3 });
    expect((await tw.ws.signals()).find((s) => s.tag === 'Temp')?.unit).toBe('°C');
  });

  it('imports wide Parquet with a naive TIMESTAMP column read in the chosen zone', async () => {
    const path = `${tw.root}/data/wide.parquet`;
    await withScratchDuckDB((all) =>
      all(`COPY (
             SELECT TIMESTAMP '2024-07-01 12:00:00' + to_seconds(i::BIGINT) AS timestamp,
                    i::DOUBLE AS "Temp [°C]", CASE WHEN i = 5 THEN NULL ELSE -i END::FLOAT AS Speed
             FROM range(10) r(i)
           ) TO ${sqlString(path)} (FORMAT parquet)`),
    );
    const summary = await tw.ingest(path, { timeZone: 'Europe/Berlin' });
    expect(summary).toMatchObject({ rows: 10, values: 19, rejected: 1, signals: 2 });
    const temp = await tw.readings('wide', 'Temp');
    expect(temp.map((r) => r.t)).toEqual(Array.from({ length: 10 }, (_, i) => utcMicros(2024, 7, 1, 10, 0, i)));
    expect(temp.map((r) => r.value)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const speed = await tw.readings('wide', 'Speed');
    expect(speed.map((r) => r.value)).toEqual([0, -1, -2, -3, -4, -6, -7, -8, -9]);
    expect((await tw.ws.signals()).map((s) => [s.tag, s.unit])).toEqual([
      ['Speed', null],
      ['Temp', '°C'],
    ]);
  });

  it('imports wide Parquet with an integer cycle column as cycles, and ISO text times as timestamps', async () => {
    const cycles = `${tw.root}/data/cycles.parquet`;
    const text = `${tw.root}/data/texttime.parquet`;
    await withScratchDuckDB(async (all) => {
      await all(
        `COPY (SELECT (i + 1)::INTEGER AS cycle, i * 0.5 AS s1 FROM range(5) r(i)) TO ${sqlString(cycles)} (FORMAT parquet)`,
      );
      await all(
        `COPY (SELECT '2024-03-01T0' || i || ':00:00+01:00' AS time, i::DOUBLE AS s2 FROM range(3) r(i)) TO ${sqlString(text)} (FORMAT parquet)`,
      );
    });
    await tw.ingest(cycles);
    expect((await tw.ws.signals()).map((s) => [s.tag, s.timeKind, s.firstT, s.lastT, s.count])).toEqual([
      ['s1', 'cycle', 1, 5, 5],
    ]);
    await tw.ingest(text);
    expect((await tw.readings('texttime', 's2')).map((r) => r.t)).toEqual([
      utcMicros(2024, 2, 29, 23),
      utcMicros(2024, 3, 1, 0),
      utcMicros(2024, 3, 1, 1),
    ]);
  });
});
