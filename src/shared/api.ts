import { z } from 'zod';
import {
  ExportFormatSchema,
  ImportOptionsSchema,
  ImportPreviewSchema,
  IngestRecordSchema,
  JobStateSchema,
  QualityRowSchema,
  RecentWorkspaceSchema,
  RejectSchema,
  SignalSchema,
  TrendResultSchema,
  WorkspaceInfoSchema,
} from './domain.js';
import {
  ConnectionProfileSchema,
  EventEditSchema,
  EventsImportResultSchema,
  OpcuaConnectSchema,
  OpcuaTagSchema,
  SaveConnectionProfileSchema,
  WorkspaceEventSchema,
} from './historian.js';
import { RunDetailSchema, RunEvaluationSchema, RunSummarySchema, TrainConfigSchema } from './training.js';
import { EngineAnnouncementSchema } from './training-engine.js';
import { SavedAlarmThresholdSchema } from './run-artifact.js';
import {
  RegistryConnectionSchema,
  RegistryGovernResultSchema,
  RegistryLocationSchema,
  RegistryModelNameSchema,
  RegistryModelSchema,
  RegistryReasonSchema,
  RegistryRunIdSchema,
  RegistryTokenSchema,
  RegistryUserNameSchema,
  RegistryVerifyReportSchema,
  RegistryVersionDetailSchema,
  RegistryVersionRefSchema,
  RequiredReasonSchema,
  RegistryVersionSchema,
} from './registry.js';
import { CreatedDatasetSchema, DatasetListingSchema, DatasetSnapshotConfigSchema } from './dataset-snapshot.js';
import { SqlImportRequestSchema } from './sql-import.js';
import { isKnownZone } from './time/time-rule.js';
import {
  AlertRuleSchema,
  AlertSchema,
  ALERT_STATUSES,
  ContractLimitsSchema,
  DeploymentFiguresSchema,
  DeploymentSchema,
  DispositionSchema,
  DriftOverviewSchema,
  FollowSourceSchema,
  FollowStatusSchema,
  ShadowReportSchema,
  SignalMappingSchema,
} from './monitoring.js';
import { AssetCriticalitySchema, ReportExportSchema, ReportRequestSchema, RoiAssumptionsSchema } from './reports.js';

/**
 * The one API contract between the views and the core. Electron's preload exposes exactly these methods,
 * the web transport serves exactly these routes, and both validate arguments with `input` before the core
 * sees them. Adding a method here is the only way to give the renderer a new capability.
 */
const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output }) as const;

const DeploymentIdSchema = z.string().min(1).max(100);
const AlertIdSchema = z.string().min(1).max(100);

export const HealthSeriesSchema = z.object({
  deploymentId: z.string(),
  asset: z.string(),
  output: z.string(),
  timeKind: z.enum(['timestamp', 'cycle']),
  t: z.array(z.number()),
  /** null where a window could not be scored. */
  value: z.array(z.number().nullable()),
  /** Windows in the range before aggregation. */
  windows: z.number().int().nonnegative(),
  rule: z.object({ direction: z.enum(['above', 'below']), setLevel: z.number(), clearLevel: z.number() }).nullable(),
  alerts: z.array(
    z.object({ id: z.string(), raisedT: z.number(), clearedT: z.number().nullable(), status: z.enum(ALERT_STATUSES) }),
  ),
  modelVersions: z.array(z.number().int()),
});
export type HealthSeries = z.infer<typeof HealthSeriesSchema>;

/** Which runs keep the data they read (see getFrozenDataRetention). */
export const FrozenDataRetentionSchema = z.object({
  keepRuns: z.number().int().min(1).nullable(),
  keepPublished: z.boolean(),
});

/** Settings kept in the workspace (shared by everyone who opens it), each with its default. */
export const WorkspaceSettingsSchema = z.object({
  /** IANA zone (or UTC) the app shows times in and reads typed times in; the zone name is shown beside times. */
  displayTimeZone: z
    .string()
    .min(1)
    .max(100)
    .superRefine((zone, ctx) => {
      if (!isKnownZone(zone)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown time zone "${zone}": use an IANA name such as Europe/Berlin or UTC`,
        });
      }
    }),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;
export const DEFAULT_WORKSPACE_SETTINGS: WorkspaceSettings = { displayTimeZone: 'UTC' };

const SignalIds = z.array(z.number().int().nonnegative()).max(64);
const AbsolutePath = z.string().min(1).max(4096);

export const apiMethods = {
  getAppInfo: method(
    z.object({}),
    z.object({
      version: z.string(),
      shell: z.enum(['electron', 'web', 'cli']),
      workspace: WorkspaceInfoSchema.nullable(),
      sampleAvailable: z.boolean(),
    }),
  ),
  listRecentWorkspaces: method(z.object({}), z.array(RecentWorkspaceSchema)),
  /** Opens (and creates, unless `mustExist`) a workspace folder; `mustExist` refuses a missing one ('no-workspace'). */
  openWorkspace: method(z.object({ path: AbsolutePath, mustExist: z.boolean().optional() }), WorkspaceInfoSchema),
  openSampleWorkspace: method(z.object({ path: AbsolutePath.optional() }), WorkspaceInfoSchema),
  /** Native dialog where the shell has one; `supported: false` tells the view to ask for a typed path. */
  selectPath: method(
    z.object({ kind: z.enum(['directory', 'open-file', 'save-file']), title: z.string().max(200).optional() }),
    z.object({ supported: z.boolean(), paths: z.array(z.string()) }),
  ),
  previewImport: method(z.object({ path: AbsolutePath, options: ImportOptionsSchema.optional() }), ImportPreviewSchema),
  startImport: method(
    z.object({ paths: z.array(AbsolutePath).min(1).max(100), options: ImportOptionsSchema }),
    z.object({ jobId: z.string() }),
  ),
  getJob: method(z.object({ jobId: z.string().max(64) }), JobStateSchema),
  cancelJob: method(z.object({ jobId: z.string().max(64) }), z.object({ cancelled: z.boolean() })),
  /** What runs and what ran lately: running jobs first (oldest first), then finished ones (newest first). */
  listJobs: method(z.object({}), z.array(JobStateSchema)),
  /**
   * The folder of the app's structured log (JSON lines). The desktop app opens it in the file manager
   * (`opened: true`); browser mode cannot, and the view shows `path` instead.
   */
  openLogFolder: method(z.object({}), z.object({ path: z.string(), opened: z.boolean() })),
  listSignals: method(z.object({}), z.array(SignalSchema)),
  /** Signals named by id, by tag when it is unique, or as asset/tag, in the order asked; unknown: 'not-found'. */
  resolveSignals: method(z.object({ refs: z.array(z.string().min(1).max(500)).min(1).max(64) }), z.array(SignalSchema)),
  updateSignals: method(
    z.object({
      ids: SignalIds.min(1),
      patch: z
        .object({
          asset: z.string().min(1).max(200),
          unit: z.string().max(50).nullable(),
          samplePeriod: z.number().positive().nullable(),
          validMin: z.number().nullable(),
          validMax: z.number().nullable(),
          /** false unmarks a candidate label column (it becomes an ordinary input again); true marks one. */
          labelCandidate: z.boolean(),
        })
        .partial(),
    }),
    z.array(SignalSchema),
  ),
  queryTrend: method(
    z.object({
      signalIds: SignalIds.min(1),
      from: z.number().optional(),
      to: z.number().optional(),
      width: z.number().int().min(1).max(10_000),
    }),
    TrendResultSchema,
  ),
  getQuality: method(z.object({ signalIds: SignalIds.optional() }), z.array(QualityRowSchema)),
  listIngests: method(z.object({}), z.array(IngestRecordSchema)),
  listRejects: method(
    z.object({ ingestId: z.number().int().optional(), limit: z.number().int().min(1).max(10_000).default(200) }),
    z.array(RejectSchema),
  ),
  exportData: method(
    z.object({
      signalIds: SignalIds.min(1),
      from: z.number().optional(),
      to: z.number().optional(),
      format: ExportFormatSchema,
      path: AbsolutePath,
    }),
    z.object({ path: z.string(), rows: z.number().int() }),
  ),
  getWorkspaceSettings: method(z.object({}), WorkspaceSettingsSchema),
  /** Change some settings; returns all of them as stored. */
  setWorkspaceSettings: method(WorkspaceSettingsSchema.partial(), WorkspaceSettingsSchema),
  /** Events of the given assets (all when omitted), in time order. */
  listEvents: method(
    z.object({ assets: z.array(z.string().max(200)).max(1000).optional() }),
    z.array(WorkspaceEventSchema),
  ),
  /** Add an event (no id) or edit one; times in the unit of the asset's signals (µs or cycles). */
  saveEvent: method(EventEditSchema, WorkspaceEventSchema),
  deleteEvent: method(z.object({ id: z.number().int().nonnegative() }), z.object({ deleted: z.boolean() })),
  /** Work orders from a CMMS CSV export; assetMap maps CMMS asset names to workspace assets. */
  importEventsFile: method(
    z.object({
      path: AbsolutePath,
      assetMap: z.record(z.string().max(200), z.string().max(200)).optional(),
      /** IANA zone for times without an offset (the one time rule); default UTC. */
      timeZone: z.string().min(1).max(100).optional(),
    }),
    EventsImportResultSchema,
  ),
  /** Historizing variables of an OPC UA server. Untrusted certificate: error code 'untrusted-certificate'. */
  browseOpcua: method(OpcuaConnectSchema, z.object({ tags: z.array(OpcuaTagSchema) })),
  /** Import raw history as a job ('opcua-import'); `from` omitted: continue each tag from its checkpoint. µs. */
  startOpcuaImport: method(
    OpcuaConnectSchema.extend({
      tags: z.array(z.string().min(1).max(500)).min(1).max(5000),
      from: z.number().optional(),
      to: z.number().optional(),
      /** Look-back into time imported before, for late data (ms; default 1 hour, 0: none). */
      overlapMs: z
        .number()
        .int()
        .min(0)
        .max(30 * 86_400_000)
        .optional(),
    }),
    z.object({ jobId: z.string() }),
  ),
  /** Import from a PostgreSQL historian as a job ('sql-import'; result in JobState.sql). */
  startSqlImport: method(SqlImportRequestSchema, z.object({ jobId: z.string() })),
  listConnectionProfiles: method(z.object({}), z.array(ConnectionProfileSchema)),
  saveConnectionProfile: method(SaveConnectionProfileSchema, ConnectionProfileSchema),
  deleteConnectionProfile: method(z.object({ name: z.string().min(1).max(100) }), z.object({ deleted: z.boolean() })),
  /**
   * Train a model as a job ('training'; result in JobState.training); every epoch is also a 'training-progress'
   * event. A bad config fails the job with a message naming the problem. docs/training.md describes `config`;
   * relative paths in it (evaluation.finalRul) resolve against `baseDir`, default the workspace folder.
   */
  startTraining: method(
    z.object({ config: TrainConfigSchema, baseDir: AbsolutePath.optional() }),
    z.object({ jobId: z.string() }),
  ),
  /**
   * The renderer training engine (src/ml-web). A window announces what it can train with when it loads; a run
   * placed in the renderer is offered as a 'training-handoff' event; the first window to take it receives the
   * request (TypedJson text: prepared windows as typed arrays), reports progress (the answer says whether the
   * user cancelled) at least every few seconds, and finishes with the result or the error.
   */
  announceTrainingEngine: method(EngineAnnouncementSchema, z.object({ accepted: z.boolean() })),
  takeTrainingHandoff: method(z.object({ runId: z.string().max(64) }), z.object({ request: z.string() })),
  reportTrainingHandoff: method(
    z.object({
      runId: z.string().max(64),
      progress: z
        .object({
          phase: z.enum(['preparing', 'training', 'evaluating']),
          epoch: z.number().int(),
          epochs: z.number().int(),
          loss: z.number().nullable(),
          valLoss: z.number().nullable(),
          message: z.string().max(400),
        })
        .nullable(),
    }),
    z.object({ cancel: z.boolean() }),
  ),
  finishTrainingHandoff: method(
    z.object({
      runId: z.string().max(64),
      outcome: z.discriminatedUnion('ok', [
        z.object({ ok: z.literal(true), result: z.string() }),
        z.object({ ok: z.literal(false), message: z.string().max(4000), cancelled: z.boolean() }),
      ]),
    }),
    z.object({ accepted: z.boolean() }),
  ),
  /** Saved dataset snapshots of the open workspace, newest first. */
  listDatasets: method(z.object({}), z.array(DatasetListingSchema)),
  /**
   * Build and save the snapshot a training config's dataset part defines (docs/training.md), without training;
   * scoring a run on it later (evaluateRun with datasetId) reads the frozen data, whatever the workspace becomes.
   */
  createDataset: method(z.object({ config: DatasetSnapshotConfigSchema }), CreatedDatasetSchema),
  /** Runs of the open workspace, newest first. */
  listRuns: method(z.object({}), z.array(RunSummarySchema)),
  getRun: method(z.object({ id: z.string().min(1).max(100) }), RunDetailSchema),
  deleteRun: method(z.object({ id: z.string().min(1).max(100) }), z.object({ deleted: z.boolean() })),
  /**
   * Re-score a run from its folder; `matchesRecord` tells whether it reproduces the recorded metrics. With
   * `datasetId`, score a saved dataset snapshot instead (run's own normalisation; `dataset` names what was used).
   */
  /**
   * Keep the threshold chosen with the slider as the run's alarm threshold (who: the OS user; why: `reason`; when:
   * now). Kept in the run folder beside run.json, carried into the package manifest on publish, and the default
   * alert rule level of deployments of that package. Replaces an earlier saved threshold.
   */
  /**
   * Retention of the data runs read (kept once per distinct content for re-evaluation): keep it for the newest
   * `keepRuns` runs (null: all) and, with `keepPublished`, for every published run. Setting it applies it at once
   * (and after every run); `dropped` lists the runs whose data went, which then re-evaluate from the workspace.
   */
  getFrozenDataRetention: method(z.object({}), FrozenDataRetentionSchema),
  setFrozenDataRetention: method(
    FrozenDataRetentionSchema,
    FrozenDataRetentionSchema.extend({ dropped: z.array(z.string()), bytesFreed: z.number().int().nonnegative() }),
  ),
  saveRunAlarmThreshold: method(
    z.object({
      id: z.string().min(1).max(100),
      value: z.number().finite(),
      reason: z.string().trim().min(1, 'say why this threshold (it is recorded)').max(2000),
    }),
    SavedAlarmThresholdSchema,
  ),
  evaluateRun: method(
    z.object({ id: z.string().min(1).max(100), datasetId: z.string().min(1).max(100).optional() }),
    RunEvaluationSchema,
  ),
  /**
   * Model registry (docs/registry-format.md), one per app session. `location`: an absolute folder path or a
   * registry server URL (plain http only on 127.0.0.1). Identity: the OS user for a folder (`actAs` only where
   * its registry.json allows it), the token's user for a server. The token stays in memory in main, never
   * returned or logged. Refusals come back as 'forbidden' (four-eyes, role), 'unauthorized', 'conflict',
   * 'integrity' (tampering).
   */
  openRegistry: method(
    z.object({
      location: RegistryLocationSchema,
      token: RegistryTokenSchema.optional(),
      actAs: RegistryUserNameSchema.optional(),
      create: z.boolean().optional(),
    }),
    RegistryConnectionSchema,
  ),
  getRegistryConnection: method(z.object({}), RegistryConnectionSchema.nullable()),
  closeRegistry: method(z.object({}), z.object({ closed: z.boolean() })),
  listRegistryModels: method(z.object({}), z.array(RegistryModelSchema)),
  listRegistryVersions: method(z.object({ name: RegistryModelNameSchema }), RegistryModelSchema),
  getRegistryVersion: method(RegistryVersionRefSchema, RegistryVersionDetailSchema),
  /** The version's model-card.html, verified against its SHA256SUMS: self-contained, no scripts. */
  getModelCard: method(RegistryVersionRefSchema, z.string()),
  /** Publish a run folder of the open workspace (artifacts/runs/<runId>) as the next version of `name`. */
  publishRun: method(
    z.object({
      runId: RegistryRunIdSchema,
      name: RegistryModelNameSchema,
      /** Repeating a publish with the same key returns the version it made (a publish cut off by a crash). */
      idempotencyKey: z.string().min(1).max(200).optional(),
    }),
    z.object({ name: z.string(), version: z.number() }),
  ),
  approveVersion: method(RegistryVersionRefSchema.extend({ reason: RequiredReasonSchema }), RegistryGovernResultSchema),
  rejectVersion: method(RegistryVersionRefSchema.extend({ reason: RequiredReasonSchema }), RegistryGovernResultSchema),
  promoteVersion: method(
    RegistryVersionRefSchema.extend({ reason: RegistryReasonSchema.optional() }),
    RegistryGovernResultSchema,
  ),
  /** Production goes back to the version promoted before the current one. */
  rollbackModel: method(
    z.object({ name: RegistryModelNameSchema, reason: RegistryReasonSchema.optional() }),
    RegistryGovernResultSchema,
  ),
  archiveVersion: method(
    RegistryVersionRefSchema.extend({ reason: RegistryReasonSchema.optional() }),
    RegistryGovernResultSchema,
  ),
  verifyRegistry: method(z.object({}), RegistryVerifyReportSchema),
  /**
   * Copy a version's package into the new folder `out` (must not exist), every file verified against its
   * SHA256SUMS before the folder appears; `version` may be 'production' or 'latest'.
   */
  fetchRegistryVersion: method(
    z.object({
      name: RegistryModelNameSchema,
      version: z.union([RegistryVersionSchema, z.enum(['production', 'latest'])]),
      out: AbsolutePath,
    }),
    z.object({
      name: z.string(),
      version: z.number().int(),
      dir: z.string(),
      files: z.number().int(),
      bytes: z.number(),
    }),
  ),
  /**
   * Monitoring (docs/monitoring.md). A deployment binds a registry model (a stage, or a pinned `version`) to
   * workspace assets; each contract signal maps to the same tag on the asset (loosely spelled alike) unless
   * `mapping` says otherwise. `unmapped` lists what is left for the user to map (those assets block scoring).
   * `token`: only for a registry server (else $PDM_REGISTRY_TOKEN); it is never stored.
   */
  createDeployment: method(
    z.object({
      name: z.string().trim().min(1).max(200).optional(),
      registry: RegistryLocationSchema,
      token: RegistryTokenSchema.optional(),
      model: RegistryModelNameSchema,
      stage: z.enum(['production', 'approved']).optional(),
      version: RegistryVersionSchema.optional(),
      assets: z.array(z.string().min(1).max(200)).min(1).max(1000),
      mapping: SignalMappingSchema.optional(),
      rule: AlertRuleSchema.optional(),
      limits: ContractLimitsSchema.partial().optional(),
    }),
    z.object({
      deployment: DeploymentSchema,
      unmapped: z.array(z.object({ asset: z.string(), signal: z.string() })),
    }),
  ),
  listDeployments: method(z.object({}), z.array(DeploymentSchema)),
  getDeployment: method(z.object({ id: DeploymentIdSchema }), DeploymentSchema),
  /** The deployment's alert rule (null: no alerts); defaults for k, n, delays are filled in. */
  setAlertRule: method(z.object({ id: DeploymentIdSchema, rule: AlertRuleSchema.nullable() }), DeploymentSchema),
  /** Switch to the version the followed stage now points to (shown as `pendingVersion` until then). */
  confirmVersionSwitch: method(z.object({ id: DeploymentIdSchema }), DeploymentSchema),
  /**
   * One scoring pass as a job ('scoring'; result in JobState.scoring): contract check, score, alert rules,
   * drift. Without from/to, each asset is scored from just after its last scored window to its newest data.
   */
  startScoring: method(
    z.object({
      deploymentId: DeploymentIdSchema,
      from: z.number().optional(),
      to: z.number().optional(),
      token: RegistryTokenSchema.optional(),
    }),
    z.object({ jobId: z.string() }),
  ),
  listAlerts: method(
    z.object({
      deploymentId: DeploymentIdSchema.optional(),
      asset: z.string().min(1).max(200).optional(),
      status: z.enum(ALERT_STATUSES).optional(),
      /**
       * Champion alerts are the ones technicians work; a challenger's are kept apart. Default: all alerts of the
       * deployment asked for, else champion alerts only.
       */
      role: z.enum(['champion', 'challenger', 'all']).optional(),
    }),
    z.array(AlertSchema.extend({ shelved: z.boolean() })),
  ),
  acknowledgeAlert: method(z.object({ id: AlertIdSchema, note: z.string().max(2000).optional() }), AlertSchema),
  /** Closing needs a disposition: confirmed (failure mode), false alarm (cause) or not actionable. */
  closeAlert: method(z.object({ id: AlertIdSchema, disposition: DispositionSchema }), AlertSchema),
  /** Shelving needs a reason and always expires (`until`, ISO time, at most 30 days ahead). */
  shelveAlert: method(
    z.object({ id: AlertIdSchema, reason: z.string().trim().min(1).max(2000), until: z.string().min(1).max(64) }),
    AlertSchema,
  ),
  /**
   * The health series of one asset for a chart: at most 4 x `width` points (M4: first, last, min, max per pixel
   * column), the rule's set and clear levels, and the asset's alerts as bands.
   */
  getHealthSeries: method(
    z.object({
      deploymentId: DeploymentIdSchema,
      asset: z.string().min(1).max(200),
      from: z.number().optional(),
      to: z.number().optional(),
      width: z.number().int().min(10).max(10_000).optional(),
    }),
    HealthSeriesSchema,
  ),
  /**
   * Reports for managers (README "Reports for managers"). Export one report as a job ('report'; result in
   * JobState.report: path, pages, sha256, period, warnings); every export is recorded in the workspace.
   */
  startReport: method(ReportRequestSchema, z.object({ jobId: z.string() })),
  /** The workspace's audit of exported reports, newest first. */
  listReportExports: method(z.object({}), z.array(ReportExportSchema)),
  /**
   * One recorded export's file as base64, for browser mode's Download (the page cannot read the disk). Only files
   * listed by listReportExports can be read this way; one that was moved or deleted since is 'not-found'.
   */
  readReportExport: method(
    z.object({ id: z.number().int().positive() }),
    z.object({
      name: z.string(),
      format: ReportExportSchema.shape.format,
      bytes: z.number().int(),
      dataBase64: z.string(),
    }),
  ),
  /** Every asset with its criticality (1..5; unset: the default, `set: false`) and asset class. */
  listAssetCriticality: method(z.object({}), z.array(AssetCriticalitySchema)),
  setAssetCriticality: method(
    z.object({
      asset: z.string().min(1).max(200),
      criticality: z.number().int().min(1).max(5),
      assetClass: z.string().trim().min(1).max(100).nullable().optional(),
    }),
    AssetCriticalitySchema,
  ),
  /** The value report's assumptions (costs, outage durations), as stored in the workspace. */
  getRoiAssumptions: method(z.object({}), RoiAssumptionsSchema),
  setRoiAssumptions: method(RoiAssumptionsSchema, RoiAssumptionsSchema),
  /**
   * What a deployment would be, before creating it (the app's dialog): the version the stage or pin resolves to,
   * the contract's signals, the proposed mapping per asset (editable), each asset's workspace tags to map from,
   * and a starting alert rule from the run's own evaluation (`ruleBasis` says from what).
   */
  proposeDeployment: method(
    z.object({
      registry: RegistryLocationSchema,
      token: RegistryTokenSchema.optional(),
      model: RegistryModelNameSchema,
      stage: z.enum(['production', 'approved']).optional(),
      version: RegistryVersionSchema.optional(),
      assets: z.array(z.string().min(1).max(200)).min(1).max(1000),
    }),
    z.object({
      version: z.number().int(),
      task: z.string(),
      signals: z.array(z.object({ tag: z.string(), unit: z.string().nullable() })),
      mapping: SignalMappingSchema,
      catalogue: z.record(z.string(), z.array(z.string())),
      rule: AlertRuleSchema.nullable(),
      ruleBasis: z.string(),
    }),
  ),
  /**
   * A challenger: another `version` of the champion's model shadowing it on the same assets, mapping, rule and
   * limits. Every scoring pass of the champion scores it too; its scores and alerts are kept under its own id.
   */
  createChallenger: method(
    z.object({
      championId: DeploymentIdSchema,
      version: RegistryVersionSchema,
      name: z.string().trim().min(1).max(200).optional(),
      token: RegistryTokenSchema.optional(),
    }),
    DeploymentSchema,
  ),
  /** Champion vs challenger, "what would have happened": alerts raised and the dispositions behind them. */
  compareChallenger: method(
    z.object({ challengerId: DeploymentIdSchema, tolerance: z.number().nonnegative().optional() }),
    ShadowReportSchema,
  ),
  /** Alert figures of a deployment, overall and per asset and month (default period: what it has scored). */
  getAlertFigures: method(
    z.object({ deploymentId: DeploymentIdSchema, from: z.number().optional(), to: z.number().optional() }),
    DeploymentFiguresSchema,
  ),
  /** The latest drift finding per asset, signal and method, ranked (drift with rising model output first). */
  getDriftFindings: method(z.object({ deploymentId: DeploymentIdSchema }), DriftOverviewSchema),
  /**
   * Follow mode as a long-lived job ('follow'): every `intervalSeconds`, fetch what is new from `source` (when
   * given), check the contract, score, evaluate the rule; failed rounds retry with backoff. stopFollow ends it.
   */
  startFollow: method(
    z.object({
      deploymentId: DeploymentIdSchema,
      intervalSeconds: z.number().min(0).max(86_400).default(60),
      source: FollowSourceSchema.optional(),
      token: RegistryTokenSchema.optional(),
    }),
    FollowStatusSchema,
  ),
  stopFollow: method(z.object({ deploymentId: DeploymentIdSchema }), FollowStatusSchema),
  /**
   * Store where follow mode fetches from for this deployment (startFollow without `source` uses it); null
   * forgets it. A password is never stored: a PostgreSQL source names the saved connection that holds it.
   */
  setFollowSource: method(
    z.object({ id: DeploymentIdSchema, source: FollowSourceSchema.nullable() }),
    DeploymentSchema,
  ),
  getFollowStatus: method(z.object({ deploymentId: DeploymentIdSchema }), FollowStatusSchema),
} as const;

export type ApiMethods = typeof apiMethods;
export type ApiMethodName = keyof ApiMethods;
export type ApiInput<M extends ApiMethodName> = z.input<ApiMethods[M]['input']>;
export type ApiParsedInput<M extends ApiMethodName> = z.output<ApiMethods[M]['input']>;
export type ApiOutput<M extends ApiMethodName> = z.output<ApiMethods[M]['output']>;

/** What the renderer holds: one async function per method. */
export type PdmApi = { readonly [M in ApiMethodName]: (input: ApiInput<M>) => Promise<ApiOutput<M>> };

/** What a host implements: receives arguments already validated. */
export type ApiHandlers = { readonly [M in ApiMethodName]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> };

export const apiMethodNames = Object.keys(apiMethods) as readonly ApiMethodName[];

export const isApiMethodName = (name: string): name is ApiMethodName =>
  Object.prototype.hasOwnProperty.call(apiMethods, name);

export const ApiEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('job-progress'),
    jobId: z.string(),
    fraction: z.number().nullable(),
    message: z.string(),
  }),
  z.object({ type: z.literal('job-finished'), job: JobStateSchema }),
  /** One finished epoch of a 'training' job: live loss curves. */
  z.object({
    type: z.literal('training-progress'),
    jobId: z.string(),
    epoch: z.number().int(),
    epochs: z.number().int(),
    loss: z.number().nullable(),
    valLoss: z.number().nullable(),
  }),
  z.object({ type: z.literal('workspace-changed') }),
  /** Events were added, edited, deleted or imported. */
  z.object({ type: z.literal('events-changed') }),
  /** A run placed in the renderer engine waits for a window to take it (takeTrainingHandoff). */
  z.object({ type: z.literal('training-handoff'), runId: z.string(), modelType: z.string() }),
]);
export type ApiEvent = z.infer<typeof ApiEventSchema>;

/** Errors cross the process boundary as this shape; `code` lets views react without parsing text. */
export const ApiErrorSchema = z.object({
  code: z.enum([
    'invalid-argument',
    'no-workspace',
    'not-found',
    'failed',
    'cancelled',
    'untrusted-certificate',
    // model registry refusals: role or four-eyes, missing/unknown token, stage conflict, tampering
    'forbidden',
    'unauthorized',
    'conflict',
    'integrity',
  ]),
  message: z.string(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorSchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Validate a call's arguments; the message names the method and the offending field. */
export const parseApiInput = <M extends ApiMethodName>(name: M, raw: unknown): ApiParsedInput<M> => {
  const result = apiMethods[name].input.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'arguments';
    throw new ApiError('invalid-argument', `${name}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data as ApiParsedInput<M>;
};

export const toApiErrorShape = (error: unknown): ApiErrorShape =>
  error instanceof ApiError
    ? { code: error.code, message: error.message }
    : { code: 'failed', message: error instanceof Error ? error.message : String(error) };
