import { resolve } from 'node:path';
import { ImportFormatSchema, type ImportOptions, type IngestSummary } from '../../shared/domain.js';
import { requireZone } from '../../shared/time/time-rule.js';
import { importFiles } from '../core/import/import-files.js';
import { withWorkspace } from './cli-io.js';

/** The options `ingest` reads, as parsed by the CLI's argument parser. */
export interface IngestArgs {
  readonly workspace: string | undefined;
  readonly files: readonly string[];
  readonly format: string | undefined;
  readonly delimiter: string | undefined;
  readonly decimal: string | undefined;
  readonly timestampFormat: string | undefined;
  readonly timeZone: string | undefined;
  readonly asset: string | undefined;
  readonly json: boolean;
}

/** A failure of the command line itself (exit 2), as opposed to a file that could not be imported (exit 1). */
class UsageError extends Error {}

const importOptions = (args: IngestArgs): ImportOptions => {
  if (args.files.length === 0) throw new UsageError('ingest: name at least one file');
  const rawFormat = args.format === 'csv' ? undefined : args.format;
  const format = rawFormat === undefined ? undefined : ImportFormatSchema.safeParse(rawFormat);
  if (format !== undefined && !format.success) {
    throw new UsageError(`--format: unknown format "${rawFormat ?? ''}" (wide-csv, long-csv, csv, parquet, cmapss)`);
  }
  const decimal = args.decimal;
  if (decimal !== undefined && decimal !== '.' && decimal !== ',') throw new UsageError('--decimal: "." or ","');
  if (args.timeZone !== undefined) {
    try {
      requireZone(args.timeZone);
    } catch (error) {
      throw new UsageError(`--time-zone: ${(error as Error).message}`);
    }
  }
  return {
    ...(format?.success ? { format: format.data } : {}),
    ...(args.delimiter !== undefined ? { delimiter: args.delimiter === '\\t' ? '\t' : args.delimiter } : {}),
    ...(decimal !== undefined ? { decimal } : {}),
    ...(args.timestampFormat !== undefined ? { timestampFormat: args.timestampFormat } : {}),
    ...(args.timeZone !== undefined ? { timeZone: args.timeZone } : {}),
    ...(args.asset !== undefined ? { asset: args.asset } : {}),
  };
};

/**
 * `pdm-studio ingest`: import files, print the summary (with --json, one JSON object as the last stdout line) and
 * the planner's warnings; on failure print `{"error":{"code","message"}}` with --json, the message on stderr, and
 * set the exit code (2 for a wrong command line, 1 for a file that could not be imported).
 */
export const runIngestCommand = async (args: IngestArgs): Promise<void> => {
  const { json } = args;
  let summary: IngestSummary;
  try {
    const options = importOptions(args);
    summary = await withWorkspace(args.workspace, (w) =>
      importFiles(
        w,
        args.files.map((p) => resolve(p)),
        options,
        {
          isCancelled: () => false,
          progress: json ? () => undefined : (f, m) => process.stderr.write(`\r${Math.round((f ?? 0) * 100)}% ${m}   `),
        },
      ),
    );
  } catch (error) {
    const usage = error instanceof UsageError || (error instanceof Error && error.message.startsWith('--workspace'));
    const code = usage ? 'invalid-argument' : 'import-failed';
    const message = error instanceof Error ? error.message : String(error);
    if (!json) process.stderr.write('\n');
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    process.stderr.write(`pdm-studio: ${message}\n`);
    process.exitCode = usage ? 2 : 1;
    return;
  }
  if (!json) {
    process.stderr.write('\n');
    for (const warning of summary.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  }
  process.stdout.write(
    `${
      json
        ? JSON.stringify(summary)
        : `${summary.rows} rows, ${summary.values} values stored, ${summary.rejected} rejected, ${summary.duplicates} duplicates (${summary.duplicateRule}); ${summary.signals} signals`
    }\n`,
  );
};
