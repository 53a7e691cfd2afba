import { describe, expect, it } from 'vitest';
import {
  US_PER_DAY,
  US_PER_HOUR,
  US_PER_MINUTE,
  US_PER_SECOND,
  formatCount,
  formatDuration,
  formatNumber,
  formatTick,
  formatTimeValue,
  formatTimestamp,
  niceStep,
  tickStep,
  timeTicks,
} from '../../../src/renderer/logic/time-format.js';

const us = (iso: string) => Date.parse(iso) * 1000;

describe('formatTimestamp', () => {
  it('formats microseconds since the epoch as short UTC', () => {
    const t = us('2024-03-05T14:03:22.250Z');
    expect(formatTimestamp(t)).toBe('2024-03-05 14:03:22');
    expect(formatTimestamp(t, 'day')).toBe('2024-03-05');
    expect(formatTimestamp(t, 'minute')).toBe('2024-03-05 14:03');
    expect(formatTimestamp(t, 'millisecond')).toBe('2024-03-05 14:03:22.250');
  });

  it('handles the epoch and times before it', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00');
    expect(formatTimestamp(-US_PER_SECOND)).toBe('1969-12-31 23:59:59');
  });

  it('shows the wall clock of a display zone across the spring and autumn changes', () => {
    const berlin = 'Europe/Berlin';
    // Spring: 01:59:59 CET is followed by 03:00:00 CEST.
    expect(formatTimestamp(us('2024-03-31T00:59:59Z'), 'second', berlin)).toBe('2024-03-31 01:59:59');
    expect(formatTimestamp(us('2024-03-31T01:00:00Z'), 'second', berlin)).toBe('2024-03-31 03:00:00');
    expect(formatTimestamp(us('2024-03-31T01:30:00.250Z'), 'millisecond', berlin)).toBe('2024-03-31 03:30:00.250');
    // Autumn: 02:30 is shown twice, an hour apart.
    expect(formatTimestamp(us('2024-10-27T00:30:00Z'), 'minute', berlin)).toBe('2024-10-27 02:30');
    expect(formatTimestamp(us('2024-10-27T01:30:00Z'), 'minute', berlin)).toBe('2024-10-27 02:30');
    // The day follows the zone, not UTC.
    expect(formatTimestamp(us('2024-03-30T23:30:00Z'), 'day', berlin)).toBe('2024-03-31');
    expect(formatTimeValue(us('2024-03-31T01:30:00Z'), 'timestamp', berlin)).toBe('2024-03-31 03:30:00 Europe/Berlin');
    expect(formatTick(us('2024-03-31T01:30:00Z'), 'timestamp', US_PER_MINUTE, US_PER_HOUR, berlin)).toBe('03:30');
  });

  it('puts day ticks on the display zone midnight and hour ticks on its whole hours', () => {
    const berlin = 'Europe/Berlin';
    const days = timeTicks(us('2024-01-01T00:00:00Z'), us('2024-01-05T00:00:00Z'), 'timestamp', 4, berlin);
    expect(days.map((t) => formatTimestamp(t, 'minute', berlin))).toEqual([
      '2024-01-02 00:00',
      '2024-01-03 00:00',
      '2024-01-04 00:00',
      '2024-01-05 00:00',
    ]);
    const kolkata = timeTicks(us('2024-01-01T00:00:00Z'), us('2024-01-01T05:00:00Z'), 'timestamp', 5, 'Asia/Kolkata');
    expect(kolkata.map((t) => formatTimestamp(t, 'minute', 'Asia/Kolkata').slice(11))).toEqual([
      '06:00',
      '07:00',
      '08:00',
      '09:00',
      '10:00',
    ]);
    // UTC is unchanged.
    expect(timeTicks(0, 3 * US_PER_DAY, 'timestamp', 3)).toEqual([0, US_PER_DAY, 2 * US_PER_DAY, 3 * US_PER_DAY]);
  });
});

describe('formatTimeValue', () => {
  it('shows cycles as cycle numbers', () => {
    expect(formatTimeValue(42, 'cycle')).toBe('cycle 42');
    expect(formatTimeValue(42.5, 'cycle')).toBe('cycle 42.5');
  });

  it('shows milliseconds only when present', () => {
    expect(formatTimeValue(us('2024-01-01T00:00:00Z'), 'timestamp')).toBe('2024-01-01 00:00:00 UTC');
    expect(formatTimeValue(us('2024-01-01T00:00:00.5Z'), 'timestamp')).toBe('2024-01-01 00:00:00.500 UTC');
  });
});

describe('ticks', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.5)).toBe(2);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(120)).toBe(200);
  });

  it('uses integer cycle ticks', () => {
    expect(timeTicks(1, 192, 'cycle', 8)).toEqual([50, 100, 150]);
    expect(timeTicks(0, 5, 'cycle', 20)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('uses calendar-friendly timestamp steps aligned to UTC', () => {
    const from = us('2024-01-01T00:07:00Z');
    const to = us('2024-01-01T06:00:00Z');
    expect(tickStep(from, to, 'timestamp', 6)).toBe(US_PER_HOUR);
    const ticks = timeTicks(from, to, 'timestamp', 6);
    expect(ticks[0]).toBe(us('2024-01-01T01:00:00Z'));
    expect(ticks).toHaveLength(6);
    const days = timeTicks(us('2024-01-01T12:00:00Z'), us('2024-01-08T00:00:00Z'), 'timestamp', 7);
    expect(days.every((t) => t % US_PER_DAY === 0)).toBe(true);
  });

  it('returns a single tick for an instant and none for a reversed range', () => {
    expect(timeTicks(5, 5, 'cycle', 5)).toEqual([5]);
    expect(timeTicks(6, 5, 'cycle', 5)).toEqual([]);
  });

  it('labels ticks by step and span', () => {
    const t = us('2024-03-05T14:05:30Z');
    expect(formatTick(t, 'timestamp', US_PER_MINUTE, US_PER_HOUR)).toBe('14:05');
    expect(formatTick(t, 'timestamp', 10 * US_PER_SECOND, US_PER_HOUR)).toBe('14:05:30');
    expect(formatTick(t, 'timestamp', US_PER_HOUR, 3 * US_PER_DAY)).toBe('03-05 14:05');
    expect(formatTick(t, 'timestamp', US_PER_DAY, 30 * US_PER_DAY)).toBe('2024-03-05');
    expect(formatTick(120, 'cycle', 20, 200)).toBe('120');
  });
});

describe('formatDuration', () => {
  it('formats microsecond durations with a sensible unit', () => {
    expect(formatDuration(500, 'timestamp')).toBe('500 µs');
    expect(formatDuration(250_000, 'timestamp')).toBe('250 ms');
    expect(formatDuration(15 * US_PER_SECOND, 'timestamp')).toBe('15 s');
    expect(formatDuration(90 * US_PER_SECOND, 'timestamp')).toBe('1.5 min');
    expect(formatDuration(2.5 * US_PER_HOUR, 'timestamp')).toBe('2.5 h');
    expect(formatDuration(3 * US_PER_DAY, 'timestamp')).toBe('3 d');
  });

  it('formats cycles and missing values', () => {
    expect(formatDuration(1, 'cycle')).toBe('1 cycle');
    expect(formatDuration(3, 'cycle')).toBe('3 cycles');
    expect(formatDuration(null, 'cycle')).toBe('—');
  });
});

describe('formatNumber', () => {
  it('keeps six significant digits', () => {
    expect(formatNumber(641.8212345)).toBe('641.821');
    expect(formatNumber(-0.0007)).toBe('-0.0007');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1.5e12)).toBe('1.5000e+12');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
  });

  it('groups counts', () => {
    expect(formatCount(20631)).toBe('20\u202f631');
  });
});
