import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { EventInput, EventReject } from '../../workspace/events.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * CMMS work-order exports (CSV) into workspace events: asset, start, end, failure code, description, type.
 * Header names are matched loosely (SAP PM / Maximo style names too); CMMS asset names are mapped to workspace
 * assets by an explicit map, else exactly, else ignoring case and punctuation ("p101" -> "P-101").
 */

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; returns rows with their 1-based line numbers. */
export const parseCsv = (text: string, delimiter = ','): { line: number; fields: string[]; raw: string }[] => {
  const rows: { line: number; fields: string[]; raw: string }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowStart = 0;
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '')
        rows.push({ line: rowLine, fields, raw: body.slice(rowStart, i).replace(/\r$/, '') });
      fields = [];
      field = '';
      line++;
      rowLine = line;
      rowStart = i + 1;
    } else field += c;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    rows.push({ line: rowLine, fields, raw: body.slice(rowStart) });
  }
  return rows;
};

const HEADERS = {
  asset: ['asset', 'equipment', 'equipment_id', 'functional_location', 'location', 'assetnum', 'machine'],
  start: [
    'start',
    'start_time',
    'starttime',
    'reported',
    'reported_at',
    'created',
    'malfunction_start',
    'actstart',
    'date',
  ],
  end: ['end', 'end_time', 'endtime', 'finished', 'completed', 'closed', 'malfunction_end', 'actfinish'],
  code: ['failure_code', 'failurecode', 'code', 'cause', 'damage_code', 'problemcode'],
  description: ['description', 'text', 'short_text', 'summary', 'remarks'],
  kind: ['type', 'kind', 'worktype', 'order_type', 'category'],
} as const;

const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const kindOf = (raw: string | undefined): EventInput['kind'] | null => {
  const k = (raw ?? '').trim().toLowerCase();
  if (k === '') return 'failure';
  if (/fail|corrective|breakdown|^cm$|^em$|emergency|repair/.test(k)) return 'failure';
  if (/inspect|^insp/.test(k)) return 'inspection';
  if (/prevent|^pm$|maint|planned|service/.test(k)) return 'maintenance';
  if (/anomal/.test(k)) return 'anomaly';
  if (/note|comment/.test(k)) return 'note';
  return null;
};

/** µs since the epoch of an ISO 8601 time or "YYYY-MM-DD HH:MM[:SS]" / "DD.MM.YYYY HH:MM[:SS]" (read as UTC). */
export const parseEventTime = (raw: string): number | null => {
  const s = raw.trim();
  if (s === '') return null;
  const de = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (de)
    return (
      Date.UTC(
        Number(de[3]),
        Number(de[2]) - 1,
        Number(de[1]),
        Number(de[4] ?? 0),
        Number(de[5] ?? 0),
        Number(de[6] ?? 0),
      ) * 1000
    );
  const iso = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s);
  if (!iso) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s) && s.length > 10;
  const ms = Date.parse(hasZone ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}${s.length === 10 ? 'T00:00:00' : ''}Z`);
  return Number.isFinite(ms) ? ms * 1000 : null;
};

export const readAssetMap = async (file: string): Promise<Record<string, string>> => {
  const rows = parseCsv(await readFile(file, 'utf8'));
  const map: Record<string, string> = {};
  for (const { fields } of rows) {
    const [from, to] = fields.map((f) => f.trim());
    if (from && to && !(from.toLowerCase() === 'from' && to.toLowerCase() === 'to')) map[from] = to;
  }
  return map;
};

export interface WorkOrderImportResult {
  readonly file: string;
  readonly ingestId: number;
  readonly events: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** CMMS asset name -> workspace asset, for every name found. */
  readonly assets: Record<string, string>;
  /** CMMS asset names with no matching workspace asset (kept under their own name). */
  readonly unmatchedAssets: string[];
}

export const importWorkOrders = async (
  workspace: Workspace,
  file: string,
  options: { readonly assetMap?: Readonly<Record<string, string>> } = {},
): Promise<WorkOrderImportResult> => {
  const content = await readFile(file, 'utf8');
  const sha256 = createHash('sha256').update(content).digest('hex');
  const firstLine = content.split('\n', 1)[0] ?? '';
  const delimiter =
    [',', ';', '\t', '|'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]?.[0] ??
    ',';
  const rows = parseCsv(content, delimiter);
  const header = rows.shift();
  if (header === undefined) throw new Error(`${file}: empty file`);
  const names = header.fields.map((h) => normalise(h).replace(/^_+|_+$/g, ''));
  const column = (candidates: readonly string[]) => names.findIndex((n) => candidates.map(normalise).includes(n));
  const idx = {
    asset: column(HEADERS.asset),
    start: column(HEADERS.start),
    end: column(HEADERS.end),
    code: column(HEADERS.code),
    description: column(HEADERS.description),
    kind: column(HEADERS.kind),
  };
  if (idx.asset < 0 || idx.start < 0) {
    throw new Error(`${file}: needs an asset column and a start column (found: ${header.fields.join(', ')})`);
  }
  const known = await workspace.assets();
  const byNormal = new Map(known.map((a) => [normalise(a), a]));
  const mapping: Record<string, string> = {};
  const unmatched = new Set<string>();
  const mapAsset = (name: string): string => {
    const explicit = options.assetMap?.[name];
    const resolved = explicit ?? (known.includes(name) ? name : byNormal.get(normalise(name)));
    if (resolved === undefined) unmatched.add(name);
    mapping[name] = resolved ?? name;
    return resolved ?? name;
  };
  const events: EventInput[] = [];
  const rejects: EventReject[] = [];
  for (const row of rows) {
    const get = (i: number) => (i < 0 ? undefined : row.fields[i]?.trim());
    const reject = (field: string | null, reason: string) =>
      rejects.push({ line: row.line, field, reason, raw: row.raw });
    if (row.fields.length !== header.fields.length) {
      reject(null, `expected ${header.fields.length} fields, found ${row.fields.length}`);
      continue;
    }
    const asset = get(idx.asset) ?? '';
    if (asset === '') {
      reject(header.fields[idx.asset] ?? 'asset', 'asset: empty');
      continue;
    }
    const startT = parseEventTime(get(idx.start) ?? '');
    if (startT === null) {
      reject(header.fields[idx.start] ?? 'start', `start: cannot read time "${get(idx.start) ?? ''}"`);
      continue;
    }
    const endText = get(idx.end) ?? '';
    const endT = endText === '' ? null : parseEventTime(endText);
    if (endText !== '' && endT === null) {
      reject(header.fields[idx.end] ?? 'end', `end: cannot read time "${endText}"`);
      continue;
    }
    if (endT !== null && endT < startT) {
      reject(header.fields[idx.end] ?? 'end', 'end: before start');
      continue;
    }
    const kind = kindOf(get(idx.kind));
    if (kind === null) {
      reject(header.fields[idx.kind] ?? 'type', `type: unknown work-order type "${get(idx.kind) ?? ''}"`);
      continue;
    }
    events.push({
      asset: mapAsset(asset),
      kind,
      startT,
      endT,
      code: get(idx.code) || null,
      description: get(idx.description) || null,
    });
  }
  const stored = await workspace.importEvents(file, sha256, events, rejects);
  return {
    file,
    ingestId: stored.ingestId,
    events: stored.events,
    duplicates: stored.duplicates,
    rejected: stored.rejected,
    assets: mapping,
    unmatchedAssets: [...unmatched].sort(),
  };
};
