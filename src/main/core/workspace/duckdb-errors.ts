import { quoteLiteral } from './database.js';

/**
 * The one place that reads DuckDB's error text. The importer never branches on an error message elsewhere:
 * it asks this adapter what a failure means, and each pattern here has a test that produces the real message
 * (test/integration/core/workspace/duckdb-errors.test.ts), so a DuckDB upgrade that rewords one fails there.
 */

/** Raised inside SQL with error(): the direct long-CSV statement stops at the first row it cannot store as is. */
export type DirectStop = 'row to reject' | 'tag outside the survey';

const STOP_PREFIX = 'pdm-direct: ';

/** SQL that stops the running statement with a marker `directStopOf` recognises. */
export const raiseDirectStop = (stop: DirectStop): string => `error(${quoteLiteral(`${STOP_PREFIX}${stop}`)})`;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Which marker stopped a direct statement, or null for any other failure. */
export const directStopOf = (error: unknown): DirectStop | null => {
  const text = messageOf(error);
  if (text.includes(`${STOP_PREFIX}row to reject`)) return 'row to reject';
  if (text.includes(`${STOP_PREFIX}tag outside the survey`)) return 'tag outside the survey';
  return null;
};

/** What a failed read or statement means, in terms the importer can act on. */
export type CsvReadFailure = {
  readonly kind: 'mixed line endings' | 'not utf-8' | 'out of memory' | 'other';
};

export const csvReadFailureOf = (error: unknown): CsvReadFailure => {
  const text = messageOf(error);
  // Lines ending partly in CRLF and partly in LF drive DuckDB's strict CSV state machine into this state.
  if (/state machine reached an invalid state/i.test(text)) return { kind: 'mixed line endings' };
  if (/invalid unicode|not utf-8 encoded/i.test(text)) return { kind: 'not utf-8' };
  if (/^Out of Memory Error/i.test(text)) return { kind: 'out of memory' };
  return { kind: 'other' };
};

/** True when the message is DuckDB's, not one of ours: such text must not reach the user. */
export const isEngineMessage = (error: unknown): boolean =>
  /^(Invalid Input|Binder|Parser|Conversion|Catalog|Internal|Out of Range|Out of Memory|Constraint|IO|Not implemented|INTERNAL|Invalid Error|Invalid Configuration|Serialization|Dependency|Transaction|Permission) Error/i.test(
    messageOf(error),
  ) || messageOf(error).includes(STOP_PREFIX);

/**
 * The reason for a row the CSV reader refused, as a SQL expression over the reader's reject table
 * (columns error_type, error_message, column_name, csv_line). error_type is an enum; the only text read from
 * error_message is the cell value of a CAST error and the field counts of column-count errors.
 */
export const readerRejectReasonSql = (
  timeColumn: string,
  timestampFormat: string | null,
  qualityColumn: string | null,
): string => {
  const cell = `regexp_extract(error_message, 'Could not convert string "(.*)" to', 1)`;
  const expected = `regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1)`;
  const found = `regexp_extract(error_message, 'Found: (\\d+)', 1)`;
  const format = timestampFormat !== null ? ` with format ${timestampFormat}` : '';
  return `CASE
    WHEN error_type = 'CAST' AND column_name = ${quoteLiteral(timeColumn)}
      THEN 'time: cannot parse "' || ${cell} || '"' || ${quoteLiteral(format)}
    WHEN error_type = 'CAST' AND column_name = ${quoteLiteral(qualityColumn ?? '')}
      THEN column_name || ': "' || ${cell} || '" is not a quality code (a whole number from 0)'
    WHEN error_type = 'CAST' THEN column_name || ': "' || ${cell} || '" is not a number'
    WHEN error_type = 'MISSING COLUMNS' AND contains(csv_line, chr(10))
      THEN 'a quote (") opens in this line and never closes'
    WHEN error_type = 'MISSING COLUMNS' THEN 'expected ' || ${expected} || ' fields, found ' || ${found}
    WHEN error_type = 'TOO MANY COLUMNS' THEN 'expected ' || ${expected} || ' fields, found ' || ${found}
    WHEN error_type = 'UNQUOTED VALUE' THEN 'a quote (") opens in this line and never closes, or text follows a closing quote'
    WHEN error_type = 'LINE SIZE OVER MAXIMUM' THEN 'the line is longer than 1 MB'
    WHEN error_type = 'INVALID ENCODING' OR error_type = 'INVALID UNICODE'
      THEN 'the line is not UTF-8 text (save the file as UTF-8)'
    ELSE 'the line cannot be read as CSV (' || lower(error_type) || ')'
  END`;
};

/** A reader reject whose raw text spans several lines: an unclosed quote swallowed the lines after it. */
export const swallowedLinesSql = `error_type IN ('MISSING COLUMNS', 'UNQUOTED VALUE') AND contains(csv_line, chr(10))`;
