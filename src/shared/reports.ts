import { z } from 'zod';

/**
 * Reports for managers (issue 11): what is asked for, the engineer's inputs they depend on (asset criticality,
 * ROI assumptions), and what an export returns. Pure schemas shared by the core, the CLI's JSON and the views.
 */

export const REPORT_KINDS = ['fleet', 'alerts', 'model', 'value'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_TITLES: Readonly<Record<ReportKind, string>> = {
  fleet: 'Fleet health',
  alerts: 'Alert performance',
  model: 'Model report',
  value: 'Value (ROI)',
};

export const REPORT_FORMATS = ['html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** 'auto': Letter for the US and Canada (en-US, en-CA, es-US, fr-CA), A4 everywhere else. */
export const PAPER_SIZES = ['auto', 'a4', 'letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

export const CRITICALITY_DEFAULT = 3;

export const AssetCriticalitySchema = z.object({
  asset: z.string().min(1).max(200),
  /** 1 (a spare could take over) .. 5 (stops the plant). */
  criticality: z.number().int().min(1).max(5),
  /** Picks the ROI report's downtime cost per hour (null: the default cost). */
  assetClass: z.string().trim().min(1).max(100).nullable(),
  /** false: never set by an engineer; the default criticality applies. */
  set: z.boolean(),
});
export type AssetCriticality = z.infer<typeof AssetCriticalitySchema>;

/**
 * What the value report assumes, every figure visible in the report and editable by the engineer. Costs are in
 * `currency` units; durations in hours.
 */
export const RoiAssumptionsSchema = z.object({
  currency: z.string().trim().min(1).max(8).default('EUR'),
  /** Cost of one hour of unplanned downtime, by asset class; `default` for assets without a class. */
  downtimeCostPerHour: z
    .object({
      default: z.number().nonnegative(),
      byClass: z.record(z.string(), z.number().nonnegative()).default({}),
    })
    .default({ default: 10_000, byClass: {} }),
  /** Mean duration of an unplanned outage (the failure happens) and of the planned repair that replaces it. */
  unplannedOutageHours: z.number().nonnegative().default(24),
  plannedOutageHours: z.number().nonnegative().default(4),
  /** Repair cost when the failure happens, and when the repair is planned ahead. */
  unplannedRepairCost: z.number().nonnegative().default(25_000),
  plannedRepairCost: z.number().nonnegative().default(8_000),
});
export type RoiAssumptions = z.infer<typeof RoiAssumptionsSchema>;
export type RoiAssumptionsInput = z.input<typeof RoiAssumptionsSchema>;
export const DEFAULT_ROI_ASSUMPTIONS: RoiAssumptions = RoiAssumptionsSchema.parse({});

export const ReportRequestSchema = z.object({
  kind: z.enum(REPORT_KINDS),
  /** Which deployments the report reads (default: every champion deployment); the model report needs one. */
  deploymentId: z.string().min(1).max(100).optional(),
  /** The period on the data's time axis (µs since 1970 for timestamp data, cycles otherwise); default: all data. */
  from: z.number().optional(),
  to: z.number().optional(),
  format: z.enum(REPORT_FORMATS),
  /** Absolute path of the file to write. */
  out: z.string().min(1).max(4096),
  paper: z.enum(PAPER_SIZES).default('auto'),
  /** BCP 47, e.g. en-US: numbers and dates, and paper size under 'auto'. Default: the machine's. */
  locale: z.string().min(2).max(35).optional(),
  /** Plant name for the header; default: the workspace folder's name. */
  plant: z.string().trim().min(1).max(200).optional(),
});
export type ReportRequest = z.infer<typeof ReportRequestSchema>;
export type ReportRequestInput = z.input<typeof ReportRequestSchema>;

export const ReportPeriodSchema = z.object({
  from: z.number().nullable(),
  to: z.number().nullable(),
  timeKind: z.enum(['timestamp', 'cycle']),
  /** As printed in the report: "2026-01-01 – 2026-03-31 (UTC)" or "cycles 1 – 200". */
  label: z.string(),
});
export type ReportPeriod = z.infer<typeof ReportPeriodSchema>;

/** What an export returns: `report ... --json` prints it; a 'report' job's result. */
export const ReportResultSchema = z.object({
  kind: z.enum(REPORT_KINDS),
  format: z.enum(REPORT_FORMATS),
  path: z.string(),
  /** PDF pages (null for HTML). */
  pages: z.number().int().positive().nullable(),
  /** SHA-256 (hex) of the UTF-8 bytes between <body> and </body> of the report's HTML (docs: README). */
  sha256: z.string(),
  period: ReportPeriodSchema,
  warnings: z.array(z.string()),
});
export type ReportResult = z.infer<typeof ReportResultSchema>;

export const ReportExportSchema = z.object({
  id: z.number().int(),
  kind: z.enum(REPORT_KINDS),
  parameters: z.record(z.string(), z.unknown()),
  sha256: z.string(),
  path: z.string(),
  format: z.enum(REPORT_FORMATS),
  pages: z.number().int().nullable(),
  createdAt: z.string(),
  who: z.string(),
});
export type ReportExport = z.infer<typeof ReportExportSchema>;

/** Paper for a locale: the US, Canada, Mexico, Chile, the Philippines and a few others use Letter. */
export const paperFor = (paper: PaperSize, locale: string): 'a4' | 'letter' => {
  if (paper !== 'auto') return paper;
  const region = /[-_]([A-Za-z]{2})\b/.exec(locale)?.[1]?.toUpperCase();
  return region !== undefined && ['US', 'CA', 'MX', 'CL', 'CO', 'VE', 'PH', 'GT', 'PR'].includes(region)
    ? 'letter'
    : 'a4';
};
