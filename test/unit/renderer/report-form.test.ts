import { describe, expect, it } from 'vitest';
import { dayToMicros, defaultReportName, folderOf, isAbsolutePath } from '../../../src/renderer/logic/report-form.js';

describe('Reports area form logic', () => {
  it('a UTC day is its first µs, or with endOfDay its last', () => {
    expect(dayToMicros('2026-03-31')).toBe(Date.UTC(2026, 2, 31) * 1000);
    expect(dayToMicros('2026-03-31', true)).toBe(Date.UTC(2026, 3, 1) * 1000 - 1);
    expect(dayToMicros('31.03.2026')).toBeNull();
    expect(dayToMicros('')).toBeNull();
  });

  it('names the file after the report and its period, in the folder already typed', () => {
    expect(defaultReportName('fleet', '2026-01-01', '2026-03-31', 'pdf')).toBe('fleet-2026-01-01-2026-03-31.pdf');
    expect(defaultReportName('value', '', '', 'html')).toBe('value.html');
    expect(folderOf('/data/reports/old.pdf')).toBe('/data/reports/');
    expect(folderOf('C:\\reports\\old.pdf')).toBe('C:\\reports\\');
    expect(folderOf('old.pdf')).toBe('');
  });

  it('accepts only full paths (the core refuses relative ones too)', () => {
    expect(isAbsolutePath('/tmp/a.pdf')).toBe(true);
    expect(isAbsolutePath('C:\\tmp\\a.pdf')).toBe(true);
    expect(isAbsolutePath('\\\\share\\a.pdf')).toBe(true);
    expect(isAbsolutePath('a.pdf')).toBe(false);
  });
});
