import { describe, expect, it } from 'vitest';
import type { ImportPreview } from '../../../src/shared/domain.js';
import {
  applySignalEdit,
  buildImportOptions,
  defaultImportForm,
  editedSignal,
  emptyEdits,
  pruneEdits,
  tagsOnSeveralAssets,
} from '../../../src/renderer/logic/import-options.js';
import { withExtension, baseName } from '../../../src/renderer/logic/paths.js';

const preview: ImportPreview = {
  path: '/data/plant.csv',
  format: 'wide-csv',
  delimiter: ';',
  decimal: ',',
  hasHeader: true,
  timestampFormat: '%d.%m.%Y %H:%M:%S',
  timeZone: 'UTC',
  timeKind: 'timestamp',
  columns: [],
  sampleRows: [],
  signals: [
    { asset: 'plant', tag: 'TI-101', unit: '°C' },
    { asset: 'plant', tag: 'PI-102', unit: null },
  ],
  warnings: [],
};

describe('buildImportOptions', () => {
  it('sends only what the user set, time zone defaulting to UTC', () => {
    expect(buildImportOptions(defaultImportForm)).toEqual({ timeZone: 'UTC' });
    expect(buildImportOptions({ ...defaultImportForm, timeZone: '  ' })).toEqual({ timeZone: 'UTC' });
  });

  it('passes overrides and edits', () => {
    const options = buildImportOptions(
      {
        format: 'long-csv',
        delimiter: '\t',
        decimal: ',',
        timestampFormat: ' %d.%m.%Y ',
        timeZone: 'Europe/Berlin',
        asset: ' Line 3 ',
      },
      { assets: { 'TI-101': 'Pump 1' }, units: { 'PI-102': 'bar' } },
    );
    expect(options).toEqual({
      format: 'long-csv',
      delimiter: '\t',
      decimal: ',',
      timestampFormat: '%d.%m.%Y',
      timeZone: 'Europe/Berlin',
      asset: 'Line 3',
      assets: { 'TI-101': 'Pump 1' },
      units: { 'PI-102': 'bar' },
    });
  });
});

describe('signal edits', () => {
  it('records real changes only', () => {
    let edits = applySignalEdit(emptyEdits, preview, 'PI-102', 'unit', 'bar');
    expect(edits.units).toEqual({ 'PI-102': 'bar' });
    edits = applySignalEdit(edits, preview, 'PI-102', 'unit', '');
    expect(edits.units).toEqual({});
    edits = applySignalEdit(edits, preview, 'TI-101', 'asset', 'Pump 1');
    expect(editedSignal(preview.signals[0]!, edits)).toEqual({ asset: 'Pump 1', unit: '°C' });
    edits = applySignalEdit(edits, preview, 'TI-101', 'asset', 'plant');
    expect(edits.assets).toEqual({});
  });

  it('drops edits of tags a new preview no longer has', () => {
    const edits = { assets: { gone: 'x', 'TI-101': 'y' }, units: { gone: 'z' } };
    expect(pruneEdits(edits, preview)).toEqual({ assets: { 'TI-101': 'y' }, units: {} });
  });

  it('finds tags that several assets share', () => {
    const shared = tagsOnSeveralAssets({
      ...preview,
      signals: [
        { asset: 'engine 001', tag: 'sensor_1', unit: null },
        { asset: 'engine 002', tag: 'sensor_1', unit: null },
        { asset: 'engine 001', tag: 'sensor_2', unit: null },
      ],
    });
    expect([...shared]).toEqual(['sensor_1']);
  });
});

describe('paths', () => {
  it('sets the export extension', () => {
    expect(withExtension('/tmp/out.csv', 'parquet')).toBe('/tmp/out.parquet');
    expect(withExtension('/tmp/out', 'arrow')).toBe('/tmp/out.arrow');
    expect(withExtension('  ', 'csv')).toBe('');
    expect(baseName('C:\\data\\x.csv')).toBe('x.csv');
    expect(baseName('/data/y.csv')).toBe('y.csv');
  });
});
