import { afterEach, describe, expect, it } from 'vitest';
import { parseTime } from '../../../../src/main/core/historians/control.js';

/**
 * `--from` / `--to` / `--end` are read by the one time rule: a naive date-time and a date alone are the same kind of
 * time (UTC unless a zone is given), whatever the machine's own time zone is.
 */
const machineZone = process.env['TZ'];
afterEach(() => {
  if (machineZone === undefined) delete process.env['TZ'];
  else process.env['TZ'] = machineZone;
});

describe('command-line times', () => {
  it('2025-01-01T00:00:00 and 2025-01-01 are the same instant, also on a machine set to New York', () => {
    process.env['TZ'] = 'America/New_York';
    expect(parseTime('2025-01-01T00:00:00', '--from')).toBe(Date.UTC(2025, 0, 1));
    expect(parseTime('2025-01-01', '--from')).toBe(Date.UTC(2025, 0, 1));
    expect(parseTime('2025-01-01T00:00:00-05:00', '--from')).toBe(Date.UTC(2025, 0, 1, 5));
  });

  it('reads naive times in a zone when one is given, refusing a skipped local time with the reason', () => {
    expect(parseTime('2025-01-01', '--from', 'Europe/Berlin')).toBe(Date.UTC(2024, 11, 31, 23));
    expect(() => parseTime('2024-03-31T02:30', '--from', 'Europe/Berlin')).toThrow(
      '--from: 2024-03-31 02:30:00 does not exist in Europe/Berlin (the clocks skip that hour)',
    );
    expect(() => parseTime('tomorrow', '--to')).toThrow(/--to: "tomorrow" is not a time/);
  });
});
