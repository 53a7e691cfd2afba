import { memo, useDeferredValue, useMemo, useState } from 'react';
import type { Signal } from '../../shared/domain.js';
import { MAX_PICKED } from '../logic/selection.js';
import { countSignals, filterGroups, groupByAsset, isExpanded, type AssetGroup } from '../logic/signal-tree.js';
import { formatCount } from '../logic/time-format.js';

export interface SignalTreeProps {
  readonly signals: readonly Signal[];
  readonly picked: readonly number[];
  readonly selectedId: number | null;
  readonly focusedAsset: string | null;
  readonly loading: boolean;
  readonly onTogglePick: (signal: Signal) => void;
  readonly onSelect: (signal: Signal) => void;
  readonly onFocusAsset: (asset: string) => void;
  readonly onClearPicked: () => void;
}

interface AssetNodeProps {
  readonly group: AssetGroup;
  readonly expanded: boolean;
  readonly focused: boolean;
  readonly pickedSet: ReadonlySet<number>;
  readonly pickedCount: number;
  readonly full: boolean;
  readonly selectedId: number | null;
  readonly onToggleExpand: (asset: string) => void;
  readonly onTogglePick: (signal: Signal) => void;
  readonly onSelect: (signal: Signal) => void;
}

const AssetNode = memo(function AssetNode({
  group,
  expanded,
  focused,
  pickedSet,
  pickedCount,
  full,
  selectedId,
  onToggleExpand,
  onTogglePick,
  onSelect,
}: AssetNodeProps) {
  return (
    <li className={`tree-asset${focused ? ' focused' : ''}`}>
      <button
        type="button"
        className="tree-asset-toggle"
        aria-expanded={expanded}
        data-testid={`asset-${group.asset}`}
        onClick={() => onToggleExpand(group.asset)}
        title={group.asset}
      >
        <span className="chevron" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <span className="tree-asset-name">{group.asset}</span>
        {pickedCount > 0 ? <span className="pill picked">{pickedCount}</span> : null}
        <span className="pill">{group.signals.length}</span>
      </button>
      {expanded ? (
        <ul className="tree-signals" role="group" aria-label={group.asset}>
          {group.signals.map((s) => {
            const checked = pickedSet.has(s.id);
            const inputId = `pick-${s.id}`;
            return (
              <li key={s.id} className={`tree-signal${selectedId === s.id ? ' selected' : ''}`}>
                <input
                  id={inputId}
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && full}
                  title={!checked && full ? `At most ${MAX_PICKED} signals on the chart` : 'Show on chart'}
                  aria-label={`Show ${group.asset} / ${s.tag} on chart`}
                  data-testid={`signal-${s.id}`}
                  onChange={() => onTogglePick(s)}
                />
                <button
                  type="button"
                  className="tree-signal-name"
                  onClick={() => onSelect(s)}
                  aria-pressed={selectedId === s.id}
                  title={`${s.tag}: ${formatCount(s.count)} readings${s.timeKind === 'cycle' ? ' (cycle axis)' : ''}. Click to edit properties.`}
                  data-testid={`tree-name-${s.id}`}
                >
                  {s.tag}
                </button>
                {s.unit ? <span className="unit">{s.unit}</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </li>
  );
});

/** Signals grouped by asset: collapsed by default, only expanded assets render their rows. */
export function SignalTree({
  signals,
  picked,
  selectedId,
  focusedAsset,
  loading,
  onTogglePick,
  onSelect,
  onFocusAsset,
  onClearPicked,
}: SignalTreeProps) {
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const [toggled, setToggled] = useState<ReadonlyMap<string, boolean>>(new Map());
  const groups = useMemo(() => groupByAsset(signals), [signals]);
  const filtered = useMemo(() => filterGroups(groups, deferredFilter), [groups, deferredFilter]);
  const filterActive = deferredFilter.trim() !== '';
  const matching = countSignals(filtered);
  const pickedSet = useMemo(() => new Set(picked), [picked]);
  const full = picked.length >= MAX_PICKED;

  const pickedPerAsset = useMemo(() => {
    const counts = new Map<string, number>();
    for (const s of signals) if (pickedSet.has(s.id)) counts.set(s.asset, (counts.get(s.asset) ?? 0) + 1);
    return counts;
  }, [signals, pickedSet]);

  const totals = useMemo(() => new Map(groups.map((g) => [g.asset, g.signals.length])), [groups]);
  const expanded = (g: AssetGroup) =>
    isExpanded(g.asset, toggled, filterActive, matching, g.signals.length < (totals.get(g.asset) ?? 0));

  const onToggleExpand = (asset: string) => {
    const group = filtered.find((g) => g.asset === asset);
    const open = group === undefined ? false : expanded(group);
    setToggled((prev) => new Map(prev).set(asset, !open));
    onFocusAsset(asset);
  };

  return (
    <div className="signal-tree">
      <div className="tree-header">
        <input
          type="search"
          className="tree-filter"
          placeholder="Filter signals (asset, tag, unit)"
          aria-label="Filter signals"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="signal-filter"
        />
        <div className="tree-summary">
          <span>
            {filterActive
              ? `${matching} of ${signals.length} signals in ${filtered.length} assets`
              : `${signals.length} signals in ${groups.length} assets`}
          </span>
          <span className={full ? 'warn-text' : undefined}>
            {picked.length}/{MAX_PICKED} on chart
            {picked.length > 0 ? (
              <button type="button" className="link-button" onClick={onClearPicked} data-testid="clear-picked">
                clear
              </button>
            ) : null}
          </span>
        </div>
        <div className="tree-actions">
          <button
            type="button"
            className="link-button"
            onClick={() => setToggled(new Map(filtered.map((g) => [g.asset, true])))}
            disabled={filtered.length > 50 && !filterActive}
          >
            Expand all
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => setToggled(new Map(filtered.map((g) => [g.asset, false])))}
          >
            Collapse all
          </button>
        </div>
      </div>
      <ul className="tree" aria-label="Signals by asset" aria-busy={loading}>
        {filtered.map((g) => (
          <AssetNode
            key={g.asset}
            group={g}
            expanded={expanded(g)}
            focused={focusedAsset === g.asset}
            pickedSet={pickedSet}
            pickedCount={pickedPerAsset.get(g.asset) ?? 0}
            full={full}
            selectedId={selectedId}
            onToggleExpand={onToggleExpand}
            onTogglePick={onTogglePick}
            onSelect={onSelect}
          />
        ))}
        {!loading && signals.length === 0 ? (
          <li className="empty-state small">No signals yet. Use Import… to load a file.</li>
        ) : null}
        {signals.length > 0 && filtered.length === 0 ? (
          <li className="empty-state small">No signal matches the filter.</li>
        ) : null}
      </ul>
    </div>
  );
}
