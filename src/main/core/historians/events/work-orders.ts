import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseTimeText, passTracker, requireZone, type Pass } from '../../../../shared/time/time-rule.js';
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

/**
 * A work order's kind when the export has no type column: a failure code or words of failure make it a failure,
 * words of inspection an inspection, anything else maintenance (a planned job is the common work order; calling
 * every row a failure would invent failures for training labels).
 */
export const kindWithoutType = (code: string, description: string): EventInput['kind'] => {
  const text = description.toLowerCase();
  if (/inspect|check|round|survey/.test(text)) return 'inspection';
  if (code !== '' || /fail|break|broke|trip|leak|seiz|burn|crack|fault|repair|replace.*(damag|broken)/.test(text)) {
    return 'failure';
  }
  return 'maintenance';
};

/**
 * µs since the epoch of a work-order time, by the one time rule (src/shared/time/time-rule.ts): ISO 8601 with or
 * without offset, `YYYY-MM-DD HH:MM[:SS]` or `DD.MM.YYYY HH:MM[:SS]`; times without an offset are read in `zone`.
 * Returns the reason when the text is not a time or names a local time the zone skips.
 */
export const parseEventTime = (
  raw: string,
  zone = 'UTC',
  pass: Pass = 'first',
): { micros: number; reason: null } | { micros: null; reason: string } => {
  const result = parseTimeText(raw, zone, pass);
  return result.ok ? { micros: result.micros, reason: null } : { micros: null, reason: result.reason };
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
  /** What the user should know though nothing was lost (kinds inferred without a type column). */
  readonly warnings: string[];
}

export const importWorkOrders = async (
  workspace: Workspace,
  file: string,
  options: {
    readonly assetMap?: Readonly<Record<string, string>>;
    /** IANA zone for times without an offset; default UTC. */
    readonly timeZone?: string;
  } = {},
): Promise<WorkOrderImportResult> => {
  const zone = requireZone(options.timeZone ?? 'UTC');
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
  // Repeated autumn local times resolve in file order, per asset and column (first pass = summer offset).
  const pass = passTracker();
  const inferred = new Map<EventInput['kind'], number>();
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
    const startText = get(idx.start) ?? '';
    const start = parseEventTime(startText, zone, pass(`${asset}\u0000start`, startText));
    if (start.micros === null) {
      reject(header.fields[idx.start] ?? 'start', `start: ${start.reason}`);
      continue;
    }
    const startT = start.micros;
    const endText = get(idx.end) ?? '';
    const end = endText === '' ? null : parseEventTime(endText, zone, pass(`${asset}\u0000end`, endText));
    if (end !== null && end.micros === null) {
      reject(header.fields[idx.end] ?? 'end', `end: ${end.reason}`);
      continue;
    }
    const endT = end?.micros ?? null;
    if (endT !== null && endT < startT) {
      reject(header.fields[idx.end] ?? 'end', 'end: before start');
      continue;
    }
    const kind =
      idx.kind < 0 ? kindWithoutType(get(idx.code) ?? '', get(idx.description) ?? '') : kindOf(get(idx.kind));
    if (kind === null) {
      reject(header.fields[idx.kind] ?? 'type', `type: unknown work-order type "${get(idx.kind) ?? ''}"`);
      continue;
    }
    if (idx.kind < 0) inferred.set(kind, (inferred.get(kind) ?? 0) + 1);
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
    warnings:
      inferred.size === 0
        ? []
        : [
            `no type column: kinds inferred from failure code and description (${[...inferred].map(([k, n]) => `${n} ${k}`).join(', ')}); add a type column to be exact`,
          ],
  };
};
