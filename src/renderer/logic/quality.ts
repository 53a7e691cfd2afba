import type { QualityRow } from '../../shared/domain.js';

export type Severity = 'ok' | 'warn' | 'bad';

/** Gaps, flatlines and bad-quality readings are suspicious (amber); non-finite and out-of-range values are wrong (red). */
export const qualitySeverity = (
  row: QualityRow,
): Record<'gaps' | 'flatlines' | 'nonFinite' | 'outOfRange' | 'badQuality', Severity> => ({
  gaps: row.gaps > 0 ? 'warn' : 'ok',
  flatlines: row.flatlines > 0 ? 'warn' : 'ok',
  nonFinite: row.nonFinite > 0 ? 'bad' : 'ok',
  outOfRange: row.outOfRange > 0 ? 'bad' : 'ok',
  badQuality: row.badQuality > 0 ? 'warn' : 'ok',
});

/** Worst severity of a row (for the chart legend's at-a-glance marker). */
export const worstSeverity = (row: QualityRow | undefined): Severity => {
  if (row === undefined) return 'ok';
  const all = Object.values(qualitySeverity(row));
  return all.includes('bad') ? 'bad' : all.includes('warn') ? 'warn' : 'ok';
};

/** One-line description of a row's problems, for tooltips. */
export const describeProblems = (row: QualityRow): string => {
  const parts: string[] = [];
  if (row.gaps > 0) parts.push(`${row.gaps} gap${row.gaps === 1 ? '' : 's'}`);
  if (row.flatlines > 0) parts.push(`${row.flatlines} flatline${row.flatlines === 1 ? '' : 's'}`);
  if (row.nonFinite > 0) parts.push(`${row.nonFinite} non-finite`);
  if (row.outOfRange > 0) parts.push(`${row.outOfRange} out of range`);
  if (row.badQuality > 0) parts.push(`${row.badQuality} bad quality`);
  return parts.length === 0 ? 'no problems found' : parts.join(', ');
};
