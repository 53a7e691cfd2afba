import { z } from 'zod';
import { DatasetConfigSchema, type DatasetConfig } from '../../../shared/training.js';
import { applyGapPolicy, dropMissingInputs, gridGap } from './gaps.js';
import { failureTimes, labelSteps, lifeInputsOf, type FailureTimes } from './labels.js';
import { applyNormalisation, type Normalisation } from './normalise.js';
import { datasetTags, takeLabelColumn } from './label-column.js';
import { DatasetError, datasetContentHash, resolveAssets, type DatasetSource } from './prepare.js';
import { modelInputSeries, type AssetEvent, type AssetSeries } from './series.js';
import type { Smoothing } from '../../../shared/model-inputs.js';
import { makeWindows, type WindowSet } from './windows.js';

/**
 * What the `datasets` table stores as a snapshot's definition: the dataset part of a training config and the
 * split seed, exactly what the content hash starts with (datasetContentHash), so the snapshot can be rebuilt
 * from the workspace and checked.
 */
export const SnapshotDefinitionSchema = z.object({ dataset: DatasetConfigSchema, seed: z.number().int() });
export type SnapshotDefinition = z.infer<typeof SnapshotDefinitionSchema>;

/** A snapshot's data as loaded from the workspace (raw values: not smoothed, not normalised). */
export interface SnapshotData {
  readonly id: string;
  readonly contentHash: string;
  readonly definition: SnapshotDefinition;
  readonly assets: string[];
  readonly timeKind: 'timestamp' | 'cycle';
  readonly series: AssetSeries[];
  readonly events: AssetEvent[];
  /** Labelled windows the snapshot gives with its own window length and stride. */
  readonly windows: number;
}

/** Labelled windows of one asset that the gap policy keeps. */
const keptWindows = (series: AssetSeries, labels: Float64Array, def: DatasetConfig): number => {
  const kept = applyGapPolicy(series, labels, def).report;
  return kept.windows - kept.droppedMissing - kept.droppedSyntheticEnd;
};

/**
 * Load a snapshot's assets and signals from the workspace and hash them, refusing what training would refuse
 * (unknown assets or signals, mixed time axes, NaN, gaps under "reject", windows longer than an asset).
 * Unlike a training dataset there is no split: every asset is scored, and one asset is enough.
 */
export const loadSnapshotData = async (
  source: DatasetSource,
  definition: SnapshotDefinition,
): Promise<SnapshotData> => {
  const def = definition.dataset;
  const catalogue = await source.signals();
  const assets = resolveAssets(def.assets, [...new Set(catalogue.map((s) => s.asset))], 'dataset.assets');
  const rows = def.signals.flatMap((tag) => {
    const found = catalogue.filter((s) => s.tag === tag && assets.includes(s.asset));
    const lacking = assets.filter((a) => !found.some((r) => r.asset === a));
    if (lacking.length > 0)
      throw new DatasetError(
        `unknown signal "${tag}" on asset "${lacking[0] ?? ''}"${lacking.length > 1 ? ` and ${lacking.length - 1} more` : ''}`,
      );
    return found;
  });
  const timeKinds = new Set(rows.map((r) => r.timeKind));
  if (timeKinds.size > 1)
    throw new DatasetError('signals mix a timestamp axis and a cycle axis; choose signals on one axis');
  let series: AssetSeries[];
  try {
    series = await source.gridSeries({
      assets,
      tags: datasetTags(def),
      from: def.from,
      to: def.to,
      period: def.resample.period,
      gap: gridGap(def.resample),
    });
  } catch (error) {
    throw new DatasetError(error instanceof Error ? error.message : String(error));
  }
  for (const a of series) {
    if (a.t.length < def.window.length) {
      throw new DatasetError(
        `window length ${def.window.length} is longer than the shortest asset: "${a.asset}" has ${a.t.length} steps`,
      );
    }
  }
  const events = await source.events(assets);
  const contentHash = datasetContentHash(def, definition.seed, series, events);
  // `series` keeps the label column (if any) as read: the content hash covers it, as training's does.
  const taken = takeLabelColumn(series, def);
  const windows = taken.series.reduce(
    (n, a) => n + keptWindows(a, labelSteps(a, events, def.label, undefined, taken.columns.get(a.asset)), def),
    0,
  );
  return {
    id: `ds-${contentHash.slice(0, 16)}`,
    contentHash,
    definition,
    assets,
    timeKind: [...timeKinds][0] ?? 'cycle',
    series,
    events,
    windows,
  };
};

/** How a run's model reads its input: the run's own preprocessing, applied unchanged to the snapshot's data. */
export interface ModelInput {
  readonly features: readonly string[];
  readonly smoothing: Smoothing;
  /** Whether the model reads the asset's age in its life (after the smoothed signals and their changes). */
  readonly age: boolean;
  /** Grid steps of each life's baseline, when the model reads each signal's change from it (else null). */
  readonly baseline: number | null;
  /** The run's stored statistics (fitted on its training assets); never refitted on the snapshot. */
  readonly normalisation: Normalisation;
  readonly length: number;
}

/** Every labelled window of the snapshot (its stride), as the run's model expects them, with each asset's failure time. */
export const snapshotWindows = (
  data: SnapshotData,
  input: ModelInput,
): { windows: WindowSet; failures: FailureTimes[] } => {
  const def: DatasetConfig = data.definition.dataset;
  const columns = input.features.map((f) => {
    const k = def.signals.indexOf(f);
    if (k < 0) throw new DatasetError(`dataset ${data.id} lacks signal "${f}", which the model needs`);
    return k;
  });
  // The snapshot's own gap policy, on its windows of the model's length.
  // RUL truth uncapped, the capped labels beside it (see WindowSet.truth).
  const cap = def.label.kind === 'rul' ? def.label.cap : null;
  const label = def.label.kind === 'rul' ? { ...def.label, cap: null } : def.label;
  const taken = takeLabelColumn(data.series, def);
  const gapped = taken.series.map((a) =>
    applyGapPolicy(a, labelSteps(a, data.events, label, undefined, taken.columns.get(a.asset)), {
      resample: def.resample,
      window: { length: input.length, stride: def.window.stride },
    }),
  );
  const picked = (a: AssetSeries): AssetSeries => ({ ...a, values: columns.map((k) => a.values[k] as Float64Array) });
  const lives = new Map(
    taken.series.map((a) => [a.asset, lifeInputsOf(picked(a), data.events, input, def.resample.period)] as const),
  );
  const ready = gapped.map(({ series: a }) =>
    applyNormalisation(modelInputSeries(picked(a), input, lives.get(a.asset) ?? null), input.normalisation),
  );
  const windows = makeWindows(
    ready,
    ready.map(
      (a, i) => dropMissingInputs(a, gapped[i]?.labels ?? new Float64Array(0), input.length, def.window.stride).labels,
    ),
    input.length,
    def.window.stride,
    'all',
  );
  return {
    windows: cap === null ? windows : { ...windows, y: windows.y.map((v) => Math.min(v, cap)), truth: windows.y },
    failures: data.series.map((a) => failureTimes(a, data.events, def.label.failureAt)),
  };
};
