import type { Connection } from './database.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
}

/**
 * Numbered, append-only. Never edit a migration that has shipped: add the next one.
 * Readings carry no index: DuckDB's zone maps serve range queries because ingest writes each batch
 * ordered by (signal_id, t), and an ART index over hundreds of millions of rows would not fit in memory.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'signals and readings',
    sql: [
      'CREATE SEQUENCE signal_id_seq START 1',
      `CREATE TABLE signals (
        id INTEGER PRIMARY KEY DEFAULT nextval('signal_id_seq'),
        asset VARCHAR NOT NULL,
        tag VARCHAR NOT NULL,
        unit VARCHAR,
        sample_period DOUBLE,
        valid_min DOUBLE,
        valid_max DOUBLE,
        source VARCHAR NOT NULL,
        time_kind VARCHAR NOT NULL CHECK (time_kind IN ('timestamp', 'cycle')),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (asset, tag)
      )`,
      `CREATE TABLE readings (
        signal_id INTEGER NOT NULL,
        t BIGINT NOT NULL,
        value DOUBLE,
        quality UINTEGER
      )`,
    ],
  },
  {
    version: 2,
    name: 'ingest records and rejects',
    sql: [
      'CREATE SEQUENCE ingest_id_seq START 1',
      `CREATE TABLE ingests (
        id INTEGER PRIMARY KEY DEFAULT nextval('ingest_id_seq'),
        file VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        options JSON,
        status VARCHAR NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at TIMESTAMPTZ,
        rows BIGINT NOT NULL DEFAULT 0,
        "values" BIGINT NOT NULL DEFAULT 0,
        rejected BIGINT NOT NULL DEFAULT 0,
        duplicates BIGINT NOT NULL DEFAULT 0,
        message VARCHAR
      )`,
      `CREATE TABLE rejects (
        ingest_id INTEGER NOT NULL,
        file VARCHAR NOT NULL,
        line BIGINT,
        field VARCHAR,
        reason VARCHAR NOT NULL,
        raw VARCHAR
      )`,
    ],
  },
  {
    version: 3,
    name: 'events',
    sql: [
      'CREATE SEQUENCE event_id_seq START 1',
      `CREATE TABLE events (
        id INTEGER PRIMARY KEY DEFAULT nextval('event_id_seq'),
        asset VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('failure', 'maintenance', 'inspection', 'anomaly', 'note')),
        start_t BIGINT NOT NULL,
        end_t BIGINT,
        time_kind VARCHAR NOT NULL CHECK (time_kind IN ('timestamp', 'cycle')),
        code VARCHAR,
        description VARCHAR,
        source VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    version: 4,
    name: 'ingest checkpoints',
    // One row per (source, signal): how far a historian import got. Written in the same transaction as the
    // readings it covers, so a resumed import starts exactly where the committed data ends.
    // signal_id 0 is a source-wide checkpoint (a SQL query ordered by time covers all its signals at once).
    sql: [
      `CREATE TABLE ingest_checkpoints (
        source VARCHAR NOT NULL,
        signal_id INTEGER NOT NULL,
        last_t BIGINT NOT NULL,
        continuation TEXT,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (source, signal_id)
      )`,
    ],
  },
  {
    version: 5,
    name: 'trend tiles',
    // Derived from readings (see trend-tiles.ts); safe to drop and rebuild.
    sql: [
      `CREATE TABLE trend_tiles (
        signal_id INTEGER NOT NULL, exponent TINYINT NOT NULL, tile BIGINT NOT NULL, n BIGINT NOT NULL,
        t_first BIGINT NOT NULL, v_first DOUBLE NOT NULL, t_last BIGINT NOT NULL, v_last DOUBLE NOT NULL,
        t_min BIGINT NOT NULL, v_min DOUBLE NOT NULL, t_max BIGINT NOT NULL, v_max DOUBLE NOT NULL
      )`,
      `CREATE TABLE trend_tile_sets (
        signal_id INTEGER PRIMARY KEY,
        min_exponent INTEGER NOT NULL,
        max_exponent INTEGER NOT NULL,
        built_count BIGINT NOT NULL
      )`,
    ],
  },
  {
    version: 6,
    name: 'dataset snapshots and training runs',
    sql: [
      // A snapshot's id is derived from its content hash, so the same definition over the same data is one row.
      `CREATE TABLE datasets (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        definition JSON NOT NULL,
        content_hash VARCHAR NOT NULL,
        assets INTEGER NOT NULL,
        windows BIGINT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      // Artifacts live in artifacts/runs/<id>/ (src/shared/run-artifact.ts); this row is the searchable index.
      `CREATE TABLE runs (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        task VARCHAR NOT NULL,
        model_type VARCHAR NOT NULL,
        status VARCHAR NOT NULL CHECK (status IN ('done', 'failed', 'cancelled')),
        backend VARCHAR NOT NULL,
        seed BIGINT NOT NULL,
        dataset_id VARCHAR NOT NULL,
        dataset_hash VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        duration_s DOUBLE NOT NULL,
        metrics JSON NOT NULL,
        config JSON NOT NULL,
        app_version VARCHAR NOT NULL,
        artifact_dir VARCHAR,
        message VARCHAR
      )`,
    ],
  },
  {
    version: 7,
    name: 'ingest file size',
    sql: [
      // The size of an imported file: a new file whose size no earlier import had cannot be a repeat, so its
      // content hash can be computed while it imports instead of before.
      'ALTER TABLE ingests ADD COLUMN bytes BIGINT',
    ],
  },
  {
    version: 8,
    name: 'historian coverage',
    sql: [
      // Per (source, signal): the time intervals [from_t, to_t) (µs) whose history was read completely, so that a
      // later import fetches every part of its range not read yet (see util/coverage.ts). Written in the
      // same transaction as the readings.
      `CREATE TABLE historian_coverage (
        source VARCHAR NOT NULL,
        signal_id INTEGER NOT NULL,
        from_t BIGINT NOT NULL,
        to_t BIGINT NOT NULL,
        PRIMARY KEY (source, signal_id, from_t)
      )`,
      // Imports made before this version left only checkpoints: take each signal's stored readings up to its
      // checkpoint (its own, or the source-wide one of a SQL query) as covered. The first reading is where the
      // import started at the latest, so this claims no time that was not read.
      `INSERT INTO historian_coverage
       SELECT c.source, s.id, min(r.t), least(max(r.t), max(c.last_t)) + 1
       FROM ingest_checkpoints c
       JOIN signals s ON s.id = c.signal_id OR (c.signal_id = 0 AND s.source = c.source)
       JOIN readings r ON r.signal_id = s.id
       GROUP BY c.source, s.id
       HAVING min(r.t) <= max(c.last_t)`,
    ],
  },
  {
    version: 9,
    name: 'monitoring: deployments, scores, contract violations, alerts, audit, drift',
    // The loop after approval (issue 10; SQL in monitoring-store.ts). Scores carry no index, like readings:
    // a re-score replaces a (deployment, asset, output) time range in one transaction.
    // alert_actions is a hash chain over every monitoring action (deployment changes and alert actions), the
    // registry audit log's design; audit_heads keeps its last seq and hash so deleted newest rows show too.
    sql: [
      'CREATE SEQUENCE deployment_id_seq START 1',
      `CREATE TABLE deployments (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        model_name VARCHAR NOT NULL,
        stage VARCHAR CHECK (stage IN ('production', 'approved')),
        pinned_version INTEGER,
        registry VARCHAR NOT NULL,
        role VARCHAR NOT NULL CHECK (role IN ('champion', 'challenger')),
        champion_id VARCHAR,
        assets JSON NOT NULL,
        mapping JSON NOT NULL,
        rule JSON,
        limits JSON NOT NULL,
        current_version INTEGER,
        package_hash VARCHAR,
        pending_version INTEGER,
        status VARCHAR NOT NULL CHECK (status IN ('active', 'paused', 'retired')),
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        CHECK ((stage IS NULL) <> (pinned_version IS NULL)),
        CHECK ((role = 'challenger') = (champion_id IS NOT NULL))
      )`,
      // Per deployment and asset: the alert rule's state and how far scoring got ("since the last score").
      `CREATE TABLE deployment_assets (
        deployment_id VARCHAR NOT NULL,
        asset VARCHAR NOT NULL,
        last_scored_t BIGINT,
        rule_state JSON,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (deployment_id, asset)
      )`,
      `CREATE TABLE scores (
        deployment_id VARCHAR NOT NULL,
        asset VARCHAR NOT NULL,
        output VARCHAR NOT NULL,
        window_end BIGINT NOT NULL,
        value DOUBLE,
        model_version INTEGER NOT NULL,
        package_hash VARCHAR NOT NULL,
        scored_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      'CREATE SEQUENCE contract_violation_id_seq START 1',
      `CREATE TABLE contract_violations (
        id BIGINT PRIMARY KEY DEFAULT nextval('contract_violation_id_seq'),
        deployment_id VARCHAR NOT NULL,
        asset VARCHAR NOT NULL,
        signal VARCHAR NOT NULL,
        workspace_signal VARCHAR,
        code VARCHAR NOT NULL,
        severity VARCHAR NOT NULL CHECK (severity IN ('block', 'warn')),
        message VARCHAR NOT NULL,
        measured DOUBLE,
        limit_value DOUBLE,
        readings BIGINT NOT NULL,
        range_from BIGINT NOT NULL,
        range_to BIGINT NOT NULL,
        model_version INTEGER,
        checked_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      'CREATE SEQUENCE alert_id_seq START 1',
      `CREATE TABLE alerts (
        id VARCHAR PRIMARY KEY,
        deployment_id VARCHAR NOT NULL,
        asset VARCHAR NOT NULL,
        role VARCHAR NOT NULL CHECK (role IN ('champion', 'challenger')),
        model_version INTEGER NOT NULL,
        raised_t BIGINT NOT NULL,
        raised_value DOUBLE NOT NULL,
        cleared_t BIGINT,
        raised_at TIMESTAMPTZ NOT NULL,
        status VARCHAR NOT NULL CHECK (status IN ('open', 'acknowledged', 'closed')),
        disposition VARCHAR CHECK (disposition IN ('confirmed', 'false-alarm', 'not-actionable')),
        acknowledged JSON,
        shelf JSON,
        closed JSON,
        realerts INTEGER NOT NULL DEFAULT 0,
        last_announced_t BIGINT NOT NULL,
        CHECK ((status = 'closed') = (disposition IS NOT NULL))
      )`,
      `CREATE TABLE alert_actions (
        seq BIGINT PRIMARY KEY,
        time VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        deployment_id VARCHAR NOT NULL,
        alert_id VARCHAR,
        details JSON NOT NULL,
        prev VARCHAR NOT NULL,
        hash VARCHAR NOT NULL
      )`,
      `CREATE TABLE audit_heads (
        chain VARCHAR PRIMARY KEY,
        seq BIGINT NOT NULL,
        hash VARCHAR NOT NULL
      )`,
      `CREATE TABLE drift_results (
        deployment_id VARCHAR NOT NULL,
        asset VARCHAR NOT NULL,
        signal VARCHAR,
        method VARCHAR NOT NULL CHECK (method IN ('wasserstein', 'ks', 'jensen-shannon', 'pca-reconstruction')),
        from_t BIGINT NOT NULL,
        to_t BIGINT NOT NULL,
        readings BIGINT NOT NULL,
        reference_readings BIGINT NOT NULL,
        value DOUBLE NOT NULL,
        threshold DOUBLE NOT NULL,
        p_value DOUBLE,
        calibrated BOOLEAN NOT NULL,
        flagged BOOLEAN NOT NULL,
        importance DOUBLE,
        output_rising BOOLEAN NOT NULL,
        model_version INTEGER,
        computed_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    version: 10,
    name: 'workspace settings',
    // Key/value so a new setting (display time zone first) needs no migration; values are checked by the API.
    sql: [
      `CREATE TABLE settings (
        key VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL
      )`,
    ],
  },
  {
    version: 11,
    name: 'asset criticality and report exports',
    sql: [
      // Set per asset by the engineer: the fleet report ranks risk as health x criticality (1 low .. 5 high);
      // the asset class picks the ROI report's downtime cost. An asset without a row has the default (3).
      `CREATE TABLE asset_criticality (
        asset VARCHAR PRIMARY KEY,
        criticality INTEGER NOT NULL CHECK (criticality BETWEEN 1 AND 5),
        asset_class VARCHAR,
        set_by VARCHAR NOT NULL,
        set_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      // The workspace's audit of exported reports: a figure in a forwarded PDF traces back to its data through
      // the SHA-256 printed in its footer and the parameters it was made with.
      `CREATE SEQUENCE report_export_id_seq START 1`,
      `CREATE TABLE report_exports (
        id INTEGER PRIMARY KEY DEFAULT nextval('report_export_id_seq'),
        kind VARCHAR NOT NULL CHECK (kind IN ('fleet', 'alerts', 'model', 'value')),
        parameters JSON NOT NULL,
        sha256 VARCHAR NOT NULL CHECK (length(sha256) = 64),
        path VARCHAR NOT NULL,
        format VARCHAR NOT NULL CHECK (format IN ('html', 'pdf')),
        pages INTEGER,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        who VARCHAR NOT NULL
      )`,
    ],
  },
  // 12 belongs to another branch of this session (follow sources); numbers are assigned per change.
  {
    version: 13,
    name: 'candidate label columns',
    sql: [
      // A column of a data file whose name and values look like labels (a 0/1 failure flag, a state code): marked
      // at import so training offers it as the label column and leaves it out of the inputs. NULL: not yet judged
      // (signals from before this version, judged at their next import); false: not a label or unmarked by the
      // user, which a later import of the same column does not overturn.
      'ALTER TABLE signals ADD COLUMN label_candidate BOOLEAN',
    ],
  },
];

export const latestSchemaVersion = (): number => migrations[migrations.length - 1]?.version ?? 0;

export const currentSchemaVersion = async (db: Connection): Promise<number> => {
  const table = await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations'`);
  if (table.length === 0) return 0;
  const row = await db.one<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return row.v ?? 0;
};

export interface MigrateOptions {
  /**
   * Called once before the first pending migration of a workspace that has a schema already (not a new one):
   * Workspace.open backs the file up there (migration-backup.ts).
   */
  readonly beforeMigrating?: (db: Connection, fromVersion: number) => Promise<unknown>;
}

/** Apply every pending migration, each in its own transaction, up to `target`. */
export const migrate = async (
  db: Connection,
  target = latestSchemaVersion(),
  options: MigrateOptions = {},
): Promise<number> => {
  const current = await currentSchemaVersion(db);
  if (current > latestSchemaVersion()) {
    throw new Error(
      `workspace schema version ${current} is newer than this app understands (${latestSchemaVersion()}); update PdM Studio`,
    );
  }
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length > 0 && current > 0) await options.beforeMigrating?.(db, current);
  await db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  for (const migration of pending) {
    await db.transaction(async () => {
      for (const statement of migration.sql) await db.run(statement);
      await db.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    });
  }
  return currentSchemaVersion(db);
};
