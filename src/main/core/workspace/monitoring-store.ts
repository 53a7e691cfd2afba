import { createHash } from 'node:crypto';
import {
  AlertSchema,
  type SignalRef,
  DeploymentSchema,
  type Alert,
  type ContractViolation,
  type Deployment,
  type DriftFinding,
  type FollowSource,
  FollowSourceSchema,
} from '../../../shared/monitoring.js';
import { z } from 'zod';
import { AlertActionError, applyAlertAction, labelEventOf, type AlertAction } from '../../../shared/alert-lifecycle.js';
import { canonicalJson } from '../registry/canonical-json.js';
import type { Connection } from './database.js';
import { listEventRows, type EventRow } from './datasets.js';

/**
 * The monitoring tables of migration 9: deployments, per-asset scoring state, scores, contract violations,
 * drift results, alerts, and the hash-chained audit of every monitoring action. Functions over a Connection,
 * like runs.ts and events.ts; each write that spans rows runs in one transaction.
 */

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN = 'monitoring';

// ---------------------------------------------------------------------------------------------------------------
// Audit chain

export interface MonitoringAuditEntry {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  /** deploy, set-rule, set-mapping, switch-version, production-changed, raise, acknowledge, shelve, ... */
  readonly action: string;
  readonly deploymentId: string;
  readonly alertId: string | null;
  readonly details: unknown;
  readonly prev: string;
  readonly hash: string;
}

export type MonitoringAuditDraft = Pick<MonitoringAuditEntry, 'actor' | 'action' | 'deploymentId' | 'alertId'> & {
  readonly details: unknown;
  readonly time: string;
};

const auditHash = (entry: Omit<MonitoringAuditEntry, 'hash'>): string => sha256(canonicalJson(entry));

/** Append one entry to the chain. Call inside the transaction that makes the change it records. */
const appendAudit = async (db: Connection, draft: MonitoringAuditDraft): Promise<MonitoringAuditEntry> => {
  const head = (
    await db.all<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_heads WHERE chain = $1', [CHAIN])
  )[0];
  // JSON round trip: what is hashed must be exactly what a reader gets back from the JSON column.
  const details = JSON.parse(JSON.stringify(draft.details ?? null)) as unknown;
  const unsealed = {
    seq: (head?.seq ?? 0) + 1,
    time: draft.time,
    actor: draft.actor,
    action: draft.action,
    deploymentId: draft.deploymentId,
    alertId: draft.alertId,
    details,
    prev: head?.hash ?? GENESIS_HASH,
  };
  const entry = { ...unsealed, hash: auditHash(unsealed) };
  await db.run(
    `INSERT INTO alert_actions (seq, time, actor, action, deployment_id, alert_id, details, prev, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.seq,
      entry.time,
      entry.actor,
      entry.action,
      entry.deploymentId,
      entry.alertId,
      canonicalJson(details),
      entry.prev,
      entry.hash,
    ],
  );
  await db.run(
    `INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, $2, $3)
     ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
    [CHAIN, entry.seq, entry.hash],
  );
  return entry;
};

interface DbAuditRow {
  seq: number;
  time: string;
  actor: string;
  action: string;
  deployment_id: string;
  alert_id: string | null;
  details: string;
  prev: string;
  hash: string;
}

const toAudit = (r: DbAuditRow): MonitoringAuditEntry => ({
  seq: r.seq,
  time: r.time,
  actor: r.actor,
  action: r.action,
  deploymentId: r.deployment_id,
  alertId: r.alert_id,
  details: JSON.parse(r.details) as unknown,
  prev: r.prev,
  hash: r.hash,
});

export const monitoringAudit = async (
  db: Connection,
  filter: { readonly deploymentId?: string; readonly alertId?: string } = {},
): Promise<MonitoringAuditEntry[]> => {
  const rows = await db.all<DbAuditRow>(
    `SELECT seq, time, actor, action, deployment_id, alert_id, CAST(details AS VARCHAR) AS details, prev, hash
     FROM alert_actions WHERE ($1::VARCHAR IS NULL OR deployment_id = $1) AND ($2::VARCHAR IS NULL OR alert_id = $2)
     ORDER BY seq`,
    [filter.deploymentId ?? null, filter.alertId ?? null],
  );
  return rows.map(toAudit);
};

export interface AuditChainProblem {
  readonly seq: number | null;
  readonly message: string;
}

/**
 * Check the whole chain: an edited row (content no longer matches its hash), an edited and re-hashed row (the
 * next one no longer chains to it), deleted rows (a gap in seq, or fewer rows than the head records), and an
 * edited head.
 */
export const checkMonitoringAudit = async (db: Connection): Promise<AuditChainProblem[]> => {
  const entries = await monitoringAudit(db);
  const head = (
    await db.all<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_heads WHERE chain = $1', [CHAIN])
  )[0];
  const problems: AuditChainProblem[] = [];
  let previous: MonitoringAuditEntry | null = null;
  let expected = 1;
  for (const entry of entries) {
    const { hash, ...rest } = entry;
    const selfOk = auditHash(rest) === hash;
    if (entry.seq > expected) {
      const range = entry.seq - 1 === expected ? `seq ${expected} is` : `seq ${expected}..${entry.seq - 1} are`;
      problems.push({ seq: expected, message: `monitoring audit entry ${range} missing: deleted` });
    }
    if (!selfOk) {
      problems.push({
        seq: entry.seq,
        message: `monitoring audit entry seq ${entry.seq} (${entry.action} by ${entry.actor}) was edited: its content does not match its hash`,
      });
    } else if (previous !== null && entry.seq === previous.seq + 1 && entry.prev !== previous.hash) {
      problems.push({
        seq: previous.seq,
        message: `monitoring audit entry seq ${previous.seq} was edited and re-hashed: entry seq ${entry.seq} no longer chains to it`,
      });
    } else if (entry.seq === 1 && entry.prev !== GENESIS_HASH) {
      problems.push({ seq: 1, message: 'monitoring audit entry seq 1 does not start the chain' });
    }
    previous = entry;
    expected = entry.seq + 1;
  }
  const last = entries.at(-1);
  if (head === undefined) {
    if (last !== undefined) problems.push({ seq: null, message: 'the monitoring audit head is missing' });
  } else if (last === undefined || head.seq > last.seq) {
    const from = (last?.seq ?? 0) + 1;
    const range = head.seq === from ? `seq ${from} is` : `seq ${from}..${head.seq} are`;
    problems.push({
      seq: from,
      message: `monitoring audit entry ${range} missing at the end (the head records seq ${head.seq}): deleted`,
    });
  } else if (head.seq < last.seq || head.hash !== last.hash) {
    problems.push({ seq: last.seq, message: `monitoring audit entry seq ${last.seq} does not match the head: edited` });
  }
  return problems;
};

// ---------------------------------------------------------------------------------------------------------------
// Deployments

export type DeploymentInput = Omit<Deployment, 'id' | 'createdAt' | 'createdBy' | 'status'> & {
  readonly status?: Deployment['status'];
};

interface DbDeploymentRow {
  id: string;
  name: string;
  model_name: string;
  stage: 'production' | 'approved' | null;
  pinned_version: number | null;
  registry: string;
  role: 'champion' | 'challenger';
  champion_id: string | null;
  assets: string;
  mapping: string;
  rule: string | null;
  limits: string;
  current_version: number | null;
  package_hash: string | null;
  pending_version: number | null;
  status: Deployment['status'];
  follow_source: string | null;
  created_by: string;
  created_at: string;
}

const toDeployment = (r: DbDeploymentRow): Deployment =>
  DeploymentSchema.parse({
    id: r.id,
    name: r.name,
    model: { name: r.model_name, stage: r.stage, pinnedVersion: r.pinned_version },
    registry: r.registry,
    role: r.role,
    championId: r.champion_id,
    assets: JSON.parse(r.assets) as unknown,
    mapping: JSON.parse(r.mapping) as unknown,
    rule: r.rule === null ? null : (JSON.parse(r.rule) as unknown),
    limits: JSON.parse(r.limits) as unknown,
    currentVersion: r.current_version,
    packageHash: r.package_hash,
    pendingVersion: r.pending_version,
    status: r.status,
    followSource: r.follow_source === null ? null : (JSON.parse(r.follow_source) as unknown),
    createdBy: r.created_by,
    createdAt: r.created_at,
  });

/**
 * A deployment's follow source lives in the workspace's key/value settings (migration 10) under this prefix and
 * its id: a setting needs no schema change, and it is still written and audited through changeDeployment.
 */
const FOLLOW_SOURCE_KEY = 'monitoring.follow-source/';

const DEPLOYMENT_SELECT = `SELECT id, name, model_name, stage, pinned_version, registry, role, champion_id,
  CAST(assets AS VARCHAR) AS assets, CAST(mapping AS VARCHAR) AS mapping, CAST(rule AS VARCHAR) AS rule,
  CAST(limits AS VARCHAR) AS limits, current_version, package_hash, pending_version, status,
  (SELECT value FROM settings WHERE key = '${FOLLOW_SOURCE_KEY}' || deployments.id) AS follow_source, created_by,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at FROM deployments`;

export const getDeployment = async (db: Connection, id: string): Promise<Deployment | null> => {
  const rows = await db.all<DbDeploymentRow>(`${DEPLOYMENT_SELECT} WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toDeployment(rows[0]);
};

export const listDeployments = async (db: Connection): Promise<Deployment[]> =>
  (await db.all<DbDeploymentRow>(`${DEPLOYMENT_SELECT} ORDER BY created_at, id`)).map(toDeployment);

const requireDeployment = async (db: Connection, id: string): Promise<Deployment> => {
  const d = await getDeployment(db, id);
  if (d === null) throw new Error(`no deployment "${id}" in this workspace`);
  return d;
};

export const createDeployment = async (
  db: Connection,
  input: DeploymentInput,
  by: { readonly actor: string; readonly at: string },
): Promise<Deployment> =>
  db.transaction(async () => {
    const { n } = await db.one<{ n: number }>(`SELECT nextval('deployment_id_seq') AS n`);
    const deployment = DeploymentSchema.parse({
      ...input,
      id: `dep-${n}`,
      status: input.status ?? 'active',
      // A new deployment follows no source until setFollowSource gives it one (what getDeployment reads back).
      followSource: null,
      createdBy: by.actor,
      createdAt: by.at,
    });
    if (deployment.championId !== null) {
      const champion = await getDeployment(db, deployment.championId);
      if (champion === null) throw new Error(`challenger: no champion deployment "${deployment.championId}"`);
      if (champion.role !== 'champion') throw new Error(`challenger: "${champion.id}" is itself a challenger`);
    }
    await db.run(
      `INSERT INTO deployments (id, name, model_name, stage, pinned_version, registry, role, champion_id, assets,
         mapping, rule, limits, current_version, package_hash, pending_version, status, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, CAST($18 AS TIMESTAMPTZ))`,
      [
        deployment.id,
        deployment.name,
        deployment.model.name,
        deployment.model.stage,
        deployment.model.pinnedVersion,
        deployment.registry,
        deployment.role,
        deployment.championId,
        JSON.stringify(deployment.assets),
        JSON.stringify(deployment.mapping),
        deployment.rule === null ? null : JSON.stringify(deployment.rule),
        JSON.stringify(deployment.limits),
        deployment.currentVersion,
        deployment.packageHash,
        deployment.pendingVersion,
        deployment.status,
        deployment.createdBy,
        deployment.createdAt,
      ],
    );
    await appendAudit(db, {
      time: by.at,
      actor: by.actor,
      action: 'deploy',
      deploymentId: deployment.id,
      alertId: null,
      details: { ...deployment },
    });
    return deployment;
  });

/** A change to a deployment, audited with what it was and what it became. */
export type DeploymentChange =
  | { readonly kind: 'set-rule'; readonly rule: Deployment['rule'] }
  | { readonly kind: 'set-mapping'; readonly mapping: Deployment['mapping'] }
  | { readonly kind: 'set-limits'; readonly limits: Deployment['limits'] }
  | { readonly kind: 'set-status'; readonly status: Deployment['status'] }
  | { readonly kind: 'set-follow-source'; readonly source: FollowSource | null }
  /** The followed stage now points to another version: shown until confirmed (recorded by the system). */
  | { readonly kind: 'production-changed'; readonly version: number | null }
  /** The user confirmed: scores from now on come from this version and package. */
  | { readonly kind: 'switch-version'; readonly version: number; readonly packageHash: string };

export const changeDeployment = async (
  db: Connection,
  id: string,
  change: DeploymentChange,
  by: { readonly actor: string; readonly at: string },
): Promise<Deployment> =>
  db.transaction(async () => {
    const before = await requireDeployment(db, id);
    let after: Deployment;
    let details: Record<string, unknown>;
    switch (change.kind) {
      case 'set-rule':
        after = { ...before, rule: change.rule };
        details = { before: before.rule, after: change.rule };
        break;
      case 'set-mapping':
        after = { ...before, mapping: change.mapping };
        details = { before: before.mapping, after: change.mapping };
        break;
      case 'set-limits':
        after = { ...before, limits: change.limits };
        details = { before: before.limits, after: change.limits };
        break;
      case 'set-status':
        after = { ...before, status: change.status };
        details = { before: before.status, after: change.status };
        break;
      case 'set-follow-source':
        after = { ...before, followSource: change.source };
        details = { before: before.followSource ?? null, after: change.source };
        break;
      case 'production-changed':
        after = { ...before, pendingVersion: change.version === before.currentVersion ? null : change.version };
        details = { current: before.currentVersion, pending: after.pendingVersion };
        break;
      case 'switch-version':
        after = { ...before, currentVersion: change.version, packageHash: change.packageHash, pendingVersion: null };
        details = {
          before: { version: before.currentVersion, packageHash: before.packageHash },
          after: { version: change.version, packageHash: change.packageHash },
        };
        break;
    }
    after = DeploymentSchema.parse(after);
    await db.run(
      `UPDATE deployments SET mapping = $2, rule = $3, limits = $4, status = $5, current_version = $6,
         package_hash = $7, pending_version = $8 WHERE id = $1`,
      [
        id,
        JSON.stringify(after.mapping),
        after.rule === null ? null : JSON.stringify(after.rule),
        JSON.stringify(after.limits),
        after.status,
        after.currentVersion,
        after.packageHash,
        after.pendingVersion,
      ],
    );
    if (change.kind === 'set-follow-source') {
      if (change.source === null) await db.run('DELETE FROM settings WHERE key = $1', [FOLLOW_SOURCE_KEY + id]);
      else {
        await db.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($1, $2)', [
          FOLLOW_SOURCE_KEY + id,
          JSON.stringify(after.followSource),
        ]);
      }
    }
    await appendAudit(db, {
      time: by.at,
      actor: by.actor,
      action: change.kind,
      deploymentId: id,
      alertId: null,
      details,
    });
    return after;
  });

// ---------------------------------------------------------------------------------------------------------------
// Follow intent: the user's Start or Stop, so a loop that was running resumes when the app starts again

/** Under this prefix and the deployment id in the settings table (migration 10): no schema change needed. */
const FOLLOW_INTENT_KEY = 'monitoring.follow/';

export const FollowIntentSchema = z.object({
  running: z.boolean(),
  intervalSeconds: z.number().nonnegative(),
  /** The source the loop was started with; null: the deployment's stored source. Never holds a password. */
  source: FollowSourceSchema.nullable(),
});
export type FollowIntent = z.infer<typeof FollowIntentSchema>;

/** Record Start (running) or Stop, audited in the monitoring chain as follow-start / follow-stop. */
export const setFollowIntent = async (
  db: Connection,
  id: string,
  intent: FollowIntent,
  by: { readonly actor: string; readonly at: string },
): Promise<void> =>
  db.transaction(async () => {
    await requireDeployment(db, id);
    if (intent.source?.kind === 'postgres' && intent.source.password !== undefined) {
      throw new Error('a follow source is remembered without its password (a saved connection holds it)');
    }
    const stored = FollowIntentSchema.parse(intent);
    await db.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($1, $2)', [
      FOLLOW_INTENT_KEY + id,
      JSON.stringify(stored),
    ]);
    await appendAudit(db, {
      time: by.at,
      actor: by.actor,
      action: stored.running ? 'follow-start' : 'follow-stop',
      deploymentId: id,
      alertId: null,
      details: { intervalSeconds: stored.intervalSeconds, source: stored.source },
    });
  });

/** Every deployment's last Start or Stop (deployments never started are absent); unreadable entries are skipped. */
export const followIntents = async (
  db: Connection,
): Promise<{ readonly deploymentId: string; readonly intent: FollowIntent }[]> => {
  const rows = await db.all<{ key: string; value: string }>(
    'SELECT key, value FROM settings WHERE starts_with(key, $1) ORDER BY key',
    [FOLLOW_INTENT_KEY],
  );
  const json = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  };
  return rows.flatMap((r) => {
    const parsed = FollowIntentSchema.safeParse(json(r.value));
    return parsed.success ? [{ deploymentId: r.key.slice(FOLLOW_INTENT_KEY.length), intent: parsed.data }] : [];
  });
};

// ---------------------------------------------------------------------------------------------------------------
// Per-asset scoring state

export interface AssetState {
  readonly asset: string;
  readonly lastScoredT: number | null;
  readonly ruleState: unknown;
}

export const assetStates = async (db: Connection, deploymentId: string): Promise<AssetState[]> =>
  (
    await db.all<{ asset: string; last_scored_t: number | null; rule_state: string | null }>(
      `SELECT asset, last_scored_t, CAST(rule_state AS VARCHAR) AS rule_state FROM deployment_assets
       WHERE deployment_id = $1 ORDER BY asset`,
      [deploymentId],
    )
  ).map((r) => ({
    asset: r.asset,
    lastScoredT: r.last_scored_t,
    ruleState: r.rule_state === null ? null : (JSON.parse(r.rule_state) as unknown),
  }));

export const saveAssetState = async (db: Connection, deploymentId: string, state: AssetState): Promise<void> => {
  await db.run(
    `INSERT INTO deployment_assets (deployment_id, asset, last_scored_t, rule_state, updated_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (deployment_id, asset) DO UPDATE SET last_scored_t = excluded.last_scored_t,
       rule_state = excluded.rule_state, updated_at = now()`,
    [deploymentId, state.asset, state.lastScoredT, state.ruleState === null ? null : JSON.stringify(state.ruleState)],
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Scores

export interface ScoreBatch {
  readonly deploymentId: string;
  readonly asset: string;
  readonly output: string;
  readonly modelVersion: number;
  readonly packageHash: string;
  /** Window ends, ascending, and one output per window. */
  readonly windowEnd: ArrayLike<number>;
  readonly value: ArrayLike<number>;
}

/**
 * Store scores; the scores already stored for this deployment, asset and output between the batch's first and
 * last window are replaced (re-scoring a range after a version switch keeps one score per window, recording the
 * version that made it).
 */
export const storeScores = async (db: Connection, batch: ScoreBatch): Promise<number> => {
  const n = batch.windowEnd.length;
  if (n !== batch.value.length) throw new Error('storeScores: window ends and values differ in length');
  if (n === 0) return 0;
  const ends = Array.from(batch.windowEnd);
  const values = Array.from(batch.value, (v) => (Number.isFinite(v) ? v : null));
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of ends) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return db.transaction(async () => {
    await db.run(
      `DELETE FROM scores WHERE deployment_id = $1 AND asset = $2 AND output = $3 AND window_end BETWEEN $4 AND $5`,
      [batch.deploymentId, batch.asset, batch.output, lo, hi],
    );
    await db.run(
      `INSERT INTO scores (deployment_id, asset, output, window_end, value, model_version, package_hash)
       SELECT $1, $2, $3, unnest($4::BIGINT[]), unnest($5::DOUBLE[]), $6, $7`,
      [
        batch.deploymentId,
        batch.asset,
        batch.output,
        JSON.stringify(ends),
        JSON.stringify(values),
        batch.modelVersion,
        batch.packageHash,
      ],
    );
    return n;
  });
};

export interface ScoreSeries {
  readonly t: Float64Array;
  readonly value: Float64Array;
  readonly modelVersion: Int32Array;
  readonly packageHashes: readonly string[];
}

/** The health series of one asset (NaN where a window could not be scored), oldest first. */
export const scoreSeries = async (
  db: Connection,
  request: {
    readonly deploymentId: string;
    readonly asset: string;
    readonly output: string;
    readonly from?: number;
    readonly to?: number;
  },
): Promise<ScoreSeries> => {
  const rows = await db.all<{ window_end: number; value: number | null; model_version: number; package_hash: string }>(
    `SELECT window_end, value, model_version, package_hash FROM scores
     WHERE deployment_id = $1 AND asset = $2 AND output = $3 AND window_end >= $4 AND window_end <= $5
     ORDER BY window_end`,
    [
      request.deploymentId,
      request.asset,
      request.output,
      request.from ?? -Number.MAX_SAFE_INTEGER,
      request.to ?? Number.MAX_SAFE_INTEGER,
    ],
  );
  return {
    t: Float64Array.from(rows, (r) => r.window_end),
    value: Float64Array.from(rows, (r) => r.value ?? NaN),
    modelVersion: Int32Array.from(rows, (r) => r.model_version),
    packageHashes: [...new Set(rows.map((r) => r.package_hash))],
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Contract violations and drift results

export const storeViolations = async (
  db: Connection,
  input: {
    readonly deploymentId: string;
    readonly modelVersion: number | null;
    readonly range: { readonly from: number; readonly to: number };
    readonly violations: readonly ContractViolation[];
  },
): Promise<void> => {
  if (input.violations.length === 0) return;
  await db.transaction(async () => {
    for (const v of input.violations) {
      await db.run(
        `INSERT INTO contract_violations (deployment_id, asset, signal, workspace_signal, code, severity, message,
           measured, limit_value, readings, range_from, range_to, model_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          input.deploymentId,
          v.asset,
          v.signal,
          v.workspaceSignal,
          v.code,
          v.severity,
          v.message,
          v.measured,
          v.limit,
          v.readings,
          input.range.from,
          input.range.to,
          input.modelVersion,
        ],
      );
    }
  });
};

export interface StoredViolation extends ContractViolation {
  readonly id: number;
  readonly range: { readonly from: number; readonly to: number };
  readonly modelVersion: number | null;
}

export const listViolations = async (
  db: Connection,
  filter: { readonly deploymentId: string; readonly asset?: string; readonly severity?: 'block' | 'warn' },
): Promise<StoredViolation[]> => {
  const rows = await db.all<{
    id: number;
    asset: string;
    signal: string;
    workspace_signal: string | null;
    code: ContractViolation['code'];
    severity: ContractViolation['severity'];
    message: string;
    measured: number | null;
    limit_value: number | null;
    readings: number;
    range_from: number;
    range_to: number;
    model_version: number | null;
  }>(
    `SELECT id, asset, signal, workspace_signal, code, severity, message, measured, limit_value, readings, range_from,
       range_to, model_version FROM contract_violations
     WHERE deployment_id = $1 AND ($2::VARCHAR IS NULL OR asset = $2) AND ($3::VARCHAR IS NULL OR severity = $3)
     ORDER BY id`,
    [filter.deploymentId, filter.asset ?? null, filter.severity ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    asset: r.asset,
    signal: r.signal,
    workspaceSignal: r.workspace_signal,
    code: r.code,
    severity: r.severity,
    message: r.message,
    measured: r.measured,
    limit: r.limit_value,
    readings: r.readings,
    range: { from: r.range_from, to: r.range_to },
    modelVersion: r.model_version,
  }));
};

export const storeDriftResults = async (
  db: Connection,
  input: {
    readonly deploymentId: string;
    readonly modelVersion: number | null;
    readonly findings: readonly DriftFinding[];
  },
): Promise<void> => {
  if (input.findings.length === 0) return;
  await db.transaction(async () => {
    for (const f of input.findings) {
      // A chunk is judged again while its day fills up (follow mode): its latest judgement replaces the earlier.
      await db.run(
        `DELETE FROM drift_results WHERE deployment_id = $1 AND asset = $2 AND signal IS NOT DISTINCT FROM $3
           AND method = $4 AND from_t = $5`,
        [input.deploymentId, f.asset, f.signal, f.method, f.from],
      );
      await db.run(
        `INSERT INTO drift_results (deployment_id, asset, signal, method, from_t, to_t, readings, reference_readings,
           value, threshold, p_value, calibrated, flagged, importance, output_rising, model_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          input.deploymentId,
          f.asset,
          f.signal,
          f.method,
          f.from,
          f.to,
          f.readings,
          f.referenceReadings,
          Number.isFinite(f.value) ? f.value : Number.MAX_VALUE,
          f.threshold,
          f.pValue,
          f.calibrated,
          f.flagged,
          f.importance,
          f.outputRising,
          input.modelVersion,
        ],
      );
    }
  });
};

/** Stored drift findings of a deployment, flagged first, in the ranking they were stored with. */
export const listDriftResults = async (
  db: Connection,
  filter: { readonly deploymentId: string; readonly flaggedOnly?: boolean },
): Promise<DriftFinding[]> => {
  const rows = await db.all<{
    asset: string;
    signal: string | null;
    method: DriftFinding['method'];
    from_t: number;
    to_t: number;
    readings: number;
    reference_readings: number;
    value: number;
    threshold: number;
    p_value: number | null;
    calibrated: boolean;
    flagged: boolean;
    importance: number | null;
    output_rising: boolean;
  }>(
    `SELECT asset, signal, method, from_t, to_t, readings, reference_readings, value, threshold, p_value, calibrated,
       flagged, importance, output_rising FROM drift_results
     WHERE deployment_id = $1 AND (NOT $2 OR flagged) ORDER BY rowid`,
    [filter.deploymentId, filter.flaggedOnly ?? false],
  );
  return rows.map((r) => ({
    asset: r.asset,
    signal: r.signal,
    method: r.method,
    from: r.from_t,
    to: r.to_t,
    readings: r.readings,
    referenceReadings: r.reference_readings,
    value: r.value,
    threshold: r.threshold,
    pValue: r.p_value,
    calibrated: r.calibrated,
    flagged: r.flagged,
    importance: r.importance,
    outputRising: r.output_rising,
  }));
};

// ---------------------------------------------------------------------------------------------------------------
// Alerts

interface DbAlertRow {
  id: string;
  deployment_id: string;
  asset: string;
  role: Alert['role'];
  model_version: number;
  raised_t: number;
  raised_value: number;
  cleared_t: number | null;
  raised_at: string;
  status: Alert['status'];
  acknowledged: string | null;
  shelf: string | null;
  closed: string | null;
  realerts: number;
  last_announced_t: number;
}

const json = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

const toAlert = (r: DbAlertRow): Alert =>
  AlertSchema.parse({
    id: r.id,
    deploymentId: r.deployment_id,
    asset: r.asset,
    role: r.role,
    modelVersion: r.model_version,
    raisedT: r.raised_t,
    raisedValue: r.raised_value,
    clearedT: r.cleared_t,
    raisedAt: r.raised_at,
    status: r.status,
    acknowledged: json(r.acknowledged),
    shelf: json(r.shelf),
    closed: json(r.closed),
    realerts: r.realerts,
    lastAnnouncedT: r.last_announced_t,
  });

const ALERT_SELECT = `SELECT id, deployment_id, asset, role, model_version, raised_t, raised_value, cleared_t,
  strftime(raised_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS raised_at, status, CAST(acknowledged AS VARCHAR) AS acknowledged,
  CAST(shelf AS VARCHAR) AS shelf, CAST(closed AS VARCHAR) AS closed, realerts, last_announced_t FROM alerts`;

export const getAlert = async (db: Connection, id: string): Promise<Alert | null> => {
  const rows = await db.all<DbAlertRow>(`${ALERT_SELECT} WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toAlert(rows[0]);
};

export const listAlerts = async (
  db: Connection,
  filter: { readonly deploymentId?: string; readonly asset?: string; readonly status?: Alert['status'] } = {},
): Promise<Alert[]> =>
  (
    await db.all<DbAlertRow>(
      `${ALERT_SELECT} WHERE ($1::VARCHAR IS NULL OR deployment_id = $1) AND ($2::VARCHAR IS NULL OR asset = $2)
       AND ($3::VARCHAR IS NULL OR status = $3) ORDER BY raised_t, id`,
      [filter.deploymentId ?? null, filter.asset ?? null, filter.status ?? null],
    )
  ).map(toAlert);

/** A fresh alert id, ... across the workspace. */
export const nextAlertId = async (db: Connection): Promise<string> =>
  `A-${(await db.one<{ n: number }>(`SELECT nextval('alert_id_seq') AS n`)).n}`;

const writeAlert = async (db: Connection, alert: Alert, insert: boolean): Promise<void> => {
  const mutable = [
    alert.clearedT,
    alert.status,
    alert.closed?.disposition.kind ?? null,
    alert.acknowledged === null ? null : JSON.stringify(alert.acknowledged),
    alert.shelf === null ? null : JSON.stringify(alert.shelf),
    alert.closed === null ? null : JSON.stringify(alert.closed),
    alert.realerts,
    alert.lastAnnouncedT,
  ];
  if (insert) {
    await db.run(
      `INSERT INTO alerts (cleared_t, status, disposition, acknowledged, shelf, closed, realerts, last_announced_t,
         id, deployment_id, asset, role, model_version, raised_t, raised_value, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, CAST($16 AS TIMESTAMPTZ))`,
      [
        ...mutable,
        alert.id,
        alert.deploymentId,
        alert.asset,
        alert.role,
        alert.modelVersion,
        alert.raisedT,
        alert.raisedValue,
        alert.raisedAt,
      ],
    );
  } else {
    await db.run(
      `UPDATE alerts SET cleared_t = $1, status = $2, disposition = $3, acknowledged = $4, shelf = $5, closed = $6,
         realerts = $7, last_announced_t = $8 WHERE id = $9`,
      [...mutable, alert.id],
    );
  }
};

/** Store a newly raised alert and audit it (actor: who or what raised it, e.g. "monitor"). */
export const insertAlert = async (db: Connection, alert: Alert, actor: string): Promise<Alert> =>
  db.transaction(async () => {
    await writeAlert(db, alert, true);
    await appendAudit(db, {
      time: alert.raisedAt,
      actor,
      action: 'raise',
      deploymentId: alert.deploymentId,
      alertId: alert.id,
      details: {
        asset: alert.asset,
        t: alert.raisedT,
        value: alert.raisedValue,
        modelVersion: alert.modelVersion,
        role: alert.role,
      },
    });
    return alert;
  });

/**
 * Apply one lifecycle action to a stored alert (alert-lifecycle.ts decides what is allowed): the new state and
 * its audit entry are written in one transaction, so the table never shows an action the chain does not hold.
 * A refused action changes nothing and throws an AlertActionError. Closing as confirmed or false alarm also adds
 * the label event (labelEventOf) to the workspace's events.
 */
export const actOnAlert = async (
  db: Connection,
  id: string,
  action: AlertAction,
  audit: { readonly actor: string; readonly time: string },
): Promise<Alert> =>
  db.transaction(async () => {
    const before = await getAlert(db, id);
    if (before === null) throw new AlertActionError(`no alert "${id}" in this workspace`);
    const after = applyAlertAction(before, action);
    await writeAlert(db, after, false);
    const { kind, ...details } = action;
    await appendAudit(db, { ...audit, action: kind, deploymentId: after.deploymentId, alertId: id, details });
    // A confirmed or false alarm becomes an event the next training run can label with, in the same transaction.
    const label = action.kind === 'close' ? labelEventOf(after) : null;
    if (label !== null) {
      const axis = await db.all<{ time_kind: 'timestamp' | 'cycle' }>(
        'SELECT time_kind FROM signals WHERE asset = $1 LIMIT 1',
        [after.asset],
      );
      await db.run(
        `INSERT INTO events (asset, kind, start_t, end_t, time_kind, code, description, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          label.asset,
          label.kind,
          label.startT,
          label.endT,
          axis[0]?.time_kind ?? 'timestamp',
          label.code,
          label.description,
          `monitoring:alert ${after.id}`,
        ],
      );
    }
    return after;
  });

// ---------------------------------------------------------------------------------------------------------------
// Readings for the contract check and the scorer

export interface SignalReadings {
  readonly ref: SignalRef;
  /** null: the workspace has no such signal (the contract check reports it as unmapped). */
  readonly found: boolean;
  readonly unit: string | null;
  readonly samplePeriod: number | null;
  readonly t: Float64Array;
  /** NaN for a missing value. */
  readonly values: Float64Array;
  readonly quality: Uint32Array | null;
}

/** Raw readings of each signal with from <= t <= to, oldest first, with the signal's unit and sample period. */
export const readSignals = async (
  db: Connection,
  refs: readonly SignalRef[],
  range: { readonly from: number; readonly to: number },
): Promise<SignalReadings[]> => {
  if (refs.length === 0) return [];
  // One query; per signal one row of three lists: several times faster than a row object per reading.
  const rows = await db.all<{
    k: number;
    unit: string | null;
    sample_period: number | null;
    t: number[] | null;
    v: (number | null)[] | null;
    q: (number | null)[] | null;
  }>(
    `WITH wanted AS (SELECT * FROM (SELECT unnest($1::VARCHAR[]) AS asset, unnest($2::VARCHAR[]) AS tag,
                                           unnest(range(len($1::VARCHAR[]))) AS k))
     SELECT w.k, any_value(s.unit) AS unit, any_value(s.sample_period) AS sample_period,
            list(CAST(r.t AS DOUBLE) ORDER BY r.t) FILTER (WHERE r.t IS NOT NULL) AS t,
            list(r.value ORDER BY r.t) FILTER (WHERE r.t IS NOT NULL) AS v,
            list(r.quality ORDER BY r.t) FILTER (WHERE r.t IS NOT NULL) AS q
     FROM wanted w JOIN signals s ON s.asset = w.asset AND s.tag = w.tag
     LEFT JOIN readings r ON r.signal_id = s.id AND r.t >= $3 AND r.t <= $4
     GROUP BY w.k`,
    [JSON.stringify(refs.map((r) => r.asset)), JSON.stringify(refs.map((r) => r.tag)), range.from, range.to],
  );
  const byIndex = new Map(rows.map((r) => [r.k, r]));
  const out: SignalReadings[] = [];
  refs.forEach((ref, k) => {
    const row = byIndex.get(k);
    if (row === undefined) {
      out.push({
        ref,
        found: false,
        unit: null,
        samplePeriod: null,
        t: new Float64Array(0),
        values: new Float64Array(0),
        quality: null,
      });
      return;
    }
    const q = row.q ?? [];
    out.push({
      ref,
      found: true,
      unit: row.unit,
      samplePeriod: row.sample_period,
      t: Float64Array.from(row.t ?? []),
      values: Float64Array.from(row.v ?? [], (v) => v ?? NaN),
      quality: q.some((x) => x !== null) ? Uint32Array.from(q, (x) => x ?? 0) : null,
    });
  });
  return out;
};

/** Failure events of the given assets (start times on the data axis), for lead times. */
export const failureEvents = async (
  db: Connection,
  assets: readonly string[],
): Promise<{ readonly asset: string; readonly t: number }[]> =>
  assets.length === 0
    ? []
    : (
        await db.all<{ asset: string; t: number }>(
          `SELECT asset, start_t AS t FROM events WHERE kind = 'failure' AND list_contains($1::VARCHAR[], asset)
           ORDER BY start_t, asset`,
          [JSON.stringify(assets)],
        )
      ).map((r) => ({ asset: r.asset, t: r.t }));

/**
 * What dates an asset's lives (for a model that reads its age in life): where its record starts, the time by which
 * every one of these signals has its first reading (as a dataset's grid starts), and the asset's events as training
 * reads them (listEventRows), on the data axis.
 */
export const lifeRecord = async (
  db: Connection,
  refs: readonly SignalRef[],
): Promise<{
  readonly first: number | null;
  readonly events: readonly EventRow[];
}> => {
  if (refs.length === 0) return { first: null, events: [] };
  const [row] = await db.all<{ first: number | null }>(
    `WITH wanted AS (SELECT unnest($1::VARCHAR[]) AS asset, unnest($2::VARCHAR[]) AS tag),
          firsts AS (SELECT min(r.t) AS first FROM wanted w JOIN signals s ON s.asset = w.asset AND s.tag = w.tag
                     JOIN readings r ON r.signal_id = s.id GROUP BY s.id)
     SELECT CAST(max(first) AS DOUBLE) AS first FROM firsts`,
    [JSON.stringify(refs.map((r) => r.asset)), JSON.stringify(refs.map((r) => r.tag))],
  );
  const events = await listEventRows(db, [...new Set(refs.map((r) => r.asset))]);
  return { first: row?.first ?? null, events };
};
