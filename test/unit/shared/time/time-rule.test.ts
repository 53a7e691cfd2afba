import { describe, expect, it } from 'vitest';
import {
  instantsOfLocal,
  parseTimeText,
  parseUserTime,
  passTracker,
  zoneSegments,
} from '../../../../src/shared/time/time-rule.js';

const us = (iso: string) => Date.parse(iso) * 1000;
const ok = (raw: string, zone = 'UTC', pass: 'first' | 'second' = 'first') => {
  const r = parseTimeText(raw, zone, pass);
  if (!r.ok) throw new Error(r.reason);
  return r.micros;
};

describe('the one time rule', () => {
  it('reads naive times in the chosen zone and offsets as given', () => {
    expect(ok('2024-01-15T12:00:00', 'Europe/Berlin')).toBe(us('2024-01-15T11:00:00Z'));
    expect(ok('2024-07-15 12:00', 'Europe/Berlin')).toBe(us('2024-07-15T10:00:00Z'));
    expect(ok('2024-07-15T12:00:00+02:00', 'America/New_York')).toBe(us('2024-07-15T10:00:00Z'));
    expect(ok('15.07.2024 12:00:00', 'Europe/Berlin')).toBe(us('2024-07-15T10:00:00Z'));
    expect(ok('2024-07-15T12:00:00.123456Z')).toBe(us('2024-07-15T12:00:00Z') + 123456);
  });

  it('Europe/Berlin 2024-03-31: 02:30 does not exist and is refused with the reason; 03:30 is itself', () => {
    const gap = parseTimeText('2024-03-31 02:30:00', 'Europe/Berlin');
    expect(gap).toEqual({
      ok: false,
      reason: '2024-03-31 02:30:00 does not exist in Europe/Berlin (the clocks skip that hour)',
    });
    expect(ok('2024-03-31 01:59:59', 'Europe/Berlin')).toBe(us('2024-03-31T00:59:59Z'));
    expect(ok('2024-03-31 03:30:00', 'Europe/Berlin')).toBe(us('2024-03-31T01:30:00Z'));
  });

  it('Europe/Berlin 2024-10-27: the repeated 02:30 is summer time on the first pass and winter time on the second', () => {
    expect(ok('2024-10-27 02:30:00', 'Europe/Berlin', 'first')).toBe(us('2024-10-27T00:30:00Z'));
    expect(ok('2024-10-27 02:30:00', 'Europe/Berlin', 'second')).toBe(us('2024-10-27T01:30:00Z'));
    expect(instantsOfLocal('Europe/Berlin', Date.parse('2024-10-27T02:30:00Z'))).toHaveLength(2);
    const pass = passTracker();
    const texts = ['2024-10-27 02:00', '2024-10-27 02:30', '2024-10-27 02:00', '2024-10-27 02:30'];
    const instants = texts.map((t) => ok(t, 'Europe/Berlin', pass('T', t)));
    expect(new Set(instants).size).toBe(4);
    expect(instants).toEqual(
      ['2024-10-27T00:00:00Z', '2024-10-27T00:30:00Z', '2024-10-27T01:00:00Z', '2024-10-27T01:30:00Z'].map(us),
    );
  });

  it('refuses years beyond 9999, offsets beyond ±18:00 and impossible dates', () => {
    expect(parseTimeText('294247-01-10T04:00:54Z', 'UTC')).toEqual({
      ok: false,
      reason: 'year 294247 is out of range (1-9999)',
    });
    expect(parseTimeText('2024-02-01T00:00:03+25:00', 'UTC')).toEqual({
      ok: false,
      reason: 'offset +25:00 is out of range (at most ±18:00)',
    });
    expect(parseTimeText('2024-02-30T00:00:00', 'UTC').ok).toBe(false);
    expect(parseTimeText('yesterday', 'UTC').ok).toBe(false);
  });

  it('command-line times: a date and a naive date-time are read by the same rule, in the given zone', () => {
    expect(parseUserTime('2025-01-01', '--from')).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(parseUserTime('2025-01-01T00:00:00', '--from')).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(parseUserTime('2025-01-01', '--from', 'Europe/Berlin')).toBe(Date.parse('2024-12-31T23:00:00Z'));
    expect(parseUserTime('2025-01-01T00:00:00', '--from', 'Europe/Berlin')).toBe(Date.parse('2024-12-31T23:00:00Z'));
    expect(parseUserTime('now', '--to', 'UTC', () => 42)).toBe(42);
    expect(() => parseUserTime('2024-03-31T02:30:00', '--from', 'Europe/Berlin')).toThrow(
      '--from: 2024-03-31 02:30:00 does not exist in Europe/Berlin',
    );
    expect(() => parseUserTime('2025-01-01', '--from', 'Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });

  it('zone segments agree with the per-value rule across 2024 in Berlin', () => {
    const segments = zoneSegments('Europe/Berlin', 2024, 2024);
    expect(segments.map((s) => s.kind)).toEqual(['normal', 'skipped', 'normal', 'repeated', 'normal']);
    expect(segments[1]?.localFrom).toBe(us('2024-03-31T02:00:00Z'));
    expect(segments[2]?.localFrom).toBe(us('2024-03-31T03:00:00Z'));
    expect(segments[3]).toMatchObject({
      localFrom: us('2024-10-27T02:00:00Z'),
      offset: 7_200_000_000,
      secondOffset: 3_600_000_000,
    });
    expect(segments[4]?.localFrom).toBe(us('2024-10-27T03:00:00Z'));
    expect(zoneSegments('UTC', 2000, 2030)).toHaveLength(1);
  });
});
