import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type {
  ExportFormat,
  IngestFileResult,
  IngestRecord,
  QualityRow,
  Reject,
  Signal,
  TimeKind,
  TrendResult,
  WorkspaceInfo,
} from '../../../shared/domain.js';
import type { ImportPlan, ParquetDescription } from '../import/plan.js';
import { Database, quoteLiteral, type Connection } from './database.js';
import {
  loadGridSeries,
  getDatasetSnapshot,
  listDatasetSnapshots,
  saveDatasetSnapshot,
  type DatasetSnapshot,
  type DatasetSnapshotRow,
  listEventRows,
  type EventRow,
  type GridSeries,
  type SeriesRequest,
} from './datasets.js';
import { exportReadings } from './export.js';
import { ingestFile, type IngestProgress } from './ingest.js';
import { m4Query } from './m4.js';
import { buildTiles, currentTileSets, snapRange, tiledM4, TILE_MIN_READINGS } from './trend-tiles.js';
import { migrate } from './migrations.js';
import { backupBeforeMigrating } from './migration-backup.js';
import { ReadPool } from './read-pool.js';
import { WriteOwner, type WhenBusy } from './write-owner.js';
import { qualityReport } from './quality.js';
import { deleteRun, getRun, insertRun, listRuns, updateRunMetrics, type RunRow } from './runs.js';
import { StreamSink } from './stream-ingest.js';
import { storeEvents, type EventInput, type EventImportResult, type EventReject } from './events.js';
import {
  deleteEventRecord,
  listEventRecords,
  saveEventRecord,
  type EventChange,
  type EventRecord,
} from './event-edits.js';

export const WORKSPACE_FILE = 'workspace.duckdb';

export interface SignalPatch {
  readonly asset?: string;
  readonly unit?: string | null;
  readonly samplePeriod?: number | null;
  readonly validMin?: number | null;
  readonly validMax?: number | null;
  /** Mark or unmark a candidate label column (see src/shared/label-candidate.ts). */
  readonly labelCandidate?: boolean;
}

interface SignalRow {
  id: number;
  asset: string;
  tag: string;
  unit: string | null;
  sample_period: number | null;
  valid_min: number | null;
  valid_max: number | null;
  source: string;
  time_kind: TimeKind;
  count: number | null;
  first_t: number | null;
  last_t: number | null;
  label_candidate: boolean | null;
}

const toSignal = (r: SignalRow): Signal => ({
  id: r.id,
  asset: r.asset,
  tag: r.tag,
  unit: r.unit,
  samplePeriod: r.sample_period,
  validMin: r.valid_min,
  validMax: r.valid_max,
  source: r.source,
  timeKind: r.time_kind,
  count: r.count ?? 0,
  firstT: r.first_t,
  lastT: r.last_t,
  labelCandidate: r.label_candidate === true,
});

const friendlyOpenError = (path: string, error: unknown): Error => {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock/i.test(message)) {
    return new Error(`${path}: the workspace is open in another PdM Studio window or process`, { cause: error });
  }
  return new Error(`${path}: cannot open workspace (${message})`, { cause: error });
};

/** Connections lent to reads at once (see read-pool.ts): a trend and a slower read (quality, export) side by side. */
const READ_CONNECTIONS = 3;

/** SQL that only reads: `query` sends it to a read connection, anything else goes through the write owner. */
const READ_ONLY_SQL = /^\s*(SELECT|WITH|FROM|DESCRIBE|SHOW|SUMMARIZE|EXPLAIN|PRAGMA\s+table_info)\b/i;

/**
 * A workspace folder: `workspace.duckdb` plus `artifacts/`. The only place in the app that talks to DuckDB.
 *
 * One owner of writes (write-owner.ts): every write waits its turn there, so transactions never interleave.
 * Short writes (edits) share one write connection; a long job (an import, a tile build) gets a connection of its
 * own, so it can be interrupted alone and its temporary tables and settings stay its own, and holds the workspace
 * until it ends. Reads borrow connections from a pool (read-pool.ts) and see committed data only, so a trend
 * never waits for an import.
 */
export class Workspace {
  private readonly owner = new WriteOwner();

  private constructor(
    readonly path: string,
    private readonly database: Database,
    /** The connection short writes share; only the write owner's current task uses it. */
    private readonly writer: Connection,
    private readonly reads: ReadPool,
    readonly schemaVersion: number,
  ) {}

  static async open(folder: string): Promise<Workspace> {
    const path = resolve(folder);
    await mkdir(join(path, 'artifacts'), { recursive: true });
    await mkdir(join(path, '.tmp'), { recursive: true });
    const file = join(path, WORKSPACE_FILE);
    let database: Database;
    try {
      database = await Database.open(file, { tempDirectory: join(path, '.tmp') });
    } catch (error) {
      throw friendlyOpenError(path, error);
    }
    let db: Connection | undefined;
    try {
      db = await database.connect();
      const version = await migrate(db, undefined, { beforeMigrating: backupBeforeMigrating(file) }).catch(
        (error: Error) => {
          throw new Error(`${path}: ${error.message}`, { cause: error });
        },
      );
      await db.run(
        `UPDATE ingests SET status = 'failed', finished_at = now(),
           message = 'interrupted before it finished (app closed or crashed); nothing from it was kept: run the import again'
         WHERE status = 'running'`,
      );
      return new Workspace(path, database, db, new ReadPool(database, READ_CONNECTIONS), version);
    } catch (error) {
      // A refused workspace (e.g. a newer schema) must not stay locked by this process.
      db?.close();
      database.close();
      throw error;
    }
  }

  close(): void {
    this.reads.close();
    this.writer.close();
    this.database.close();
  }

  /** The long job (import, tile build, snapshot) holding or waiting for the workspace, or null. */
  busyWith(): string | null {
    return this.owner.busyWith();
  }

  private read<T>(work: (db: Connection) => Promise<T>): Promise<T> {
    return this.reads.use(work);
  }

  /** A short write on the shared write connection, in its turn. */
  private write<T>(label: string, whenBusy: WhenBusy, work: (db: Connection) => Promise<T>): Promise<T> {
    return this.owner.run({ label, long: false, whenBusy }, () => work(this.writer));
  }

  /** A long job on a connection of its own, holding the workspace until it ends; waits for any job before it. */
  private async job<T>(
    label: string,
    control: { readonly onWait?: (message: string) => void; readonly isCancelled?: () => boolean },
    work: (db: Connection) => Promise<T>,
  ): Promise<T> {
    return this.owner.run({ label, long: true, whenBusy: 'wait', ...control }, async () => {
      const connection = await this.database.connect();
      try {
        return await work(connection);
      } finally {
        connection.close();
      }
    });
  }

  /**
   * Hold the workspace for a job made of several calls (a training snapshot: nothing may change between the
   * reads it hashes). Writes the work makes through this workspace run inside the hold; it waits for any job
   * already running, telling `onWait`.
   */
  async exclusive<T>(
    label: string,
    work: () => Promise<T>,
    control: { readonly onWait?: (message: string) => void; readonly isCancelled?: () => boolean } = {},
  ): Promise<T> {
    return this.owner.run({ label, long: true, whenBusy: 'wait', ...control }, work);
  }

  async info(): Promise<WorkspaceInfo> {
    const row = await this.read((db) =>
      db.one<{ signals: number; assets: number; readings: number }>(
        `SELECT (SELECT count(*) FROM signals) AS signals, (SELECT count(DISTINCT asset) FROM signals) AS assets,
                (SELECT count(*) FROM readings) AS readings`,
      ),
    );
    return { path: this.path, ...row, schemaVersion: this.schemaVersion };
  }

  async signals(ids?: readonly number[]): Promise<Signal[]> {
    return this.read((db) => signalsOn(db, ids));
  }

  /** Find a signal by id, "tag" (when unique) or "asset/tag". */
  async resolveSignal(ref: string): Promise<Signal> {
    const all = await this.signals();
    const byId = /^\d+$/.test(ref) ? all.find((s) => s.id === Number(ref)) : undefined;
    if (byId) return byId;
    const byPath = all.filter((s) => `${s.asset}/${s.tag}` === ref);
    if (byPath.length === 1 && byPath[0]) return byPath[0];
    const byTag = all.filter((s) => s.tag === ref);
    if (byTag.length === 1 && byTag[0]) return byTag[0];
    if (byTag.length > 1) {
      throw new Error(`signal "${ref}" exists on ${byTag.length} assets; name it as asset/tag or by id`);
    }
    throw new Error(`no signal "${ref}" in ${this.path}`);
  }

  /** The stored settings as key/value text (keys never set are absent; the API layer supplies defaults). */
  async settings(): Promise<Readonly<Record<string, string>>> {
    const rows = await this.read((db) => db.all<{ key: string; value: string }>('SELECT key, value FROM settings'));
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Store settings; like any dialog edit, refused with a clear message while a long job holds the workspace. */
  async saveSettings(entries: Readonly<Record<string, string>>): Promise<void> {
    await this.write('settings change', 'refuse', (db) =>
      db.transaction(async () => {
        for (const [key, value] of Object.entries(entries)) {
          await db.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($1, $2)', [key, value]);
        }
      }),
    );
  }

  /** An edit from a dialog: refused with a clear message while a long job holds the workspace (see write-owner.ts). */
  async updateSignals(ids: readonly number[], patch: SignalPatch): Promise<Signal[]> {
    const columns: [string, unknown][] = [];
    if (patch.asset !== undefined) columns.push(['asset', patch.asset]);
    if (patch.unit !== undefined) columns.push(['unit', patch.unit]);
    if (patch.samplePeriod !== undefined) columns.push(['sample_period', patch.samplePeriod]);
    if (patch.validMin !== undefined) columns.push(['valid_min', patch.validMin]);
    if (patch.validMax !== undefined) columns.push(['valid_max', patch.validMax]);
    if (patch.labelCandidate !== undefined) columns.push(['label_candidate', patch.labelCandidate]);
    return this.write('signal edit', 'refuse', async (db) => {
      const existing = await signalsOn(db, ids);
      if (existing.length !== ids.length) throw new Error('updateSignals: some signal ids do not exist');
      if (columns.length > 0) {
        const set = columns.map(([name], i) => `${name} = $${i + 1}`).join(', ');
        const params = columns.map(([, v]) => v as string | number | boolean | null);
        await db.transaction(async () => {
          for (const id of ids) {
            await db
              .run(`UPDATE signals SET ${set} WHERE id = $${params.length + 1}`, [...params, id])
              .catch((error: Error) => {
                throw /Duplicate|unique|constraint/i.test(error.message)
                  ? new Error(`asset "${String(patch.asset)}" already has a signal with the same tag`)
                  : error;
              });
          }
        });
      }
      return signalsOn(db, ids);
    });
  }

  /** One read connection for the whole answer: the signals' counts and their tiles come from one moment. */
  async trend(signalIds: readonly number[], width: number, from?: number, to?: number): Promise<TrendResult> {
    return this.read(async (db) => {
      const signals = await signalsOn(db, signalIds);
      if (signals.length !== signalIds.length) throw new Error('trend: some signal ids do not exist');
      const kinds = new Set(signals.map((s) => s.timeKind));
      if (kinds.size > 1) throw new Error('trend: signals on a time axis and on a cycle axis cannot share a chart');
      const starts = signals.map((s) => s.firstT).filter((t): t is number => t !== null);
      const ends = signals.map((s) => s.lastT).filter((t): t is number => t !== null);
      const lo = from ?? (starts.length > 0 ? Math.min(...starts) : 0);
      const hi = to ?? (ends.length > 0 ? Math.max(...ends) : lo);
      // Signals with current tiles put the range on the tile grid; then every series shares that exact range.
      const tileSets = await currentTileSets(db, new Map(signals.map((s) => [s.id, s.count])));
      const snapped = snapRange(lo, hi, width, [...tileSets.values()]);
      const range = snapped ?? { from: lo, to: hi };
      const series = [];
      for (const id of signalIds) {
        const set = tileSets.get(id);
        const tiled = set !== undefined && snapped !== null ? await tiledM4(db, set, snapped, width) : null;
        series.push(tiled ?? (await m4Query(db, id, range.from, range.to, width)));
      }
      return { from: range.from, to: range.to, width, timeKind: signals[0]?.timeKind ?? 'timestamp', series };
    });
  }

  /** Rebuild trend tiles for signals large enough to need them (see trend-tiles.ts); a job: waits for any other. */
  async refreshTrendTiles(
    signalIds: readonly number[],
    minReadings = TILE_MIN_READINGS,
    onWait?: (message: string) => void,
  ): Promise<number> {
    return this.job('trend tile build', { onWait }, (db) => refreshTiles(db, signalIds, minReadings));
  }

  async quality(signalIds?: readonly number[]): Promise<QualityRow[]> {
    return this.read(async (db) => {
      const ids = signalIds ?? (await db.all<{ id: number }>('SELECT id FROM signals ORDER BY id')).map((r) => r.id);
      return qualityReport(db, ids);
    });
  }

  async ingests(): Promise<IngestRecord[]> {
    const rows = await this.read((db) =>
      db.all<{
        id: number;
        file: string;
        format: string;
        sha256: string;
        status: IngestRecord['status'];
        started_at: string;
        finished_at: string | null;
        rows: number;
        values: number;
        rejected: number;
        duplicates: number;
        message: string | null;
      }>(
        `SELECT id, file, format, sha256, status, strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') AS started_at,
                strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at, rows, "values", rejected, duplicates, message
         FROM ingests ORDER BY id DESC`,
      ),
    );
    return rows.map((r) => ({
      id: r.id,
      file: r.file,
      format: r.format,
      sha256: r.sha256,
      status: r.status,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      rows: r.rows,
      values: r.values,
      rejected: r.rejected,
      duplicates: r.duplicates,
      message: r.message,
    }));
  }

  async rejects(ingestId: number | undefined, limit: number): Promise<Reject[]> {
    const rows = await this.read((db) =>
      db.all<{
        ingest_id: number;
        file: string;
        line: number | null;
        field: string | null;
        reason: string;
        raw: string | null;
      }>(
        `SELECT * FROM rejects ${ingestId === undefined ? '' : 'WHERE ingest_id = $2'} ORDER BY ingest_id DESC, line LIMIT $1`,
        ingestId === undefined ? [limit] : [limit, ingestId],
      ),
    );
    return rows.map((r) => ({
      ingestId: r.ingest_id,
      file: r.file,
      line: r.line,
      field: r.field,
      reason: r.reason,
      raw: r.raw,
    }));
  }

  async describeParquet(file: string): Promise<ParquetDescription> {
    const source = `read_parquet(${quoteLiteral(file)})`;
    return this.read(async (db) => {
      const columns = await db
        .all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${source}`)
        .catch((error: Error) => {
          throw new Error(`${file}: not a readable Parquet file (${error.message})`);
        });
      const sample = await db.all(`SELECT * FROM ${source} LIMIT 20`);
      return {
        columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })),
        sampleRows: sample.map((row) => Object.values(row).map((v) => (v === null ? '' : String(v)))),
      };
    });
  }

  /**
   * Import one planned file as a job: it waits for any job before it ("waiting for the import of a.csv to
   * finish"), then runs on a connection of its own, so `cancel` can interrupt just this job, and rebuilds the
   * trend tiles of what it stored before the next writer comes.
   */
  async ingest(plan: ImportPlan, progress: IngestProgress, isCancelled: () => boolean): Promise<IngestFileResult> {
    return this.job(
      `import of ${basename(plan.file)}`,
      { onWait: (message) => progress(0, message), isCancelled },
      async (connection) => {
        const result = await ingestFile({ db: connection, plan, progress, isCancelled });
        progress(1, 'indexing trends');
        await refreshTiles(connection, result.signalIds, TILE_MIN_READINGS);
        return result;
      },
    );
  }

  async export(request: {
    readonly signalIds: readonly number[];
    readonly from?: number | undefined;
    readonly to?: number | undefined;
    readonly format: ExportFormat;
    readonly path: string;
  }): Promise<number> {
    return this.read((db) => exportReadings(db, { ...request, from: request.from, to: request.to }));
  }

  /**
   * A sink for readings arriving in batches from a historian (see stream-ingest.ts): a job that holds the
   * workspace from here until the sink is closed, on a connection of its own. Waits for any job before it.
   */
  async openStream(options: {
    readonly source: string;
    readonly mode: 'per-batch' | 'atomic';
    readonly format: string;
    readonly onWait?: (message: string) => void;
    readonly isCancelled?: () => boolean;
  }): Promise<StreamSink> {
    const release = await this.owner.hold({
      label: streamLabel(options.source, options.format),
      long: true,
      whenBusy: 'wait',
      onWait: options.onWait,
      isCancelled: options.isCancelled,
    });
    let connection: Connection | undefined;
    try {
      connection = await this.database.connect();
      return await StreamSink.open(connection, {
        source: options.source,
        mode: options.mode,
        format: options.format,
        ownsConnection: true,
        onClose: release,
      });
    } catch (error) {
      connection?.close();
      release();
      throw error;
    }
  }

  /** Signals of the given assets on a common grid, for dataset building (see datasets.ts). */
  async gridSeries(request: SeriesRequest): Promise<GridSeries[]> {
    return this.read((db) => loadGridSeries(db, request));
  }

  /** Events of the given assets in the shape datasets label windows with (see listEventRows). */
  async events(assets: readonly string[]): Promise<EventRow[]> {
    return this.read((db) => listEventRows(db, assets));
  }

  /** Part of a training or `datasets create` job: waits its turn. */
  async saveDataset(snapshot: DatasetSnapshot): Promise<void> {
    await this.write('dataset snapshot', 'wait', (db) => saveDatasetSnapshot(db, snapshot));
  }

  /** Saved dataset snapshots (the `datasets` table), newest first. */
  async datasets(): Promise<DatasetSnapshotRow[]> {
    return this.read((db) => listDatasetSnapshots(db));
  }

  async dataset(id: string): Promise<DatasetSnapshotRow | null> {
    return this.read((db) => getDatasetSnapshot(db, id));
  }

  /** The end of a training job: waits its turn (a finished run must be recorded, not refused). */
  async recordRun(run: RunRow): Promise<void> {
    await this.write('training run record', 'wait', (db) => insertRun(db, run));
  }

  async runs(): Promise<RunRow[]> {
    return this.read((db) => listRuns(db));
  }

  async run(id: string): Promise<RunRow | null> {
    return this.read((db) => getRun(db, id));
  }

  /** A user's delete: refused while a long job holds the workspace. */
  async deleteRun(id: string): Promise<boolean> {
    return this.write('run deletion', 'refuse', (db) => deleteRun(db, id));
  }

  /** Part of an evaluation job: waits its turn. */
  async updateRunMetrics(id: string, metrics: Record<string, number>): Promise<void> {
    await this.write('run metrics update', 'wait', (db) => updateRunMetrics(db, id, metrics));
  }

  /**
   * Store events read from a CMMS export (one transaction; see events.ts). Started from a dialog and done in a
   * moment: refused while a long job holds the workspace.
   */
  async importEvents(
    file: string,
    sha256: string,
    events: readonly EventInput[],
    rejects: readonly EventReject[],
  ): Promise<EventImportResult> {
    return this.write(`work-order import of ${basename(file)}`, 'refuse', (db) =>
      storeEvents(db, file, sha256, events, rejects),
    );
  }

  /** Events with their time axis, of the given assets or all (see event-edits.ts). */
  async eventRecords(assets?: readonly string[]): Promise<EventRecord[]> {
    return this.read((db) => listEventRecords(db, assets));
  }

  /** Add (no id) or edit one event; an edit from a dialog: refused while a long job holds the workspace. */
  async saveEvent(change: EventChange): Promise<EventRecord> {
    return this.write('event edit', 'refuse', (db) => saveEventRecord(db, change));
  }

  async deleteEvent(id: number): Promise<boolean> {
    return this.write('event deletion', 'refuse', (db) => deleteEventRecord(db, id));
  }

  /** Distinct asset names of the workspace's signals. */
  async assets(): Promise<string[]> {
    return (await this.read((db) => db.all<{ asset: string }>('SELECT DISTINCT asset FROM signals ORDER BY 1'))).map(
      (r) => r.asset,
    );
  }

  /** Run a statement; for tests and diagnostics. A read goes to a read connection, anything else waits its turn. */
  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    return READ_ONLY_SQL.test(sql)
      ? this.read((db) => db.all<T>(sql))
      : this.write('statement', 'wait', (db) => db.all<T>(sql));
  }

  /**
   * The monitoring store's functions (monitoring-store.ts) over this workspace: a scoring pass both reads and
   * writes, so it runs in its turn on the write connection, waiting for any job that holds the workspace.
   */
  async monitoring<T>(work: (db: Connection) => Promise<T>): Promise<T> {
    return this.write('monitoring', 'wait', work);
  }

  /** Read-only monitoring queries (alert lists, score series) on a read connection, never behind an import. */
  async monitoringRead<T>(work: (db: Connection) => Promise<T>): Promise<T> {
    return this.read(work);
  }
}

/** "OPC UA import from opc.tcp://host:4840", "SQL import from postgres://host/db": sources carry their kind as a prefix. */
const streamLabel = (source: string, format: string): string => {
  const kind = format === 'opcua' ? 'OPC UA' : format.toUpperCase();
  const where = source.replace(/^[a-z]+:(?=[a-z][a-z0-9+.-]*:\/\/)/i, '').replace(/#.*$/, '');
  return `${kind} import from ${where}`;
};

/** Signals with their reading counts and time range, read on `db` (a read connection, or the writer's own). */
const signalsOn = async (db: Connection, ids?: readonly number[]): Promise<Signal[]> => {
  if (ids !== undefined && ids.length <= 16) {
    // One aggregate per signal without GROUP BY: DuckDB then answers from the signal's clustered row groups,
    // far faster than grouping (a 50M-reading signal: ~10 ms against ~150 ms).
    const stats = new Map<number, { count: number; first_t: number | null; last_t: number | null }>();
    for (const id of ids) {
      stats.set(
        id,
        await db.one(
          `SELECT count(*) AS count, min(t) AS first_t, max(t) AS last_t FROM readings WHERE signal_id = ${Math.trunc(id)}`,
        ),
      );
    }
    const rows = await db.all<SignalRow>(
      `SELECT * FROM signals WHERE id IN (${ids.map((id) => Math.trunc(id)).join(', ') || 'NULL'}) ORDER BY asset, tag`,
    );
    return rows.map((r) => toSignal({ ...r, ...(stats.get(r.id) ?? { count: 0, first_t: null, last_t: null }) }));
  }
  const list = ids?.map((id) => Math.trunc(id)).join(', ');
  const filter = ids === undefined ? '' : `WHERE s.id IN (${list || 'NULL'})`;
  // Filter readings by id too: with readings clustered by signal, zone maps then skip everything else.
  const readingsFilter = ids === undefined ? '' : `WHERE signal_id IN (${list || 'NULL'})`;
  const rows = await db.all<SignalRow>(
    `SELECT s.*, st.count, st.first_t, st.last_t FROM signals s
     LEFT JOIN (SELECT signal_id, count(*) AS count, min(t) AS first_t, max(t) AS last_t
                FROM readings ${readingsFilter} GROUP BY signal_id) st
       ON st.signal_id = s.id
     ${filter} ORDER BY s.asset, s.tag`,
  );
  return rows.map(toSignal);
};

/** Rebuild the tiles of the signals with at least `minReadings` readings; returns how many got tiles. */
const refreshTiles = async (db: Connection, signalIds: readonly number[], minReadings: number): Promise<number> => {
  let built = 0;
  for (const signal of await signalsOn(db, signalIds)) {
    if (signal.count >= minReadings && (await buildTiles(db, signal.id, minReadings))) built++;
  }
  return built;
};
