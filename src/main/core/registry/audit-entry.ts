import { z } from 'zod';

/**
 * One line of the registry's audit log (audit.jsonl). The log is the registry's source of truth for
 * governance: stages and approvals are replayed from it, and each entry is appended *before* its effect on
 * the files, so the log doubles as a write-ahead log that the next writer can redo after a crash.
 */
export const AUDIT_ACTIONS = ['publish', 'approve', 'reject', 'promote', 'rollback', 'archive'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  time: z.string(),
  actor: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  model: z.string(),
  version: z.number().int().positive(),
  reason: z.string().nullable(),
  /** publish: SHA-256 of every file that never changes after publish (all but the generated files). */
  files: z.record(z.string(), Hex64).optional(),
  /** publish: SHA-256 of the canonical manifest without its governance fields (stage, approvals, history). */
  manifestCore: Hex64.optional(),
  /** publish: the run's author, who may not approve either. */
  trainedBy: z.string().optional(),
  /** publish: staging folder the version is renamed from (lets the next writer finish an interrupted publish). */
  staging: z.string().optional(),
  /** promote: the production version it replaced (null if none). rollback: the version taken out of production. */
  previous: z.number().int().positive().nullable().optional(),
  prev: Hex64,
  hash: Hex64,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditDraft = Omit<AuditEntry, 'seq' | 'prev' | 'hash' | 'time'>;

export const GENESIS_HASH = '0'.repeat(64);
