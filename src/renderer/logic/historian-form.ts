import type { OpcuaImportSummary } from '../../shared/domain.js';
import type { ConnectionProfileView, OpcuaConnect, OpcuaTagInfo } from '../../shared/historian.js';
import { errorCode } from './errors.js';
import { readTimeInput } from './events.js';

/** The "Connect historian…" dialog without React: connection form, tag search and selection, time range. */

export type SecurityChoice = 'None' | 'Sign' | 'SignAndEncrypt';

export interface ConnectionForm {
  readonly endpoint: string;
  readonly security: SecurityChoice;
  readonly userName: string;
  readonly password: string;
  /** Saved profile the form was filled from: its password is used when the field stays empty. */
  readonly profile: string | null;
  readonly profileHasPassword: boolean;
}

export const DEFAULT_ENDPOINT = 'opc.tcp://127.0.0.1:4840';

export const emptyConnection: ConnectionForm = {
  endpoint: DEFAULT_ENDPOINT,
  security: 'None',
  userName: '',
  password: '',
  profile: null,
  profileHasPassword: false,
};

export const connectionFromProfile = (p: Extract<ConnectionProfileView, { kind: 'opcua' }>): ConnectionForm => ({
  endpoint: p.endpoint,
  security: p.securityMode,
  userName: p.userName ?? '',
  password: '',
  profile: p.name,
  profileHasPassword: p.hasPassword,
});

export type ConnectCheck =
  { readonly ok: true; readonly request: OpcuaConnect } | { readonly ok: false; readonly error: string };

/** The browse/import connection settings, or what is missing. */
export const connectRequest = (form: ConnectionForm, trustServer?: 'once' | 'always'): ConnectCheck => {
  const endpoint = form.endpoint.trim();
  if (!/^opc\.tcp:\/\/[^\s/:]+(:\d+)?(\/.*)?$/.test(endpoint))
    return { ok: false, error: 'Endpoint: expected opc.tcp://host:port' };
  const userName = form.userName.trim();
  const useSaved = userName !== '' && form.password === '' && form.profile !== null && form.profileHasPassword;
  if (userName !== '' && form.password === '' && !useSaved)
    return { ok: false, error: `Password: required for user "${userName}"` };
  return {
    ok: true,
    request: {
      endpoint,
      securityMode: form.security,
      securityPolicy: form.security === 'None' ? 'None' : 'Basic256Sha256',
      ...(userName === '' ? {} : { userName }),
      ...(userName !== '' && form.password !== '' ? { password: form.password } : {}),
      ...(useSaved && form.profile !== null ? { profile: form.profile } : {}),
      ...(trustServer === undefined ? {} : { trustServer }),
    },
  };
};

/** True when a failed connect should turn into the trust prompt rather than an error banner. */
export const needsTrust = (error: unknown): boolean => errorCode(error) === 'untrusted-certificate';

/** Tags matching every word of the query (name, asset, node id or unit; any case); historizing ones only by default. */
export const filterTags = (tags: readonly OpcuaTagInfo[], query: string, historizingOnly = true): OpcuaTagInfo[] => {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  return tags.filter((t) => {
    if (historizingOnly && !t.historizing) return false;
    const text = `${t.asset ?? ''} ${t.name} ${t.nodeId} ${t.unit ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
};

/** Tick every visible tag (keeping the ones ticked outside the filter), or untick them all when all were ticked. */
export const toggleVisible = (selected: ReadonlySet<string>, visible: readonly OpcuaTagInfo[]): Set<string> => {
  const next = new Set(selected);
  const all = visible.length > 0 && visible.every((t) => selected.has(t.nodeId));
  for (const t of visible) {
    if (all) next.delete(t.nodeId);
    else next.add(t.nodeId);
  }
  return next;
};

export const toggleTag = (selected: ReadonlySet<string>, nodeId: string): Set<string> => {
  const next = new Set(selected);
  if (next.has(nodeId)) next.delete(nodeId);
  else next.add(nodeId);
  return next;
};

export interface RangeForm {
  /** 'range': from/to as typed; 'update': continue each tag from its last import up to now. */
  readonly mode: 'range' | 'update';
  readonly from: string;
  /** Empty: now. */
  readonly to: string;
  /**
   * Minutes to read again before where each tag's last import ended, for values a store-and-forward historian
   * delivers late; empty or omitted: the default (60).
   */
  readonly lookBack?: string;
}

export type RangeCheck =
  | { readonly ok: true; readonly from?: number; readonly to?: number; readonly overlapMs?: number }
  | { readonly ok: false; readonly error: string };

/** The look-back in ms, undefined for the default, or null when it is not a number of minutes. */
const lookBackMs = (raw: string | undefined): number | undefined | null => {
  const text = raw?.trim() ?? '';
  if (text === '') return undefined;
  const minutes = Number(text);
  return Number.isFinite(minutes) && minutes >= 0 && minutes <= 30 * 1440 ? Math.round(minutes * 60_000) : null;
};

/** The import's time range in µs, typed as wall-clock time in `zone` (the display time zone; default UTC). */
export const importRange = (form: RangeForm, zone = 'UTC'): RangeCheck => {
  const overlapMs = lookBackMs(form.lookBack);
  if (overlapMs === null) return { ok: false, error: 'Look-back: minutes, from 0 to 43200 (30 days)' };
  const overlap = overlapMs === undefined ? {} : { overlapMs };
  if (form.mode === 'update') return { ok: true, ...overlap };
  const from = readTimeInput(form.from, 'timestamp', zone);
  if (!from.ok) return { ok: false, error: `From: expected YYYY-MM-DD[ HH:MM[:SS]] (${zone}): ${from.reason}` };
  if (form.to.trim() === '') return { ok: true, from: from.value, ...overlap };
  const to = readTimeInput(form.to, 'timestamp', zone);
  if (!to.ok) {
    return { ok: false, error: `To: expected YYYY-MM-DD[ HH:MM[:SS]] (${zone}), or empty for now: ${to.reason}` };
  }
  if (to.value <= from.value) return { ok: false, error: 'To: must be after From' };
  return { ok: true, from: from.value, to: to.value, ...overlap };
};

export const describeSummary = (s: OpcuaImportSummary): string =>
  `${s.values.toLocaleString('en-US')} values from ${s.tags} ${s.tags === 1 ? 'tag' : 'tags'} in ${s.seconds.toFixed(1)} s` +
  `${s.duplicates > 0 ? `, ${s.duplicates} already present` : ''}${s.resumed ? '; continued from the last import' : ''}`;
