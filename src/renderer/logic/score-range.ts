import type { TimeKind } from '../../shared/domain.js';
import { readTimeInput } from './events.js';

export type ScoreRange =
  | { readonly ok: true; readonly from?: number; readonly to?: number }
  | { readonly ok: false; readonly message: string };

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * The Monitor area's "Score from … to …": both empty scores each asset from just after its last scored window (as
 * `score` without --from/--to). Cycle data takes cycle numbers; timestamp data takes times by the one time rule in
 * the display zone. Where the axis is not known yet (the deployment's health series still loading), a number is a
 * position on the data's axis and anything else a time, as `score --from/--to` reads them. The messages name the
 * field, because the user typed two.
 */
export const scoreRangeOf = (fromText: string, toText: string, kind: TimeKind | null, zone: string): ScoreRange => {
  const read = (text: string, field: 'from' | 'to') => {
    const s = text.trim();
    if (s === '') return { ok: true as const, value: undefined };
    const value =
      kind === null && NUMBER.test(s)
        ? { ok: true as const, value: Number(s) }
        : readTimeInput(s, kind ?? 'timestamp', zone);
    if (value.ok) return value;
    const expected = kind === 'cycle' ? 'a cycle number' : `a time such as 2024-03-01 06:00 (${zone})`;
    return { ok: false as const, message: `Score ${field}: ${value.reason}; give ${expected}.` };
  };
  const from = read(fromText, 'from');
  if (!from.ok) return from;
  const to = read(toText, 'to');
  if (!to.ok) return to;
  if (from.value !== undefined && to.value !== undefined && to.value <= from.value)
    return { ok: false, message: 'Score to: the end must come after the start.' };
  return {
    ok: true,
    ...(from.value === undefined ? {} : { from: from.value }),
    ...(to.value === undefined ? {} : { to: to.value }),
  };
};
