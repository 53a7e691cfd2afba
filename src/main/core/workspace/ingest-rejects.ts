import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ImportPlan } from '../import/plan.js';
import { quoteLiteral, type Connection } from './database.js';
import { readerRejectReasonSql, swallowedLinesSql } from './duckdb-errors.js';
import { addPendingRejects, ordOf, PENDING_REJECTS, STAGE, textLiteral, type StageContext } from './stage-table.js';

/**
 * Rejects of a staged import: the reader's own (in the user's words), the staging table's bad rows and cells, and
 * lines blanked out before the last read; each with the line that holds it in the file.
 */

/**
 * Lines whose unclosed quote swallowed the lines after it in the last read (their reader reject spans several
 * lines). The caller blanks them in a copy and reads again, so the swallowed lines are stored or rejected one by one.
 */
export const swallowingLines = async (db: Connection, ingestId: number): Promise<number[]> => {
  const errors = `pdm_rej_errors_${ingestId}`;
  const exists = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = $1`, [errors]);
  if (exists.length === 0) return [];
  const rows = await db.all<{ line: number }>(
    `SELECT DISTINCT line FROM ${errors} WHERE ${swallowedLinesSql} ORDER BY 1`,
  );
  return rows.map((r) => r.line);
};

/**
 * Copy `file` with the given lines emptied (their line breaks kept, so every other line keeps its number);
 * returns the copy's path and the emptied lines' text. The caller removes the copy's folder.
 */
export const blankLines = async (
  file: string,
  lines: ReadonlySet<number>,
): Promise<{ copy: string; folder: string; removed: Map<number, string> }> => {
  const folder = await mkdtemp(join(tmpdir(), 'pdm-blanked-'));
  const copy = join(folder, 'file.csv');
  const out = createWriteStream(copy);
  const removed = new Map<number, string>();
  let line = 1;
  let kept: Buffer[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    const bytes = chunk as Buffer;
    let pos = 0;
    for (;;) {
      const newline = bytes.indexOf(10, pos);
      const end = newline < 0 ? bytes.length : newline;
      if (lines.has(line)) kept.push(bytes.subarray(pos, end));
      else if (!out.write(bytes.subarray(pos, end))) await new Promise<void>((r) => out.once('drain', () => r()));
      if (newline < 0) break;
      if (lines.has(line)) {
        removed.set(line, Buffer.concat(kept).toString('utf8').replace(/\r$/, '').slice(0, 2000));
        kept = [];
      }
      out.write('\n');
      line++;
      pos = newline + 1;
    }
  }
  if (kept.length > 0) removed.set(line, Buffer.concat(kept).toString('utf8').slice(0, 2000));
  out.end();
  await finished(out);
  return { copy, folder, removed };
};

/** Reject lines blanked out before the final read, with their original text. */
export const rejectBlankedLines = async (
  db: Connection,
  plan: ImportPlan,
  ingestId: number,
  removed: ReadonlyMap<number, string>,
): Promise<void> => {
  const rows = [...removed].map(
    ([line, raw]) =>
      `(${ingestId}, ${quoteLiteral(plan.file)}, ${line}, NULL, ${quoteLiteral('a quote (") opens in this line and never closes; the lines after it were read on their own')}, ${textLiteral(raw)})`,
  );
  await addPendingRejects(db, rows);
};

/** Data line of the k-th accepted row (0-based), skipping the lines DuckDB rejected or skipped while parsing. */
export const lineOfRow = (k: number, headerLines: number, skippedLines: readonly number[]): number => {
  let line = headerLines + 1 + k;
  for (const r of skippedLines) {
    if (r <= line) line++;
    else break;
  }
  return line;
};

/** `lineOfRow` for increasing k, in amortised constant time (a file may have millions of skipped lines). */
const rowLineMapper = (headerLines: number, skippedLines: readonly number[]): ((k: number) => number) => {
  let consumed = 0;
  return (k) => {
    let line = headerLines + 1 + k + consumed;
    while (consumed < skippedLines.length && (skippedLines[consumed] ?? Infinity) <= line) {
      consumed++;
      line++;
    }
    return line;
  };
};

/** 1-based numbers of the empty lines of a file: DuckDB's CSV reader skips them without a trace. */
export const emptyLines = async (file: string): Promise<number[]> => {
  const found: number[] = [];
  let line = 1;
  let content = false;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    const bytes = chunk as Buffer;
    let pos = 0;
    for (;;) {
      const newline = bytes.indexOf(10, pos);
      const end = newline < 0 ? bytes.length : newline;
      for (let i = pos; i < end && !content; i++) if (bytes[i] !== 13) content = true;
      if (newline < 0) break;
      if (!content) found.push(line);
      line++;
      content = false;
      pos = newline + 1;
    }
  }
  return found;
};

/** Move the reader's own rejects (bad casts, wrong column counts) into `rejects`, in the user's words; returns their lines. */
export const collectReaderRejects = async (db: Connection, plan: ImportPlan, ingestId: number): Promise<number[]> => {
  const errors = `pdm_rej_errors_${ingestId}`;
  const exists = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = $1`, [errors]);
  const structural: number[] = [];
  if (exists.length > 0) {
    await db.run(
      `INSERT INTO rejects
       SELECT $1, $2, line, column_name, ${readerRejectReasonSql(plan.timeColumn, plan.timestampFormat, plan.qualityColumn)},
              csv_line
       FROM ${errors}`,
      [ingestId, plan.file],
    );
    const lines = await db.all<{ line: number }>(`SELECT DISTINCT line FROM ${errors} ORDER BY line`);
    structural.push(...lines.map((l) => l.line));
    await db.run(`DROP TABLE ${errors}`);
    await db.run(`DROP TABLE IF EXISTS pdm_rej_scans_${ingestId}`);
  }
  return structural;
};

const collectCsvRejects = async (ctx: StageContext): Promise<void> => {
  const { db, plan, ingestId, source } = ctx;
  const structural = await collectReaderRejects(db, plan, ingestId);
  await collectStageRejects(db, plan, ingestId, async () => {
    const skipped = [...new Set([...structural, ...(await emptyLines(source))])].sort((a, b) => a - b);
    return rowLineMapper(plan.hasHeader ? 1 : 0, skipped);
  });
};

/** Move every reject found while staging into `rejects` (inside the import transaction). */
export const collectRejects = async (ctx: StageContext): Promise<void> => {
  const { db, plan, ingestId } = ctx;
  await db.run(`CREATE TEMP TABLE IF NOT EXISTS ${PENDING_REJECTS} AS SELECT * FROM rejects LIMIT 0`);
  await db.run(`INSERT INTO rejects SELECT * FROM ${PENDING_REJECTS}`);
  switch (plan.format) {
    case 'long-csv':
    case 'wide-csv':
      return collectCsvRejects(ctx);
    case 'parquet':
      return collectStageRejects(db, plan, ingestId, async () => (ord) => ord + 1);
    case 'cmapss':
      return;
    default: {
      const unknown: never = plan.format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
};

/** A staged reading that cannot be stored: time or value did not parse, or it names no tag. */
const BAD_STAGE_ROW = 'bad IS NOT NULL OR value IS NULL OR t IS NULL OR src_tag IS NULL';

/** Rows whose time, value or tag is unusable: move them from the staging table to rejects, with their line. */
const collectStageRejects = async (
  db: Connection,
  plan: ImportPlan,
  ingestId: number,
  lineMapper: () => Promise<(ord: number) => number>,
): Promise<void> => {
  const PAGE = 50_000;
  // Reasons start with the column they are about ("B: empty"); the longest column name that fits wins.
  const byLength = [...plan.header].sort((a, b) => b.length - a.length);
  const fieldOfReason = (reason: string): string | undefined => byLength.find((h) => reason.startsWith(`${h}:`));
  let lineOf: ((ord: number) => number) | null = null;
  const tagColumn = plan.tagColumn ?? 'tag';
  for (let afterOrd = -1; ;) {
    // Pages in increasing ord: the line mapper walks forward only.
    const bad = await db.all<{ ord: number; bad: string | null; src_tag: string | null }>(
      `SELECT ${ordOf(plan)} AS ord, bad, src_tag FROM ${STAGE}
       WHERE (${BAD_STAGE_ROW}) AND ${ordOf(plan)} > $1 ORDER BY 1, src_tag LIMIT ${PAGE}`,
      [afterOrd],
    );
    const last = bad[bad.length - 1];
    if (last === undefined) break;
    // A page never splits one source row's cells, so the next page starts after it.
    const complete = bad.length < PAGE ? bad : bad.filter((row) => row.ord !== last.ord);
    const page = complete.length > 0 ? complete : bad;
    afterOrd = page[page.length - 1]?.ord ?? last.ord;
    lineOf ??= await lineMapper();
    const mapLine = lineOf;
    const rows = page.map((row) => {
      const named = row.bad === null ? undefined : fieldOfReason(row.bad);
      const field =
        row.bad?.startsWith('time:') === true
          ? plan.timeColumn
          : row.bad?.startsWith('expected ') === true
            ? null
            : (named ?? (row.src_tag === null ? tagColumn : (plan.valueColumn ?? row.src_tag)));
      const reason = row.bad ?? (row.src_tag === null ? `${tagColumn}: empty` : `${field}: empty`);
      return `(${ingestId}, ${quoteLiteral(plan.file)}, ${mapLine(row.ord)}, ${field === null ? 'NULL' : textLiteral(field)}, ${textLiteral(reason)}, NULL)`;
    });
    for (let start = 0; start < rows.length; start += 1000) {
      await db.run(`INSERT INTO rejects VALUES ${rows.slice(start, start + 1000).join(', ')}`);
    }
    if (bad.length < PAGE) break;
  }
  if (lineOf === null) return;
  await db.run(`DELETE FROM ${STAGE} WHERE ${BAD_STAGE_ROW}`);
};
