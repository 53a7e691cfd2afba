import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalColumns, type ImportPlan } from '../import/plan.js';
import { quoteIdent, quoteLiteral } from './database.js';
import { addPendingRejects, dropReaderRejects, ordOf, STAGE, textLiteral, type StageContext } from './stage-table.js';
import { secondPassSql, timeSql, zoneHasTransitions, type TimeColumnType } from './time-sql.js';

/**
 * Reading a file into the staging table (see stage-table.ts), one reader per format: long and wide CSV,
 * Parquet, C-MAPSS text.
 */

const OFFSET_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Let DuckDB's CSV reader parse the time column natively (several times faster than casting text) when the
 * sample shows timestamps without a UTC offset; a value that does not parse then becomes a reader reject
 * with its line. Text with offsets is cast row by row, because the reader's TIMESTAMP type drops offsets.
 */
export const readsTimeNatively = (plan: ImportPlan): boolean => {
  if (plan.timeKind !== 'timestamp' || plan.format === 'parquet') return false;
  // In a zone with clock changes a skipped time is rejected quoting the file's text, which a parsed column lost.
  if (zoneHasTransitions(plan.timeZone)) return false;
  const index = plan.header.indexOf(plan.timeColumn);
  return !plan.sampleRows.some((row) => OFFSET_SUFFIX.test(row[index] ?? ''));
};

const csvTimeSql = (plan: ImportPlan) => timeSql(plan, plan.timeColumn, readsTimeNatively(plan) ? 'timestamp' : 'text');

/** The reader's type for the time column. */
const timeColumnType = (plan: ImportPlan): string => (readsTimeNatively(plan) ? 'TIMESTAMP' : 'VARCHAR');

const csvOptions = (
  plan: ImportPlan,
  source: string,
  ingestId: number | null,
  columns: Readonly<Record<string, string>>,
): string => {
  const columnSpec = Object.entries(columns)
    .map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`)
    .join(', ');
  return [
    quoteLiteral(source),
    `header = ${plan.hasHeader}`,
    `delim = ${quoteLiteral(plan.delimiter)}`,
    `decimal_separator = ${quoteLiteral(plan.decimal)}`,
    `quote = '"'`,
    `escape = '"'`,
    `auto_detect = false`,
    `columns = {${columnSpec}}`,
    ...(plan.encoding !== 'utf-8' ? [`encoding = ${quoteLiteral(plan.encoding)}`] : []),
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

const BOM = 'chr(65279)';

/**
 * A long CSV read as (asset, src_tag, t, value, quality, bad, shift) rows; without an ingest id, a survey that
 * records no rejects.
 */
export const longCsvRows = (plan: ImportPlan, source: string, ingestId: number | null): string => {
  const types: Record<string, string> = {};
  for (const name of plan.header) types[name] = 'VARCHAR';
  types[plan.timeColumn] = timeColumnType(plan);
  types[plan.valueColumn ?? ''] = 'DOUBLE';
  if (plan.qualityColumn !== null) types[plan.qualityColumn] = 'UINTEGER';
  const time = csvTimeSql(plan);
  const tagColumn = plan.tagColumn ?? '';
  const tag = quoteIdent(tagColumn);
  const asset = plan.assetColumn !== null ? quoteIdent(plan.assetColumn) : 'NULL';
  const quality = plan.qualityColumn !== null ? quoteIdent(plan.qualityColumn) : 'NULL::UINTEGER';
  // A byte-order mark inside the file (two files joined) would otherwise make a second, invisible tag.
  return `SELECT ${asset}::VARCHAR AS asset, ${tag} AS src_tag, ${time.t} AS t,
            ${quoteIdent(plan.valueColumn ?? '')} AS value, ${quality} AS quality,
            CASE WHEN contains(coalesce(${tag}, ''), ${BOM})
                 THEN ${quoteLiteral(`${tagColumn}: the line starts with a byte-order mark (U+FEFF), as where two files were joined; remove it`)}
                 WHEN contains(coalesce(${tag}, ''), chr(0))
                 THEN ${quoteLiteral(`${tagColumn}: contains a NUL byte (binary data in a text file)`)}
                 ELSE ${time.bad} END AS bad,
            ${time.shift} AS shift
     FROM read_csv(${csvOptions(plan, source, ingestId, types)})`;
};

const stageLongCsv = async ({ plan, ingestId, source, step }: StageContext): Promise<void> => {
  await step(`CREATE TEMP TABLE ${STAGE} AS ${longCsvRows(plan, source, ingestId)}`, 0.1, 0.6, 'reading');
};

/** A wide cell as a number, or NULL: cells are read as text so one bad cell does not cost its row. */
const cellNumber = (plan: ImportPlan, cell: string): string =>
  plan.decimal === ',' ? `TRY_CAST(replace(trim(${cell}), ',', '.') AS DOUBLE)` : `TRY_CAST(trim(${cell}) AS DOUBLE)`;

/**
 * Files up to this many columns are read first by the CSV reader's own number parser (about twice as fast as
 * casting text); wider ones, and files with a cell that is not a number, are read line by line as text.
 */
const TYPED_WIDE_COLUMNS = 1000;

/**
 * A wide CSV: the fast typed read when it is exact, else the line-wise read. The typed reader rejects a whole row
 * for one bad cell, so a file where it does that is read again line by line, where each cell stands alone.
 */
const stageWideCsv = async (ctx: StageContext): Promise<void> => {
  const { db, plan, ingestId, source, step } = ctx;
  if (plan.header.length > TYPED_WIDE_COLUMNS) return stageWideCsvLines(ctx);
  const types: Record<string, string> = {};
  for (const name of plan.header) types[name] = 'DOUBLE';
  types[plan.timeColumn] = timeColumnType(plan);
  if (plan.assetColumn !== null) types[plan.assetColumn] = 'VARCHAR';
  const signalCols = signalColumns(plan);
  await keepWide(
    plan,
    step,
    `read_csv(${csvOptions(plan, source, ingestId, types)})`,
    null,
    csvTimeSql(plan),
    `[${signalCols.map(quoteIdent).join(', ')}]::DOUBLE[]`,
    'NULL::VARCHAR[]',
  );
  const badCells = await db.all(
    `SELECT 1 FROM pdm_rej_errors_${ingestId} WHERE error_type = 'CAST' AND column_name <> $1 LIMIT 1`,
    [plan.timeColumn],
  );
  if (badCells.length > 0) {
    await db.run('DROP TABLE pdm_wide');
    await dropReaderRejects(db, ingestId);
    return stageWideCsvLines(ctx);
  }
  await unpivotKept(plan, step, null, null);
};

/**
 * A wide CSV is read line by line as text and split in SQL: the CSV reader keeps a buffer per column, and
 * 10,000 columns ran out of memory for three rows. Fields follow RFC 4180 quoting within a line.
 */
const stageWideCsvLines = async ({ plan, ingestId, source, step }: StageContext): Promise<void> => {
  const d = plan.delimiter;
  const dRe = d === '|' ? '\\|' : d;
  const field = `("(?:[^"]|"")*"|[^"${d === '\t' ? '\t' : d}]*)${dRe}`;
  const line = `rtrim(line, chr(13))`;
  const split = `CASE WHEN contains(line, '"')
    THEN list_transform(regexp_extract_all(${line} || ${quoteLiteral(d)}, ${quoteLiteral(field)}, 1),
                        f -> CASE WHEN length(f) >= 2 AND starts_with(f, '"') AND ends_with(f, '"') THEN replace(f[2:-1], '""', '"') ELSE f END)
    ELSE string_split(${line}, ${quoteLiteral(d)}) END`;
  const reader = [
    quoteLiteral(source),
    `header = ${plan.hasHeader}`,
    `delim = chr(1)`,
    `quote = ''`,
    `escape = ''`,
    `auto_detect = false`,
    `columns = {'line': 'VARCHAR'}`,
    ...(plan.encoding !== 'utf-8' ? [`encoding = ${quoteLiteral(plan.encoding)}`] : []),
    `store_rejects = true`,
    `rejects_table = 'pdm_rej_errors_${ingestId}'`,
    `rejects_scan = 'pdm_rej_scans_${ingestId}'`,
    `max_line_size = 4194304`,
  ].join(', ');
  const index = (name: string) => plan.header.indexOf(name) + 1;
  const fields = plan.header.length;
  const time = timeSql(plan, plan.timeColumn, 'text');
  const countBad = `CASE WHEN len(cells) <> ${fields} THEN 'expected ${fields} fields, found ' || len(cells) END`;
  await unpivotWide(
    plan,
    step,
    `(SELECT cells[${index(plan.timeColumn)}] AS ${quoteIdent(plan.timeColumn)},
             ${plan.assetColumn !== null ? `cells[${index(plan.assetColumn)}]` : 'NULL'} AS ${quoteIdent(plan.assetColumn ?? 'asset')}, cells
      FROM (SELECT ${split} AS cells FROM read_csv(${reader})))`,
    null,
    { ...time, bad: `coalesce(${countBad}, ${time.bad})` },
    signalColumns(plan).map(index),
  );
};

/**
 * Turn a wide source (time + one column per signal) into the staging layout: one row per cell. An empty or
 * unreadable cell is staged with its reason and rejected on its own (file, line, column); the row's other cells
 * are kept. A row whose time cannot be used is kept once, as a reject, with a NULL tag.
 * The source is kept as one list of cells per row in between: a table with a column per signal needs a storage
 * block per column.
 */
const unpivotWide = async (
  plan: ImportPlan,
  step: StageContext['step'],
  source: string,
  /** The source's row-number column, or null to number rows by their order in the kept table. */
  ordinal: string | null,
  time: ReturnType<typeof timeSql>,
  /** Where each signal's cell is in `cells` (1-based); null: the source has no `cells`, build it from the columns. */
  cellIndex: readonly number[] | null,
): Promise<void> => {
  const signalCols = signalColumns(plan);
  const cells = cellIndex === null ? `[${signalCols.map((c) => `${quoteIdent(c)}::VARCHAR`).join(', ')}]` : 'cells';
  await keepWide(plan, step, source, ordinal, time, `list_transform(${cells}, x -> ${cellNumber(plan, 'x')})`, cells);
  await unpivotKept(plan, step, ordinal, cellIndex);
};

/**
 * Keep a wide source as one row per source row: time, the cells as numbers (`vals`) and, only for rows with a
 * cell to reject, the cells' text for the reason.
 */
const keepWide = async (
  plan: ImportPlan,
  step: StageContext['step'],
  source: string,
  ordinal: string | null,
  time: ReturnType<typeof timeSql>,
  vals: string,
  cells: string,
): Promise<void> => {
  if (signalColumns(plan).length === 0) throw new Error(`${plan.file}: no signal columns besides the time column`);
  const asset = plan.assetColumn !== null ? `${quoteIdent(plan.assetColumn)}::VARCHAR` : 'NULL::VARCHAR';
  await step(
    `CREATE TEMP TABLE pdm_wide AS
     SELECT ${ordinal === null ? '' : `${ordinal} AS ord, `}${asset} AS asset, ${time.t} AS t, ${time.bad} AS tbad,
            ${time.shift} AS shift, pdm_vals AS vals,
            CASE WHEN list_count(pdm_vals) < len(pdm_vals) THEN pdm_cells END AS cells
     FROM (SELECT *, ${cells} AS pdm_cells, ${vals} AS pdm_vals FROM ${source})`,
    0.1,
    0.45,
    'reading',
  );
};

/** The kept wide rows into the staging layout, one row per cell (see `unpivotWide`). */
const unpivotKept = async (
  plan: ImportPlan,
  step: StageContext['step'],
  ordinal: string | null,
  cellIndex: readonly number[] | null,
): Promise<void> => {
  const signalCols = signalColumns(plan);
  // (position in vals and cells, signal name): every row is joined with it, one staged row per cell.
  const columns = signalCols
    .map((name, k) => `(${cellIndex === null ? k + 1 : (cellIndex[k] ?? 0)}, ${quoteLiteral(name)})`)
    .join(', ');
  await step(
    `CREATE TEMP TABLE ${STAGE} AS
     WITH src AS (SELECT ${ordinal === null ? 'rowid' : 'ord'} AS ord, asset, t, tbad, shift, vals, cells FROM pdm_wide),
          cell AS (SELECT s.asset, n.name, s.t, s.shift, s.ord, s.vals[n.pos] AS value, s.cells[n.pos] AS text
                   FROM src s CROSS JOIN (VALUES ${columns}) n(pos, name) WHERE s.tbad IS NULL)
     SELECT asset, name AS src_tag, t, value, NULL::UINTEGER AS quality,
            CASE WHEN value IS NOT NULL THEN NULL
                 WHEN text IS NULL OR trim(text) = '' THEN name || ': empty'
                 ELSE name || ': "' || text || '" is not a number' END AS bad,
            shift, ord
     FROM cell
     UNION ALL
     SELECT asset, NULL, NULL, NULL, NULL, tbad, NULL, ord FROM src WHERE tbad IS NOT NULL`,
    0.45,
    0.6,
    'unpivoting',
  );
  await step('DROP TABLE pdm_wide', 0.6, 0.6, 'unpivoting');
};

const parquetTimeType = (type: string, plan: ImportPlan): TimeColumnType => {
  if (plan.timeKind === 'cycle' || /INT/.test(type)) return plan.timeKind === 'cycle' ? 'integer' : 'text';
  if (/WITH TIME ZONE|TIMESTAMPTZ/.test(type)) return 'timestamptz';
  if (/TIMESTAMP|DATE/.test(type)) return 'timestamp';
  return 'text';
};

const stageParquet = async ({ plan, step }: StageContext): Promise<void> => {
  const source = `read_parquet(${quoteLiteral(plan.file)}, file_row_number = true)`;
  const timeType = plan.columnTypes[plan.header.indexOf(plan.timeColumn)] ?? 'VARCHAR';
  const time = timeSql(plan, plan.timeColumn, parquetTimeType(timeType, plan));
  if (plan.tagColumn !== null && plan.valueColumn !== null) {
    const asset = plan.assetColumn !== null ? `${quoteIdent(plan.assetColumn)}::VARCHAR` : 'NULL::VARCHAR';
    const quality =
      plan.qualityColumn !== null ? `TRY_CAST(${quoteIdent(plan.qualityColumn)} AS UINTEGER)` : 'NULL::UINTEGER';
    const v = quoteIdent(plan.valueColumn);
    await step(
      `CREATE TEMP TABLE ${STAGE} AS
       SELECT ${asset} AS asset, ${quoteIdent(plan.tagColumn)}::VARCHAR AS src_tag, ${time.t} AS t,
              TRY_CAST(${v} AS DOUBLE) AS value, ${quality} AS quality,
              CASE WHEN ${time.bad} IS NOT NULL THEN ${time.bad}
                   WHEN ${v} IS NOT NULL AND TRY_CAST(${v} AS DOUBLE) IS NULL
                   THEN ${quoteLiteral(plan.valueColumn)} || ': "' || ${v}::VARCHAR || '" is not a number' END AS bad,
              ${time.shift} AS shift, file_row_number AS ord
       FROM ${source}`,
      0.1,
      0.6,
      'reading',
    );
    return;
  }
  await unpivotWide(plan, step, source, 'file_row_number', time, null);
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
        `(${ingestId}, ${quoteLiteral(plan.file)}, ${lineNo}, ${field === null ? 'NULL' : quoteLiteral(field)}, ${textLiteral(reason)}, ${textLiteral(raw.slice(0, 2000))})`,
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
      reject(name, `${name}: "${fields[badIndex] ?? ''}" is not a number`);
      continue;
    }
    staged.push(numbers.join(','));
  }
  await db.run(
    `CREATE TEMP TABLE ${STAGE} (asset VARCHAR, src_tag VARCHAR, t BIGINT, value DOUBLE, quality UINTEGER, bad VARCHAR, shift BIGINT, ord BIGINT)`,
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
     SELECT ${quoteLiteral(prefix)} || ' engine ' || lpad(unit::VARCHAR, 3, '0'), name, cycle, value, NULL, NULL, NULL, ord
     FROM (UNPIVOT pdm_cmapss_rows ON ${names.map(quoteIdent).join(', ')} INTO NAME name VALUE value)`,
  );
  await db.run('DROP TABLE pdm_cmapss_rows');
  await addPendingRejects(db, rejects);
};

/** Fill the staging table from the file, by format; then resolve repeated autumn times in file order. */
export const stageFile = async (ctx: StageContext): Promise<void> => {
  switch (ctx.plan.format) {
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
      return;
    default: {
      const unknown: never = ctx.plan.format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
  // Only wall-clock times in a zone with clock changes can repeat an hour.
  if (ctx.plan.timeKind === 'timestamp' && zoneHasTransitions(ctx.plan.timeZone)) {
    await ctx.db.run(secondPassSql(STAGE, ordOf(ctx.plan)));
  }
};
