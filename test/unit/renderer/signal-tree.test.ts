import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../src/shared/domain.js';
import {
  AUTO_EXPAND_LIMIT,
  countSignals,
  filterGroups,
  groupByAsset,
  isExpanded,
} from '../../../src/renderer/logic/signal-tree.js';
import { MAX_PICKED, prunePicked, togglePick } from '../../../src/renderer/logic/selection.js';

let nextId = 0;
const signal = (asset: string, tag: string, extra: Partial<Signal> = {}): Signal => ({
  id: nextId++,
  asset,
  tag,
  unit: null,
  samplePeriod: null,
  validMin: null,
  validMax: null,
  source: 'test',
  timeKind: 'cycle',
  count: 1,
  firstT: 1,
  lastT: 2,
  ...extra,
});

/** A C-MAPSS-sized tree: 100 engines with 3 settings and 21 sensors each. */
const cmapss = (): Signal[] => {
  const out: Signal[] = [];
  for (let e = 100; e >= 1; e--) {
    const asset = `train_FD001 engine ${String(e).padStart(3, '0')}`;
    for (let s = 21; s >= 1; s--) out.push(signal(asset, `sensor_${s}`));
    for (let s = 1; s <= 3; s++) out.push(signal(asset, `setting_${s}`));
  }
  return out;
};

describe('groupByAsset', () => {
  it('groups by asset in natural order', () => {
    const groups = groupByAsset(cmapss());
    expect(groups).toHaveLength(100);
    expect(groups[0]?.asset).toBe('train_FD001 engine 001');
    expect(groups[99]?.asset).toBe('train_FD001 engine 100');
    expect(groups[0]?.signals.map((s) => s.tag).slice(0, 4)).toEqual(['sensor_1', 'sensor_2', 'sensor_3', 'sensor_4']);
    expect(countSignals(groups)).toBe(2400);
  });

  it('orders numbers inside names naturally', () => {
    const groups = groupByAsset([signal('pump 10', 'x'), signal('pump 9', 'x'), signal('Pump 1', 'x')]);
    expect(groups.map((g) => g.asset)).toEqual(['Pump 1', 'pump 9', 'pump 10']);
  });
});

describe('filterGroups', () => {
  const groups = groupByAsset([
    ...cmapss(),
    signal('Pump A', 'bearing_temp', { unit: '°C' }),
    signal('Pump A', 'flow', { unit: 'm3/h' }),
  ]);

  it('keeps everything for an empty filter', () => {
    expect(filterGroups(groups, '   ')).toHaveLength(101);
  });

  it('matches tags, assets and units case-insensitively, every word', () => {
    expect(countSignals(filterGroups(groups, 'SENSOR_21'))).toBe(100);
    expect(countSignals(filterGroups(groups, 'pump flow'))).toBe(1);
    expect(filterGroups(groups, '°c').map((g) => g.asset)).toEqual(['Pump A']);
    expect(filterGroups(groups, 'nothing-like-this')).toEqual([]);
  });

  it('prefers the typed phrase over scattered words', () => {
    // "001" also occurs in every "train_FD001": the phrase keeps the filter on engine 001.
    expect(filterGroups(groups, 'engine 001').map((g) => g.asset)).toEqual(['train_FD001 engine 001']);
    expect(countSignals(filterGroups(groups, 'Engine  001'))).toBe(24);
    expect(countSignals(filterGroups(groups, 'engine 001 sensor_2'))).toBe(3); // sensor_2, sensor_20, sensor_21
    expect(countSignals(filterGroups(groups, 'sensor_2 engine 001'))).toBe(3); // no such phrase: every word
    expect(countSignals(filterGroups(groups, '001'))).toBe(24); // word start beats "fd001"
    expect(countSignals(filterGroups(groups, 'ensor_21'))).toBe(100); // anywhere, as a last resort
  });

  it('opens assets the filter singled signals out of, while the result stays small', () => {
    const toggled = new Map<string, boolean>();
    expect(isExpanded('x', toggled, false, 5, true)).toBe(false);
    expect(isExpanded('x', toggled, true, 5, true)).toBe(true);
    // The filter named the asset as a whole: it stays closed, a click opens it.
    expect(isExpanded('x', toggled, true, 24, false)).toBe(false);
    expect(isExpanded('x', toggled, true, AUTO_EXPAND_LIMIT + 1, true)).toBe(false);
    expect(isExpanded('x', new Map([['x', false]]), true, 5, true)).toBe(false);
    expect(isExpanded('x', new Map([['x', true]]), false, 5000, false)).toBe(true);
  });
});

describe('togglePick', () => {
  const a = signal('A', 'a');
  const b = signal('A', 'b');
  const t = signal('B', 'ts', { timeKind: 'timestamp' });
  const byId = new Map([a, b, t].map((s) => [s.id, s]));

  it('adds and removes', () => {
    const added = togglePick([], a, byId);
    expect(added).toEqual({ picked: [a.id], notice: null });
    expect(togglePick(added.picked, a, byId).picked).toEqual([]);
  });

  it('refuses a ninth signal', () => {
    const many = Array.from({ length: MAX_PICKED }, (_, i) => signal('M', `m${i}`));
    const map = new Map([...many, a].map((s) => [s.id, s]));
    const result = togglePick(
      many.map((s) => s.id),
      a,
      map,
    );
    expect(result.picked).toHaveLength(MAX_PICKED);
    expect(result.notice).toMatch(/at most 8/);
  });

  it('starts over when the time axis differs', () => {
    const result = togglePick([a.id, b.id], t, byId);
    expect(result.picked).toEqual([t.id]);
    expect(result.notice).not.toBeNull();
  });

  it('prunes picks of vanished signals', () => {
    const picked = [a.id, 9999];
    expect(prunePicked(picked, byId)).toEqual([a.id]);
    const same = [a.id];
    expect(prunePicked(same, byId)).toBe(same);
  });
});
