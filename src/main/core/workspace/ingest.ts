import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { IngestFileResult } from '../../../shared/domain.js';
import { signalColumns, type ImportPlan } from '../import/plan.js';
import { splitTagAndUnit } from '../import/sniff.js';
import { CancelledError } from '../jobs/cancelled.js';
import { quoteIdent, quoteLiteral, type Connection } from './database.js';

export const DUPLICATE_RULE =
  'one reading per signal and time: a reading already in the workspace is kept, and within a file the first row wins';

export interface IngestProgress {
  (fraction: number | null, message: string): void;
}

export const sha256File = async (file: string, isCancelled: () => boolean): Promise<string> => {
  const hash = createHash('sha256');
  // One buffer, read into again and again: a stream's fresh chunk per read piles up garbage while DuckDB, which
  // imports the same file meanwhile, is using the memory.
  const buffer = Buffer.allocUnsafe(4 << 20);
  const handle = await open(file, 'r');
  try {
    for (;;) {
      if (isCancelled()) throw new CancelledError();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
};

interface StageContext {
  readonly db: Connection;
  readonly plan: ImportPlan;
  readonly ingestId: number;
  /** Run one long statement while reporting DuckDB's progress into [from, to] of the file's bar. */
  readonly step: (sql: string, from: number, to: number, message: string) => Promise<number>;
}

/**
 * Staging table every reader fills: one row per reading as found in the file.
 * `ord` is the reading's source row in file order; `bad` holds the raw time text of a row whose time
 * did not parse, so it can be rejected with its line rather than dropped.
 */
const STAGE = 'pdm_stage';

/**
 * The expression for a staged reading's source row (0-based, file order, accepted rows only). Long CSV uses the
 * staging table's rowid, which is free: the table is created before the import transaction opens (inside it,
 * row ids are transaction-local numbers far above 2^53) and DuckDB keeps insertion order. The other readers
 * stage one row per value, so they carry the source row as a column.
 */
const ordOf = (plan: ImportPlan): string => (plan.format === 'long-csv' ? 'rowid' : 'ord');

const OFFSET_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Let DuckDB's CSV reader parse the time column natively (several times faster than casting text) when the
 * sample shows timestamps without a UTC offset; a value that does not parse then becomes a reader reject
 * with its line. Text with offsets is cast row by row, because the reader's TIMESTAMP type drops offsets.
 */
export const readsTimeNatively = (plan: ImportPlan): boolean => {
  if (plan.timeKind !== 'timestamp' || plan.format === 'parquet') return false;
  const index = plan.header.indexOf(plan.timeColumn);
  return !plan.sampleRows.some((row) => OFFSET_SUFFIX.test(row[index] ?? ''));
};

const timeExpression = (plan: ImportPlan, column: string): string => {
  const c = quoteIdent(column);
  if (plan.timeKind === 'cycle') return `TRY_CAST(${c} AS BIGINT)`;
  if (readsTimeNatively(plan)) {
    // The session time zone is the import's zone, so the cast reads naive times as local times there.
    return plan.timeZone === 'UTC' ? `epoch_us(${c})` : `epoch_us(${c}::TIMESTAMPTZ)`;
  }
  if (plan.timestampFormat !== null) {
    return `epoch_us(TRY_STRPTIME(${c}, ${quoteLiteral(plan.timestampFormat)})::TIMESTAMPTZ)`;
  }
  return `epoch_us(TRY_CAST(${c} AS TIMESTAMPTZ))`;
};

/** The reader's type for the time column. */
const timeColumnType = (plan: ImportPlan): string => (readsTimeNatively(plan) ? 'TIMESTAMP' : 'VARCHAR');

const csvOptions = (plan: ImportPlan, ingestId: number | null, columns: Readonly<Record<string, string>>): string => {
  const columnSpec = Object.entries(columns)
    .map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`)
    .join(', ');
  return [
    quoteLiteral(plan.file),
    `header = ${plan.hasHeader}`,
    `delim = ${quoteLiteral(plan.delimiter)}`,
    `decimal_separator = ${quoteLiteral(plan.decimal)}`,
    `quote = '"'`,
    `escape = '"'`,
    `auto_detect = false`,
    `columns = {${columnSpec}}`,
    ...(readsTimeNatively(plan) && plan.timestampFormat !== null
      ? [`timestampformat = ${quoteLiteral(plan.timestampFormat)}`]
      : []),
    // Without an ingest the read only surveys the file: rows the import would reject are skipped, not recorded.
    ...(ingestId === null
      ? [`ignore_errors = true`]
      : [
          `store_rejects = true`,
          `rejects_table = 'pdm_rej_errors_${ingestId}'`,
          `rejects_scan = 'pdm_rej_scans_${ingestId}'`,
        ]),
    `max_line_size = 1048576`,
  ].join(', ');
};

/** A long CSV read as (asset, src_tag, t, value, quality, bad) rows; without an ingest id, a survey that records no rejects. */
const longCsvRows = (plan: ImportPlan, ingestId: number | null): string => {
  const types: Record<string, string> = {};
  for (const name of plan.header) types[name] = 'VARCHAR';
  types[plan.timeColumn] = timeColumnType(plan);
  types[plan.valueColumn ?? ''] = 'DOUBLE';
  if (plan.qualityColumn !== null) types[plan.qualityColumn] = 'UINTEGER';
  const t = timeExpression(plan, plan.timeColumn);
  const asset = plan.assetColumn !== null ? quoteIdent(plan.assetColumn) : 'NULL';
  const quality = plan.qualityColumn !== null ? quoteIdent(plan.qualityColumn) : 'NULL::UINTEGER';
  return `SELECT ${asset}::VARCHAR AS asset, ${quoteIdent(plan.tagColumn ?? '')} AS src_tag, ${t} AS t,
            ${quoteIdent(plan.valueColumn ?? '')} AS value, ${quality} AS quality,
            CASE WHEN ${t} IS NULL THEN coalesce(${quoteIdent(plan.timeColumn)}::VARCHAR, '') END AS bad
     FROM read_csv(${csvOptions(plan, ingestId, types)})`;
};

const stageLongCsv = async ({ plan, ingestId, step }: StageContext): Promise<void> => {
  await step(`CREATE TEMP TABLE ${STAGE} AS ${longCsvRows(plan, ingestId)}`, 0.1, 0.6, 'reading');
};

const stageWideCsv = async ({ db, plan, ingestId, step }: StageContext): Promise<void> => {
  const types: Record<string, string> = {};
  for (const name of plan.header) types[name] = 'DOUBLE';
  types[plan.timeColumn] = timeColumnType(plan);
  if (plan.assetColumn !== null) types[plan.assetColumn] = 'VARCHAR';
  await step(
    `CREATE TEMP TABLE pdm_wide AS SELECT * FROM read_csv(${csvOptions(plan, ingestId, types)})`,
    0.1,
    0.45,
    'reading',
  );
  await unpivotWide(plan, step, 'pdm_wide', 'rowid');
  await db.run('DROP TABLE pdm_wide');
};

/** Turn a wide table (time + one column per signal) into the staging layout. */
const unpivotWide = async (
  plan: ImportPlan,
  step: StageContext['step'],
  source: string,
  ordinal: string,
): Promise<void> => {
  const signalCols = signalColumns(plan);
  if (signalCols.length === 0) throw new Error(`${plan.file}: no signal columns besides the time column`);
  const t = timeExpression(plan, plan.timeColumn);
  const asset = plan.assetColumn !== null ? `${quoteIdent(plan.assetColumn)}::VARCHAR` : 'NULL::VARCHAR';
  const values = signalCols.map((c) => `TRY_CAST(${quoteIdent(c)} AS DOUBLE)`).join(', ');
  const names = signalCols.map(quoteLiteral).join(', ');
  // A row whose time did not parse is kept once, as a reject, with a NULL tag.
  await step(
    `CREATE TEMP TABLE ${STAGE} AS
     WITH src AS (SELECT ${ordinal} AS ord, ${asset} AS asset, ${t} AS t, ${quoteIdent(plan.timeColumn)}::VARCHAR AS raw_time,
                         [${names}] AS names, [${values}] AS vals FROM ${source})
     SELECT asset, names[i] AS src_tag, t, vals[i] AS value, NULL::UINTEGER AS quality, NULL::VARCHAR AS bad, ord
     FROM src, range(1, ${signalCols.length + 1}) r(i)
     WHERE t IS NOT NULL AND vals[i] IS NOT NULL
     UNION ALL
     SELECT asset, NULL, NULL, NULL, NULL, coalesce(raw_time, ''), ord FROM src WHERE t IS NULL`,
    0.45,
    0.6,
    'unpivoting',
  );
};

const stageParquet = async ({ db, plan, step }: StageContext): Promise<void> => {
  const source = `read_parquet(${quoteLiteral(plan.file)}, file_row_number = true)`;
  const timeType = plan.columnTypes[plan.header.indexOf(plan.timeColumn)] ?? 'VARCHAR';
  const nativeTime = /TIMESTAMP|DATE/.test(timeType);
  const t = nativeTime
    ? `epoch_us(${quoteIdent(plan.timeColumn)}::TIMESTAMPTZ)`
    : plan.timeKind === 'cycle'
      ? `TRY_CAST(${quoteIdent(plan.timeColumn)} AS BIGINT)`
      : timeExpression(plan, plan.timeColumn);
  if (plan.tagColumn !== null && plan.valueColumn !== null) {
    const asset = plan.assetColumn !== null ? `${quoteIdent(plan.assetColumn)}::VARCHAR` : 'NULL::VARCHAR';
    const quality =
      plan.qualityColumn !== null ? `TRY_CAST(${quoteIdent(plan.qualityColumn)} AS UINTEGER)` : 'NULL::UINTEGER';
    const v = quoteIdent(plan.valueColumn);
    await step(
      `CREATE TEMP TABLE ${STAGE} AS
       SELECT ${asset} AS asset, ${quoteIdent(plan.tagColumn)}::VARCHAR AS src_tag, ${t} AS t,
              TRY_CAST(${v} AS DOUBLE) AS value, ${quality} AS quality,
              CASE WHEN ${t} IS NULL THEN coalesce(${quoteIdent(plan.timeColumn)}::VARCHAR, '')
                   WHEN TRY_CAST(${v} AS DOUBLE) IS NULL THEN 'value: ' || ${v}::VARCHAR END AS bad,
              file_row_number AS ord
       FROM ${source}`,
      0.1,
      0.6,
      'reading',
    );
    return;
  }
  await step(
    `CREATE TEMP TABLE pdm_wide AS SELECT * REPLACE (${t}::VARCHAR AS ${quoteIdent(plan.timeColumn)}) FROM ${source}`,
    0.1,
    0.45,
    'reading',
  );
  // The time column now holds the parsed integer time as text, which the cycle rule reads back.
  await unpivotWide({ ...plan, timeKind: 'cycle' }, step, 'pdm_wide', 'file_row_number');
  await db.run('DROP TABLE pdm_wide');
};

const CMAPSS_FIELDS = 26;

/** C-MAPSS text is small (tens of thousands of lines): parse it here for exact line numbers. */
const stageCmapss = async ({ db, plan, ingestId }: StageContext): Promise<void> => {
  const text = await readFile(plan.file, 'utf8');
  const names = signalColumns(plan);
  const rejects: string[] = [];
  const staged: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim().length === 0) continue;
    const fields = raw.trim().split(/\s+/);
    const lineNo = i + 1;
    const reject = (field: string | null, reason: string) =>
      rejects.push(
        `(${ingestId}, ${quoteLiteral(plan.file)}, ${lineNo}, ${field === null ? 'NULL' : quoteLiteral(field)}, ${quoteLiteral(reason)}, ${quoteLiteral(raw.slice(0, 2000))})`,
      );
    if (fields.length !== CMAPSS_FIELDS) {
      reject(null, `expected ${CMAPSS_FIELDS} fields, found ${fields.length}`);
      continue;
    }
    const numbers = fields.map(Number);
    const badIndex = numbers.findIndex((n, k) => !Number.isFinite(n) || (k < 2 && !Number.isInteger(n)));
    if (badIndex >= 0) {
      const name =
        badIndex === 0 ? 'unit' : badIndex === 1 ? 'cycle' : (names[badIndex - 2] ?? `field ${badIndex + 1}`);
      reject(name, `not a number: "${fields[badIndex] ?? ''}"`);
      continue;
    }
    staged.push(numbers.join(','));
  }
  await db.run(
    `CREATE TEMP TABLE ${STAGE} (asset VARCHAR, src_tag VARCHAR, t BIGINT, value DOUBLE, quality UINTEGER, bad VARCHAR, ord BIGINT)`,
  );
  await db.run(
    `CREATE TEMP TABLE pdm_cmapss_rows (unit INTEGER, cycle BIGINT, ${names.map((n) => `${quoteIdent(n)} DOUBLE`).join(', ')}, ord BIGINT)`,
  );
  // Validated rows go to DuckDB through a scratch CSV: its reader is far faster than SQL literals.
  const scratch = await mkdtemp(join(tmpdir(), 'pdm-cmapss-'));
  try {
    const scratchFile = join(scratch, 'rows.csv');
    await writeFile(scratchFile, staged.map((row, k) => `${row},${k}\n`).join(''));
    await db.run(
      `INSERT INTO pdm_cmapss_rows SELECT * FROM read_csv(${quoteLiteral(scratchFile)}, header = false, auto_detect = false,
         delim = ',', columns = {${['unit', 'cycle', ...names, 'ord'].map((n, i) => `${quoteLiteral(n)}: ${quoteLiteral(i === 0 ? 'INTEGER' : i === 1 || n === 'ord' ? 'BIGINT' : 'DOUBLE')}`).join(', ')}})`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const prefix = plan.asset;
  await db.run(
    `INSERT INTO ${STAGE}
     SELECT ${quoteLiteral(prefix)} || ' engine ' || lpad(unit::VARCHAR, 3, '0'), name, cycle, value, NULL, NULL, ord
     FROM (UNPIVOT pdm_cmapss_rows ON ${names.map(quoteIdent).join(', ')} INTO NAME name VALUE value)`,
  );
  await db.run('DROP TABLE pdm_cmapss_rows');
  // Held aside until the import transaction copies them into rejects: a failed import records nothing.
  await db.run(`CREATE TEMP TABLE ${PENDING_REJECTS} AS SELECT * FROM rejects LIMIT 0`);
  for (let start = 0; start < rejects.length; start += 1000) {
    await db.run(`INSERT INTO ${PENDING_REJECTS} VALUES ${rejects.slice(start, start + 1000).join(', ')}`);
  }
};

const PENDING_REJECTS = 'pdm_pending_rejects';

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

/** Move the reader's own rejects (bad casts, wrong column counts) into `rejects`; returns their lines. */
const collectReaderRejects = async (db: Connection, plan: ImportPlan, ingestId: number): Promise<number[]> => {
  const errors = `pdm_rej_errors_${ingestId}`;
  const exists = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = $1`, [errors]);
  const structural: number[] = [];
  if (exists.length > 0) {
    await db.run(
      `INSERT INTO rejects
       SELECT $1, $2, line, column_name,
              CASE WHEN column_name = $3 AND error_type = 'CAST'
                   THEN 'time: cannot parse "' || regexp_extract(error_message, 'string "(.*)" to', 1) || '"' || $4
                   ELSE error_type || ': ' || error_message END,
              csv_line
       FROM ${errors}`,
      [
        ingestId,
        plan.file,
        plan.timeColumn,
        plan.timestampFormat !== null ? ` with format ${plan.timestampFormat}` : '',
      ],
    );
    const lines = await db.all<{ line: number }>(`SELECT DISTINCT line FROM ${errors} ORDER BY line`);
    structural.push(...lines.map((l) => l.line));
    await db.run(`DROP TABLE ${errors}`);
    await db.run(`DROP TABLE IF EXISTS pdm_rej_scans_${ingestId}`);
  }
  return structural;
};

/** Drop what an abandoned read left in the reader's reject tables, so the next read starts clean. */
const dropReaderRejects = async (db: Connection, ingestId: number): Promise<void> => {
  await db.run(`DROP TABLE IF EXISTS pdm_rej_errors_${ingestId}`);
  await db.run(`DROP TABLE IF EXISTS pdm_rej_scans_${ingestId}`);
};

const collectCsvRejects = async (db: Connection, plan: ImportPlan, ingestId: number): Promise<void> => {
  const structural = await collectReaderRejects(db, plan, ingestId);
  await collectStageRejects(db, plan, ingestId, async () => {
    const skipped = [...new Set([...structural, ...(await emptyLines(plan.file))])].sort((a, b) => a - b);
    return rowLineMapper(plan.hasHeader ? 1 : 0, skipped);
  });
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
  let lineOf: ((ord: number) => number) | null = null;
  for (let afterOrd = -1; ;) {
    // Pages in increasing ord: the line mapper walks forward only.
    const bad = await db.all<{ ord: number; bad: string | null; src_tag: string | null; t: number | null }>(
      `SELECT ${ordOf(plan)} AS ord, bad, src_tag, t FROM ${STAGE}
       WHERE (${BAD_STAGE_ROW}) AND ${ordOf(plan)} > $1 ORDER BY 1 LIMIT ${PAGE}`,
      [afterOrd],
    );
    const last = bad[bad.length - 1];
    if (last === undefined) break;
    afterOrd = last.ord;
    lineOf ??= await lineMapper();
    const mapLine = lineOf;
    const rows = bad.map((row) => {
      const valueProblem = row.bad?.startsWith('value: ') === true;
      const timeProblem = !valueProblem && (row.t === null || row.bad !== null);
      const tagProblem = !timeProblem && !valueProblem && row.src_tag === null;
      const reason = timeProblem
        ? `time: cannot parse "${row.bad ?? ''}"${plan.timestampFormat !== null ? ` with format ${plan.timestampFormat}` : ''}`
        : valueProblem
          ? `${row.bad ?? 'value'}: not a number`
          : tagProblem
            ? 'tag: empty'
            : 'value: empty';
      const field = timeProblem ? plan.timeColumn : tagProblem ? plan.tagColumn : (plan.valueColumn ?? row.src_tag);
      return `(${ingestId}, ${quoteLiteral(plan.file)}, ${mapLine(row.ord)}, ${field === null ? 'NULL' : quoteLiteral(field)}, ${quoteLiteral(reason)}, NULL)`;
    });
    for (let start = 0; start < rows.length; start += 1000) {
      await db.run(`INSERT INTO rejects VALUES ${rows.slice(start, start + 1000).join(', ')}`);
    }
    if (bad.length < PAGE) break;
  }
  if (lineOf === null) return;
  await db.run(`DELETE FROM ${STAGE} WHERE ${BAD_STAGE_ROW}`);
};

interface StoreResult {
  readonly rows: number;
  readonly values: number;
  readonly duplicates: number;
  readonly signalIds: readonly number[];
}

/** Thrown inside the import transaction when the optimistic path meets a repeated (signal, time). */
class RetryExactly extends Error {
  constructor() {
    super('duplicate readings found: importing again on the exact path');
    this.name = 'RetryExactly';
  }
}

interface SourceTag {
  readonly asset: string | null;
  readonly src_tag: string;
}

/**
 * Register the signals behind the file's (asset, tag) pairs and map them in `pdm_tagmap`; returns their ids and
 * whether any of them already holds readings.
 */
const registerSignals = async (db: Connection, plan: ImportPlan, distinct: readonly SourceTag[]) => {
  const source = `${plan.format}:${plan.file}`;
  await db.run('DROP TABLE IF EXISTS pdm_tagmap');
  await db.run(
    `CREATE TEMP TABLE pdm_tagmap (asset_in VARCHAR, src_tag VARCHAR, asset VARCHAR, tag VARCHAR, unit VARCHAR, signal_id INTEGER)`,
  );
  const mappings = distinct.map(({ asset, src_tag }) => {
    const { tag, unit } = plan.format === 'cmapss' ? { tag: src_tag, unit: null } : splitTagAndUnit(src_tag);
    const resolvedAsset = plan.assets[tag] ?? asset ?? plan.asset;
    return [asset, src_tag, resolvedAsset, tag, plan.units[tag] ?? unit] as const;
  });
  const literal = (v: string | null) => (v === null ? 'NULL' : quoteLiteral(v));
  for (let start = 0; start < mappings.length; start += 1000) {
    const values = mappings.slice(start, start + 1000).map((m) => `(${m.map(literal).join(', ')}, NULL)`);
    await db.run(`INSERT INTO pdm_tagmap VALUES ${values.join(', ')}`);
  }
  await db.run(
    `INSERT INTO signals (asset, tag, unit, source, time_kind)
     SELECT DISTINCT m.asset, m.tag, m.unit, $1, $2 FROM pdm_tagmap m
     WHERE NOT EXISTS (SELECT 1 FROM signals s WHERE s.asset = m.asset AND s.tag = m.tag)`,
    [source, plan.timeKind],
  );
  const mismatched = await db.all<{ asset: string; tag: string; time_kind: string }>(
    `SELECT s.asset, s.tag, s.time_kind FROM signals s JOIN pdm_tagmap m ON s.asset = m.asset AND s.tag = m.tag
     WHERE s.time_kind <> $1 LIMIT 1`,
    [plan.timeKind],
  );
  const clash = mismatched[0];
  if (clash !== undefined) {
    throw new Error(
      `${plan.file}: signal "${clash.asset} / ${clash.tag}" is indexed by ${clash.time_kind}, this file by ${plan.timeKind}`,
    );
  }
  await db.run(`UPDATE pdm_tagmap m SET signal_id = s.id FROM signals s WHERE s.asset = m.asset AND s.tag = m.tag`);
  const signalIds = (await db.all<{ id: number }>('SELECT DISTINCT signal_id AS id FROM pdm_tagmap ORDER BY 1')).map(
    (r) => r.id,
  );
  const overlap = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM readings WHERE signal_id IN (SELECT signal_id FROM pdm_tagmap) LIMIT 1)`,
  );
  return { signalIds, overlapping: overlap.n > 0 };
};

/**
 * Count the pairs (signal, t) stored twice among the given signals. Only meaningful while those signals hold
 * nothing but this import's readings, stored sorted: then a repeat sits right next to its twin.
 */
const adjacentRepeats = async (db: Connection, signalIds: readonly number[]): Promise<number> => {
  const ids = signalIds.map((id) => Math.trunc(id)).join(', ') || 'NULL';
  const repeats = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT signal_id, t FROM readings WHERE signal_id IN (${ids})) a
     POSITIONAL JOIN (SELECT signal_id AS next_signal, t AS next_t FROM readings WHERE signal_id IN (${ids}) OFFSET 1) b
     WHERE a.signal_id = b.next_signal AND a.t = b.next_t`,
  );
  return repeats.n;
};

/** Register the file's signals, then store the staged readings deduplicated and clustered by (signal, time). */
const storeStaged = async (ctx: StageContext, exact: boolean): Promise<StoreResult> => {
  const { db, plan, step } = ctx;
  const distinct = await db.all<SourceTag>(`SELECT DISTINCT asset, src_tag FROM ${STAGE}`);
  const { signalIds, overlapping } = await registerSignals(db, plan, distinct);
  const ord = ordOf(plan);
  const joined = `${STAGE} s JOIN pdm_tagmap m ON m.src_tag = s.src_tag AND m.asset_in IS NOT DISTINCT FROM s.asset`;
  const staged = await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${STAGE}`);
  let fresh: string;
  if (!exact && !overlapping) {
    // Optimistic: files rarely repeat a (signal, time), and exact detection up front costs a full grouping.
    // Store sorted, then compare each new reading with its neighbour in one positional scan: the touched
    // signals had no readings before, so their rows are exactly this import's, in sorted order. A repeat
    // rolls the transaction back and the import runs again on the exact path.
    fresh = STAGE;
    await step(
      `INSERT INTO readings SELECT m.signal_id, s.t, s.value, s.quality FROM ${joined} ORDER BY m.signal_id, s.t`,
      0.6,
      0.92,
      'storing',
    );
    if ((await adjacentRepeats(db, signalIds)) > 0) throw new RetryExactly();
  } else {
    // Keep the first row of the file per (signal, time), and nothing the workspace already holds.
    const antiJoin = overlapping
      ? 'WHERE NOT EXISTS (SELECT 1 FROM readings r WHERE r.signal_id = d.signal_id AND r.t = d.t)'
      : '';
    await step(
      `CREATE TEMP TABLE pdm_fresh AS
       SELECT * FROM (
         SELECT m.signal_id, s.t, s.value, s.quality, s.${ord} AS ord FROM ${joined}
         QUALIFY row_number() OVER (PARTITION BY m.signal_id, s.t ORDER BY s.${ord}) = 1
       ) d ${antiJoin}`,
      0.6,
      0.75,
      'resolving duplicates',
    );
    fresh = 'pdm_fresh';
    await step(
      `INSERT INTO readings SELECT signal_id, t, value, quality FROM pdm_fresh ORDER BY signal_id, t`,
      0.75,
      0.97,
      'storing',
    );
  }
  const ordColumn = fresh === STAGE ? ord : 'ord';
  // Long format has one reading per row; the others count source rows that gained at least one reading.
  const stats = await db.one<{ values: number | null; rows: number | null }>(
    plan.format === 'long-csv'
      ? `SELECT count(*) AS "values", count(*) AS rows FROM ${fresh}`
      : `SELECT count(*) AS "values", count(DISTINCT ${ordColumn}) AS rows FROM ${fresh}`,
  );
  await db.run('DROP TABLE IF EXISTS pdm_fresh');
  await db.run('DROP TABLE pdm_tagmap');
  const values = stats.values ?? 0;
  return { rows: stats.rows ?? 0, values, duplicates: staged.n - values, signalIds };
};

/** Why a long CSV left the direct path for the staged one, which handles each case exactly. */
type Handover = 'rows to reject' | 'signals with readings' | 'repeated readings';

class HandOver extends Error {
  constructor(readonly reason: Handover) {
    super(`staged import: ${reason}`);
    this.name = 'HandOver';
  }
}

/** Rows of the file's head whose tags map the direct path's readings; a tag found later makes it survey the rest. */
const SURVEY_ROWS = 100_000;
// Raised inside DuckDB by error(): the direct statement stops at the first row it cannot store as is.
const UNSURVEYED_TAG = 'pdm-direct: tag outside the survey';
const ROW_TO_REJECT = 'pdm-direct: row to reject';

const raisedBy = (error: unknown, marker: string): boolean => error instanceof Error && error.message.includes(marker);

const surveyTags = async (db: Connection, plan: ImportPlan, limit: number | null): Promise<SourceTag[]> =>
  db.all<SourceTag>(
    `SELECT DISTINCT asset, src_tag FROM (SELECT asset, src_tag FROM (${longCsvRows(plan, null)}) ${limit === null ? '' : `LIMIT ${limit}`})
     WHERE src_tag IS NOT NULL`,
  );

/**
 * The common case, a clean long CSV of new signals, read straight into `readings` and sorted on the way, with no
 * staging table in between (the staged path writes and reads every reading once more). Runs inside the import
 * transaction. A row to reject, signals that already hold readings, or a repeated (signal, time) hand over to the
 * staged path; a tag the survey missed throws UNSURVEYED_TAG, and the caller surveys the whole file.
 */
const storeLongCsvDirect = async (ctx: StageContext, tags: readonly SourceTag[]): Promise<StoreResult> => {
  const { db, plan, ingestId, step } = ctx;
  const { signalIds, overlapping } = await registerSignals(db, plan, tags);
  if (overlapping) throw new HandOver('signals with readings');
  const inserted = await step(
    `INSERT INTO readings
     SELECT CASE WHEN s.src_tag IS NULL THEN error('${ROW_TO_REJECT}') ELSE coalesce(m.signal_id, error('${UNSURVEYED_TAG}')) END,
            coalesce(s.t, error('${ROW_TO_REJECT}')), coalesce(s.value, error('${ROW_TO_REJECT}')), s.quality
     FROM (${longCsvRows(plan, ingestId)}) s
     LEFT JOIN pdm_tagmap m ON m.src_tag = s.src_tag AND m.asset_in IS NOT DISTINCT FROM s.asset
     ORDER BY 1, 2`,
    0.1,
    0.92,
    'reading and storing',
  ).catch((error: unknown) => {
    throw raisedBy(error, ROW_TO_REJECT) ? new HandOver('rows to reject') : error;
  });
  if ((await adjacentRepeats(db, signalIds)) > 0) throw new HandOver('repeated readings');
  await db.run('DROP TABLE pdm_tagmap');
  return { rows: inserted, values: inserted, duplicates: 0, signalIds };
};

export interface IngestFileOptions {
  readonly db: Connection;
  readonly plan: ImportPlan;
  readonly progress: IngestProgress;
  readonly isCancelled: () => boolean;
}

const POLL_MS = 150;

/**
 * DuckDB's memory budget while a file imports: sorting a large file by (signal, time) spills less with a little
 * more than the workspace's everyday 1 GB. Measured at 50M rows (npm run bench:ingest): peak RSS 1.5-1.6 GiB at
 * 1.1 GB, against 1.9-2.0 GiB at 1.25 GB, too close to the 2 GiB ceiling for a few percent of speed.
 */
const IMPORT_MEMORY_LIMIT = '1.1GB';

/** Import one file atomically: everything it adds appears together, or nothing does. */
export const ingestFile = async ({ db, plan, progress, isCancelled }: IngestFileOptions): Promise<IngestFileResult> => {
  const started = Date.now();
  progress(0, 'hashing');
  // What changes the stored result besides the bytes: re-importing with another zone or mapping is new work.
  // The default asset is left out: it follows the file name, and a renamed copy holds the same readings.
  const options = JSON.stringify({
    format: plan.format,
    delimiter: plan.delimiter,
    decimal: plan.decimal,
    timestampFormat: plan.timestampFormat,
    timeZone: plan.timeZone,
    assets: plan.assets,
    units: plan.units,
    timeColumn: plan.timeColumn,
    tagColumn: plan.tagColumn,
    valueColumn: plan.valueColumn,
  });
  const bytes = (await stat(plan.file)).size;
  // The record comes first, so a cancelled or failed hash of a large file is on record too; its hash follows.
  const { id: ingestId } = await db.one<{ id: number }>(
    `INSERT INTO ingests (file, format, sha256, options, status, bytes) VALUES ($1, $2, '', $3, 'running', $4) RETURNING id`,
    [plan.file, plan.format, options, bytes],
  );
  const finish = async (
    status: 'done' | 'failed' | 'cancelled',
    message: string | null,
    r?: StoreResult & { rejected: number },
  ) =>
    db.run(
      `UPDATE ingests SET status = $1, message = $2, finished_at = now(), rows = $3, "values" = $4, rejected = $5, duplicates = $6 WHERE id = $7`,
      [status, message, r?.rows ?? 0, r?.values ?? 0, r?.rejected ?? 0, r?.duplicates ?? 0, ingestId],
    );
  const recordFailure = async (error: unknown): Promise<void> => {
    const cancelled = error instanceof CancelledError;
    await finish(cancelled ? 'cancelled' : 'failed', cancelled ? 'cancelled by user' : (error as Error).message).catch(
      () => undefined,
    );
  };
  // Only a file with the size of an earlier import (or one from before sizes were kept) can repeat it: hash that
  // first and stop if it does. Any other file is new, and is hashed while it imports.
  const maybeRepeat = await db.all(
    `SELECT 1 FROM ingests WHERE status = 'done' AND options::VARCHAR = $1 AND (bytes IS NULL OR bytes = $2) AND id <> $3 LIMIT 1`,
    [options, bytes, ingestId],
  );
  const hashing = sha256File(plan.file, isCancelled);
  // Settled here so an abandoned import leaves no unhandled rejection; awaited below for the result.
  hashing.catch(() => undefined);
  const recordHash = async (): Promise<string> => {
    const sha256 = await hashing;
    await db.run('UPDATE ingests SET sha256 = $1 WHERE id = $2', [sha256, ingestId]);
    return sha256;
  };
  if (maybeRepeat.length > 0) {
    const sha256 = await recordHash().catch(async (error: unknown) => {
      await recordFailure(error);
      throw error;
    });
    const earlier = await db.all<{ id: number }>(
      `SELECT id FROM ingests WHERE sha256 = $1 AND options::VARCHAR = $2 AND status = 'done' ORDER BY id LIMIT 1`,
      [sha256, options],
    );
    const firstEarlier = earlier[0];
    if (firstEarlier !== undefined) {
      await finish('done', `identical to ingest #${firstEarlier.id}; nothing new`);
      progress(1, 'already imported');
      return {
        ingestId,
        file: plan.file,
        format: plan.format,
        sha256,
        rows: 0,
        values: 0,
        rejected: 0,
        duplicates: 0,
        signals: 0,
        signalIds: [],
        previouslyImported: true,
        seconds: (Date.now() - started) / 1000,
      };
    }
  }
  const step = async (sql: string, from: number, to: number, message: string): Promise<number> => {
    if (isCancelled()) throw new CancelledError();
    progress(from, message);
    const timer = setInterval(() => {
      if (isCancelled()) db.interrupt();
      const p = db.progress();
      progress(p === null ? from : from + (to - from) * p, message);
    }, POLL_MS);
    const stepStarted = performance.now();
    try {
      const changed = await db.change(sql);
      if (process.env['PDM_INGEST_TIMINGS'] === '1') {
        process.stderr.write(`[ingest] ${message}: ${((performance.now() - stepStarted) / 1000).toFixed(2)} s\n`);
      }
      return changed;
    } catch (error) {
      if (isCancelled()) throw new CancelledError();
      throw error;
    } finally {
      clearInterval(timer);
    }
  };
  const ctx: StageContext = { db, plan, ingestId, step };
  /** One transaction that stores the file's readings and rejects and closes the record; nothing of it shows before. */
  const commit = (store: () => Promise<StoreResult>) =>
    db.transaction(async () => {
      const stored = await store();
      const rejected = await db.one<{ n: number }>(
        'SELECT count(DISTINCT coalesce(line, -1)) AS n FROM rejects WHERE ingest_id = $1',
        [ingestId],
      );
      await recordHash();
      if (isCancelled()) throw new CancelledError();
      const summary = { ...stored, rejected: rejected.n };
      await finish('done', null, summary);
      return summary;
    });
  try {
    await db.run(`SET TimeZone = ${quoteLiteral(plan.timeZone)}`);
    await db.run(`SET memory_limit = '${IMPORT_MEMORY_LIMIT}'`);
    let result: (StoreResult & { rejected: number }) | null = null;
    let exact = false;
    if (plan.format === 'long-csv') {
      let tags = await surveyTags(db, plan, SURVEY_ROWS);
      const direct = () =>
        commit(async () => {
          const stored = await storeLongCsvDirect(ctx, tags);
          // The reader's own rejects exist once the statement that read the file has run.
          await collectReaderRejects(db, plan, ingestId);
          return stored;
        }).catch(async (error: unknown) => {
          await dropReaderRejects(db, ingestId);
          throw error;
        });
      try {
        result = await direct().catch(async (error: unknown) => {
          if (!raisedBy(error, UNSURVEYED_TAG)) throw error;
          tags = await surveyTags(db, plan, null);
          return direct();
        });
      } catch (error) {
        if (isCancelled()) throw new CancelledError();
        if (!(error instanceof HandOver)) throw error;
        exact = error.reason === 'repeated readings';
      }
    }
    if (result === null) {
      // Staging tables are this connection's temporary tables, created before the transaction so their row ids
      // count from 0; everything that lands in the workspace happens inside it.
      switch (plan.format) {
        case 'long-csv':
          await stageLongCsv(ctx);
          break;
        case 'wide-csv':
          await stageWideCsv(ctx);
          break;
        case 'parquet':
          await stageParquet(ctx);
          break;
        case 'cmapss':
          await stageCmapss(ctx);
          break;
        default: {
          const unknown: never = plan.format;
          throw new Error(`unknown format ${String(unknown)}`);
        }
      }
      const collectRejects = async () => {
        switch (plan.format) {
          case 'long-csv':
          case 'wide-csv':
            return collectCsvRejects(db, plan, ingestId);
          case 'parquet':
            return collectStageRejects(db, plan, ingestId, async () => (ord) => ord + 1);
          case 'cmapss':
            return db.run(`INSERT INTO rejects SELECT * FROM ${PENDING_REJECTS}`);
          default: {
            const unknown: never = plan.format;
            throw new Error(`unknown format ${String(unknown)}`);
          }
        }
      };
      const staged = (exactly: boolean) =>
        commit(async () => {
          await collectRejects();
          return storeStaged(ctx, exactly);
        });
      result = await staged(exact).catch((error: unknown) => {
        if (error instanceof RetryExactly) return staged(true);
        throw error;
      });
    }
    const sha256 = await hashing;
    await db.run('CHECKPOINT');
    progress(1, 'done');
    return {
      ingestId,
      file: plan.file,
      format: plan.format,
      sha256,
      rows: result.rows,
      values: result.values,
      rejected: result.rejected,
      duplicates: result.duplicates,
      signals: result.signalIds.length,
      signalIds: [...result.signalIds],
      previouslyImported: false,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    await recordFailure(error);
    throw error;
  } finally {
    for (const table of [
      STAGE,
      PENDING_REJECTS,
      'pdm_wide',
      'pdm_cmapss_rows',
      'pdm_sorted',
      'pdm_fresh',
      'pdm_tagmap',
    ]) {
      await db.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    }
    await db.run(`SET TimeZone = 'UTC'`).catch(() => undefined);
    await db.run(`SET memory_limit = ${quoteLiteral(db.memoryLimit)}`).catch(() => undefined);
  }
};
