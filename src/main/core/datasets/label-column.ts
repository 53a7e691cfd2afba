import { anomalyRuleOf, type DatasetConfig, type LabelColumn } from '../../../shared/training.js';
import type { AssetSeries } from './series.js';

/**
 * A label column (see LabelColumnSchema) travels with the signals: it is read on the same grid, in the same request,
 * so the dataset's content hash covers the labels too (a changed label changes the snapshot), and then it is taken
 * off before anything else sees the series: it is never filled by the gap policy, normalised or a model input.
 */

/** The label column the dataset's labels come from, or null. */
export const labelColumnOf = (def: Pick<DatasetConfig, 'label'>): LabelColumn | null =>
  def.label.kind === 'anomaly' && anomalyRuleOf(def.label) === 'column' ? (def.label.column ?? null) : null;

/** The tags a dataset reads: its signals, then its label column. */
export const datasetTags = (def: Pick<DatasetConfig, 'label' | 'signals'>): string[] => {
  const column = labelColumnOf(def);
  return column === null ? [...def.signals] : [...def.signals, column.tag];
};

/**
 * The series without its label column, and the column's values by asset. A state holds until the next reading,
 * so an empty grid slot takes the last code before it (a slot before the first reading stays unlabelled).
 */
export const takeLabelColumn = (
  series: readonly AssetSeries[],
  def: Pick<DatasetConfig, 'label' | 'signals'>,
): { series: AssetSeries[]; columns: Map<string, Float64Array> } => {
  const columns = new Map<string, Float64Array>();
  if (labelColumnOf(def) === null) return { series: [...series], columns };
  const k = def.signals.length;
  return {
    series: series.map((a) => {
      const raw = a.values[k] ?? new Float64Array(a.t.length).fill(NaN);
      const held = new Float64Array(raw.length);
      let last = NaN;
      for (let i = 0; i < raw.length; i += 1) {
        const v = raw[i] as number;
        if (Number.isFinite(v)) last = v;
        held[i] = last;
      }
      columns.set(a.asset, held);
      return { ...a, values: a.values.slice(0, k) };
    }),
    columns,
  };
};
