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

const STAGE = 'pdm_stream_batch';
/** Readings per staging statement. */
const CHUNK = 50_000;

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
  ) {}

  /** A sink on a connection of its own (`ownsConnection`: closed with the sink). */
  static async open(
    db: Connection,
    options: { readonly source: string; readonly mode: 'per-batch' | 'atomic'; readonly format: string; readonly ownsConnection?: boolean },
  ): Promise<StreamSink> {
    await db.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (signal_id INTEGER, t BIGINT, value DOUBLE, quality UINTEGER, ord BIGINT)`,
    );
    await db.run(`DELETE FROM ${STAGE}`);
    const sink = new StreamSink(db, options.source, options.mode, options.format, options.ownsConnection ?? false);
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
   * Store readings and their checkpoints. In 'per-batch' mode this is one committed transaction;
   * in 'atomic' mode it joins the sink's open transaction. `sourceCheckpoint` sets the source-wide checkpoint.
   */
  async write(parts: readonly StreamPart[], sourceCheckpoint?: StreamCheckpoint): Promise<StreamWriteResult> {
    if (this.closed) throw new Error('stream sink is closed');
    const work = async (): Promise<StreamWriteResult> => {
      await this.createMissing(parts.map((p) => p.key));
      let staged = 0;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      const ids: number[] = [];
      for (const part of parts) {
        const id = this.ids.get(part.key);
        if (id === undefined) throw new Error(`stream: signal ${part.key.replace('\u0000', '/')} was not declared`);
        ids.push(id);
        const n = part.t.length;
        if (part.value.length !== n || (part.quality !== undefined && part.quality.length !== n)) {
          throw new Error('stream: t, value and quality must have the same length');
        }
        if (n === 0) continue;
        for (let i = 0; i < n; i++) {
          const t = part.t[i] as number;
          if (!Number.isSafeInteger(t)) throw new Error(`stream: time ${t} is not an integer number of µs`);
          if (t < lo) lo = t;
          if (t > hi) hi = t;
        }
        // Lists travel as JSON text and are cast by DuckDB: about 1M rows/s, faster than row-wise appends.
        // JSON has no NaN or Infinity: they arrive as NULL (no usable value).
        for (let start = 0; start < n; start += CHUNK) {
          const end = Math.min(n, start + CHUNK);
          const slice = <T>(a: ArrayLike<T>) => JSON.stringify(Array.prototype.slice.call(a, start, end));
          await this.db.run(
            `INSERT INTO ${STAGE} SELECT $1, unnest($2::BIGINT[]), unnest($3::DOUBLE[]), ${
              part.quality === undefined ? 'NULL' : 'unnest($6::UINTEGER[])'
            }, unnest(range($4, $5))`,
            [id, slice(part.t), slice(part.value), staged, staged + (end - start), ...(part.quality === undefined ? [] : [slice(part.quality)])],
          );
          staged += end - start;
        }
      }
      let inserted = 0;
      if (staged > 0) {
        const idList = [...new Set(ids)].join(', ');
        inserted = await changedRows(
          this.db,
          `INSERT INTO readings
           SELECT d.signal_id, d.t, d.value, d.quality FROM (
             SELECT signal_id, t, arg_min(value, ord) AS value, arg_min(quality, ord) AS quality
             FROM ${STAGE} GROUP BY signal_id, t
           ) d
           WHERE NOT EXISTS (
             SELECT 1 FROM (SELECT signal_id, t FROM readings WHERE signal_id IN (${idList}) AND t BETWEEN ${lo} AND ${hi}) r
             WHERE r.signal_id = d.signal_id AND r.t = d.t)
           ORDER BY d.signal_id, d.t`,
        );
        await this.db.run(`DELETE FROM ${STAGE}`);
      }
      for (const part of parts) {
        const id = this.ids.get(part.key) as number;
        const checkpoint = part.checkpoint ?? (part.t.length > 0 ? { lastT: maxOf(part.t), continuation: undefined } : undefined);
        if (checkpoint !== undefined) await this.saveCheckpoint(id, checkpoint.lastT, checkpoint.continuation);
      }
      if (sourceCheckpoint !== undefined) await this.saveCheckpoint(0, sourceCheckpoint.lastT, sourceCheckpoint.continuation);
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
  async finish(status: 'done' | 'failed' | 'cancelled', message: string | null, options: Record<string, unknown> = {}): Promise<StreamSummary> {
    if (this.closed) throw new Error('stream sink is closed');
    if (this.mode === 'atomic' && this.inTransaction) {
      this.inTransaction = false;
      if (status === 'done') {
        await this.db.run('COMMIT');
      } else {
        await this.db.run('ROLLBACK').catch(() => undefined);
        this.values = 0;
        this.duplicates = 0;
        this.touched.clear();
      }
    }
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
    return { ingestId, values: this.values, duplicates: this.duplicates, batches: this.batches, signalIds: [...this.touched].sort((a, b) => a - b) };
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
    if (this.ownsConnection) this.db.close();
  }

  /** Interrupt a running statement (cancel). */
  interrupt(): void {
    this.db.interrupt();
  }

  private async saveCheckpoint(signalId: number, lastT: number, continuation: string | null | undefined): Promise<void> {
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
        throw new Error(`signal "${row.asset} / ${row.tag}" is indexed by ${row.time_kind}; a historian stream is indexed by time`);
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
        [spec.asset, spec.tag, spec.unit ?? null, spec.samplePeriod ?? null, spec.validMin ?? null, spec.validMax ?? null, this.source],
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
