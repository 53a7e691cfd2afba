import { createHash } from 'node:crypto';
import type { RunArtifact } from '../../../shared/run-artifact.js';
import type { AssetSelection, TrainConfig } from '../../../shared/training.js';
import { addGapReports, applyGapPolicy, emptyGapReport, gridGap, type GapReport } from './gaps.js';
import { failureTimes, labelSteps, type FailureTimes } from './labels.js';
import { applyNormalisation, fitNormalisation, type Normalisation } from './normalise.js';
import { smoothSeries, type AssetEvent, type AssetSeries } from './series.js';
import { splitAssets } from './split.js';
import { makeWindows, selectWindows, type WindowSet } from './windows.js';

/** What the dataset builder needs from a workspace (kept narrow so tests can pass a fake). */
export interface DatasetSource {
  signals(): Promise<
    readonly {
      asset: string;
      tag: string;
      unit: string | null;
      samplePeriod: number | null;
      validMin: number | null;
      validMax: number | null;
      timeKind: 'timestamp' | 'cycle';
    }[]
  >;
  gridSeries(request: {
    assets: readonly string[];
    tags: readonly string[];
    from?: number | undefined;
    to?: number | undefined;
    period: number;
    gap: 'forward-fill' | 'reject' | 'none';
  }): Promise<AssetSeries[]>;
  events(assets: readonly string[]): Promise<AssetEvent[]>;
}

export interface PreparedDataset {
  readonly id: string;
  readonly contentHash: string;
  readonly description: string;
  readonly timeKind: 'timestamp' | 'cycle';
  readonly signals: RunArtifact['signals'];
  readonly features: string[];
  readonly normalisation: Normalisation;
  readonly split: { readonly train: string[]; readonly validation: string[]; readonly evaluation: string[] };
  readonly train: WindowSet;
  readonly validation: WindowSet;
  /** Evaluation windows (labelled), or null when the config names no evaluation assets. */
  readonly evaluation: WindowSet | null;
  readonly evaluationHash: string | null;
  /** When each asset of the validation / evaluation set failed (null: it did not), by its index in `assets`. */
  readonly failures: { readonly validation: FailureTimes[]; readonly evaluation: FailureTimes[] };
  /** What the gap policy did: to the training and validation assets, and to the evaluation assets (null: none). */
  readonly gaps: { readonly training: GapReport; readonly evaluation: GapReport | null };
}

/** A prepared dataset without its windows: what the main thread keeps of a dataset the training worker built. */
export type PreparedSummary = Omit<PreparedDataset, 'train' | 'validation' | 'evaluation'> & {
  readonly train: { readonly n: number };
  readonly validation: { readonly n: number };
  readonly evaluation: { readonly n: number } | null;
};

export const summariseDataset = ({ train, validation, evaluation, ...rest }: PreparedDataset): PreparedSummary => ({
  ...rest,
  train: { n: train.n },
  validation: { n: validation.n },
  evaluation: evaluation === null ? null : { n: evaluation.n },
});

/** A refused configuration: the message names the problem; nothing has been trained. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

export const resolveAssets = (selection: AssetSelection, known: readonly string[], role: string): string[] => {
  if (selection.names !== undefined) {
    const missing = selection.names.filter((n) => !known.includes(n));
    if (missing.length > 0)
      throw new DatasetError(
        `unknown asset${missing.length > 1 ? 's' : ''} in ${role}: ${missing
          .slice(0, 5)
          .map((n) => `"${n}"`)
          .join(', ')}`,
      );
    return [...selection.names];
  }
  const prefix = selection.prefix ?? '';
  const found = known.filter((n) => n.startsWith(prefix)).sort();
  if (found.length === 0) throw new DatasetError(`empty split: no asset name starts with "${prefix}" (${role})`);
  return found;
};

const hashSeries = (
  hash: ReturnType<typeof createHash>,
  series: readonly AssetSeries[],
  events: readonly AssetEvent[],
) => {
  for (const a of series) {
    hash.update(a.asset);
    hash.update(new Uint8Array(a.t.buffer, a.t.byteOffset, a.t.byteLength));
    for (const v of a.values) hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  hash.update(JSON.stringify(events));
};

/**
 * The definition as hashed: gap-policy settings at their defaults are left out, so snapshots and runs made before
 * those settings existed keep their hashes (and can still be rebuilt and re-evaluated).
 */
const hashedDefinition = (definition: TrainConfig['dataset']): unknown => {
  const { fillLimit, maxMissing, windowsEnd, ...resample } = definition.resample;
  return {
    ...definition,
    resample: {
      ...resample,
      ...(fillLimit === null ? {} : { fillLimit }),
      ...(maxMissing === 1 ? {} : { maxMissing }),
      ...(windowsEnd === 'reading' ? {} : { windowsEnd }),
    },
  };
};

/**
 * The content hash of a dataset snapshot: its definition and split seed, then every value and event of its
 * assets (in asset-name order). Training and `datasets create` both use it, so a snapshot saved in the
 * `datasets` table can be rebuilt from the workspace and checked against its hash.
 */
export const datasetContentHash = (
  definition: TrainConfig['dataset'],
  seed: number,
  series: readonly AssetSeries[],
  events: readonly AssetEvent[],
): string => {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ dataset: hashedDefinition(definition), seed }));
  hashSeries(hash, series, events);
  return hash.digest('hex');
};

/**
 * Turn a training config into windows ready for a model, refusing bad configs before any training starts:
 * unknown assets or signals, mixed time axes, train/evaluation overlap, windows longer than the shortest
 * asset, NaN in the data, empty splits. The content hash covers the definition and every value used, so a
 * run records exactly what it saw.
 */
export const prepareDataset = async (
  source: DatasetSource,
  config: TrainConfig,
  finalRul: readonly number[] | null,
): Promise<PreparedDataset> => {
  const def = config.dataset;
  const catalogue = await source.signals();
  const knownAssets = [...new Set(catalogue.map((s) => s.asset))];
  const trainAssets = resolveAssets(def.assets, knownAssets, 'dataset.assets');
  const evalAssets =
    config.evaluation === undefined ? [] : resolveAssets(config.evaluation.assets, knownAssets, 'evaluation.assets');
  const overlap = evalAssets.filter((a) => trainAssets.includes(a));
  if (overlap.length > 0) {
    throw new DatasetError(
      `asset "${overlap[0] ?? ''}" is in both training and evaluation assets: the split must be by asset`,
    );
  }
  if (trainAssets.length < 2)
    throw new DatasetError('empty split: training needs at least 2 assets (one or more is held out for validation)');

  const signalRows = def.signals.map((tag) => {
    const rows = catalogue.filter(
      (s) => s.tag === tag && (trainAssets.includes(s.asset) || evalAssets.includes(s.asset)),
    );
    if (rows.length === 0) throw new DatasetError(`unknown signal "${tag}": no selected asset has it`);
    const lacking = [...trainAssets, ...evalAssets].filter((a) => !rows.some((r) => r.asset === a));
    if (lacking.length > 0)
      throw new DatasetError(
        `unknown signal "${tag}" on asset "${lacking[0] ?? ''}"${lacking.length > 1 ? ` and ${lacking.length - 1} more` : ''}`,
      );
    return rows;
  });
  const timeKinds = new Set(signalRows.flat().map((r) => r.timeKind));
  if (timeKinds.size > 1)
    throw new DatasetError('signals mix a timestamp axis and a cycle axis; choose signals on one axis');
  const timeKind = [...timeKinds][0] ?? 'cycle';
  if (finalRul !== null && finalRul.length !== evalAssets.length) {
    throw new DatasetError(
      `evaluation.finalRul has ${finalRul.length} values for ${evalAssets.length} evaluation assets`,
    );
  }

  const load = (assets: readonly string[]) =>
    assets.length === 0
      ? Promise.resolve([])
      : source.gridSeries({
          assets,
          tags: def.signals,
          from: def.from,
          to: def.to,
          period: def.resample.period,
          gap: gridGap(def.resample),
        });
  let trainSeries: AssetSeries[];
  let evalSeries: AssetSeries[];
  try {
    trainSeries = await load(trainAssets);
    evalSeries = await load(evalAssets);
  } catch (error) {
    throw new DatasetError(error instanceof Error ? error.message : String(error));
  }
  for (const a of [...trainSeries, ...evalSeries]) {
    if (a.t.length < def.window.length) {
      throw new DatasetError(
        `window length ${def.window.length} is longer than the shortest asset: "${a.asset}" has ${a.t.length} steps`,
      );
    }
  }
  const events = await source.events([...trainAssets, ...evalAssets]);

  const seed = config.training.seed;
  const split = splitAssets(trainAssets, def.validationFraction, seed);
  const byName = new Map(trainSeries.map((a) => [a.asset, a]));
  const pick = (names: readonly string[]) => names.map((n) => byName.get(n) as AssetSeries);

  const smoothed = (list: readonly AssetSeries[]) => list.map((a) => smoothSeries(a, def.smoothing));
  // Labels come from the raw grid's times; the gap policy then fills values and drops the windows it does not keep.
  const uncapped = def.label.kind === 'rul' ? { ...def.label, cap: null } : def.label;
  const gapped = (list: readonly AssetSeries[], which: 'all' | 'last', rul?: readonly number[], label = def.label) =>
    list.map((a, i) => applyGapPolicy(a, labelSteps(a, events, label, rul?.[i]), def, which));
  const fitOn = smoothed(gapped(pick(split.train), 'all').map((g) => g.series));
  const normalisation = fitNormalisation(def.normalisation, fitOn, def.signals.length);
  const ready = (list: readonly AssetSeries[]) => smoothed(list).map((a) => applyNormalisation(a, normalisation));
  const sum = (reports: readonly GapReport[]) => reports.reduce(addGapReports, emptyGapReport);

  const windows = (list: readonly AssetSeries[], which: 'all' | 'last', rul?: readonly number[]) => {
    const parts = gapped(list, which, rul, uncapped);
    const set = makeWindows(
      ready(parts.map((g) => g.series)),
      parts.map((g) => g.labels),
      def.window.length,
      def.window.stride,
      which,
    );
    // RUL is labelled uncapped (a cap changes no label's NaN-ness, so the windows are the same) and capped here.
    const cap = def.label.kind === 'rul' ? def.label.cap : null;
    const capped: WindowSet = cap === null ? set : { ...set, y: set.y.map((v) => Math.min(v, cap)), truth: set.y };
    return { set: capped, report: sum(parts.map((g) => g.report)) };
  };
  const trainPart = windows(pick(split.train), 'all');
  const validationPart = windows(pick(split.validation), 'all');
  let train = trainPart.set;
  let validation = validationPart.set;
  // An autoencoder learns normal behaviour only; validation keeps both kinds to choose the threshold.
  if (def.label.kind === 'anomaly') train = selectWindows(train, (i) => train.y[i] === 0);
  if (train.n === 0) throw new DatasetError('empty split: the training assets give no labelled windows');
  if (validation.n === 0) throw new DatasetError('empty split: the validation assets give no labelled windows');
  if (def.label.kind === 'failure-horizon' && !train.y.some((v) => v === 1)) {
    throw new DatasetError(
      'empty split: no training window precedes a failure within the horizon (no failure events?)',
    );
  }
  if (def.label.kind === 'anomaly') validation = selectWindows(validation, () => true);
  const evaluationPart =
    config.evaluation === undefined ? null : windows(evalSeries, config.evaluation.windows, finalRul ?? undefined);
  const evaluation = evaluationPart?.set ?? null;
  if (evaluation !== null && evaluation.n === 0)
    throw new DatasetError('empty split: the evaluation assets give no labelled windows');

  const contentHash = datasetContentHash(
    def,
    seed,
    trainSeries,
    events.filter((e) => trainAssets.includes(e.asset)),
  );
  let evaluationHash: string | null = null;
  if (config.evaluation !== undefined) {
    const evalHash = createHash('sha256');
    evalHash.update(JSON.stringify({ evaluation: config.evaluation, finalRul }));
    hashSeries(
      evalHash,
      evalSeries,
      events.filter((e) => evalAssets.includes(e.asset)),
    );
    evaluationHash = evalHash.digest('hex');
  }
  const first = (tag: string) => catalogue.find((s) => s.tag === tag && s.asset === trainAssets[0]);
  return {
    id: `ds-${contentHash.slice(0, 16)}`,
    contentHash,
    description: `${trainAssets.length} assets (${split.train.length} train, ${split.validation.length} validation), ${def.signals.length} signals, windows of ${def.window.length}`,
    timeKind,
    signals: def.signals.map((tag) => {
      const s = first(tag);
      return {
        asset: null,
        tag,
        unit: s?.unit ?? null,
        samplePeriod: def.resample.period,
        validMin: s?.validMin ?? null,
        validMax: s?.validMax ?? null,
        missingPolicy: def.resample.gap === 'reject' ? 'reject' : 'forward-fill',
        badQuality: 'missing' as const,
        fillLimit: def.resample.fillLimit,
        maxMissing: def.resample.maxMissing,
        windowsEnd: def.resample.windowsEnd,
      };
    }),
    features: [...def.signals],
    normalisation,
    split: { train: split.train, validation: split.validation, evaluation: evalAssets },
    train,
    validation,
    evaluation,
    evaluationHash,
    failures: {
      validation: pick(split.validation).map((a) => failureTimes(a, events, def.label.failureAt)),
      evaluation: evalSeries.map((a, i) => failureTimes(a, events, def.label.failureAt, finalRul?.[i])),
    },
    gaps: {
      training: addGapReports(trainPart.report, validationPart.report),
      evaluation: evaluationPart?.report ?? null,
    },
  };
};
