import { describe, expect, it } from 'vitest';
import { scoreRangeOf } from '../../../src/renderer/logic/score-range.js';

/* The Monitor area's "Score from … to …" fields. */

describe('scoreRangeOf', () => {
  it('leaves both bounds out when both are empty (score from the last scored window)', () => {
    expect(scoreRangeOf('', '  ', 'cycle', 'UTC')).toEqual({ ok: true });
  });

  it('reads cycles on cycle data and names the field it refuses', () => {
    expect(scoreRangeOf('1', '400', 'cycle', 'UTC')).toEqual({ ok: true, from: 1, to: 400 });
    expect(scoreRangeOf('first', '', 'cycle', 'UTC')).toEqual({
      ok: false,
      message: 'Score from: "first" is not a cycle number; give a cycle number.',
    });
    expect(scoreRangeOf('10', '5', 'cycle', 'UTC')).toEqual({
      ok: false,
      message: 'Score to: the end must come after the start.',
    });
  });

  it('reads times on timestamp data by the time rule in the display zone', () => {
    // 06:00 in Berlin in winter is 05:00 UTC.
    expect(scoreRangeOf('2024-01-10 06:00', '', 'timestamp', 'Europe/Berlin')).toEqual({
      ok: true,
      from: Date.UTC(2024, 0, 10, 5) * 1000,
    });
    const skipped = scoreRangeOf('', '2024-03-31 02:30', 'timestamp', 'Europe/Berlin');
    expect(skipped.ok).toBe(false);
    expect(!skipped.ok && skipped.message).toMatch(
      /^Score to: .*; give a time such as 2024-03-01 06:00 \(Europe\/Berlin\)\.$/,
    );
  });

  it('before the axis is known (health still loading after Deploy), takes a number as a position on the axis, as the CLI does', () => {
    // Was: the axis defaulted to timestamps, so "1" typed right after Deploy on cycle data was refused as no time.
    expect(scoreRangeOf('1', '400', null, 'UTC')).toEqual({ ok: true, from: 1, to: 400 });
    expect(scoreRangeOf('2024-01-10T00:00Z', '', null, 'UTC')).toEqual({
      ok: true,
      from: Date.UTC(2024, 0, 10) * 1000,
    });
  });
});
