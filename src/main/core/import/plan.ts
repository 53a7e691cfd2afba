import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ImportFormat, ImportOptions, ImportPreview, TimeKind } from '../../../shared/domain.js';
import { requireZone } from '../../../shared/time/time-rule.js';
import { decodeSample, type TextEncodingName } from './encoding.js';
import { sniffText, splitTagAndUnit, type TextSniff } from './sniff.js';

/** Everything the workspace needs to read one file: detection merged with the user's choices. */
export interface ImportPlan {
  readonly file: string;
  readonly format: ImportFormat;
  /** Text encoding of the file as DuckDB's reader names it. */
  readonly encoding: TextEncodingName;
  readonly delimiter: string;
  readonly decimal: '.' | ',';
  readonly hasHeader: boolean;
  readonly header: readonly string[];
  readonly columnTypes: readonly string[];
  readonly sampleRows: readonly (readonly string[])[];
  readonly timeColumn: string;
  readonly timeKind: TimeKind;
  readonly timestampFormat: string | null;
  readonly timeZone: string;
  readonly tagColumn: string | null;
  readonly valueColumn: string | null;
  readonly qualityColumn: string | null;
  readonly assetColumn: string | null;
  /** Asset for rows that name none. */
  readonly asset: string;
  /** The asset is the file's base name, not the user's choice (so two files may collide on it). */
  readonly assetIsDefault: boolean;
  readonly assets: Readonly<Record<string, string>>;
  readonly units: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

export interface ParquetColumn {
  readonly name: string;
  readonly type: string;
}

export interface ParquetDescription {
  readonly columns: readonly ParquetColumn[];
  readonly sampleRows: readonly (readonly string[])[];
}

const SAMPLE_BYTES = 64 * 1024;
/** Largest sample read to find the first lines of a file with very long lines (a wide header, a 500 KB value). */
const MAX_SAMPLE_BYTES = 8 << 20;
/** Complete lines the sniffer wants before it stops growing the sample. */
const SAMPLE_LINES = 20;
/**
 * Most columns one file may have. Each column becomes a signal and a reader column; DuckDB's work grows with
 * columns x rows, and 100,000 columns took minutes and gigabytes for three rows. 10,000 import in seconds.
 */
export const MAX_COLUMNS = 20_000;

export const readHead = async (file: string, bytes = SAMPLE_BYTES): Promise<Buffer> => {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${file}: cannot open (${error.code ?? error.message})`);
  });
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
};

/**
 * The head of a file, grown until it holds SAMPLE_LINES complete lines (or the whole file, or MAX_SAMPLE_BYTES):
 * a wide header or a long value must not leave the sniffer with half a line.
 */
export const readSample = async (file: string): Promise<Buffer> => {
  let bytes = SAMPLE_BYTES;
  for (;;) {
    const head = await readHead(file, bytes);
    let lines = 0;
    for (let pos = head.indexOf(10); pos >= 0 && lines < SAMPLE_LINES; pos = head.indexOf(10, pos + 1)) lines++;
    if (head.length < bytes || lines >= SAMPLE_LINES || bytes >= MAX_SAMPLE_BYTES) return head;
    bytes *= 4;
  }
};

/** Refuse what is not a regular file before opening it: opening a named pipe or a device blocks or never ends. */
export const requireRegularFile = async (file: string): Promise<number> => {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${file}: cannot open (${error.code ?? error.message})`);
  });
  if (info.isDirectory()) throw new Error(`${file}: is a folder; name the files in it`);
  if (!info.isFile()) {
    const kind = info.isFIFO() ? 'a named pipe' : info.isSocket() ? 'a socket' : 'a device';
    throw new Error(`${file}: is ${kind}, not a regular file; save the data to a file and import that`);
  }
  return info.size;
};

/** The columns of the first line, counted without splitting it (a 100,000-column header is refused fast). */
const widestFieldCount = (firstLine: string): number =>
  Math.max(...[',', ';', '\t', '|'].map((d) => firstLine.split(d).length));

/** The last line of a file that does not end with a line break, else null. */
const unterminatedLastLine = async (file: string, size: number, utf16: boolean): Promise<string | null> => {
  if (size === 0) return null;
  const handle = await open(file, 'r');
  try {
    const length = Math.min(size, 4096);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    if (utf16 ? buffer[length - 2] === 10 && buffer[length - 1] === 0 : buffer[length - 1] === 10) return null;
    const text = buffer.toString(utf16 ? 'utf16le' : 'utf8');
    return text.slice(text.lastIndexOf('\n') + 1).slice(0, 200);
  } finally {
    await handle.close();
  }
};

const isParquet = (head: Buffer): boolean => head.subarray(0, 4).toString('latin1') === 'PAR1';

export const defaultAsset = (file: string): string => basename(file, extname(file));

/** Resolve how to read `file`: detect what the options leave open. */
export const planImport = async (
  file: string,
  options: ImportOptions,
  describeParquet: (file: string) => Promise<ParquetDescription>,
): Promise<ImportPlan> => {
  const size = await requireRegularFile(file);
  if (size === 0) throw new Error(`${file}: the file is empty`);
  const head = await readSample(file);
  const timeZone = options.timeZone ?? 'UTC';
  try {
    requireZone(timeZone);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const common = {
    file,
    timeZone,
    encoding: 'utf-8' as TextEncodingName,
    asset: options.asset ?? defaultAsset(file),
    assetIsDefault: options.asset === undefined,
    assets: options.assets ?? {},
    units: options.units ?? {},
  };
  if (options.format === 'parquet' || (options.format === undefined && isParquet(head))) {
    return { ...common, ...planParquet(file, await describeParquet(file), options) };
  }
  if (isParquet(head)) throw new Error(`${file}: this is a Parquet file, not ${options.format ?? 'text'}`);
  const decoded = decodeSample(file, head);
  const firstLine = decoded.text.slice(0, decoded.text.indexOf('\n') < 0 ? undefined : decoded.text.indexOf('\n'));
  const columns = widestFieldCount(firstLine);
  if (columns > MAX_COLUMNS || (!decoded.text.includes('\n') && head.length >= MAX_SAMPLE_BYTES)) {
    throw new Error(
      `${file}: line 1 has ${columns > MAX_COLUMNS ? columns.toLocaleString('en-US') : 'too many'} columns; at most ${MAX_COLUMNS.toLocaleString('en-US')} columns can be imported from one file (split it, or export it in long format: tag, time, value)`,
    );
  }
  let sniff: TextSniff;
  try {
    sniff = sniffText(decoded.text, options.format, options.delimiter);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const lastLine = await unterminatedLastLine(file, size, decoded.encoding === 'utf-16');
  const endWarning =
    lastLine === null || sniff.format === 'cmapss'
      ? []
      : [
          `the file ends without a line break after "${lastLine}": check that its last line is complete (a cut-off copy loses digits)`,
        ];
  const format = options.format ?? sniff.format;
  if (format === 'cmapss' && sniff.format !== 'cmapss') {
    throw new Error(`${file}: not C-MAPSS text (expected 26 space-separated numbers per line)`);
  }
  const header = sniff.header;
  const pick = (chosen: string | undefined, detected: string | null, role: string): string | null => {
    if (chosen === undefined) return detected;
    if (!header.includes(chosen))
      throw new Error(`${file}: no column "${chosen}" for the ${role} (columns: ${header.join(', ')})`);
    return chosen;
  };
  const timeColumn = pick(options.timeColumn, sniff.timeColumn, 'time');
  if (timeColumn === null) throw new Error(`${file}: no time column found`);
  const tagColumn = pick(options.tagColumn, sniff.tagColumn, 'tag');
  const valueColumn = pick(options.valueColumn, sniff.valueColumn, 'value');
  if (format === 'long-csv' && (tagColumn === null || valueColumn === null)) {
    throw new Error(`${file}: long format needs a tag column and a value column (columns: ${header.join(', ')})`);
  }
  const timeKind: TimeKind = format === 'cmapss' ? 'cycle' : sniff.timeKind;
  return {
    ...common,
    format,
    delimiter: options.delimiter ?? sniff.delimiter,
    decimal: options.decimal ?? sniff.decimal,
    hasHeader: sniff.hasHeader,
    header,
    columnTypes: header.map(() => 'VARCHAR'),
    sampleRows: sniff.rows,
    timeColumn,
    timeKind,
    timestampFormat: options.timestampFormat ?? sniff.timestampFormat,
    tagColumn: format === 'long-csv' ? tagColumn : null,
    valueColumn: format === 'long-csv' ? valueColumn : null,
    qualityColumn: format === 'long-csv' ? pick(options.qualityColumn, sniff.qualityColumn, 'quality') : null,
    assetColumn: format === 'cmapss' ? 'unit' : sniff.assetColumn,
    encoding: decoded.encoding,
    warnings: [...decoded.warnings, ...sniff.warnings, ...endWarning],
  };
};

const planParquet = (file: string, description: ParquetDescription, options: ImportOptions) => {
  const names = description.columns.map((c) => c.name);
  const find = (chosen: string | undefined, pattern: RegExp) => {
    if (chosen !== undefined && !names.includes(chosen)) {
      throw new Error(`${file}: no column "${chosen}" (columns: ${names.join(', ')})`);
    }
    return chosen ?? names.find((n) => pattern.test(n)) ?? null;
  };
  const temporal = description.columns.find((c) => /TIMESTAMP|DATE/.test(c.type))?.name ?? null;
  const timeColumn = find(options.timeColumn, /^(time|timestamp|ts|date|datetime|cycle|time_cycles)$/i) ?? temporal;
  if (timeColumn === null) throw new Error(`${file}: no time column found (columns: ${names.join(', ')})`);
  const timeType = description.columns.find((c) => c.name === timeColumn)?.type ?? '';
  const tagColumn = find(options.tagColumn, /^(tag|tagname|signal|point|name|sensor)$/i);
  const valueColumn = find(options.valueColumn, /^(value|val|v|reading)$/i);
  const isLong = tagColumn !== null && valueColumn !== null;
  const timeKind: TimeKind = /INT/.test(timeType) && /cycle/i.test(timeColumn) ? 'cycle' : 'timestamp';
  return {
    format: 'parquet' as const,
    delimiter: '',
    decimal: '.' as const,
    hasHeader: true,
    header: names,
    columnTypes: description.columns.map((c) => c.type),
    sampleRows: description.sampleRows,
    timeColumn,
    timeKind,
    timestampFormat: null,
    tagColumn: isLong ? tagColumn : null,
    valueColumn: isLong ? valueColumn : null,
    qualityColumn: isLong ? find(options.qualityColumn, /^(quality|q|status)$/i) : null,
    assetColumn: find(undefined, /^(asset|equipment|device|machine)$/i),
    warnings: [],
  };
};

/** Columns of a wide file that hold signals (everything but time and asset). */
export const signalColumns = (plan: ImportPlan): readonly string[] =>
  plan.header.filter((name) => name !== plan.timeColumn && name !== plan.assetColumn && name !== 'unit');

export const toPreview = (plan: ImportPlan): ImportPreview => {
  const roleOf = (name: string): ImportPreview['columns'][number]['role'] => {
    if (name === plan.timeColumn) return plan.timeKind === 'cycle' ? 'cycle' : 'time';
    if (name === plan.tagColumn) return 'tag';
    if (name === plan.valueColumn) return 'value';
    if (name === plan.qualityColumn) return 'quality';
    if (name === plan.assetColumn) return 'asset';
    return plan.format === 'long-csv' || (plan.format === 'parquet' && plan.tagColumn !== null) ? 'ignored' : 'signal';
  };
  const wideSignals =
    plan.format === 'wide-csv' || plan.format === 'cmapss' || (plan.format === 'parquet' && plan.tagColumn === null)
      ? signalColumns(plan).map((column) => {
          const { tag, unit } = splitTagAndUnit(column);
          return { asset: plan.assets[tag] ?? plan.asset, tag, unit: plan.units[tag] ?? unit };
        })
      : [];
  return {
    path: plan.file,
    format: plan.format,
    delimiter: plan.delimiter,
    decimal: plan.decimal,
    hasHeader: plan.hasHeader,
    timestampFormat: plan.timestampFormat,
    timeZone: plan.timeZone,
    timeKind: plan.timeKind,
    columns: plan.header.map((name, i) => ({ name, type: plan.columnTypes[i] ?? 'VARCHAR', role: roleOf(name) })),
    sampleRows: plan.sampleRows.map((row) => row.map(String)),
    signals: wideSignals.slice(0, 500),
    warnings: [...plan.warnings],
  };
};
