import { mergeIntervals, type Interval } from '../util/coverage.js';
import type { Connection } from './database.js';

/**
 * The append path for readings that arrive in batches from a live source (OPC UA HA, SQL historians),
 * as opposed to files, which are imported whole by ingest.ts.
 *
 * - Signals are keyed by (asset, tag) and created on first write with their unit, valid range and sample period.
 * - Duplicates follow the workspace's one rule: a reading already in the workspace is kept, and within a batch
 *   the first reading of a (signal, time) wins.
 * - Checkpoints (`ingest_checkpoints`) are written in the same transaction as the readings they cover:
 *   after a crash or a dropped connection, what is committed and what the checkpoint says always agree.
 * - Coverage (`historian_coverage`): the time intervals of a signal whose history was read completely, also
 *   written in the same transaction as the readings.
 * - Mode 'per-batch' commits every `write` (resumable imports: OPC UA); mode 'atomic' keeps one transaction
 *   open until `commit` (all-or-nothing imports: a SQL query), so a failure leaves the workspace unchanged.
 */

export interface StreamSignalSpec {
  readonly asset: string;
  readonly tag: string;
  readonly unit?: string | null;
  readonly validMin?: number | null;
  readonly validMax?: number | null;
  /** Expected spacing between readings in µs. */
  readonly samplePeriod?: number | null;
}

export interface StreamCheckpoint {
  /** Time (µs since the epoch) of the last reading committed for this signal from this source. */
  readonly lastT: number;
  /** Source-specific resume state (JSON text), or null. */
  readonly continuation: string | null;
}

export interface StreamPart {
  /** Key from `signalKey(asset, tag)`; the signal must have been declared with `declare`. */
  readonly key: string;
  readonly t: ArrayLike<number>;
  readonly value: ArrayLike<number | null>;
  /** OPC UA-style status code per reading (0 = good); omitted: all null. */
  readonly quality?: ArrayLike<number | null>;
  /** Checkpoint to store with this part; omitted: the part's last time, keeping the previous continuation. */
  readonly checkpoint?: StreamCheckpoint;
  /** Time (µs, [from, to)) whose history this part completes, as far as the source had it; may hold no readings. */
  readonly covered?: Interval;
}

export interface StreamWriteResult {
  readonly values: number;
  readonly duplicates: number;
}

export interface StreamSummary {
  readonly ingestId: number | null;
  readonly values: number;
  readonly duplicates: number;
  readonly batches: number;
  readonly signalIds: number[];
}

/** Key of a signal in a stream: asset and tag joined by a character neither can contain in practice. */
export const signalKey = (asset: string, tag: string): string => `${asset}\u0000${tag}`;

/** The key that stores a source-wide checkpoint (signal_id 0). */
export const SOURCE_CHECKPOINT = '\u0000source';

const STAGE = 'pdm_stream_stage';

interface SignalRow {
  id: number;
  asset: string;
  tag: string;
  time_kind: string;
}

export class StreamSink {
  private readonly specs = new Map<string, StreamSignalSpec>();
  private readonly ids = new Map<string, number>();
  private inTransaction = false;
  private values = 0;
  private duplicates = 0;
  private batches = 0;
  private readonly touched = new Set<number>();
  private closed = false;

  private constructor(
    private readonly db: Connection,
    readonly source: string,
    readonly mode: 'per-batch' | 'atomic',
    private readonly format: string,
    private readonly ownsConnection: boolean,
    private readonly onClose: () => void,
  ) {}

  /** A sink on a connection of its own (`ownsConnection`: closed with the sink). */
  static async open(
    db: Connection,
    options: {
      readonly source: string;
      readonly mode: 'per-batch' | 'atomic';
      readonly format: string;
      readonly ownsConnection?: boolean;
      /** Called once when the sink closes: the workspace releases its hold on writes (write-owner.ts). */
      readonly onClose?: () => void;
    },
  ): Promise<StreamSink> {
    await db.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (signal_id INTEGER, t DOUBLE, value DOUBLE, quality DOUBLE, ord INTEGER)`,
    );
    await db.run(`DELETE FROM ${STAGE}`);
    const sink = new StreamSink(
      db,
      options.source,
      options.mode,
      options.format,
      options.ownsConnection ?? false,
      options.onClose ?? (() => undefined),
    );
    if (options.mode === 'atomic') {
      await db.run('BEGIN TRANSACTION');
      sink.inTransaction = true;
    }
    return sink;
  }

  /** Declare the signals this stream may write; returns the ids of those that already exist (key -> id). */
  async declare(specs: readonly StreamSignalSpec[]): Promise<Map<string, number>> {
    for (const spec of specs) this.specs.set(signalKey(spec.asset, spec.tag), spec);
    await this.resolveExisting();
    return new Map(this.ids);
  }

  /** Checkpoints of this source for the declared signals that exist (and the source-wide one), by key. */
  async checkpoints(): Promise<Map<string, StreamCheckpoint>> {
    const rows = await this.db.all<{ signal_id: number; last_t: number; continuation: string | null }>(
      'SELECT signal_id, last_t, continuation FROM ingest_checkpoints WHERE source = $1',
      [this.source],
    );
    const byId = new Map([...this.ids].map(([key, id]) => [id, key]));
    const result = new Map<string, StreamCheckpoint>();
    for (const row of rows) {
      const key = row.signal_id === 0 ? SOURCE_CHECKPOINT : byId.get(row.signal_id);
      if (key !== undefined) result.set(key, { lastT: row.last_t, continuation: row.continuation });
    }
    return result;
  }

  /**
   * Coverage of this source for every signal it covered (declared or not, so a query learns the tags it returned
   * before), by key: merged intervals in time order, and the signal's checkpoint time (null: none).
   */
  async coverage(): Promise<Map<string, { covered: Interval[]; lastT: number | null }>> {
    const rows = await this.db.all<{
      asset: string;
      tag: string;
      from_t: number;
      to_t: number;
      last_t: number | null;
    }>(
      `SELECT s.asset, s.tag, c.from_t, c.to_t, k.last_t
       FROM historian_coverage c JOIN signals s ON s.id = c.signal_id
       LEFT JOIN ingest_checkpoints k ON k.source = c.source AND k.signal_id = c.signal_id
       WHERE c.source = $1 ORDER BY c.signal_id, c.from_t`,
      [this.source],
    );
    const result = new Map<string, { covered: Interval[]; lastT: number | null }>();
    for (const row of rows) {
      const key = signalKey(row.asset, row.tag);
      const entry = result.get(key) ?? { covered: [], lastT: row.last_t };
      entry.covered.push({ from: row.from_t, to: row.to_t });
      result.set(key, entry);
    }
    for (const entry of result.values()) entry.covered = mergeIntervals(entry.covered);
    return result;
  }

  /**
   * Store readings and their checkpoints. In 'per-batch' mode this is one committed transaction;
   * in 'atomic' mode it joins the sink's open transaction. `sourceCheckpoint` sets the source-wide checkpoint.
   */
  async write(written: readonly StreamPart[], sourceCheckpoint?: StreamCheckpoint): Promise<StreamWriteResult> {
    if (this.closed) throw new Error('stream sink is closed');
    const work = async (): Promise<StreamWriteResult> => {
      // A signal is created by its first reading: a part that only reports coverage needs an existing signal.
      await this.createMissing(written.filter((p) => p.t.length > 0).map((p) => p.key));
      const parts = written.filter((p) => p.t.length > 0 || this.ids.has(p.key));
      let staged = 0;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      // Each part strictly increasing in time and each signal in one part only: no duplicate within the batch,
      // and the staged rows are already in (signal, time) clusters, so neither grouping nor sorting is needed.
      let increasing = new Set(parts.map((p) => p.key)).size === parts.length;
      const ids: number[] = [];
      for (const part of parts) {
        const id = this.ids.get(part.key);
        if (id === undefined) throw new Error(`stream: signal ${part.key.replace('\u0000', '/')} was not declared`);
        ids.push(id);
        const n = part.t.length;
        if (part.value.length !== n || (part.quality !== undefined && part.quality.length !== n)) {
          throw new Error('stream: t, value and quality must have the same length');
        }
        let previous = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < n; i++) {
          const t = part.t[i] as number;
          if (!Number.isSafeInteger(t)) throw new Error(`stream: time ${t} is not an integer number of µs`);
          if (t < lo) lo = t;
          if (t > hi) hi = t;
          if (t <= previous) increasing = false;
          previous = t;
        }
        staged += n;
      }
      if (staged > 0) {
        // Columns go to the staging table through DuckDB's appender, in typed arrays: no SQL text, no per-value
        // objects. Times are staged as DOUBLE (exact: safe integers) and cast back to BIGINT below. A missing value
        // or quality is staged as NaN and becomes NULL below; NaN and Infinity are no usable value either: NULL.
        const signal = new Int32Array(staged);
        const time = new Float64Array(staged);
        const value = new Float64Array(staged);
        const quality = new Float64Array(staged);
        const ord = new Int32Array(staged);
        let at = 0;
        parts.forEach((part, index) => {
          const id = ids[index] as number;
          const n = part.t.length;
          for (let i = 0; i < n; i++, at++) {
            signal[at] = id;
            time[at] = part.t[i] as number;
            const v = part.value[i];
            value[at] = typeof v === 'number' ? v : Number.NaN;
            quality[at] = part.quality?.[i] ?? Number.NaN;
            ord[at] = at;
          }
        });
        await this.db.appendColumns(
          STAGE,
          [
            { type: 'INTEGER', values: signal },
            { type: 'DOUBLE', values: time },
            { type: 'DOUBLE', values: value },
            { type: 'DOUBLE', values: quality },
            { type: 'INTEGER', values: ord },
          ],
          { catalog: 'temp' },
        );
      }
      let inserted = 0;
      if (staged > 0) {
        const idList = [...new Set(ids)].join(', ');
        const staging = `SELECT signal_id, CAST(t AS BIGINT) AS t, CASE WHEN isfinite(value) THEN value END AS value,
             CASE WHEN isfinite(quality) THEN CAST(quality AS UINTEGER) END AS quality, ord FROM ${STAGE}`;
        const fresh = `NOT EXISTS (
             SELECT 1 FROM (SELECT signal_id, t FROM readings WHERE signal_id IN (${idList}) AND t BETWEEN ${lo} AND ${hi}) r
             WHERE r.signal_id = d.signal_id AND r.t = d.t)`;
        inserted = await changedRows(
          this.db,
          increasing
            ? `INSERT INTO readings SELECT d.signal_id, d.t, d.value, d.quality FROM (${staging}) d WHERE ${fresh}`
            : `INSERT INTO readings
               SELECT d.signal_id, d.t, d.value, d.quality FROM (
                 SELECT signal_id, t, arg_min(value, ord) AS value, arg_min(quality, ord) AS quality FROM (${staging}) GROUP BY signal_id, t
               ) d
               WHERE ${fresh}
               ORDER BY d.signal_id, d.t`,
        );
        await this.db.run(`DELETE FROM ${STAGE}`);
      }
      const checkpoints: { id: number; lastT: number; continuation: string | null | undefined }[] = [];
      parts.forEach((part, index) => {
        const checkpoint =
          part.checkpoint ?? (part.t.length > 0 ? { lastT: maxOf(part.t), continuation: undefined } : undefined);
        if (checkpoint !== undefined) checkpoints.push({ id: ids[index] as number, ...checkpoint });
      });
      if (sourceCheckpoint !== undefined) checkpoints.push({ id: 0, ...sourceCheckpoint });
      await this.saveCheckpoints(checkpoints);
      await this.saveCoverage(
        parts.flatMap((part, index) =>
          part.covered === undefined ? [] : [{ id: ids[index] as number, interval: part.covered }],
        ),
      );
      for (const id of ids) this.touched.add(id);
      return { values: inserted, duplicates: staged - inserted };
    };
    const before = new Set(this.ids.keys());
    let result: StreamWriteResult;
    try {
      result = this.mode === 'atomic' ? await work() : await this.db.transaction(work);
    } catch (error) {
      // Signals created by a rolled-back transaction do not exist: forget their ids.
      for (const key of [...this.ids.keys()]) if (!before.has(key)) this.ids.delete(key);
      await this.db.run(`DELETE FROM ${STAGE}`).catch(() => undefined);
      throw error;
    }
    this.values += result.values;
    this.duplicates += result.duplicates;
    this.batches++;
    return result;
  }

  /**
   * Finish: in 'atomic' mode commit everything (or roll back when `status` is not 'done'); in both modes record
   * the import in `ingests`. A crashed process leaves no record; its committed batches stay, with their checkpoints.
   */
  async finish(
    status: 'done' | 'failed' | 'cancelled',
    message: string | null,
    options: Record<string, unknown> = {},
  ): Promise<StreamSummary> {
    if (this.closed) throw new Error('stream sink is closed');
    if (this.mode === 'atomic' && this.inTransaction) {
      this.inTransaction = false;
      if (status === 'done') {
        await this.compactCoverage();
        await this.db.run('COMMIT');
      } else {
        await this.db.run('ROLLBACK').catch(() => undefined);
        this.values = 0;
        this.duplicates = 0;
        this.touched.clear();
      }
    }
    if (this.mode === 'per-batch' && this.batches > 0) await this.db.transaction(() => this.compactCoverage());
    // A run that failed before writing anything leaves the workspace unchanged: no record either.
    let ingestId: number | null = null;
    if (status === 'done' || this.batches > 0) {
      const row = await this.db.one<{ id: number }>(
        `INSERT INTO ingests (file, format, sha256, options, status, finished_at, rows, "values", rejected, duplicates, message)
         VALUES ($1, $2, '', $3, $4, now(), $5, $5, 0, $6, $7) RETURNING id`,
        [this.source, this.format, JSON.stringify(options), status, this.values, this.duplicates, message],
      );
      ingestId = row.id;
      await this.db.run('CHECKPOINT').catch(() => undefined);
    }
    return {
      ingestId,
      values: this.values,
      duplicates: this.duplicates,
      batches: this.batches,
      signalIds: [...this.touched].sort((a, b) => a - b),
    };
  }

  /** Release the sink; an atomic transaction still open is rolled back. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.inTransaction) {
      this.inTransaction = false;
      await this.db.run('ROLLBACK').catch(() => undefined);
    }
    await this.db.run(`DROP TABLE IF EXISTS ${STAGE}`).catch(() => undefined);
    this.closed = true;
    try {
      if (this.ownsConnection) this.db.close();
    } finally {
      this.onClose();
    }
  }

  /** Interrupt a running statement (cancel). */
  interrupt(): void {
    this.db.interrupt();
  }

  /**
   * Save checkpoints in order. Those of distinct signals go in at most two statements: one replacing the
   * checkpoints that come with a continuation, one advancing (never moving back) those that do not.
   */
  private async saveCheckpoints(
    list: readonly { id: number; lastT: number; continuation: string | null | undefined }[],
  ): Promise<void> {
    if (list.length > 1 && new Set(list.map((c) => c.id)).size === list.length) {
      const upsert = async (rows: typeof list, update: string) => {
        if (rows.length === 0) return;
        const params: (string | number | null)[] = [this.source];
        const tuples = rows.map((c) => {
          params.push(c.id, c.lastT, c.continuation ?? null);
          const at = params.length;
          return `($1, $${at - 2}, $${at - 1}, $${at})`;
        });
        await this.db.run(
          `INSERT INTO ingest_checkpoints (source, signal_id, last_t, continuation) VALUES ${tuples.join(', ')}
           ON CONFLICT (source, signal_id) DO UPDATE SET ${update}, updated_at = now()`,
          params,
        );
      };
      await upsert(
        list.filter((c) => c.continuation !== undefined),
        'last_t = excluded.last_t, continuation = excluded.continuation',
      );
      await upsert(
        list.filter((c) => c.continuation === undefined),
        'last_t = greatest(ingest_checkpoints.last_t, excluded.last_t)',
      );
      return;
    }
    for (const c of list) await this.saveCheckpoint(c.id, c.lastT, c.continuation);
  }

  /** Merge the coverage rows of the signals this stream wrote, so each keeps one row per covered stretch. */
  private async compactCoverage(): Promise<void> {
    const ids = [...this.touched].map((id) => Math.trunc(id));
    if (ids.length === 0) return;
    const rows = await this.db.all<{ signal_id: number; from_t: number; to_t: number }>(
      `SELECT signal_id, from_t, to_t FROM historian_coverage WHERE source = $1 AND signal_id IN (${ids.join(', ')})`,
      [this.source],
    );
    const byId = new Map<number, Interval[]>();
    for (const r of rows) byId.set(r.signal_id, [...(byId.get(r.signal_id) ?? []), { from: r.from_t, to: r.to_t }]);
    const params: (string | number)[] = [this.source];
    const tuples: string[] = [];
    const changed: number[] = [];
    for (const [id, intervals] of byId) {
      const merged = mergeIntervals(intervals);
      if (merged.length === intervals.length) continue;
      changed.push(id);
      for (const i of merged) {
        params.push(id, i.from, i.to);
        tuples.push(`($1, $${params.length - 2}, $${params.length - 1}, $${params.length})`);
      }
    }
    if (changed.length === 0) return;
    await this.db.run(`DELETE FROM historian_coverage WHERE source = $1 AND signal_id IN (${changed.join(', ')})`, [
      this.source,
    ]);
    await this.db.run(`INSERT INTO historian_coverage VALUES ${tuples.join(', ')}`, params);
  }

  /**
   * Record covered intervals: one statement per write. An interval extends the one recorded with the same start
   * (the pages of one read); readers merge what overlaps (`coverage`).
   */
  private async saveCoverage(list: readonly { id: number; interval: Interval }[]): Promise<void> {
    const byStart = new Map<string, { id: number; from: number; to: number }>();
    for (const { id, interval } of list) {
      if (interval.to <= interval.from) continue;
      const key = `${id}/${interval.from}`;
      const previous = byStart.get(key);
      byStart.set(key, { id, from: interval.from, to: Math.max(interval.to, previous?.to ?? interval.to) });
    }
    if (byStart.size === 0) return;
    const params: (string | number)[] = [this.source];
    const tuples = [...byStart.values()].map((c) => {
      params.push(c.id, c.from, c.to);
      return `($1, $${params.length - 2}, $${params.length - 1}, $${params.length})`;
    });
    await this.db.run(
      `INSERT INTO historian_coverage (source, signal_id, from_t, to_t) VALUES ${tuples.join(', ')}
       ON CONFLICT (source, signal_id, from_t) DO UPDATE SET to_t = greatest(historian_coverage.to_t, excluded.to_t)`,
      params,
    );
  }

  private async saveCheckpoint(
    signalId: number,
    lastT: number,
    continuation: string | null | undefined,
  ): Promise<void> {
    if (continuation === undefined) {
      await this.db.run(
        `INSERT INTO ingest_checkpoints (source, signal_id, last_t, continuation) VALUES ($1, $2, $3, NULL)
         ON CONFLICT (source, signal_id) DO UPDATE SET last_t = greatest(ingest_checkpoints.last_t, excluded.last_t), updated_at = now()`,
        [this.source, signalId, lastT],
      );
    } else {
      await this.db.run(
        `INSERT INTO ingest_checkpoints (source, signal_id, last_t, continuation) VALUES ($1, $2, $3, $4)
         ON CONFLICT (source, signal_id) DO UPDATE SET last_t = excluded.last_t, continuation = excluded.continuation, updated_at = now()`,
        [this.source, signalId, lastT, continuation],
      );
    }
  }

  private async resolveExisting(): Promise<void> {
    const wanted = [...this.specs.values()];
    if (wanted.length === 0) return;
    const rows: SignalRow[] = [];
    for (let start = 0; start < wanted.length; start += 500) {
      const slice = wanted.slice(start, start + 500);
      const params = slice.flatMap((s) => [s.asset, s.tag]);
      const tuples = slice.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      rows.push(
        ...(await this.db.all<SignalRow>(
          `SELECT id, asset, tag, time_kind FROM signals WHERE (asset, tag) IN (${tuples})`,
          params,
        )),
      );
    }
    for (const row of rows) {
      if (row.time_kind !== 'timestamp') {
        throw new Error(
          `signal "${row.asset} / ${row.tag}" is indexed by ${row.time_kind}; a historian stream is indexed by time`,
        );
      }
      this.ids.set(signalKey(row.asset, row.tag), row.id);
    }
  }

  private async createMissing(keys: readonly string[]): Promise<void> {
    for (const key of new Set(keys)) {
      if (this.ids.has(key)) continue;
      const spec = this.specs.get(key);
      if (spec === undefined) throw new Error(`stream: signal ${key.replace('\u0000', '/')} was not declared`);
      const row = await this.db.one<{ id: number }>(
        `INSERT INTO signals (asset, tag, unit, sample_period, valid_min, valid_max, source, time_kind)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'timestamp') RETURNING id`,
        [
          spec.asset,
          spec.tag,
          spec.unit ?? null,
          spec.samplePeriod ?? null,
          spec.validMin ?? null,
          spec.validMax ?? null,
          this.source,
        ],
      );
      this.ids.set(key, row.id);
    }
  }
}

/** Rows changed by an INSERT/UPDATE/DELETE (DuckDB answers such statements with a `Count` column). */
const changedRows = async (db: Connection, sql: string): Promise<number> => {
  const rows = await db.all<{ Count?: number }>(sql);
  return Number(rows[0]?.Count ?? 0);
};

const maxOf = (values: ArrayLike<number>): number => {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > m) m = values[i] as number;
  return m;
};
