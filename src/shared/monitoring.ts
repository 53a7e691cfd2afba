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
