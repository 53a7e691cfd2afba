import { describe, expect, it } from 'vitest';
import {
  MAX_LAG_US,
  mergeIntervals,
  planFetch,
  subtractIntervals,
  trustedCoverage,
} from '../../../src/main/core/util/coverage.js';

const iv = (from: number, to: number) => ({ from, to });

describe('historian coverage: what a request still has to fetch', () => {
  it('merges overlapping and touching intervals, drops empty ones', () => {
    expect(mergeIntervals([iv(5, 7), iv(0, 2), iv(2, 3), iv(6, 9), iv(4, 4)])).toEqual([iv(0, 3), iv(5, 9)]);
  });

  it('subtracts covered intervals from a range', () => {
    expect(subtractIntervals(iv(0, 100), [iv(10, 20), iv(50, 60)])).toEqual([iv(0, 10), iv(20, 50), iv(60, 100)]);
    expect(subtractIntervals(iv(15, 55), [iv(10, 20), iv(50, 60)])).toEqual([iv(20, 50)]);
    expect(subtractIntervals(iv(12, 18), [iv(10, 20)])).toEqual([]);
  });

  it('does not trust the last `overlap` of each covered interval, nor anything after a lagging last value', () => {
    expect(trustedCoverage([iv(0, 100), iv(200, 300)], 10, 299)).toEqual([iv(0, 90), iv(200, 290)]);
    // The tag's newest value is at 250 although the read reached 300: from 250 - overlap on, read again.
    expect(trustedCoverage([iv(0, 100), iv(200, 300)], 10, 250)).toEqual([iv(0, 90), iv(200, 241)]);
    // A tag silent for longer than MAX_LAG_US has stopped: it does not drag every later read back to its last value.
    const end = 3 * MAX_LAG_US;
    expect(trustedCoverage([iv(0, end)], 10, MAX_LAG_US)).toEqual([iv(0, end - 10)]);
  });

  it('a range that starts before the last import fetches every uncovered part (the 19-days-after-3-days case)', () => {
    const day = 86_400;
    const plan = planFetch([iv(16 * day, 19 * day)], { from: 0, to: 19 * day }, 0, 19 * day - 1);
    expect(plan).toEqual({ parts: [iv(0, 16 * day)], resumed: true });
  });

  it('"update to now" continues after the trusted end of the newest interval; no coverage: needs a start', () => {
    expect(planFetch([iv(0, 100), iv(200, 300)], { to: 400 }, 10, 299)).toEqual({
      parts: [iv(290, 400)],
      resumed: true,
    });
    expect(planFetch([], { to: 400 }, 10, null)).toBeNull();
    expect(planFetch([], { from: 50, to: 400 }, 10, null)).toEqual({ parts: [iv(50, 400)], resumed: false });
  });
});
