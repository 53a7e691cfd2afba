import { z } from 'zod';

/**
 * The monitoring loop after approval (issue 10): data-contract violations, reference statistics for drift,
 * drift results, alert rules and the alert lifecycle. Pure schemas, shared by the core, the CLI's JSON and the
 * views.
 */

// ---------------------------------------------------------------------------------------------------------------
// Data contract check

/** block: the asset is not scored. warn: it is scored, and the violation is recorded beside its scores. */
export const VIOLATION_SEVERITIES = ['block', 'warn'] as const;
export type ViolationSeverity = (typeof VIOLATION_SEVERITIES)[number];

export const VIOLATION_CODES = [
  'unmapped',
  'no-data',
  'unit-mismatch',
  'unit-unknown',
  'sample-period',
  'missing',
  'bad-quality',
  'out-of-range',
  'training-range',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

export const ContractViolationSchema = z.object({
  asset: z.string(),
  /** The contract signal (the model's tag). */
  signal: z.string(),
  /** The workspace signal mapped to it, when there is one. */
  workspaceSignal: z.string().nullable(),
  code: z.enum(VIOLATION_CODES),
  severity: z.enum(VIOLATION_SEVERITIES),
  message: z.string(),
  /** The measured figure (a fraction, a period) and the contract's limit for it, where the code has them. */
  measured: z.number().nullable(),
  limit: z.number().nullable(),
  /** How many readings the figure is based on (the sample size beside every flag). */
  readings: z.number().int().nonnegative(),
});
export type ContractViolation = z.infer<typeof ContractViolationSchema>;

/**
 * Limits the manifest's contract does not carry yet (formatVersion 1 has the signals' sample period and valid
 * range but no tolerances): a deployment may override each.
 */
export const ContractLimitsSchema = z.object({
  /** Relative: 0.1 accepts a measured sample period within ±10% of the contract's. */
  samplePeriodTolerance: z.number().min(0).default(0.1),
  maxMissingFraction: z.number().min(0).max(1).default(0.05),
  maxBadQualityFraction: z.number().min(0).max(1).default(0.05),
  maxOutOfRangeFraction: z.number().min(0).max(1).default(0.01),
  /** Readings beyond the training minimum / maximum allowed before a warning (0: any one warns). */
  maxOutsideTrainingFraction: z.number().min(0).max(1).default(0),
});
export type ContractLimits = z.infer<typeof ContractLimitsSchema>;
export const DEFAULT_CONTRACT_LIMITS: ContractLimits = ContractLimitsSchema.parse({});

// ---------------------------------------------------------------------------------------------------------------
// Drift

/**
 * A drift metric's spread over chunks cut from the reference itself: the threshold for autocorrelated sensor
 * data, where raw p-values and fixed thresholds flag everything on large samples.
 */
export const DriftCalibrationSchema = z.object({
  mean: z.number(),
  sd: z.number().nonnegative(),
  /** How many reference chunks, of how many readings each, the figures come from. */
  chunks: z.number().int().positive(),
  chunkSize: z.number().int().positive(),
  /**
   * Reference chunks left out of mean and sd as beyond mean + 3 sd of all of them (the training data's own
   * failures and repairs; see calibrationOf in drift.ts). Absent: none were left out (older references, PCA).
   */
  excluded: z.number().int().nonnegative().optional(),
});
export type DriftCalibration = z.infer<typeof DriftCalibrationSchema>;

/** Compact statistics of one signal's training data: enough to judge drift without the training workspace. */
export const SignalReferenceSchema = z.object({
  tag: z.string(),
  unit: z.string().nullable(),
  kind: z.enum(['numeric', 'discrete']),
  count: z.number().int().nonnegative(),
  mean: z.number(),
  sd: z.number().nonnegative(),
  min: z.number(),
  max: z.number(),
  /** Quantiles at probabilities (i + 0.5) / length (a quantile sketch; empty for discrete signals). */
  quantiles: z.array(z.number()),
  /** The sorted values themselves when there are at most 1000 (the KS test uses them exactly). */
  values: z.array(z.number()).nullable(),
  /** A fixed-bin histogram between min and max, for the views. */
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) }),
  /** Discrete signals: how often each level occurred. */
  levels: z.array(z.object({ value: z.number(), count: z.number().int() })),
  calibration: DriftCalibrationSchema.nullable(),
  /** The signal's permutation importance in the run that made the reference (absent: not computed). */
  importance: z.number().optional(),
  /**
   * Per operating mode of the reference (DriftReference.modes, in its order): how many values fell in it and their
   * quantile sketch, so a chunk is compared mode by mode. Absent in references from before modes, or without modes.
   */
  byMode: z.array(z.object({ count: z.number().int().nonnegative(), quantiles: z.array(z.number()) })).optional(),
});
export type SignalReference = z.infer<typeof SignalReferenceSchema>;

/** A PCA fitted on the standardised reference rows, and its reconstruction error there. */
export const PcaReferenceSchema = z.object({
  tags: z.array(z.string()),
  center: z.array(z.number()),
  scale: z.array(z.number()),
  components: z.array(z.array(z.number())),
  /** Mean squared reconstruction error per row (per signal) on the reference, and its spread over rows. */
  errorMean: z.number(),
  errorSd: z.number().nonnegative(),
  rows: z.number().int().positive(),
  calibration: DriftCalibrationSchema.nullable(),
});
export type PcaReference = z.infer<typeof PcaReferenceSchema>;

/**
 * Operating modes (stopped, part load, full load, ...) found in the reference rows: k-means centroids of the rows
 * standardised by `center` and `scale` (src/main/core/monitoring/operating-modes.ts).
 */
export const OperatingModesSchema = z.object({
  tags: z.array(z.string()),
  center: z.array(z.number()),
  scale: z.array(z.number()),
  centroids: z.array(z.array(z.number())),
  /** Complete reference rows the modes were found in. */
  rows: z.number().int().positive(),
  /** Share of the standardised variance of the rows the modes explain. */
  explained: z.number(),
});
export type OperatingModes = z.infer<typeof OperatingModesSchema>;

export const DriftReferenceSchema = z.object({
  signals: z.array(SignalReferenceSchema),
  multivariate: PcaReferenceSchema.nullable(),
  /** Absent or null: drift compares whole chunks (references from before modes, or data with one mode). */
  modes: OperatingModesSchema.nullable().optional(),
});
export type DriftReference = z.infer<typeof DriftReferenceSchema>;

export const DRIFT_METHODS = ['wasserstein', 'ks', 'jensen-shannon', 'pca-reconstruction'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

export const DriftFindingSchema = z.object({
  asset: z.string(),
  /** The contract signal, or null for the multivariate (PCA) finding over all signals. */
  signal: z.string().nullable(),
  method: z.enum(DRIFT_METHODS),
  /** The chunk's time span on the contract's axis: from <= t < to. */
  from: z.number(),
  to: z.number(),
  /** Readings in the chunk and in the reference: the sample size shown beside every flag. */
  readings: z.number().int().nonnegative(),
  referenceReadings: z.number().int().nonnegative(),
  value: z.number(),
  threshold: z.number(),
  /** KS only. */
  pValue: z.number().nullable(),
  calibrated: z.boolean(),
  flagged: z.boolean(),
  /** Permutation importance of the signal in the run (null: unknown or multivariate). */
  importance: z.number().nullable(),
  /** The model's output rose on this asset over the chunk: drift and degradation together. */
  outputRising: z.boolean(),
});
export type DriftFinding = z.infer<typeof DriftFindingSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Alert rules and the alert lifecycle

/**
 * A rule over a deployment's health series (one model output per window end). `direction` says which side is
 * bad: 'above' for anomaly scores and failure probabilities, 'below' for remaining useful life.
 */
export const AlertRuleSchema = z
  .object({
    output: z.string().min(1).default('output'),
    direction: z.enum(['above', 'below']),
    /** The level a window must pass to count towards setting the alert. */
    setLevel: z.number(),
    /** The level a window must pass back to count towards clearing it (hysteresis); defaults to setLevel. */
    clearLevel: z.number().optional(),
    /** Persistence: at least k of the last n windows past the level (1 of 1: every window counts alone). */
    k: z.number().int().min(1).default(1),
    n: z.number().int().min(1).default(1),
    /** Time units (µs or cycles) the set / clear condition must hold before the alert sets / clears. */
    onDelay: z.number().min(0).default(0),
    offDelay: z.number().min(0).default(0),
    /** An alert still active this long after it was last announced is announced again (null: never). */
    reAlert: z.number().positive().nullable().default(null),
  })
  .refine((r) => r.k <= r.n, { message: 'k must not exceed n (k of the last n windows)', path: ['k'] })
  .refine(
    (r) =>
      r.clearLevel === undefined || (r.direction === 'above' ? r.clearLevel <= r.setLevel : r.clearLevel >= r.setLevel),
    {
      message:
        'the clear level must lie on the healthy side of the set level (below it for "above", above it for "below")',
      path: ['clearLevel'],
    },
  );
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AlertRuleInput = z.input<typeof AlertRuleSchema>;

export const FALSE_ALARM_CAUSES = ['sensor-fault', 'process-change', 'maintenance-activity', 'model-error'] as const;
export type FalseAlarmCause = (typeof FALSE_ALARM_CAUSES)[number];

export const DispositionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('confirmed'),
    failureMode: z.string().trim().min(1, 'a confirmed alert needs its failure mode'),
    /** The work order (events table id) that records the failure or repair, when there is one. */
    workOrderEventId: z.number().int().positive().nullable().default(null),
    note: z.string().nullable().default(null),
  }),
  z.object({
    kind: z.literal('false-alarm'),
    cause: z.enum(FALSE_ALARM_CAUSES),
    note: z.string().nullable().default(null),
  }),
  z.object({ kind: z.literal('not-actionable'), note: z.string().nullable().default(null) }),
]);
export type Disposition = z.infer<typeof DispositionSchema>;
export type DispositionInput = z.input<typeof DispositionSchema>;

export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const AlertSchema = z.object({
  id: z.string(),
  deploymentId: z.string(),
  asset: z.string(),
  /** Champion alerts are shown to technicians; a challenger's are kept apart for comparison. */
  role: z.enum(['champion', 'challenger']),
  modelVersion: z.number().int().positive(),
  /** On the data's time axis (µs or cycles): the window end that set it, and the one that cleared it. */
  raisedT: z.number(),
  raisedValue: z.number(),
  clearedT: z.number().nullable(),
  /** Wall-clock time (ISO) the alert was created: staleness counts from here. */
  raisedAt: z.string(),
  status: z.enum(ALERT_STATUSES),
  acknowledged: z.object({ by: z.string(), at: z.string(), note: z.string().nullable() }).nullable(),
  shelf: z.object({ by: z.string(), at: z.string(), reason: z.string(), until: z.string() }).nullable(),
  closed: z.object({ by: z.string(), at: z.string(), disposition: DispositionSchema }).nullable(),
  /** Times it was announced again by the rule's re-alert time, and the last announcement (data axis). */
  realerts: z.number().int().nonnegative(),
  lastAnnouncedT: z.number(),
});
export type Alert = z.infer<typeof AlertSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Deployments

/** Where follow mode fetches new history before each pass ("update to now"): a saved OPC UA connection, or a PostgreSQL query. */
export const FollowSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('opcua'),
    profile: z.string().trim().min(1).max(100),
    tags: z.array(z.string().min(1).max(500)).min(1).max(5000),
  }),
  z.object({
    kind: z.literal('postgres'),
    url: z
      .string()
      .trim()
      .max(1000)
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL'),
    /** A saved PostgreSQL connection whose password to use (same server and user only); never stored here. */
    profile: z.string().trim().min(1).max(100).optional(),
    password: z.string().max(500).optional(),
    /** SQL with $1 = from and $2 = to (timestamptz), as for startSqlImport. */
    query: z.string().trim().min(1).max(100_000),
    layout: z.enum(['long', 'wide']).default('long'),
    asset: z.string().trim().min(1).max(200).optional(),
    /**
     * Where a query never imported before starts (µs). Given on every round it costs nothing: each round
     * fetches only the parts its coverage lacks, plus the look-back for late data.
     */
    from: z.number().optional(),
  }),
]);
export type FollowSource = z.infer<typeof FollowSourceSchema>;

/** A workspace signal by asset and tag (tags may contain "/", so not one joined string). */
export const SignalRefSchema = z.object({ asset: z.string().min(1), tag: z.string().min(1) });
export type SignalRef = z.infer<typeof SignalRefSchema>;

/** Per asset, per contract tag: the workspace signal that feeds it, or null when none does (yet). */
export const SignalMappingSchema = z.record(z.string(), z.record(z.string(), SignalRefSchema.nullable()));
export type SignalMapping = z.infer<typeof SignalMappingSchema>;

export const DeploymentSchema = z
  .object({
    id: z.string(),
    name: z.string().min(1),
    model: z.object({
      name: z.string().min(1),
      /** Follow a stage (normally production) or stay on a pinned version: exactly one. */
      stage: z.enum(['production', 'approved']).nullable(),
      pinnedVersion: z.number().int().positive().nullable(),
    }),
    /** Registry folder or server URL. */
    registry: z.string().min(1),
    role: z.enum(['champion', 'challenger']),
    /** A challenger shadows this champion deployment on the same data. */
    championId: z.string().nullable(),
    assets: z.array(z.string().min(1)).min(1),
    mapping: SignalMappingSchema,
    rule: AlertRuleSchema.nullable(),
    limits: ContractLimitsSchema.partial(),
    /** The version scores are made with, and its package hash; null until the first confirmed version. */
    currentVersion: z.number().int().positive().nullable(),
    packageHash: z.string().nullable(),
    /** A newer version the followed stage now points to, shown until the user confirms the switch. */
    pendingVersion: z.number().int().positive().nullable(),
    status: z.enum(['active', 'paused', 'retired']),
    /**
     * Where follow mode fetches new history from when it is started without one (absent or null: none stored).
     * Never holds a password: a PostgreSQL source names a saved connection for it.
     */
    followSource: FollowSourceSchema.nullable().optional(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .refine((d) => (d.model.stage === null) !== (d.model.pinnedVersion === null), {
    message: 'a deployment follows a stage or pins a version, not both',
    path: ['model'],
  })
  .refine((d) => (d.role === 'challenger') === (d.championId !== null), {
    message: 'a challenger names the champion it shadows (and only a challenger does)',
    path: ['championId'],
  });
export type Deployment = z.infer<typeof DeploymentSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Scoring pass result (API, CLI --json, job state)

/** What one scoring pass did: the JSON `score --json` prints and a 'scoring' job's result. */
export const ScoringResultSchema = z.object({
  deployment: z.string(),
  modelVersion: z.number().int(),
  /** Assets scored, and windows scored over all assets. */
  scored: z.number().int().nonnegative(),
  windows: z.number().int().nonnegative(),
  blocked: z.array(z.object({ asset: z.string(), violations: z.array(ContractViolationSchema) })),
  violations: z.array(ContractViolationSchema),
  alerts: z.object({ opened: z.array(z.string()), cleared: z.array(z.string()), realerted: z.array(z.string()) }),
  drift: z.object({ signals: z.array(DriftFindingSchema) }),
  /** Assets with nothing new since their last scored window. */
  upToDate: z.array(z.string()),
  incompleteWindows: z.number().int().nonnegative(),
  /** A newer version the followed stage points to, waiting for confirmation (scoring went on with the current one). */
  pendingVersion: z.number().int().positive().nullable(),
  /** Drift needs the package's reference statistics; false when the package carries none. */
  driftChecked: z.boolean(),
  /** The champion's challengers, scored on the same data in the same pass (absent: none). */
  challengers: z.array(z.lazy(() => ChallengerPassSchema)).optional(),
});
export type ScoringResult = z.infer<typeof ScoringResultSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Challenger (shadow), follow mode, figures and drift as the API returns them (issue 10, session 3)

/** A challenger's part of a champion's scoring pass: scored on the same data, its alerts kept apart. */
export const ChallengerPassSchema = z.object({
  deployment: z.string(),
  modelVersion: z.number().int(),
  scored: z.number().int().nonnegative(),
  windows: z.number().int().nonnegative(),
  blocked: z.array(z.string()),
  alerts: z.object({ opened: z.array(z.string()), cleared: z.array(z.string()) }),
  /** Set when the challenger's pass failed: the champion's pass stands, the failure is said here. */
  error: z.string().nullable(),
});
export type ChallengerPass = z.infer<typeof ChallengerPassSchema>;

/** One side of "what would have happened": alerts raised and, where dispositions exist, what they were. */
export const ShadowSideSchema = z.object({
  deployment: z.string(),
  modelVersion: z.number().int().nullable(),
  raised: z.number().int().nonnegative(),
  /**
   * Confirmed / false alarm / not actionable / no disposition yet. For the challenger, whose alerts nobody works,
   * an alert counts with the disposition of the champion alert it matched (same asset, within the tolerance),
   * else with its own if someone closed it, else as undispositioned.
   */
  confirmed: z.number().int().nonnegative(),
  falseAlarms: z.number().int().nonnegative(),
  notActionable: z.number().int().nonnegative(),
  undispositioned: z.number().int().nonnegative(),
});
export type ShadowSide = z.infer<typeof ShadowSideSchema>;

export const ShadowAssetSchema = z.object({
  asset: z.string(),
  championAlerts: z.number().int(),
  challengerAlerts: z.number().int(),
  matched: z.number().int(),
  championOnly: z.number().int(),
  challengerOnly: z.number().int(),
  confirmedAlsoRaised: z.number().int(),
  confirmedMissed: z.number().int(),
  falseAlarmsSpared: z.number().int(),
  meanHeadStart: z.number().nullable(),
});

export const ShadowReportSchema = z.object({
  champion: ShadowSideSchema,
  challenger: ShadowSideSchema,
  /** Alerts of the two sides on the same asset within this distance (data axis) are the same warning. */
  tolerance: z.number().nonnegative(),
  byAsset: z.array(ShadowAssetSchema),
});
export type ShadowReport = z.infer<typeof ShadowReportSchema>;

/** What a follow loop is doing: shown beside the Start/Stop switch and in its job's message. */
export const FollowStatusSchema = z.object({
  deploymentId: z.string(),
  jobId: z.string().nullable(),
  running: z.boolean(),
  intervalSeconds: z.number().nonnegative(),
  source: FollowSourceSchema.nullable(),
  rounds: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  /** Failed passes in a row; the wait before the next is interval x 1, 2, 4, 8 (backoff). */
  failedInARow: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** Seconds until the next pass (null while a pass runs or after it stopped). */
  nextInSeconds: z.number().nullable(),
  lastRoundAt: z.string().nullable(),
  windows: z.number().int().nonnegative(),
  opened: z.array(z.string()),
  /** Started by the app from the workspace's memory (it was running when the app last stopped), not by a Start. */
  resumed: z.boolean().optional(),
});
export type FollowStatus = z.infer<typeof FollowStatusSchema>;

const AlertFiguresSchema = z.object({
  raised: z.number(),
  open: z.number(),
  closed: z.number(),
  confirmed: z.number(),
  falseAlarms: z.number(),
  notActionable: z.number(),
  precision: z.number().nullable(),
  falseAlarmCauses: z.record(z.string(), z.number()),
  falseAlarmsPerAssetMonth: z.number().nullable(),
  failuresDetected: z.number(),
  failuresMissed: z.number(),
  meanLeadTime: z.number().nullable(),
  floods: z.array(z.object({ from: z.number(), to: z.number(), alerts: z.number() })),
  chattering: z.array(z.object({ asset: z.string(), from: z.number(), transitions: z.number() })),
  stale: z.array(z.string()),
});

export const DeploymentFiguresSchema = z.object({
  deploymentId: z.string(),
  period: z.object({ from: z.number(), to: z.number() }),
  overall: AlertFiguresSchema,
  byAssetMonth: z.array(z.object({ asset: z.string(), month: z.string(), figures: AlertFiguresSchema })),
});
export type DeploymentFigures = z.infer<typeof DeploymentFiguresSchema>;

/** The latest drift finding per asset, signal and method, ranked: look at `lookFirst` ones first. */
export const DriftOverviewSchema = z.object({
  deploymentId: z.string(),
  findings: z.array(
    DriftFindingSchema.extend({
      /** Flagged drift together with rising model output: drift and degradation at once. */
      lookFirst: z.boolean(),
    }),
  ),
});
export type DriftOverview = z.infer<typeof DriftOverviewSchema>;
