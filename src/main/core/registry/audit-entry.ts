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
  /** publish: the client's idempotency key; repeating a publish with it returns this version. */
  idempotencyKey: z.string().optional(),
  /**
   * Who signed the entry (the actor in a folder registry, `_server` for a registry server) and the id of
   * their key; both are covered by `hash`. Entries of older registries have neither: "unsigned (legacy)".
   */
  signer: z.string().optional(),
  key: Hex64.optional(),
  prev: Hex64,
  hash: Hex64,
  /** Ed25519 signature (base64) over `hash` by the signer's key; not covered by `hash` itself. */
  sig: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditDraft = Omit<AuditEntry, 'seq' | 'prev' | 'hash' | 'time' | 'signer' | 'key' | 'sig'>;

/**
 * A signed statement "entry <seq> has hash <hash>": the entry's own signature, which covers seq and hash.
 * Kept as audit.head beside the log and in the manifest of every version the entry changed, so a removed
 * tail of the log leaves signed evidence behind that it existed.
 */
export const CheckpointSchema = z.object({
  seq: z.number().int().positive(),
  hash: Hex64,
  action: z.enum(AUDIT_ACTIONS),
  by: z.string(),
  signer: z.string(),
  key: Hex64,
  sig: z.string(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export const checkpointOf = (entry: AuditEntry): Checkpoint | null =>
  entry.signer === undefined || entry.key === undefined || entry.sig === undefined
    ? null
    : {
        seq: entry.seq,
        hash: entry.hash,
        action: entry.action,
        by: entry.actor,
        signer: entry.signer,
        key: entry.key,
        sig: entry.sig,
      };

export const GENESIS_HASH = '0'.repeat(64);
