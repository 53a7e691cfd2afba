import type { ImportFormat, TimeKind } from '../../../shared/domain.js';

/** What the first kilobytes of a text file tell about its layout. Pure: testable without files. */
export interface TextSniff {
  readonly format: Exclude<ImportFormat, 'parquet'>;
  readonly delimiter: string;
  readonly decimal: '.' | ',';
  readonly hasHeader: boolean;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly timeColumn: string | null;
  readonly timeKind: TimeKind;
  readonly timestampFormat: string | null;
  readonly tagColumn: string | null;
  readonly valueColumn: string | null;
  readonly qualityColumn: string | null;
  readonly assetColumn: string | null;
  readonly warnings: readonly string[];
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
const NUMBER_DOT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const NUMBER_COMMA = /^[-+]?\d+(,\d+)?([eE][-+]?\d+)?$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const TIME_NAMES = /^(time|timestamp|ts|date|datetime|date_time|zeit|zeitstempel|t|time_utc|timestamp_utc)$/i;
const CYCLE_NAMES = /^(cycle|cycles|time_cycles|time_in_cycles)$/i;
const TAG_NAMES = /^(tag|tagname|tag_name|signal|point|name|sensor|variable)$/i;
const VALUE_NAMES = /^(value|val|v|reading|wert)$/i;
const QUALITY_NAMES = /^(quality|q|status|statuscode|status_code)$/i;
const ASSET_NAMES = /^(asset|equipment|device|machine|unit_name)$/i;

/** Formats tried, in order, on values that are not ISO 8601 (DuckDB strptime syntax). */
const TIMESTAMP_FORMATS = [
  '%d.%m.%Y %H:%M:%S',
  '%d.%m.%Y %H:%M',
  '%d/%m/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M',
  '%m/%d/%Y %H:%M',
  '%Y/%m/%d %H:%M:%S',
  '%d-%m-%Y %H:%M:%S',
] as const;

/**
 * The sample's records: lines, except that a line break inside double quotes belongs to its field. When quotes
 * do not balance (an unclosed quote would swallow the rest), plain lines are used and the reader rejects the
 * culprit line later.
 */
export const splitLines = (text: string): string[] => {
  const plain = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  if (!text.includes('"')) return plain;
  const records: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) {
      records.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (quoted) return plain;
  records.push(text.slice(start));
  return records.filter((line) => line.trim().length > 0);
};

/** Split one delimited line honouring double quotes. */
export const splitFields = (line: string, delimiter: string): string[] => {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields.map((f) => f.trim());
};

const isNumber = (value: string, decimal: '.' | ','): boolean =>
  decimal === '.' ? NUMBER_DOT.test(value) : NUMBER_COMMA.test(value) || /^[-+]?\d+$/.test(value);

/** Does `value` match a strptime-like pattern (only the directives we use)? */
export const matchesFormat = (value: string, format: string): boolean => {
  const pattern = format
    .replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    .replace('%Y', '(\\d{4})')
    .replace('%m', '(\\d{1,2})')
    .replace('%d', '(\\d{1,2})')
    .replace('%H', '(\\d{1,2})')
    .replace('%M', '(\\d{2})')
    .replace('%S', '(\\d{2}(?:\\.\\d+)?)');
  const match = new RegExp(`^${pattern}$`).exec(value);
  if (!match) return false;
  const order = [...format.matchAll(/%([YmdHMS])/g)].map((m) => m[1]);
  const part = (d: string) => Number(match[order.indexOf(d) + 1]);
  const month = part('m');
  const day = part('d');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
};

/** Pick the delimiter that splits every sample line into the same number (> 1) of fields. */
const detectDelimiter = (lines: readonly string[], chosen?: string): string | null => {
  let best: { delimiter: string; fields: number } | null = null;
  if (chosen !== undefined) return chosen;
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((line) => splitFields(line, delimiter).length);
    const first = counts[0] ?? 1;
    const consistent = counts.filter((c) => c === first).length >= Math.ceil(counts.length * 0.9);
    if (first > 1 && consistent && (best === null || first > best.fields)) best = { delimiter, fields: first };
  }
  return best?.delimiter ?? null;
};

/**
 * Why no delimiter fits, in the user's terms: which lines break the header's field count (a quoted line break,
 * a line cut short, extra fields), with their numbers in the sample.
 */
const explainNoDelimiter = (lines: readonly string[]): string => {
  let best: { delimiter: string; fields: number; odd: number[] } | null = null;
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((line) => splitFields(line, delimiter).length);
    const fields = counts[0] ?? 1;
    if (fields < 2) continue;
    const odd = counts.flatMap((c, i) => (c !== fields ? [i + 1] : []));
    if (best === null || odd.length < best.odd.length) best = { delimiter, fields, odd };
  }
  if (best === null) {
    return 'could not detect a delimiter: line 1 does not split into fields by , ; tab or | (choose the delimiter)';
  }
  const name = best.delimiter === '\t' ? 'tab' : `"${best.delimiter}"`;
  const shown = best.odd.slice(0, 5).join(', ');
  return `${best.odd.length} of the first ${lines.length} lines (${shown}${best.odd.length > 5 ? ', ...' : ''}) do not have the ${best.fields} fields of line 1 when split by ${name}; fix those lines, or choose the delimiter and format to import the rest and reject them`;
};

const isCmapssLine = (line: string): boolean => {
  const fields = line.trim().split(/\s+/);
  return fields.length === 26 && fields.every((f) => NUMBER_DOT.test(f)) && /^\d+$/.test(fields[0] ?? '');
};

/** Share of sample times a format must match when none matches all (the others become rejects). */
const TIME_FORMAT_SHARE = 0.9;

export const detectTimestampFormat = (
  values: readonly string[],
): { format: string | null; ok: boolean; unmatched?: number } => {
  const sample = values.filter((v) => v.length > 0);
  if (sample.length === 0) return { format: null, ok: false };
  if (sample.every((v) => ISO_TIME.test(v))) return { format: null, ok: true };
  for (const format of TIMESTAMP_FORMATS) {
    if (sample.every((v) => matchesFormat(v, format))) return { format, ok: true };
  }
  // A few malformed times in the sample must not hide the format of all the others.
  let best: { format: string | null; matched: number } = {
    format: null,
    matched: sample.filter((v) => ISO_TIME.test(v)).length,
  };
  for (const format of TIMESTAMP_FORMATS) {
    const matched = sample.filter((v) => matchesFormat(v, format)).length;
    if (matched > best.matched) best = { format, matched };
  }
  if (best.matched >= sample.length * TIME_FORMAT_SHARE) {
    return { format: best.format, ok: true, unmatched: sample.length - best.matched };
  }
  return { format: null, ok: false };
};

const guessRole = (names: readonly string[], pattern: RegExp): string | null =>
  names.find((n) => pattern.test(n)) ?? null;

/** Share of the first lines that must be C-MAPSS rows to detect the format; the others become rejects. */
const CMAPSS_SHARE = 0.9;

/**
 * Detect format, delimiter, decimal mark, header, column roles and timestamp format from a text sample.
 * `expected`: the format the user chose; for C-MAPSS one well-formed line in the sample is then enough.
 */
export const sniffText = (sample: string, expected?: ImportFormat, chosenDelimiter?: string): TextSniff => {
  const lines = splitLines(sample).slice(0, 200);
  // The last line of a sample is usually cut in the middle.
  if (lines.length > 2 && !sample.endsWith('\n')) lines.pop();
  if (lines.length === 0) throw new Error('the file is empty');
  const warnings: string[] = [];

  const head = lines.slice(0, 20);
  const cmapssRows = head.filter(isCmapssLine);
  if (cmapssRows.length > 0 && (expected === 'cmapss' || cmapssRows.length >= head.length * CMAPSS_SHARE)) {
    if (cmapssRows.length < head.length) {
      warnings.push(
        `${head.length - cmapssRows.length} of the first ${head.length} lines are not C-MAPSS rows; they will be rejected`,
      );
    }
    const rows = cmapssRows.map((l) => l.trim().split(/\s+/));
    return {
      format: 'cmapss',
      delimiter: ' ',
      decimal: '.',
      hasHeader: false,
      header: cmapssColumns,
      rows,
      timeColumn: 'cycle',
      timeKind: 'cycle',
      timestampFormat: null,
      tagColumn: null,
      valueColumn: null,
      qualityColumn: null,
      assetColumn: 'unit',
      warnings,
    };
  }

  const delimiter = detectDelimiter(lines, chosenDelimiter);
  if (delimiter === null) throw new Error(explainNoDelimiter(lines));
  const split = lines.map((line) => splitFields(line, delimiter));
  const unnamed = (split[0] ?? []).flatMap((name, i) => (name === '' ? [i + 1] : []));
  const first = (split[0] ?? []).map((name, i) => (name === '' ? `column${i + 1}` : name));
  if (unnamed.length > 0) {
    warnings.push(
      `line 1: column${unnamed.length > 1 ? 's' : ''} ${unnamed.join(', ')} ha${unnamed.length > 1 ? 've' : 's'} no name; named ${unnamed.map((i) => `"column${i}"`).join(', ')}`,
    );
  }
  const binary = first.findIndex((name) => name.includes('\u0000'));
  if (binary >= 0) {
    throw new Error(`line 1: the name of column ${binary + 1} contains a NUL byte (binary data in a text file)`);
  }
  const repeated = first.find((name, i) => first.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new Error(
      `line 1: column "${repeated}" appears twice (columns ${first.indexOf(repeated) + 1} and ${first.lastIndexOf(repeated) + 1}); give each column its own name`,
    );
  }
  const body = split.slice(1);
  const decimal: '.' | ',' =
    delimiter !== ',' && body.some((row) => row.some((f) => /^[-+]?\d+,\d+$/.test(f))) ? ',' : '.';
  const looksLikeData = (row: readonly string[]) =>
    row.some((f) => isNumber(f, decimal)) || row.some((f) => ISO_TIME.test(f));
  const hasHeader = !looksLikeData(first) || first.every((f) => !isNumber(f, decimal) && !ISO_TIME.test(f));
  const header = hasHeader ? first : first.map((_, i) => `column${i + 1}`);
  const rows = hasHeader ? body : split;
  const column = (name: string) => rows.map((row) => row[header.indexOf(name)] ?? '');

  const tagColumn = guessRole(header, TAG_NAMES);
  const valueColumn = guessRole(header, VALUE_NAMES);
  const isLong = tagColumn !== null && valueColumn !== null;
  const cycleColumn = guessRole(header, CYCLE_NAMES);
  let timeColumn = guessRole(header, TIME_NAMES) ?? cycleColumn;
  if (timeColumn === null) {
    timeColumn =
      header.find((name) => name !== tagColumn && name !== valueColumn && detectTimestampFormat(column(name)).ok) ??
      null;
  }
  if (timeColumn === null) throw new Error('no time column found: name one (time, timestamp, date or cycle)');

  const timeValues = column(timeColumn);
  let timeKind: TimeKind = 'timestamp';
  let timestampFormat: string | null = null;
  if (timeColumn === cycleColumn || (timeValues.length > 0 && timeValues.every((v) => /^\d+$/.test(v)))) {
    timeKind = 'cycle';
  } else {
    const detected = detectTimestampFormat(timeValues);
    timestampFormat = detected.format;
    if (!detected.ok) warnings.push(`time column "${timeColumn}": format not recognised; choose one in the options`);
    if (detected.unmatched !== undefined && detected.unmatched > 0) {
      warnings.push(
        `time column "${timeColumn}": ${detected.unmatched} sample values do not match ${detected.format ?? 'ISO 8601'}; their rows will be rejected`,
      );
    }
    if (detected.format !== null && /^%[dm]\/%[dm]\//.test(detected.format)) {
      const dayFirstProven = timeValues.some((v) => Number(v.split('/')[0]) > 12);
      const monthFirstProven = timeValues.some((v) => Number(v.split('/')[1]) > 12);
      if (!dayFirstProven && !monthFirstProven) {
        const example = timeValues.find((v) => v.length > 0) ?? '';
        warnings.push(
          `time column "${timeColumn}": day/month order is ambiguous (no day above 12 in the sample; "${example}" is read as ${detected.format.startsWith('%d') ? 'day/month' : 'month/day'}); check the timestamp format`,
        );
      }
    }
  }

  return {
    format: isLong ? 'long-csv' : 'wide-csv',
    delimiter,
    decimal,
    hasHeader,
    header,
    rows: rows.slice(0, 20),
    timeColumn,
    timeKind,
    timestampFormat,
    tagColumn: isLong ? tagColumn : null,
    valueColumn: isLong ? valueColumn : null,
    qualityColumn: isLong ? guessRole(header, QUALITY_NAMES) : null,
    assetColumn: guessRole(header, ASSET_NAMES),
    warnings,
  };
};

export const cmapssColumns: readonly string[] = [
  'unit',
  'cycle',
  'setting_1',
  'setting_2',
  'setting_3',
  ...Array.from({ length: 21 }, (_, i) => `sensor_${i + 1}`),
];

/** "Bearing temp [°C]" or "Bearing temp (degC)" -> tag "Bearing temp", unit "°C". */
export const splitTagAndUnit = (header: string): { tag: string; unit: string | null } => {
  const match = /^(.*?)\s*[[(]([^\])]{1,20})[\])]\s*$/.exec(header);
  if (match && match[1] && match[1].length > 0) return { tag: match[1], unit: match[2] ?? null };
  return { tag: header, unit: null };
};
