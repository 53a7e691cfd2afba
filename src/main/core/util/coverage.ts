/**
 * Which parts of a historian request still have to be fetched, per tag.
 *
 * A tag's coverage is the list of half-open intervals [from, to) (µs) whose history was read completely from
 * the source. A request fetches every part of its range that is not covered; parts that were covered only
 * shortly before the end of a read may still receive late data (a store-and-forward historian backfills
 * older timestamps when its link comes back), so the last `overlapUs` of every covered interval is read again,
 * and a tag whose newest value lies before the end of its coverage (it lags behind the others) is read again
 * from that value on. Re-reading is free of duplicates: the store keeps the reading it already has.
 */

export interface Interval {
  /** µs since the epoch, inclusive. */
  readonly from: number;
  /** µs since the epoch, exclusive. */
  readonly to: number;
}

/** Sorted, non-overlapping, non-touching intervals covering the same time as `list`. */
export const mergeIntervals = (list: readonly Interval[]): Interval[] => {
  const sorted = list.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && i.from <= last.to)
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, i.to) };
    else merged.push({ from: i.from, to: i.to });
  }
  return merged;
};

/** The parts of `range` outside every interval of `covered` (which must be merged), in time order. */
export const subtractIntervals = (range: Interval, covered: readonly Interval[]): Interval[] => {
  const parts: Interval[] = [];
  let at = range.from;
  for (const c of covered) {
    if (c.to <= at) continue;
    if (c.from >= range.to) break;
    if (c.from > at) parts.push({ from: at, to: Math.min(c.from, range.to) });
    at = Math.max(at, c.to);
    if (at >= range.to) break;
  }
  if (at < range.to) parts.push({ from: at, to: range.to });
  return parts;
};

/**
 * A tag whose newest value lies this far (µs) before the end of its coverage has stopped rather than lags: it is
 * not read again from that value on (for a SQL query, that would re-read every tag over the whole time).
 */
export const MAX_LAG_US = 7 * 86_400_000_000;

/**
 * Coverage that needs no second read: each interval without its last `overlapUs`, and nothing from the tag's
 * newest stored value (`lastValueT`, µs) minus the overlap onwards when that value lies before the end of
 * the coverage, by less than MAX_LAG_US (a lagging tag).
 */
export const trustedCoverage = (
  covered: readonly Interval[],
  overlapUs: number,
  lastValueT: number | null,
): Interval[] => {
  const merged = mergeIntervals(covered);
  const end = merged[merged.length - 1]?.to;
  const lagging =
    end !== undefined && lastValueT !== null && lastValueT + 1 < end && end - lastValueT <= MAX_LAG_US
      ? lastValueT + 1 - overlapUs
      : null;
  return mergeIntervals(
    merged.map((i) => ({ from: i.from, to: Math.min(i.to - overlapUs, lagging ?? Number.POSITIVE_INFINITY) })),
  );
};

/**
 * What to fetch for one tag: the parts of the request outside its trusted coverage. `from` omitted ("update to
 * now"): from the start of the tag's newest covered interval, i.e. after what of it is trusted; null when the
 * tag has no coverage (the caller must ask for a start). `resumed`: coverage made the fetch smaller.
 */
export const planFetch = (
  covered: readonly Interval[],
  request: { readonly from?: number | undefined; readonly to: number },
  overlapUs: number,
  lastValueT: number | null,
): { readonly parts: Interval[]; readonly resumed: boolean } | null => {
  const newest = mergeIntervals(covered).at(-1);
  const from = request.from ?? newest?.from;
  if (from === undefined) return null;
  if (from >= request.to) return { parts: [], resumed: true };
  const parts = subtractIntervals({ from, to: request.to }, trustedCoverage(covered, overlapUs, lastValueT));
  const whole = parts.length === 1 && parts[0]?.from === from && parts[0]?.to === request.to;
  return { parts, resumed: request.from === undefined || !whole };
};

/** Default look-back into already imported time on every import (late data of store-and-forward historians). */
export const DEFAULT_OVERLAP_MS = 3_600_000;
