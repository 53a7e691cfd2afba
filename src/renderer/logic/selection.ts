import type { Signal } from '../../shared/domain.js';

/** Most signals one trend chart draws. */
export const MAX_PICKED = 8;

export interface PickResult {
  readonly picked: readonly number[];
  /** Set when the request could not be honoured as asked (limit reached, other time axis). */
  readonly notice: string | null;
}

/**
 * Toggle a signal on the chart. A chart has one time axis: picking a cycle-indexed signal while
 * timestamp signals are shown (or the reverse) starts a new selection with just that signal.
 */
export const togglePick = (
  picked: readonly number[],
  signal: Signal,
  byId: ReadonlyMap<number, Signal>,
): PickResult => {
  if (picked.includes(signal.id)) return { picked: picked.filter((id) => id !== signal.id), notice: null };
  const first = picked.map((id) => byId.get(id)).find((s) => s !== undefined);
  if (first !== undefined && first.timeKind !== signal.timeKind) {
    return {
      picked: [signal.id],
      notice: `${signal.tag} is indexed by ${signal.timeKind === 'cycle' ? 'cycle' : 'time'}; the chart was cleared to show it.`,
    };
  }
  if (picked.length >= MAX_PICKED) {
    return { picked, notice: `A chart shows at most ${MAX_PICKED} signals; untick one first.` };
  }
  return { picked: [...picked, signal.id], notice: null };
};

/** Drop picks whose signals no longer exist (after a refresh). Returns the same array when nothing changed. */
export const prunePicked = (picked: readonly number[], byId: ReadonlyMap<number, Signal>): readonly number[] => {
  const kept = picked.filter((id) => byId.has(id));
  return kept.length === picked.length ? picked : kept;
};
