import { createHash } from 'node:crypto';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { signalKey, type StreamSignalSpec, type StreamSink } from '../../workspace/stream-ingest.js';
import type { Workspace } from '../../workspace/workspace.js';
import { CancelledError } from '../../jobs/cancelled.js';
import type { ImportControl } from '../control.js';
import { logged } from '../../jobs/logged.js';
import { DEFAULT_OVERLAP_MS, mergeIntervals, planFetch, type Interval } from '../../util/coverage.js';

/**
 * Import from a PostgreSQL (or TimescaleDB) historian table with a query template. The query receives the time
 * range as bound parameters only: $1 = from, $2 = to (timestamptz). It is streamed through a server-side cursor
 * (memory stays flat) and stored in one workspace transaction: a failure or cancel leaves the workspace unchanged.
 * Each tag's coverage and checkpoint (its latest value) make the next run fetch only the time ranges some tag has
 * not imported yet, reaching `overlapMs` back for late data; a tag lagging behind the others is read again
 * from its own latest value (see ../coverage.ts).
 *
 * Layouts: long = columns time, tag, value [, quality] [, asset]; wide = a time column plus one numeric column per tag.
 */
export interface PostgresImportRequest {
  readonly url: string;
  readonly password?: string;
  readonly query: string;
  readonly layout: 'long' | 'wide';
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  /** How far (ms) to read back into time imported before, for late data (default 1 hour). */
  readonly overlapMs?: number | undefined;
  /** Asset for tags without an asset column; default: the database name. */
  readonly asset?: string;
  readonly rowsPerFetch?: number;
}

export interface PostgresImportResult {
  readonly rows: number;
  readonly values: number;
  readonly duplicates: number;
  readonly signals: number;
  readonly signalIds: number[];
  readonly resumed: boolean;
  /** Start of the first range fetched (toMs when nothing was to fetch). */
  readonly fromMs: number;
  readonly toMs: number;
  /** The time ranges the query ran for: the parts of the request some tag had not imported yet. */
  readonly ranges: { fromMs: number; toMs: number }[];
  readonly seconds: number;
  readonly ingestId: number | null;
}

/** PostgreSQL type OIDs the importer understands. */
const OID = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
} as const;
const NUMERIC = new Set<number>([OID.bool, OID.int2, OID.int4, OID.int8, OID.float4, OID.float8, OID.numeric]);
const TEXT = new Set<number>([OID.text, OID.varchar, OID.bpchar]);
const TIME = new Set<number>([OID.timestamp, OID.timestamptz, OID.date]);
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OID).map(([name, oid]) => [oid, name]));
const typeName = (oid: number) => TYPE_NAMES[oid] ?? `type oid ${oid}`;

/** Times as text (µs precision; a JS Date keeps only ms), numbers as text where JS would lose precision. */
const rawTypes = {
  getTypeParser: (oid: number, format?: string) => {
    if (
      oid === OID.timestamp ||
      oid === OID.timestamptz ||
      oid === OID.date ||
      oid === OID.int8 ||
      oid === OID.numeric
    ) {
      return (value: string) => value;
    }
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
} as unknown as pg.CustomTypesConfig;

const TIME_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/** Microseconds since the epoch of PostgreSQL's text output (session TimeZone UTC; timestamps without zone read as UTC). */
export const parsePgTime = (text: string): number | null => {
  const m = TIME_TEXT.exec(text);
  if (m === null) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  const ms = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6));
  const micros = Number((m[7] ?? '').padEnd(6, '0') || 0);
  const offset = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (n(9) * 3600 + n(10) * 60 + n(11));
  return (ms - offset * 1000) * 1000 + micros;
};

const toNumber = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v);
    return v.trim() === '' || Number.isNaN(n) ? (v === 'NaN' ? Number.NaN : null) : n;
  }
  return null;
};

/** The connection URL without its password, for records and messages. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1@');
  }
};

const explainPgError = (url: string, error: unknown): string => {
  const e = error as { code?: string; message?: string };
  const text = e.message ?? String(error);
  const where = redactUrl(url);
  switch (e.code) {
    case 'ECONNREFUSED':
      return `cannot reach ${where}: connection refused (is PostgreSQL running, and is the port right?)`;
    case '28P01':
    case '28000':
      return `${where} rejected the login: wrong user name or password (${text})`;
    case '3D000':
      return `${where}: ${text}`;
    case '42P01':
    case '42703':
    case '42601':
      return `the query failed in PostgreSQL: ${text}`;
    case '57P01':
    case '57P02':
    case '57P03':
      return `connection to ${where} lost mid-stream (${text}): nothing was stored; run the import again`;
    default:
      if (/client password must be a string/.test(text))
        return `${where} asks for a password: give it (CLI: --password-file or PDM_PASSWORD)`;
      if (/Connection terminated|ECONNRESET|EPIPE|socket/i.test(text)) {
        return `connection to ${where} lost mid-stream (${text}): nothing was stored; run the import again`;
      }
      return `PostgreSQL import from ${where} failed: ${text}`;
  }
};

interface Columns {
  readonly time: number;
  readonly tag?: number;
  readonly value?: number;
  readonly quality?: number;
  readonly asset?: number;
  /** wide: value columns (index, name). */
  readonly wide?: readonly { index: number; name: string }[];
}

const pickColumns = (fields: readonly { name: string; dataTypeID: number }[], layout: 'long' | 'wide'): Columns => {
  const find = (names: readonly string[]) => fields.findIndex((f) => names.includes(f.name.toLowerCase()));
  const describe = () => fields.map((f) => `${f.name} ${typeName(f.dataTypeID)}`).join(', ');
  let time = find(['time', 'timestamp', 'ts', 't', 'datetime']);
  if (time < 0) time = fields.findIndex((f) => TIME.has(f.dataTypeID));
  if (time < 0) throw new Error(`the query has no time column (name it "time"); its columns: ${describe()}`);
  const timeField = fields[time] as { name: string; dataTypeID: number };
  if (!TIME.has(timeField.dataTypeID)) {
    throw new Error(
      `column "${timeField.name}" has type ${typeName(timeField.dataTypeID)}; expected timestamptz, timestamp or date`,
    );
  }
  if (layout === 'wide') {
    const wide = fields.map((f, index) => ({ index, name: f.name, oid: f.dataTypeID })).filter((f) => f.index !== time);
    const bad = wide.find((f) => !NUMERIC.has(f.oid));
    if (bad)
      throw new Error(
        `column "${bad.name}" has type ${typeName(bad.oid)}; a wide table needs numeric tag columns (cast it in the query)`,
      );
    if (wide.length === 0) throw new Error('a wide query needs at least one numeric column besides time');
    return { time, wide: wide.map(({ index, name }) => ({ index, name })) };
  }
  const tag = find(['tag', 'tagname', 'tag_name', 'name', 'signal', 'point']);
  const value = find(['value', 'val', 'v']);
  if (tag < 0 || value < 0)
    throw new Error(`a long query needs columns time, tag and value; its columns: ${describe()}`);
  const check = (index: number, allowed: Set<number>, expected: string) => {
    const f = fields[index] as { name: string; dataTypeID: number };
    if (!allowed.has(f.dataTypeID))
      throw new Error(
        `column "${f.name}" has type ${typeName(f.dataTypeID)}; expected ${expected} (cast it in the query)`,
      );
  };
  check(tag, TEXT, 'text');
  check(value, NUMERIC, 'a number');
  const quality = find(['quality', 'status', 'q']);
  const asset = find(['asset', 'equipment', 'device']);
  if (quality >= 0) check(quality, new Set([OID.int2, OID.int4, OID.int8, OID.numeric]), 'an integer');
  if (asset >= 0) check(asset, TEXT, 'text');
  return { time, tag, value, ...(quality >= 0 ? { quality } : {}), ...(asset >= 0 ? { asset } : {}) };
};

/** Wait for a promise at most `ms`; errors and timeouts are ignored (cleanup only). */
const within = async (promise: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
};

/** µs since the epoch as ISO 8601 with all six decimals, for a timestamptz parameter. */
const isoMicros = (us: number): string => {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(us - Math.floor(us / 1_000_000) * 1_000_000).padStart(6, '0')}Z`;
};

const splitKey = (key: string): StreamSignalSpec => {
  const at = key.indexOf('\u0000');
  return { asset: key.slice(0, at), tag: key.slice(at + 1) };
};

interface Buffers {
  t: number[];
  v: (number | null)[];
  q: (number | null)[];
}

const importPostgresUnlogged = async (
  workspace: Workspace,
  request: PostgresImportRequest,
  control: ImportControl = {},
): Promise<PostgresImportResult> => {
  const started = Date.now();
  const isCancelled = control.isCancelled ?? (() => false);
  const toMs = request.toMs ?? Date.now();
  const rowsPerFetch = request.rowsPerFetch ?? 10_000;
  const overlapMs = request.overlapMs ?? DEFAULT_OVERLAP_MS;
  if (!Number.isFinite(overlapMs) || overlapMs < 0) throw new Error(`overlap: not a duration in ms: ${overlapMs}`);
  const queryHash = createHash('sha256').update(request.query).digest('hex').slice(0, 16);
  const source = `sql:${redactUrl(request.url)}#${queryHash}`;
  // The password joins the URL in memory only (pg lets the URL's empty password win over a separate one).
  let connectionString = request.url;
  if (request.password !== undefined) {
    const u = new URL(request.url);
    u.password = encodeURIComponent(request.password);
    connectionString = u.toString();
  }
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: 10_000,
    application_name: 'pdm-studio',
    options: '-c TimeZone=UTC',
  });
  // A connection that dies between two fetches shows up only as client events: fail the pending read with it.
  let connectionError: Error | null = null;
  let onLost: ((error: Error) => void) | null = null;
  const lost = (error: Error) => {
    connectionError ??= error;
    onLost?.(connectionError);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('Connection terminated unexpectedly')));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(explainPgError(request.url, error), { cause: error });
  }
  let sink: StreamSink | null = null;
  let cursor: Cursor | null = null;
  try {
    sink = await workspace.openStream({
      source,
      mode: 'atomic',
      format: 'sql',
      onWait: (message) => control.progress?.(0, message),
      isCancelled,
    });
    // The tags this query returned before, with what each has imported: the query runs for every part of the
    // request that some tag still lacks (one query returns all tags, so the parts are united).
    const known = await sink.coverage();
    await sink.declare([...known.keys()].map(splitKey));
    const toUs = toMs * 1000;
    const fromUs = request.fromMs === undefined ? undefined : request.fromMs * 1000;
    let resumed = false;
    let wanted: Interval[];
    if (known.size === 0) {
      if (fromUs === undefined) {
        throw new Error(
          'no start time given and this query was never imported from this database: give a start time (--from)',
        );
      }
      wanted = fromUs < toUs ? [{ from: fromUs, to: toUs }] : [];
    } else {
      const parts: Interval[] = [];
      for (const { covered, lastT } of known.values()) {
        const plan = planFetch(covered, { from: fromUs, to: toUs }, overlapMs * 1000, lastT);
        if (plan === null) continue;
        if (plan.resumed) resumed = true;
        parts.push(...plan.parts);
      }
      wanted = mergeIntervals(parts);
    }
    const database = new URL(request.url).pathname.replace(/^\//, '') || 'postgres';
    const defaultAsset = request.asset ?? database;
    const read = (c: Cursor) =>
      new Promise<{ rows: unknown[][]; fields: { name: string; dataTypeID: number }[] }>((resolveRead, rejectRead) => {
        if (connectionError !== null) {
          rejectRead(connectionError);
          return;
        }
        onLost = rejectRead;
        c.read(rowsPerFetch, (err, rows, result) => {
          onLost = null;
          if (err) rejectRead(err);
          else resolveRead({ rows: rows as unknown[][], fields: result?.fields ?? [] });
        });
      });
    let columns: Columns | null = null;
    const buffers = new Map<string, Buffers>();
    const specs = new Map<string, StreamSignalSpec>();
    const seen = new Set<string>(known.keys());
    let rows = 0;
    let buffered = 0;
    const flush = async () => {
      if (buffered === 0 || sink === null) return;
      const newSpecs = [...specs.values()];
      specs.clear();
      if (newSpecs.length > 0) await sink.declare(newSpecs);
      await sink.write([...buffers].map(([key, b]) => ({ key, t: b.t, value: b.v, quality: b.q })));
      buffers.clear();
      buffered = 0;
    };
    const add = (asset: string, tag: string, t: number, v: number | null, q: number | null) => {
      const key = signalKey(asset, tag);
      let b = buffers.get(key);
      if (b === undefined) {
        b = { t: [], v: [], q: [] };
        buffers.set(key, b);
        specs.set(key, { asset, tag });
        seen.add(key);
      }
      b.t.push(t);
      b.v.push(v);
      b.q.push(q);
      buffered++;
    };
    const span = wanted.reduce((sum, range) => sum + (range.to - range.from), 0);
    let before = 0;
    for (const range of wanted) {
      cursor = client.query(
        new Cursor(request.query, [isoMicros(range.from), isoMicros(range.to)], { rowMode: 'array', types: rawTypes }),
      );
      cursor.on('error', lost);
      let rangeMaxT = range.from;
      for (;;) {
        if (isCancelled()) throw new CancelledError();
        const { rows: batch, fields } = await read(cursor);
        if (columns === null && fields.length > 0) columns = pickColumns(fields, request.layout);
        if (batch.length === 0) break;
        const cols = columns as Columns;
        for (const row of batch) {
          rows++;
          const timeText = row[cols.time];
          const t = typeof timeText === 'string' ? parsePgTime(timeText) : null;
          if (t === null)
            throw new Error(
              `row ${rows}: time is ${timeText === null ? 'NULL' : `not a finite time: ${String(timeText)}`}`,
            );
          if (t > rangeMaxT) rangeMaxT = t;
          if (cols.wide !== undefined) {
            for (const { index, name } of cols.wide) add(defaultAsset, name, t, toNumber(row[index]), null);
          } else {
            const tag = row[cols.tag as number];
            if (typeof tag !== 'string' || tag.length === 0) throw new Error(`row ${rows}: tag is empty`);
            const assetValue = cols.asset === undefined ? null : row[cols.asset];
            const asset = typeof assetValue === 'string' && assetValue.length > 0 ? assetValue : defaultAsset;
            const quality = cols.quality === undefined ? null : toNumber(row[cols.quality]);
            add(asset, tag, t, toNumber(row[cols.value as number]), quality === null ? null : quality >>> 0);
          }
        }
        if (buffered >= 100_000) await flush();
        control.progress?.(
          span > 0 ? Math.min(1, Math.max(0, (before + Math.min(rangeMaxT, range.to) - range.from) / span)) : null,
          `${rows} rows`,
        );
      }
      await flush();
      await cursor.close().catch(() => undefined);
      cursor = null;
      before += range.to - range.from;
    }
    // Every range is imported for every tag the query knows, also those without rows in it (one transaction:
    // recorded with the readings or not at all).
    await sink.write([...seen].flatMap((key) => wanted.map((range) => ({ key, t: [], value: [], covered: range }))));
    onLost = null;
    const ranges = wanted.map((r) => ({ fromMs: Math.floor(r.from / 1000), toMs: Math.ceil(r.to / 1000) }));
    const fromMs = ranges[0]?.fromMs ?? toMs;
    const summary = await sink.finish('done', null, {
      source,
      fromMs,
      toMs,
      overlapMs,
      ranges,
      layout: request.layout,
    });
    // The stream holds the workspace until it is closed; the tile build waits its turn behind it.
    const finished = sink;
    sink = null;
    await finished.close();
    // Large signals answer trends from tiles, as after a file import (tiles of a grown signal are rebuilt).
    if (summary.values > 0) {
      control.progress?.(1, 'indexing trends');
      await workspace.refreshTrendTiles(summary.signalIds);
    }
    control.progress?.(1, `${rows} rows`);
    return {
      rows,
      values: summary.values,
      duplicates: summary.duplicates,
      signals: summary.signalIds.length,
      signalIds: summary.signalIds,
      resumed,
      fromMs,
      toMs,
      ranges,
      seconds: (Date.now() - started) / 1000,
      ingestId: summary.ingestId,
    };
  } catch (error) {
    const cancelled = error instanceof CancelledError;
    // Nothing of this run is kept: the transaction rolls back (the record of the attempt stays out too).
    await sink?.finish(cancelled ? 'cancelled' : 'failed', null).catch(() => undefined);
    if (cancelled) throw error;
    const pgError =
      (error as { code?: string }).code !== undefined ||
      /Connection terminated|ECONNRESET/i.test((error as Error).message);
    throw new Error(pgError ? explainPgError(request.url, error) : `${(error as Error).message}; nothing was stored`, {
      cause: error,
    });
  } finally {
    // On a dead connection neither close nor end ever answers: do not wait for them.
    if (cursor !== null && connectionError === null) await within(cursor.close(), 5000);
    await sink?.close();
    await within(client.end(), connectionError === null ? 5000 : 100);
  }
};

/** importPostgres with its start and outcome in the log (the URL without its password; the query's hash). */
export const importPostgres = (
  workspace: Workspace,
  request: PostgresImportRequest,
  control: ImportControl = {},
): Promise<PostgresImportResult> =>
  logged(
    'historian',
    'sql import',
    { workspace: workspace.path, url: redactUrl(request.url) },
    () => importPostgresUnlogged(workspace, request, control),
    (r) => ({ rows: r.rows, values: r.values, duplicates: r.duplicates, resumed: r.resumed }),
  );
