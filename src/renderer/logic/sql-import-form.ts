import type { ApiInput } from '../../shared/api.js';
import type { SqlImportSummary } from '../../shared/domain.js';

/** The SQL historian dialog's fields as typed. Times are ISO 8601 text; empty `from`: continue from the last import. */
export interface SqlImportForm {
  readonly url: string;
  readonly password: string;
  readonly query: string;
  readonly layout: 'long' | 'wide';
  readonly from: string;
  readonly to: string;
  readonly asset: string;
}

export const SQL_QUERY_EXAMPLE = 'SELECT ts AS time, tag, value FROM historian.points WHERE ts >= $1 AND ts < $2';

export const emptySqlImportForm: SqlImportForm = {
  url: '',
  password: '',
  query: SQL_QUERY_EXAMPLE,
  layout: 'long',
  from: '',
  to: '',
  asset: '',
};

/** An ISO 8601 time as µs; a time without an offset is read as UTC, like the rest of the app. */
const micros = (raw: string, field: string): number | { error: string } => {
  const text = raw.trim();
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(text) || /^\d{4}-\d\d-\d\d$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms * 1000 : { error: `${field}: not a time (use 2024-03-01T06:00:00Z): ${text}` };
};

/** The startSqlImport request the form describes, or the first problem naming its field. */
export const sqlImportRequest = (
  form: SqlImportForm,
): { readonly request: ApiInput<'startSqlImport'> } | { readonly error: string } => {
  const url = form.url.trim();
  if (!/^postgres(ql)?:\/\/[^/]+/.test(url)) return { error: 'URL: postgres://user@host:5432/database' };
  if (/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(url))
    return { error: 'URL: leave the password out of the URL and type it in the password field' };
  const query = form.query.trim();
  if (query === '') return { error: 'Query: give the SELECT that returns the readings' };
  if (!query.includes('$1') || !query.includes('$2'))
    return { error: 'Query: use $1 (from) and $2 (to) for the time range, e.g. WHERE ts >= $1 AND ts < $2' };
  const from = form.from.trim() === '' ? undefined : micros(form.from, 'From');
  const to = form.to.trim() === '' ? undefined : micros(form.to, 'To');
  if (typeof from === 'object') return from;
  if (typeof to === 'object') return to;
  if (from !== undefined && to !== undefined && from >= to) return { error: 'To: must be after From' };
  const asset = form.asset.trim();
  return {
    request: {
      url,
      query,
      layout: form.layout,
      ...(form.password !== '' ? { password: form.password } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(asset !== '' ? { asset } : {}),
    },
  };
};

export const describeSqlSummary = (s: SqlImportSummary): string =>
  `${s.values.toLocaleString('en-US')} values from ${s.rows.toLocaleString('en-US')} rows into ${s.signals} signal${
    s.signals === 1 ? '' : 's'
  }; ${s.duplicates.toLocaleString('en-US')} duplicates skipped${s.resumed ? '; continued from the last import' : ''}.`;
