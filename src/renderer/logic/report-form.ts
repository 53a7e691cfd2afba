import type { ReportKind } from '../../shared/reports.js';

/** The Reports area's form logic, kept out of the component so it can be read (and tested) alone. */

/** "2026-03-31" (a UTC day) -> µs at its start; `endOfDay` -> the last µs of that day. null: empty or invalid. */
export const dayToMicros = (day: string, endOfDay = false): number | null => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) return null;
  return (endOfDay ? ms + 86_400_000 : ms) * 1000 - (endOfDay ? 1 : 0);
};

/** A file name that says what the report is: fleet-2026-01-01-2026-03-31.pdf. */
export const defaultReportName = (kind: ReportKind, from: string, to: string, format: 'html' | 'pdf'): string =>
  `${kind}${from === '' ? '' : `-${from}`}${to === '' ? '' : `-${to}`}.${format}`;

/** The folder part of a path the user typed ("/data/reports/x.pdf" -> "/data/reports/"), for a new default name. */
export const folderOf = (path: string): string => {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return at < 0 ? '' : path.slice(0, at + 1);
};

export const isAbsolutePath = (path: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
