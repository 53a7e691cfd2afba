import { describe, expect, it } from 'vitest';
import {
  cmapssColumns,
  detectTimestampFormat,
  matchesFormat,
  sniffText,
  splitFields,
  splitLines,
  splitTagAndUnit,
} from '../../../../src/main/core/import/sniff.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

const cmapssLine = (unit: number, cycle: number) =>
  [
    unit,
    cycle,
    '-0.0007',
    '-0.0004',
    '100.0',
    ...Array.from({ length: 21 }, (_, i) => (500 + i + cycle / 10).toFixed(2)),
  ].join(' ');

describe('splitFields / splitLines', () => {
  it('honours double quotes, escaped quotes and the delimiter', () => {
    expect(splitFields('a,"b,c","say ""hi""", d ', ',')).toEqual(['a', 'b,c', 'say "hi"', 'd']);
    expect(splitFields('x;1,5;;2', ';')).toEqual(['x', '1,5', '', '2']);
  });
  it('drops blank lines and handles CRLF', () => {
    expect(splitLines('a,b\r\n\r\n1,2\r\n  \n3,4')).toEqual(['a,b', '1,2', '3,4']);
  });
});

describe('splitTagAndUnit', () => {
  it('takes the unit from square brackets or parentheses', () => {
    expect(splitTagAndUnit('Bearing temp [°C]')).toEqual({ tag: 'Bearing temp', unit: '°C' });
    expect(splitTagAndUnit('Pressure (bar)')).toEqual({ tag: 'Pressure', unit: 'bar' });
    expect(splitTagAndUnit('Vibration [mm/s]')).toEqual({ tag: 'Vibration', unit: 'mm/s' });
  });
  it('leaves names without a unit alone', () => {
    expect(splitTagAndUnit('Flow')).toEqual({ tag: 'Flow', unit: null });
    expect(splitTagAndUnit('[°C]')).toEqual({ tag: '[°C]', unit: null });
    expect(splitTagAndUnit('Speed [rpm] setpoint')).toEqual({ tag: 'Speed [rpm] setpoint', unit: null });
  });
});

describe('matchesFormat / detectTimestampFormat', () => {
  it('checks the pattern and the month/day ranges', () => {
    expect(matchesFormat('01.03.2024 10:00:00', '%d.%m.%Y %H:%M:%S')).toBe(true);
    expect(matchesFormat('01.13.2024 10:00:00', '%d.%m.%Y %H:%M:%S')).toBe(false);
    expect(matchesFormat('32.01.2024 10:00:00', '%d.%m.%Y %H:%M:%S')).toBe(false);
    expect(matchesFormat('01.03.2024 10:00', '%d.%m.%Y %H:%M:%S')).toBe(false);
    expect(matchesFormat('01.03.2024 10:00:00.250', '%d.%m.%Y %H:%M:%S')).toBe(true);
    expect(matchesFormat('2024/03/01 10:00:00', '%Y/%m/%d %H:%M:%S')).toBe(true);
  });
  it('recognises ISO 8601 with Z, offsets, fractions and a space separator', () => {
    for (const v of [
      '2024-03-01T10:00:00Z',
      '2024-03-01T10:00:00+02:00',
      '2024-03-01 10:00:00.125',
      '2024-03-01T10:00:00-0500',
      '2024-03-01',
    ]) {
      expect(detectTimestampFormat([v]), v).toEqual({ format: null, ok: true });
    }
  });
  it('finds European and US formats', () => {
    expect(detectTimestampFormat(['01.03.2024 10:00:00', '15.07.2024 12:30:00'])).toEqual({
      format: '%d.%m.%Y %H:%M:%S',
      ok: true,
    });
    expect(detectTimestampFormat(['01.03.2024 10:00'])).toEqual({ format: '%d.%m.%Y %H:%M', ok: true });
    expect(detectTimestampFormat(['25/12/2024 10:00:00'])).toEqual({ format: '%d/%m/%Y %H:%M:%S', ok: true });
    expect(detectTimestampFormat(['12/25/2024 10:00:00'])).toEqual({ format: '%m/%d/%Y %H:%M:%S', ok: true });
  });
  it('tolerates a few malformed times when at least 90 % of the sample match one format', () => {
    const good = Array.from({ length: 19 }, (_, i) => `01.03.2024 10:${String(i).padStart(2, '0')}:00`);
    expect(detectTimestampFormat([...good, '30.02.2024 25:00'])).toEqual({
      format: '%d.%m.%Y %H:%M:%S',
      ok: true,
      unmatched: 1,
    });
    const iso = Array.from({ length: 10 }, (_, i) => `2024-03-01T10:0${i}:00Z`);
    expect(detectTimestampFormat([...iso, 'n/a'])).toEqual({ format: null, ok: true, unmatched: 1 });
    expect(detectTimestampFormat([...good.slice(0, 5), 'x', 'y'])).toEqual({ format: null, ok: false });
    const s = sniffText(lines('Zeit;Wert', ...good.map((t, i) => `${t};${i},5`), 'kaputt;1,0'));
    expect(s.timestampFormat).toBe('%d.%m.%Y %H:%M:%S');
    expect(s.warnings.join(' ')).toMatch(/1 sample values do not match %d\.%m\.%Y %H:%M:%S/);
  });

  it('reports failure for text that is no time', () => {
    expect(detectTimestampFormat(['yesterday'])).toEqual({ format: null, ok: false });
    expect(detectTimestampFormat(['', ''])).toEqual({ format: null, ok: false });
  });
});

describe('sniffText', () => {
  it('detects a wide CSV with ISO times and units in the header', () => {
    const s = sniffText(
      lines('time,Bearing temp [°C],Pressure (bar)', '2024-03-01T00:00:00Z,41.5,1.2', '2024-03-01T00:01:00Z,41.7,1.3'),
    );
    expect(s.format).toBe('wide-csv');
    expect(s.delimiter).toBe(',');
    expect(s.decimal).toBe('.');
    expect(s.hasHeader).toBe(true);
    expect(s.header).toEqual(['time', 'Bearing temp [°C]', 'Pressure (bar)']);
    expect(s.timeColumn).toBe('time');
    expect(s.timeKind).toBe('timestamp');
    expect(s.timestampFormat).toBeNull();
    expect(s.tagColumn).toBeNull();
    expect(s.valueColumn).toBeNull();
    expect(s.rows).toHaveLength(2);
    expect(s.warnings).toEqual([]);
  });

  it('detects a long CSV with a quality and an asset column', () => {
    const s = sniffText(
      lines(
        'asset,tag,timestamp,value,quality',
        'P-101,Flow,2024-03-01T00:00:00Z,1.5,192',
        'P-101,Flow,2024-03-01T00:01:00Z,1.6,0',
      ),
    );
    expect(s.format).toBe('long-csv');
    expect(s.tagColumn).toBe('tag');
    expect(s.valueColumn).toBe('value');
    expect(s.qualityColumn).toBe('quality');
    expect(s.assetColumn).toBe('asset');
    expect(s.timeColumn).toBe('timestamp');
  });

  it('detects ";" with a decimal comma and a German timestamp format', () => {
    const s = sniffText(
      lines(
        'Zeitstempel;Lagertemperatur [°C];Druck [bar]',
        '01.03.2024 10:00:00;41,5;1,25',
        '01.03.2024 10:00:30;41,75;1',
      ),
    );
    expect(s.delimiter).toBe(';');
    expect(s.decimal).toBe(',');
    expect(s.timeColumn).toBe('Zeitstempel');
    expect(s.timestampFormat).toBe('%d.%m.%Y %H:%M:%S');
    expect(s.format).toBe('wide-csv');
  });

  it('keeps "." as the decimal mark when the delimiter is a comma', () => {
    expect(sniffText(lines('time,a', '2024-03-01T00:00:00Z,1.5')).decimal).toBe('.');
  });

  it('detects tab and pipe delimiters', () => {
    expect(sniffText(lines('time\ta\tb', '2024-03-01T00:00:00Z\t1\t2')).delimiter).toBe('\t');
    expect(sniffText(lines('time|a', '2024-03-01T00:00:00Z|1')).delimiter).toBe('|');
  });

  it('marks a cycle column as a cycle time axis', () => {
    const s = sniffText(lines('unit_name,cycle,temp', 'E1,1,500.1', 'E1,2,500.3'));
    expect(s.timeColumn).toBe('cycle');
    expect(s.timeKind).toBe('cycle');
    expect(s.timestampFormat).toBeNull();
    expect(s.assetColumn).toBe('unit_name');
  });

  it('finds an unnamed time column in a file without header', () => {
    const s = sniffText(lines('2024-03-01T00:00:00Z,1.5,2.5', '2024-03-01T00:01:00Z,1.6,2.6'));
    expect(s.hasHeader).toBe(false);
    expect(s.header).toEqual(['column1', 'column2', 'column3']);
    expect(s.timeColumn).toBe('column1');
    expect(s.rows).toHaveLength(2);
  });

  it('warns when day and month order cannot be told apart', () => {
    const s = sniffText(lines('time,a', '01/02/2024 10:00:00,1', '03/04/2024 10:00:00,2'));
    expect(s.timestampFormat).toBe('%d/%m/%Y %H:%M:%S');
    expect(s.warnings.join(' ')).toMatch(/ambiguous/);
    const proven = sniffText(lines('time,a', '01/02/2024 10:00:00,1', '25/04/2024 10:00:00,2'));
    expect(proven.timestampFormat).toBe('%d/%m/%Y %H:%M:%S');
    expect(proven.warnings).toEqual([]);
  });

  it('warns when the time format is not recognised', () => {
    const s = sniffText(lines('time,a', 'noon,1', 'evening,2'));
    expect(s.warnings.join(' ')).toMatch(/format not recognised/);
  });

  it('recognises C-MAPSS text', () => {
    const s = sniffText(`${[1, 2, 3].map((c) => `${cmapssLine(1, c)}  `).join('\n')}\n`);
    expect(s.format).toBe('cmapss');
    expect(s.timeKind).toBe('cycle');
    expect(s.header).toEqual(cmapssColumns);
    expect(s.rows[0]).toHaveLength(26);
    expect(cmapssColumns).toHaveLength(26);
  });

  it('recognises C-MAPSS text with a few damaged lines, and any C-MAPSS line when the user chose the format', () => {
    const good = Array.from({ length: 12 }, (_, i) => cmapssLine(1, i + 1));
    const damaged = [...good.slice(0, 2), '1 3 0.1 0.2', ...good.slice(3)];
    const s = sniffText(`${damaged.join('\n')}\n`);
    expect(s.format).toBe('cmapss');
    expect(s.rows).toHaveLength(11);
    expect(s.warnings.join(' ')).toMatch(/1 of the first 12 lines are not C-MAPSS rows/);
    const mostlyBad = [good[0] ?? '', '1 2 x', '1 3 y', good[3] ?? ''];
    expect(() => sniffText(`${mostlyBad.join('\n')}\n`)).toThrow(/delimiter/);
    expect(sniffText(`${mostlyBad.join('\n')}\n`, 'cmapss').format).toBe('cmapss');
    expect(sniffText(lines('time,a', '2024-03-01T00:00:00Z,1'), 'cmapss').format).toBe('wide-csv');
  });

  it('drops the cut-off last line of a sample', () => {
    const s = sniffText('time,a\n2024-03-01T00:00:00Z,1\n2024-03-01T00:01:00Z,2\n2024-03-01T00:0');
    expect(s.rows).toHaveLength(2);
  });

  it('refuses empty text, text without delimiter and files without a time column', () => {
    expect(() => sniffText('')).toThrow(/empty/);
    expect(() => sniffText('hello\nworld\n')).toThrow(/delimiter/);
    expect(() => sniffText(lines('a,b', '1,2', '3,4'))).toThrow(/no time column/);
  });
});
