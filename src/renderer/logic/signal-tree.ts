import type { Signal } from '../../shared/domain.js';

export interface AssetGroup {
  readonly asset: string;
  readonly signals: readonly Signal[];
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order: "sensor_2" before "sensor_10", "engine 9" before "engine 10". */
export const compareNatural = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** Signals grouped by asset, assets and tags in natural order. */
export const groupByAsset = (signals: readonly Signal[]): AssetGroup[] => {
  const byAsset = new Map<string, Signal[]>();
  for (const s of signals) {
    const list = byAsset.get(s.asset);
    if (list === undefined) byAsset.set(s.asset, [s]);
    else list.push(s);
  }
  return [...byAsset.entries()]
    .sort(([a], [b]) => compareNatural(a, b))
    .map(([asset, list]) => ({ asset, signals: list.sort((x, y) => compareNatural(x.tag, y.tag)) }));
};

/** Lower-case words of a filter; every word must appear somewhere in "asset tag unit" (see filterGroups). */
export const filterTokens = (query: string): string[] =>
  query
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t.length > 0);

export const matchesTokens = (signal: Signal, tokens: readonly string[]): boolean => {
  if (tokens.length === 0) return true;
  const text = `${signal.asset} ${signal.tag} ${signal.unit ?? ''}`.toLowerCase();
  return tokens.every((t) => text.includes(t));
};

const searchText = (signal: Signal): string =>
  `${signal.asset} ${signal.tag} ${signal.unit ?? ''}`.toLowerCase().replace(/\s+/g, ' ');

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether `token` occurs in `text` at the start of a word ("001" in "engine 001", not in "fd001"). */
export const occursAtWordStart = (text: string, token: string): boolean => {
  for (let i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + 1)) {
    if (i === 0 || !WORD_CHAR.test(text.charAt(i - 1))) return true;
  }
  return false;
};

/**
 * Groups keeping only matching signals; groups without any match are dropped. Narrowest reading first:
 * the whole filter as a phrase ("engine 001" finds that engine, not every "train_FD001" asset), then every
 * word at the start of a word ("sensor_2 engine 001"), then every word anywhere ("ensor").
 */
export const filterGroups = (groups: readonly AssetGroup[], query: string): AssetGroup[] => {
  const tokens = filterTokens(query);
  if (tokens.length === 0) return [...groups];
  const select = (match: (text: string) => boolean): AssetGroup[] => {
    const out: AssetGroup[] = [];
    for (const g of groups) {
      const signals = g.signals.filter((s) => match(searchText(s)));
      if (signals.length > 0) out.push({ asset: g.asset, signals });
    }
    return out;
  };
  if (tokens.length > 1) {
    const phrase = tokens.join(' ');
    const byPhrase = select((text) => text.includes(phrase));
    if (byPhrase.length > 0) return byPhrase;
  }
  const byWordStart = select((text) => tokens.every((t) => occursAtWordStart(text, t)));
  if (byWordStart.length > 0) return byWordStart;
  return select((text) => tokens.every((t) => text.includes(t)));
};

export const countSignals = (groups: readonly AssetGroup[]): number => groups.reduce((n, g) => n + g.signals.length, 0);

/** Most signals a filter may show expanded at once; beyond it the assets stay collapsed (2,400-signal trees). */
export const AUTO_EXPAND_LIMIT = 300;

/**
 * Whether an asset is drawn open: explicitly toggled assets follow the toggle. While a filter is active and
 * narrow enough, an asset opens by itself when the filter singled out some of its signals; an asset that
 * matched as a whole (the filter named the asset) stays closed, like any asset without a filter.
 */
export const isExpanded = (
  asset: string,
  toggled: ReadonlyMap<string, boolean>,
  filterActive: boolean,
  matchingSignals: number,
  partialMatch: boolean,
): boolean => {
  const explicit = toggled.get(asset);
  if (explicit !== undefined) return explicit;
  return filterActive && partialMatch && matchingSignals <= AUTO_EXPAND_LIMIT;
};
