import type { ImportPlan } from '../import/plan.js';
import { quoteLiteral, type Connection } from './database.js';

/**
 * Reading a file into the staging table every route ends in: one row per reading as found in the file, with
 * `bad` holding the reason (user's words) for a row or cell that cannot be stored, so it is rejected with its
 * line rather than dropped, and `shift` marking repeated autumn wall-clock times until file order resolves them.
 */
export const STAGE = 'pdm_stage';
export const PENDING_REJECTS = 'pdm_pending_rejects';

export interface StageContext {
  readonly db: Connection;
  readonly plan: ImportPlan;
  readonly ingestId: number;
  /** The file DuckDB reads: the plan's file, or a copy with unreadable lines blanked out (same line numbers). */
  readonly source: string;
  /** Run one long statement while reporting DuckDB's progress into [from, to] of the file's bar. */
  readonly step: (sql: string, from: number, to: number, message: string) => Promise<number>;
}

/**
 * The expression for a staged reading's source row (0-based, file order, accepted rows only). Long CSV uses the
 * staging table's rowid, which is free: the table is created before the import transaction opens (inside it,
 * row ids are transaction-local numbers far above 2^53) and DuckDB keeps insertion order. The other readers
 * stage one row per value, so they carry the source row as a column.
 */
export const ordOf = (plan: ImportPlan): string => (plan.format === 'long-csv' ? 'rowid' : 'ord');

/** A SQL literal of file text: a NUL byte (binary data in a text file) cannot be in SQL text, so it shows as \0. */
export const textLiteral = (value: string): string => quoteLiteral(value.replaceAll('\u0000', '\\0'));

/** Rejects found before the import transaction, held aside until it copies them: a failed import records nothing. */
export const addPendingRejects = async (db: Connection, rows: readonly string[]): Promise<void> => {
  await db.run(`CREATE TEMP TABLE IF NOT EXISTS ${PENDING_REJECTS} AS SELECT * FROM rejects LIMIT 0`);
  for (let start = 0; start < rows.length; start += 1000) {
    await db.run(`INSERT INTO ${PENDING_REJECTS} VALUES ${rows.slice(start, start + 1000).join(', ')}`);
  }
};

/** Drop what an abandoned read left in the reader's reject tables, so the next read starts clean. */
export const dropReaderRejects = async (db: Connection, ingestId: number): Promise<void> => {
  await db.run(`DROP TABLE IF EXISTS pdm_rej_errors_${ingestId}`);
  await db.run(`DROP TABLE IF EXISTS pdm_rej_scans_${ingestId}`);
};
