import { z } from 'zod';
import { TrainingJobResultSchema } from './training.js';
import { ScoringResultSchema } from './monitoring.js';
import { ReportResultSchema } from './reports.js';

/**
 * Domain schemas shared by every process. Times travel as numbers: microseconds since the Unix epoch
 * for timestamp-indexed signals, cycle numbers for cycle-indexed ones (run-to-failure data such as C-MAPSS).
 */
export const TimeKindSchema = z.enum(['timestamp', 'cycle']);
export type TimeKind = z.infer<typeof TimeKindSchema>;

export const SignalSchema = z.object({
  id: z.number().int(),
  asset: z.string(),
  tag: z.string(),
  unit: z.string().nullable(),
  /** Expected spacing between readings, in the signal's time unit (µs or cycles). */
  samplePeriod: z.number().nullable(),
  validMin: z.number().nullable(),
  validMax: z.number().nullable(),
  source: z.string(),
  timeKind: TimeKindSchema,
  count: z.number().int(),
  firstT: z.number().nullable(),
  lastT: z.number().nullable(),
  /**
   * A candidate label column (src/shared/label-candidate.ts): marked at import when its name and values look like
   * labels; training offers it as the label column and leaves it out of the default inputs. Absent: not one.
   */
  labelCandidate: z.boolean().optional(),
});
export type Signal = z.infer<typeof SignalSchema>;

export const WorkspaceInfoSchema = z.object({
  path: z.string(),
  signals: z.number().int(),
  assets: z.number().int(),
  readings: z.number().int(),
  schemaVersion: z.number().int(),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfoSchema>;

export const RecentWorkspaceSchema = z.object({ path: z.string(), openedAt: z.string() });
export type RecentWorkspace = z.infer<typeof RecentWorkspaceSchema>;

export const ImportFormatSchema = z.enum(['wide-csv', 'long-csv', 'parquet', 'cmapss']);
export type ImportFormat = z.infer<typeof ImportFormatSchema>;

export const ImportOptionsSchema = z.object({
  /** Omitted: detected from the file. */
  format: ImportFormatSchema.optional(),
  delimiter: z.string().min(1).max(1).optional(),
  decimal: z.enum(['.', ',']).optional(),
  /** strftime-style format as DuckDB understands it, e.g. "%d.%m.%Y %H:%M:%S"; omitted: ISO 8601 detected. */
  timestampFormat: z.string().max(64).optional(),
  /** IANA zone applied to timestamps that carry no offset. Default UTC. */
  timeZone: z.string().max(64).optional(),
  timeColumn: z.string().optional(),
  tagColumn: z.string().optional(),
  valueColumn: z.string().optional(),
  qualityColumn: z.string().optional(),
  /** Asset for tags that name none; default: the file name without extension. */
  asset: z.string().max(200).optional(),
  assets: z.record(z.string(), z.string().max(200)).optional(),
  units: z.record(z.string(), z.string().max(50)).optional(),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export const ImportColumnSchema = z.object({
  name: z.string(),
  type: z.string(),
  role: z.enum(['time', 'tag', 'value', 'quality', 'asset', 'cycle', 'signal', 'ignored']),
});

export const ImportPreviewSchema = z.object({
  path: z.string(),
  format: ImportFormatSchema,
  delimiter: z.string(),
  decimal: z.enum(['.', ',']),
  hasHeader: z.boolean(),
  timestampFormat: z.string().nullable(),
  timeZone: z.string(),
  timeKind: TimeKindSchema,
  columns: z.array(ImportColumnSchema),
  sampleRows: z.array(z.array(z.string())),
  /** Signals the file will create or extend, with the asset and unit that will be assigned. */
  signals: z.array(z.object({ asset: z.string(), tag: z.string(), unit: z.string().nullable() })),
  warnings: z.array(z.string()),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const IngestFileResultSchema = z.object({
  ingestId: z.number().int(),
  file: z.string(),
  format: ImportFormatSchema,
  sha256: z.string(),
  rows: z.number().int(),
  values: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  signals: z.number().int(),
  signalIds: z.array(z.number().int()),
  previouslyImported: z.boolean(),
  seconds: z.number(),
  /** What the user should know about this file though nothing was lost (encoding assumed, asset shared, ...). */
  warnings: z.array(z.string()).optional(),
});
export type IngestFileResult = z.infer<typeof IngestFileResultSchema>;

export const IngestSummarySchema = z.object({
  files: z.array(IngestFileResultSchema),
  rows: z.number().int(),
  values: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  signals: z.number().int(),
  signalIds: z.array(z.number().int()),
  duplicateRule: z.string(),
  seconds: z.number(),
  /** Every file's warnings, each starting with its file name. */
  warnings: z.array(z.string()).optional(),
});
export type IngestSummary = z.infer<typeof IngestSummarySchema>;

export const IngestRecordSchema = z.object({
  id: z.number().int(),
  file: z.string(),
  format: z.string(),
  sha256: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  rows: z.number().int(),
  values: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  message: z.string().nullable(),
});
export type IngestRecord = z.infer<typeof IngestRecordSchema>;

export const RejectSchema = z.object({
  ingestId: z.number().int(),
  file: z.string(),
  line: z.number().int().nullable(),
  field: z.string().nullable(),
  reason: z.string(),
  raw: z.string().nullable(),
});
export type Reject = z.infer<typeof RejectSchema>;

export const TrendSeriesSchema = z.object({
  signalId: z.number().int(),
  /** M4 points in time order: at most 4 per pixel column. */
  t: z.array(z.number()),
  v: z.array(z.number()),
  /** Raw readings in the range the points summarise. */
  rawCount: z.number().int(),
});
export type TrendSeries = z.infer<typeof TrendSeriesSchema>;

export const TrendResultSchema = z.object({
  from: z.number(),
  to: z.number(),
  width: z.number().int(),
  timeKind: TimeKindSchema,
  series: z.array(TrendSeriesSchema),
});
export type TrendResult = z.infer<typeof TrendResultSchema>;

export const QualityRowSchema = z.object({
  signalId: z.number().int(),
  count: z.number().int(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  firstT: z.number().nullable(),
  lastT: z.number().nullable(),
  /** Sample period used for gap detection: the configured one, else the median spacing. */
  period: z.number().nullable(),
  gaps: z.number().int(),
  largestGap: z.number().nullable(),
  /** Runs of at least 10 identical consecutive values. */
  flatlines: z.number().int(),
  flatlineReadings: z.number().int(),
  nonFinite: z.number().int(),
  outOfRange: z.number().int(),
  badQuality: z.number().int(),
});
export type QualityRow = z.infer<typeof QualityRowSchema>;

export const ExportFormatSchema = z.enum(['csv', 'parquet', 'arrow']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** Outcome of an OPC UA history import job (see historians/opcua/history-import.ts). */
export const OpcuaImportSummarySchema = z.object({
  values: z.number().int(),
  duplicates: z.number().int(),
  tags: z.number().int(),
  /** Some tags continued from their checkpoints (resumed or "update to now"). */
  resumed: z.boolean(),
  requests: z.number().int(),
  seconds: z.number(),
  signalIds: z.array(z.number().int()),
  perTag: z.array(z.object({ nodeId: z.string(), asset: z.string(), tag: z.string(), values: z.number().int() })),
  /** End of the fetched range (ms, exclusive): the historian's "now" when no end was given. */
  toMs: z.number().nullable().optional(),
  /** Where that "now" came from: the server's clock (ServerStatus/CurrentTime) or, failing it, this machine's. */
  clock: z.enum(['server', 'local']).nullable().optional(),
  /** Tags an "update to now" skipped because the server no longer has them. */
  missing: z.array(z.string()).optional(),
  warnings: z.array(z.string()).optional(),
});
export type OpcuaImportSummary = z.infer<typeof OpcuaImportSummarySchema>;

/** Outcome of a PostgreSQL historian import job (see historians/sql/postgres-import.ts). Times in ms. */
export const SqlImportSummarySchema = z.object({
  rows: z.number().int(),
  values: z.number().int(),
  duplicates: z.number().int(),
  signals: z.number().int(),
  signalIds: z.array(z.number().int()),
  /** Continued from the checkpoint ("update to now"). */
  resumed: z.boolean(),
  fromMs: z.number(),
  toMs: z.number(),
  /** The parts of the request fetched: what no earlier import had, plus the look-back for late data. */
  ranges: z.array(z.object({ fromMs: z.number(), toMs: z.number() })),
  seconds: z.number(),
  ingestId: z.number().int().nullable(),
});
export type SqlImportSummary = z.infer<typeof SqlImportSummarySchema>;

export const JobStateSchema = z.object({
  id: z.string(),
  kind: z.enum(['import', 'opcua-import', 'sql-import', 'training', 'scoring', 'report', 'follow']),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  fraction: z.number().nullable(),
  message: z.string(),
  result: IngestSummarySchema.nullable(),
  error: z.string().nullable(),
  /** Set by 'opcua-import' jobs when they finish. */
  opcua: OpcuaImportSummarySchema.nullable().optional(),
  /** Set by 'sql-import' jobs when they finish. */
  sql: SqlImportSummarySchema.nullable().optional(),
  /** Set by 'training' jobs when they finish. */
  training: TrainingJobResultSchema.nullable().optional(),
  /** Set by 'scoring' jobs (a monitoring deployment's scoring pass) when they finish. */
  scoring: ScoringResultSchema.nullable().optional(),
  /** Set by 'report' jobs (an exported report) when they finish. */
  report: ReportResultSchema.nullable().optional(),
});
export type JobState = z.infer<typeof JobStateSchema>;
