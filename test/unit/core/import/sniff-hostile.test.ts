import { describe, expect, it } from 'vitest';
import { decodeSample } from '../../../../src/main/core/import/encoding.js';
import { sniffText, splitLines } from '../../../../src/main/core/import/sniff.js';

/** The sniffer and the encoding check on the hostile shapes of issue 9 (pure: no files). */

const iso = (s: number) => new Date(Date.UTC(2024, 1, 1) + s * 1000).toISOString();

describe('sniffing hostile samples', () => {
  it('splits records, not lines: a quoted line break stays inside its field', () => {
    expect(splitLines('a,b\n"x\ny",2\nz,3\n')).toEqual(['a,b', '"x\ny",2', 'z,3']);
    // An unclosed quote would swallow the rest: plain lines are used and the reader rejects the culprit.
    expect(splitLines('a,b\n"x,1\nz,3\n')).toEqual(['a,b', '"x,1', 'z,3']);
  });

  it('says which lines break the field count instead of "could not detect a delimiter"', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `T,${iso(i)},${i}${i < 3 ? ',extra' : ''}`);
    expect(() => sniffText(`tag,time,value\n${rows.join('\n')}\n`)).toThrow(
      '3 of the first 11 lines (2, 3, 4) do not have the 3 fields of line 1 when split by ","',
    );
    // With the delimiter chosen, the sample is read with it and those lines become rejects later.
    expect(sniffText(`tag,time,value\n${rows.join('\n')}\n`, 'long-csv', ',').format).toBe('long-csv');
  });

  it('names unnamed columns after their position with a warning; refuses a repeated or binary column name', () => {
    const sniff = sniffText(`time,,B\n${iso(0)},1,2\n${iso(1)},3,4\n`);
    expect(sniff.header).toEqual(['time', 'column2', 'B']);
    expect(sniff.warnings).toContain('line 1: column 2 has no name; named "column2"');
    expect(() => sniffText(`time,A,A\n${iso(0)},1,2\n`)).toThrow('column "A" appears twice (columns 2 and 3)');
    expect(() => sniffText(`time,A\u0000\n${iso(0)},1\n`)).toThrow('the name of column 2 contains a NUL byte');
  });

  it('warns when day and month cannot be told apart, for every d/m format', () => {
    const ambiguous = sniffText('time,A\n01/02/2024 10:00,1\n03/04/2024 10:00,2\n');
    expect(ambiguous.warnings.join()).toMatch(/day\/month order is ambiguous/);
    const clear = sniffText('time,A\n13/02/2024 10:00,1\n03/04/2024 10:00,2\n');
    expect(clear.warnings.join()).not.toMatch(/ambiguous/);
  });
});

describe('text encodings', () => {
  it('UTF-8 (with or without BOM), UTF-16 LE with BOM, Latin-1 with a warning; UTF-32 and UTF-16 BE refused', () => {
    expect(decodeSample('f', Buffer.from('time,°C\n', 'utf8'))).toEqual({
      encoding: 'utf-8',
      text: 'time,°C\n',
      warnings: [],
    });
    expect(decodeSample('f', Buffer.from('\ufefftime\n', 'utf8')).text).toBe('time\n');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('time,A\n', 'utf16le')]);
    expect(decodeSample('f', utf16)).toMatchObject({ encoding: 'utf-16', text: 'time,A\n' });
    const latin1 = decodeSample('f', Buffer.from('time,Druck [°C]\n', 'latin1'));
    expect(latin1).toMatchObject({ encoding: 'latin-1', text: 'time,Druck [°C]\n' });
    expect(latin1.warnings[0]).toMatch(/not UTF-8 text: it is read as Latin-1/);
    expect(() => decodeSample('f', Buffer.from([0xff, 0xfe, 0, 0, 0x74, 0, 0, 0]))).toThrow(
      'f: the file is UTF-32 text',
    );
    expect(() => decodeSample('f', Buffer.from([0xfe, 0xff, 0, 0x74]))).toThrow('UTF-16 big-endian');
    expect(() => decodeSample('f', Buffer.from('time,A\n', 'utf16le'))).toThrow(
      'UTF-16 text without a byte-order mark',
    );
  });

  it('a multi-byte character cut by the end of the sample is still UTF-8', () => {
    const cut = Buffer.from('time,°C', 'utf8').subarray(0, -1);
    expect(decodeSample('f', cut).encoding).toBe('utf-8');
  });
});
