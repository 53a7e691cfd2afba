import { DateTime, IANAZone, Settings } from 'luxon';

/**
 * The one rule for reading times, used by file import, work-order import and the command line:
 * - a time with an offset (`Z`, `+01:00`) means that instant; offsets beyond ±18:00 are refused;
 * - a time without one is a wall-clock time in the chosen IANA zone (default UTC); a date alone is its midnight;
 * - a wall-clock time the zone skips (spring forward) does not exist and is refused, with the reason;
 * - a wall-clock time the zone repeats (autumn) resolves in file order: its first occurrence is the earlier
 *   instant (summer offset), the second the later one (winter offset); they are never merged as duplicates;
 * - years outside 1-9999 are refused.
 * Zones come from luxon (the platform's IANA database), so no offset is computed by hand here.
 */

Settings.throwOnInvalid = false;

const MS = 1000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Earliest and latest instants accepted: years 1 to 9999 (UTC), in µs. */
export const MIN_TIME_US = -62_135_596_800_000_000; // 0001-01-01T00:00:00Z
/** First instant after the accepted range (10000-01-01T00:00:00Z); exactly representable as a double. */
export const END_TIME_US = 253_402_300_800_000_000;
/** Offsets beyond this are not offsets of any clock (ISO 8601 profiles stop at ±18:00). */
const MAX_OFFSET_MINUTES = 18 * 60;

/** Which occurrence of a repeated wall-clock time: the first pass through the hour or the second. */
export type Pass = 'first' | 'second';

export type TimeResult =
  { readonly ok: true; readonly micros: number } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): TimeResult => ({ ok: false, reason });

export const isKnownZone = (zone: string): boolean => zone === 'UTC' || IANAZone.isValidZone(zone);

/** The zone, or an error in the user's words. */
export const requireZone = (zone: string): string => {
  if (!isKnownZone(zone)) throw new Error(`unknown time zone "${zone}": use an IANA name such as Europe/Berlin or UTC`);
  return zone;
};

/** Offset of `zone` at a UTC instant, in minutes. */
const offsetAt = (zone: string, utcMs: number): number =>
  zone === 'UTC' ? 0 : IANAZone.create(zone).offset(Math.max(-8.64e15, Math.min(8.64e15, utcMs)));

/**
 * The UTC instants a wall-clock time (given as ms since the epoch as if it were UTC) can mean in `zone`:
 * none (skipped), one, or two (repeated; earlier first).
 */
export const instantsOfLocal = (zone: string, localMs: number): number[] => {
  if (zone === 'UTC') return [localMs];
  const candidates = new Set([offsetAt(zone, localMs - DAY_MS), offsetAt(zone, localMs + DAY_MS)]);
  const found: number[] = [];
  for (const offset of candidates) {
    const utc = localMs - offset * MINUTE_MS;
    if (offsetAt(zone, utc) === offset) found.push(utc);
  }
  return found.sort((a, b) => a - b);
};

export interface LocalFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Microseconds within the second. */
  readonly micro: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const showLocal = (f: LocalFields) =>
  `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;

/** A wall-clock time in `zone` -> µs since the epoch, by the rule above. */
export const localToMicros = (f: LocalFields, zone: string, pass: Pass = 'first'): TimeResult => {
  if (f.year < 1 || f.year > 9999) return fail(`year ${f.year} is out of range (1-9999)`);
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute, f.second, 0);
  if (
    date.getUTCFullYear() !== f.year ||
    date.getUTCMonth() !== f.month - 1 ||
    date.getUTCDate() !== f.day ||
    f.hour > 23 ||
    f.minute > 59 ||
    f.second > 59
  ) {
    return fail(`${showLocal(f)} is not a calendar date and time`);
  }
  const instants = instantsOfLocal(zone, date.getTime());
  const chosen = pass === 'second' ? instants[instants.length - 1] : instants[0];
  if (chosen === undefined) {
    return fail(`${showLocal(f)} does not exist in ${zone} (the clocks skip that hour)`);
  }
  return { ok: true, micros: chosen * MS + f.micro };
};

const ISO =
  /^(\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/;

const fraction = (digits: string | undefined): number =>
  digits === undefined ? 0 : Number(digits.padEnd(6, '0').slice(0, 6));

/** Minutes of an offset text (`Z`, `+01`, `+0130`, `-05:00`), or an error for offsets no clock has. */
const offsetMinutes = (text: string): number | string => {
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (minutes > 59 || hours * 60 + minutes > MAX_OFFSET_MINUTES) {
    return `offset ${text} is out of range (at most ±18:00)`;
  }
  return sign * (hours * 60 + minutes);
};

/**
 * Read one time text: ISO 8601 (with or without offset, `T` or space, date alone) or `DD.MM.YYYY[ HH:MM[:SS]]`.
 * Text without an offset is a wall-clock time in `zone`; `pass` picks the occurrence of a repeated one.
 */
export const parseTimeText = (raw: string, zone: string, pass: Pass = 'first'): TimeResult => {
  const text = raw.trim();
  if (text === '') return fail('empty');
  let fields: LocalFields;
  let offset: string | undefined;
  const iso = ISO.exec(text);
  const dotted = iso === null ? DOTTED.exec(text) : null;
  if (iso !== null) {
    fields = {
      year: Number(iso[1]),
      month: Number(iso[2]),
      day: Number(iso[3]),
      hour: Number(iso[4] ?? 0),
      minute: Number(iso[5] ?? 0),
      second: Number(iso[6] ?? 0),
      micro: fraction(iso[7]),
    };
    offset = iso[8];
  } else if (dotted !== null) {
    fields = {
      year: Number(dotted[3]),
      month: Number(dotted[2]),
      day: Number(dotted[1]),
      hour: Number(dotted[4] ?? 0),
      minute: Number(dotted[5] ?? 0),
      second: Number(dotted[6] ?? 0),
      micro: fraction(dotted[7]),
    };
  } else {
    return fail(`"${text}" is not a time (use ISO 8601 such as 2024-03-31T02:30:00, with or without an offset)`);
  }
  if (offset === undefined) return localToMicros(fields, zone, pass);
  const minutes = offsetMinutes(offset);
  if (typeof minutes === 'string') return fail(minutes);
  const asUtc = localToMicros(fields, 'UTC');
  if (!asUtc.ok) return asUtc;
  const micros = asUtc.micros - minutes * MINUTE_MS * MS;
  if (micros < MIN_TIME_US || micros >= END_TIME_US) return fail(`"${text}" is out of range (years 1-9999)`);
  return { ok: true, micros };
};

/**
 * Tracks which wall-clock times a file has shown, so a repeated autumn time reads as the second pass the
 * second time it appears (per key, e.g. per signal or per asset).
 */
export const passTracker = (): ((key: string, text: string) => Pass) => {
  const seen = new Set<string>();
  return (key, text) => {
    const id = `${key}\u0000${text.trim()}`;
    if (seen.has(id)) return 'second';
    seen.add(id);
    return 'first';
  };
};

/**
 * A time given on the command line or in a form (`--from`, `--to`): `now`, or text read by `parseTimeText` in
 * `zone` (default UTC), so `2025-01-01` and `2025-01-01T00:00:00` are the same instant. Returns ms since the epoch.
 */
export const parseUserTime = (raw: string, what: string, zone = 'UTC', now: () => number = Date.now): number => {
  if (raw.trim() === 'now') return now();
  requireZone(zone);
  const result = parseTimeText(raw, zone);
  if (!result.ok) throw new Error(`${what}: ${result.reason}`);
  return Math.floor(result.micros / MS);
};

/** A stretch of wall-clock time (µs as if UTC) with one way of turning it into UTC. */
export interface ZoneSegment {
  /** Start of the stretch, inclusive: wall-clock µs as if UTC. The stretch runs to the next segment's start. */
  readonly localFrom: number;
  readonly kind: 'normal' | 'skipped' | 'repeated';
  /** Offset in µs for normal stretches; the first pass's (summer) offset for repeated ones; 0 when skipped. */
  readonly offset: number;
  /** Repeated stretches: the second pass's (winter) offset in µs. */
  readonly secondOffset: number;
}

const WEEK_MS = 7 * DAY_MS;

/**
 * The zone's offsets over [fromYear, toYear] as stretches of wall-clock time, so a bulk reader (SQL) applies the
 * same rule without calling back per row. Transitions are found by weekly steps refined to the second
 * (zones change offset at most every few weeks).
 */
export const zoneSegments = (zone: string, fromYear: number, toYear: number): ZoneSegment[] => {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const first = offsetAt(zone, start);
  const segments: ZoneSegment[] = [
    { localFrom: -Number.MAX_SAFE_INTEGER, kind: 'normal', offset: first * MINUTE_MS * MS, secondOffset: 0 },
  ];
  let before = first;
  for (let t = start; t < end; t += WEEK_MS) {
    const next = Math.min(t + WEEK_MS, end);
    const after = offsetAt(zone, next);
    if (after === before) continue;
    // Binary search the first second with the new offset.
    let lo = t;
    let hi = next;
    while (hi - lo > MS) {
      const mid = Math.floor((lo + hi) / 2 / MS) * MS;
      if (mid <= lo) break;
      if (offsetAt(zone, mid) === before) lo = mid;
      else hi = mid;
    }
    const at = hi;
    const o1 = before * MINUTE_MS * MS;
    const o2 = after * MINUTE_MS * MS;
    const atUs = at * MS;
    if (o2 > o1) {
      segments.push({ localFrom: atUs + o1, kind: 'skipped', offset: 0, secondOffset: 0 });
      segments.push({ localFrom: atUs + o2, kind: 'normal', offset: o2, secondOffset: 0 });
    } else {
      segments.push({ localFrom: atUs + o2, kind: 'repeated', offset: o1, secondOffset: o2 });
      segments.push({ localFrom: atUs + o1, kind: 'normal', offset: o2, secondOffset: 0 });
    }
    before = after;
  }
  return segments;
};

/** Does the zone ever change its offset between the years (UTC and fixed zones never do)? */
export const hasTransitions = (zone: string, fromYear: number, toYear: number): boolean =>
  zone !== 'UTC' && zoneSegments(zone, fromYear, toYear).length > 1;

/** Format µs since the epoch as ISO 8601 in a zone (for messages). */
export const formatMicros = (micros: number, zone = 'UTC'): string =>
  DateTime.fromMillis(Math.floor(micros / MS), { zone }).toISO({ suppressMilliseconds: true }) ?? String(micros);
