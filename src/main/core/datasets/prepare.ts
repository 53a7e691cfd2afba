import { createHash } from 'node:crypto';
import type { RunArtifact } from '../../../shared/run-artifact.js';
import { describeLabels } from '../../../shared/label-rule.js';
import {
  anomalyRuleOf,
  type AssetSelection,
  type LabelConfig,
  type SplitConfig,
  type TrainConfig,
} from '../../../shared/training.js';
import { addGapReports, applyGapPolicy, dropMissingInputs, emptyGapReport, gridGap, type GapReport } from './gaps.js';
import { failureTimes, labelSteps, lifeInputsOf, type FailureTimes } from './labels.js';
import { applyNormalisation, fitNormalisation, type Normalisation } from './normalise.js';
import { modelInputSeries, type AssetEvent, type AssetSeries } from './series.js';
import { modelInputCount, modelInputNames } from '../../../shared/model-inputs.js';
import type { RunScope } from '../../../shared/run-scope.js';
import { scopeOf } from './scope.js';
import { datasetTags, labelColumnOf, takeLabelColumn } from './label-column.js';
import { splitAssets } from './split.js';
import { splitByTime, TimeSplitError, type LabelledPart, type TimeCut } from './time-split.js';
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
  /** The signals the model reads (its data contract), in the dataset's order. */
  readonly features: string[];
  /** The model's inputs derived from them (model-inputs.ts): `features` itself unless several rates or the age. */
  readonly inputs: string[];
  /** Per input, in the order of `inputs`. */
  readonly normalisation: Normalisation;
  /** Assets on each side; split by time, every asset is on every side (its parts are cut in time, see timeCuts). */
  readonly split: { readonly train: string[]; readonly validation: string[]; readonly evaluation: string[] };
  /** Split by time: where each asset's validation and evaluation parts begin; empty for a split by asset. */
  readonly timeCuts: readonly TimeCut[];
  readonly train: WindowSet;
  readonly validation: WindowSet;
  /** Evaluation windows (labelled), or null when the config names no evaluation assets. */
  readonly evaluation: WindowSet | null;
  readonly evaluationHash: string | null;
  /** When each asset of the validation / evaluation set failed (null: it did not), by its index in `assets`. */
  readonly failures: { readonly validation: FailureTimes[]; readonly evaluation: FailureTimes[] };
  /** What the run's headline figures are computed on: the evaluation windows, else the validation windows. */
  readonly scope: RunScope;
  /** How the rows were labelled, in words, and which assets were taken to fail at their last reading. */
  readonly labelling: Labelling;
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
 * The definition as hashed: gap-policy settings and the age input at their defaults are left out, so snapshots and
 * runs made before those settings existed keep their hashes (and can still be rebuilt and re-evaluated).
 */
const hashedDefinition = (definition: TrainConfig['dataset']): unknown => {
  const { fillLimit, maxMissing, windowsEnd, ...resample } = definition.resample;
  const { age, baseline, ...rest } = definition;
  return {
    ...rest,
    ...(age ? { age } : {}),
    ...(baseline === null ? {} : { baseline }),
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
  if (def.split?.kind === 'time' && config.evaluation !== undefined) {
    throw new DatasetError(
      'dataset.split "time" evaluates on the later part of each asset: remove the "evaluation" block, or split by asset',
    );
  }
  const overlap = evalAssets.filter((a) => trainAssets.includes(a));
  if (overlap.length > 0) {
    throw new DatasetError(
      `asset "${overlap[0] ?? ''}" is in both training and evaluation assets: the split must be by asset`,
    );
  }
  if (trainAssets.length < 2 && def.split?.kind !== 'time')
    throw new DatasetError(
      'empty split: training needs at least 2 assets (one or more is held out for validation), or a split by time (dataset.split: {"kind": "time", "trainFraction": 0.7})',
    );

  const column = labelColumnOf(def);
  if (column !== null) checkLabelColumn(column.tag, def.signals, catalogue, [...trainAssets, ...evalAssets]);
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
          tags: datasetTags(def),
          from: def.from,
          to: def.to,
          period: def.resample.period,
          gap: gridGap(def.resample),
        });
  // As read (with the label column, if any: the content hashes cover the labels) and without it (everything else).
  let trainLoaded: AssetSeries[];
  let evalLoaded: AssetSeries[];
  try {
    trainLoaded = await load(trainAssets);
    evalLoaded = await load(evalAssets);
  } catch (error) {
    throw new DatasetError(error instanceof Error ? error.message : String(error));
  }
  const trainTaken = takeLabelColumn(trainLoaded, def);
  const evalTaken = takeLabelColumn(evalLoaded, def);
  const trainSeries = trainTaken.series;
  const evalSeries = evalTaken.series;
  const labelColumns = new Map([...trainTaken.columns, ...evalTaken.columns]);
  for (const a of [...trainSeries, ...evalSeries]) {
    if (a.t.length < def.window.length) {
      throw new DatasetError(
        `window length ${def.window.length} is longer than the shortest asset: "${a.asset}" has ${a.t.length} steps`,
      );
    }
  }
  const events = await source.events([...trainAssets, ...evalAssets]);

  const seed = config.training.seed;
  const byTime = def.split?.kind === 'time';
  const byName = new Map(trainSeries.map((a) => [a.asset, a]));
  const pick = (names: readonly string[]) => names.map((n) => byName.get(n) as AssetSeries);
  // Labels on each whole record (a failure after a time cut still sets the RUL before it), uncapped: RUL is capped
  // below, and a cap changes no label's NaN-ness, so the gap policy keeps the same windows either way.
  const uncapped = def.label.kind === 'rul' ? { ...def.label, cap: null } : def.label;
  const labelled = (list: readonly AssetSeries[], rul?: readonly number[]): LabelledPart[] =>
    list.map((a, i) => ({ series: a, labels: labelSteps(a, events, uncapped, rul?.[i], labelColumns.get(a.asset)) }));
  const parts = byTime
    ? timeSplitParts(labelled(trainSeries), config, timeKind)
    : assetSplitParts(
        trainAssets,
        config,
        seed,
        (names) => labelled(pick(names)),
        labelled(evalSeries, finalRul ?? undefined),
      );
  const { split } = parts;

  // Lives come from whole records (a part cut in time keeps its age and its baseline from where the life began).
  const lives = new Map(
    [...trainSeries, ...evalSeries].map((a) => [a.asset, lifeInputsOf(a, events, def, def.resample.period)] as const),
  );
  const smoothed = (list: readonly AssetSeries[]) =>
    list.map((a) => modelInputSeries(a, def, lives.get(a.asset) ?? null));
  // The gap policy fills values and drops the windows it does not keep.
  const gapped = (list: readonly LabelledPart[], which: 'all' | 'last') =>
    list.map((p) => applyGapPolicy(p.series, p.labels, def, which));
  const fitOn = smoothed(gapped(parts.train, 'all').map((g) => g.series));
  const normalisation = fitNormalisation(def.normalisation, fitOn, modelInputCount(def.signals.length, def));
  const ready = (list: readonly AssetSeries[]) => smoothed(list).map((a) => applyNormalisation(a, normalisation));
  const sum = (reports: readonly GapReport[]) => reports.reduce(addGapReports, emptyGapReport);

  const windows = (list: readonly LabelledPart[], which: 'all' | 'last') => {
    const filled = gapped(list, which);
    const inputs = ready(filled.map((g) => g.series));
    const kept = inputs.map((a, i) =>
      dropMissingInputs(a, filled[i]?.labels ?? new Float64Array(0), def.window.length, def.window.stride, which),
    );
    const set = makeWindows(
      inputs,
      kept.map((k) => k.labels),
      def.window.length,
      def.window.stride,
      which,
    );
    const cap = def.label.kind === 'rul' ? def.label.cap : null;
    const capped: WindowSet = cap === null ? set : { ...set, y: set.y.map((v) => Math.min(v, cap)), truth: set.y };
    const reports = filled.map((g, i) => ({
      ...g.report,
      droppedMissing: g.report.droppedMissing + (kept[i]?.dropped ?? 0),
    }));
    return { set: capped, report: sum(reports) };
  };
  const trainPart = windows(parts.train, 'all');
  const validationPart = windows(parts.validation, 'all');
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
  const evaluationPart = parts.evaluation === null ? null : windows(parts.evaluation, parts.evaluationWindows);
  const evaluation = evaluationPart?.set ?? null;
  if (evaluation !== null && evaluation.n === 0)
    throw new DatasetError('empty split: the evaluation assets give no labelled windows');
  // What the headline figures are computed on, and of how many windows (only each asset's last: of all of them).
  const scoredParts = parts.evaluation ?? parts.validation;
  const scoredTotal =
    evaluationPart !== null && parts.evaluationWindows === 'last'
      ? sum(gapped(scoredParts, 'all').map((g) => g.report)).windows
      : (evaluationPart ?? validationPart).report.windows;
  const scored = evaluation ?? validation;
  const scope = scopeOf(
    scored,
    evaluation === null ? 'validation' : 'evaluation',
    byTime ? 'time' : 'assets',
    timeKind,
    scoredTotal,
    def.label.kind !== 'rul' ? 'labels' : scored.truth !== undefined || def.label.cap === null ? 'uncapped' : 'capped',
  );

  const contentHash = datasetContentHash(
    def,
    seed,
    trainLoaded,
    events.filter((e) => trainAssets.includes(e.asset)),
  );
  let evaluationHash: string | null = null;
  if (config.evaluation !== undefined) {
    const evalHash = createHash('sha256');
    evalHash.update(JSON.stringify({ evaluation: config.evaluation, finalRul }));
    hashSeries(
      evalHash,
      evalLoaded,
      events.filter((e) => evalAssets.includes(e.asset)),
    );
    evaluationHash = evalHash.digest('hex');
  } else if (parts.evaluation !== null) {
    // Split by time: the evaluation data is the later part of each asset, after its cut.
    const evalHash = createHash('sha256');
    evalHash.update(JSON.stringify({ split: def.split, cuts: parts.cuts }));
    hashSeries(
      evalHash,
      parts.evaluation.map((p) => ({ ...p.series, values: [...p.series.values, p.labels] })),
      events.filter((e) => trainAssets.includes(e.asset)),
    );
    evaluationHash = evalHash.digest('hex');
  }
  const first = (tag: string) => catalogue.find((s) => s.tag === tag && s.asset === trainAssets[0]);
  return {
    id: `ds-${contentHash.slice(0, 16)}`,
    contentHash,
    description: byTime
      ? `${trainAssets.length} asset${trainAssets.length === 1 ? '' : 's'} split by time (${describeTimeSplit(def.split)}), ${def.signals.length} signals, windows of ${def.window.length}`
      : `${trainAssets.length} assets (${split.train.length} train, ${split.validation.length} validation), ${def.signals.length} signals, windows of ${def.window.length}`,
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
    inputs: modelInputNames(def.signals, def),
    normalisation,
    split,
    timeCuts: parts.cuts,
    train,
    validation,
    evaluation,
    evaluationHash,
    failures: byTime
      ? {
          validation: partFailures(parts.validation, trainSeries, events, def.label.failureAt),
          evaluation: partFailures(parts.evaluation ?? [], trainSeries, events, def.label.failureAt),
        }
      : {
          validation: pick(split.validation).map((a) => failureTimes(a, events, def.label.failureAt)),
          evaluation: evalSeries.map((a, i) => failureTimes(a, events, def.label.failureAt, finalRul?.[i])),
        },
    scope,
    labelling: labelling(def.label, timeKind, trainSeries, finalRul === null ? evalSeries : [], events),
    gaps: {
      training: addGapReports(trainPart.report, validationPart.report),
      evaluation: evaluationPart?.report ?? null,
    },
  };
};

/** The labelled parts of a split by asset: whole assets on each side, the evaluation assets apart. */
interface SplitParts {
  readonly split: { readonly train: string[]; readonly validation: string[]; readonly evaluation: string[] };
  readonly train: LabelledPart[];
  readonly validation: LabelledPart[];
  readonly evaluation: LabelledPart[] | null;
  readonly evaluationWindows: 'all' | 'last';
  readonly cuts: TimeCut[];
}

const assetSplitParts = (
  trainAssets: readonly string[],
  config: TrainConfig,
  seed: number,
  labelled: (names: readonly string[]) => LabelledPart[],
  evaluation: LabelledPart[],
): SplitParts => {
  const split = splitAssets(trainAssets, config.dataset.validationFraction, seed);
  const evalAssets = evaluation.map((p) => p.series.asset);
  return {
    split: { train: split.train, validation: split.validation, evaluation: evalAssets },
    train: labelled(split.train),
    validation: labelled(split.validation),
    evaluation: config.evaluation === undefined ? null : evaluation,
    evaluationWindows: config.evaluation?.windows ?? 'all',
    cuts: [],
  };
};

const timeSplitParts = (
  parts: readonly LabelledPart[],
  config: TrainConfig,
  timeKind: 'timestamp' | 'cycle',
): SplitParts => {
  const def = config.dataset;
  if (def.split?.kind !== 'time') throw new DatasetError('internal: not a split by time');
  const describe = (t: number) => (timeKind === 'cycle' ? `cycle ${t}` : new Date(t / 1000).toISOString());
  try {
    const cut = splitByTime(
      parts,
      def.split,
      def.validationFraction,
      def.window.length,
      def.label.kind === 'anomaly',
      describe,
    );
    const assets = parts.map((p) => p.series.asset);
    return {
      split: { train: assets, validation: assets, evaluation: assets },
      train: cut.train,
      validation: cut.validation,
      evaluation: cut.evaluation,
      evaluationWindows: 'all',
      cuts: cut.cuts,
    };
  } catch (error) {
    if (error instanceof TimeSplitError) throw new DatasetError(error.message);
    throw error;
  }
};

/** A split by time in words, for the dataset description. */
const describeTimeSplit = (split: SplitConfig | undefined): string =>
  split?.kind !== 'time'
    ? 'by asset'
    : split.trainUntil !== undefined
      ? `training before ${split.trainUntil}`
      : `first ${Math.round((split.trainFraction ?? 0) * 100)}% of each asset trains`;

/** Each part's failures (one per life) that fall inside the part's own time range: alarm figures judge the part alone. */
const partFailures = (
  parts: readonly LabelledPart[],
  whole: readonly AssetSeries[],
  events: readonly AssetEvent[],
  failureAt: 'event' | 'event-or-end',
): FailureTimes[] =>
  parts.map((p) => {
    const full = whole.find((a) => a.asset === p.series.asset);
    const times = full === undefined ? null : failureTimes(full, events, failureAt);
    const from = p.series.t[0] ?? Infinity;
    const to = p.series.t[p.series.t.length - 1] ?? -Infinity;
    const inside = (times === null ? [] : typeof times === 'number' ? [times] : [...times]).filter(
      (t) => t >= from && t <= to,
    );
    return inside.length === 0 ? null : inside.length === 1 ? (inside[0] as number) : inside;
  });

/** How a run's rows were labelled (run.json `labels`): the rule, in words, and what it assumed. */
export interface Labelling {
  readonly rule: 'lives' | 'first-normal' | 'column';
  readonly description: string;
  /** Assets without a failure event that `failureAt: "event-or-end"` took to fail at their last reading. */
  readonly endFailures: string[];
}

const labelling = (
  label: LabelConfig,
  timeKind: 'timestamp' | 'cycle',
  series: readonly AssetSeries[],
  moreSeries: readonly AssetSeries[],
  events: readonly AssetEvent[],
): Labelling => {
  const rule = label.kind === 'anomaly' ? anomalyRuleOf(label) : 'lives';
  const failed = new Set(events.filter((e) => e.kind === 'failure').map((e) => e.asset));
  const endFailures =
    rule === 'lives' && label.failureAt === 'event-or-end'
      ? [...series, ...moreSeries].map((a) => a.asset).filter((a) => !failed.has(a))
      : [];
  return { rule, description: describeLabels(label, timeKind), endFailures: [...new Set(endFailures)] };
};

/** The label column must be on every selected asset, on their time axis, and must not also be a model input. */
const checkLabelColumn = (
  tag: string,
  signals: readonly string[],
  catalogue: readonly { asset: string; tag: string }[],
  assets: readonly string[],
): void => {
  if (signals.includes(tag))
    throw new DatasetError(
      `label column "${tag}" is also in dataset.signals: a label is not a model input, remove it from the signals`,
    );
  const lacking = assets.filter((a) => !catalogue.some((s) => s.asset === a && s.tag === tag));
  if (lacking.length > 0)
    throw new DatasetError(
      `label column "${tag}" is missing on asset "${lacking[0] ?? ''}"${lacking.length > 1 ? ` and ${lacking.length - 1} more` : ''}`,
    );
};
