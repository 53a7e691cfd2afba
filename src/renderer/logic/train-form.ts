import { TrainEngineSchema, type TrainEngine } from '../../shared/training-engine.js';
import type { z } from 'zod';
import type { Signal } from '../../shared/domain.js';
import { MAX_BASELINE_STEPS, MAX_SMOOTHING_RATES } from '../../shared/model-inputs.js';
import { ANOMALY_STEPS, defaultAlarmRule } from '../../shared/alarm-rule.js';
import {
  BackendPreferenceSchema,
  LabelSchema,
  ModelConfigSchema,
  TrainConfigSchema,
  type BackendPreference,
  type ModelConfig,
  type TrainConfig,
  type TrainConfigInput,
} from '../../shared/training.js';
import { readTimeInput } from './events.js';
import { compareNatural } from './signal-tree.js';

export type TaskKind = TrainConfig['dataset']['label']['kind'];
export type ModelType = ModelConfig['type'];

/** Choices offered by the form, read from the schema so a new model type or task shows up by itself. */
export const TASK_KINDS: readonly TaskKind[] = LabelSchema.options.map((o) => o.shape.kind.value);
export const MODEL_TYPES: readonly ModelType[] = ModelConfigSchema.options.map((o) => o.shape.type.value);
export const BACKENDS: readonly BackendPreference[] = BackendPreferenceSchema.options;
export const ENGINES: readonly TrainEngine[] = TrainEngineSchema.options;
export const ENGINE_LABELS: Readonly<Record<TrainEngine, string>> = {
  node: 'app core (CPU)',
  renderer: 'this window (GPU if any)',
  auto: 'auto (GPU window if one is open)',
};

export const TASK_LABELS: Readonly<Record<TaskKind, string>> = {
  rul: 'Remaining useful life',
  'failure-horizon': 'Failure within horizon',
  anomaly: 'Anomaly detection',
};

/** Anomaly detection uses reconstruction or PCA models; the supervised tasks use the predictive ones. */
export const modelTypesFor = (task: TaskKind): ModelType[] =>
  MODEL_TYPES.filter((m) =>
    task === 'anomaly' ? m === 'autoencoder' || m === 'pca' : m !== 'autoencoder' && m !== 'pca',
  );

/** The form's state: text fields stay strings (what the user typed) until the config is built. */
export interface TrainForm {
  readonly name: string;
  readonly task: TaskKind;
  readonly modelType: ModelType;
  /** Hidden layer sizes for dense / autoencoder ("64, 32"), units for gru / lstm, filters for cnn1d. */
  readonly units: string;
  readonly assetMode: 'prefix' | 'names';
  readonly assetPrefix: string;
  readonly assetNames: readonly string[];
  readonly signals: readonly string[];
  /** The chosen assets' time axis: durations below are typed with units ("7 d") on timestamps, cycles otherwise. */
  readonly timeKind: 'timestamp' | 'cycle';
  /** Grid spacing, e.g. "1 min" (timestamps) or "1" (cycles). */
  readonly grid: string;
  /** Gap policy: forward-fill missing or bad-quality readings, or refuse the dataset. */
  readonly gapPolicy: 'forward-fill' | 'reject';
  /** How far forward-fill may reach past the last good reading; empty: no limit. */
  readonly fillLimit: string;
  /** Drop a window when more than this percentage of its values are not real readings. */
  readonly maxMissing: string;
  /** Time range (ISO date/time in UTC on timestamps, cycles otherwise); empty: from the start / to the end. */
  readonly from: string;
  readonly to: string;
  readonly windowLength: string;
  readonly windowStride: string;
  /** RUL cap; empty: no cap. */
  readonly rulCap: string;
  readonly horizon: string;
  readonly normalSpan: string;
  readonly abnormalWithin: string;
  /** Anomaly labels: which rule (see AnomalyLabelSchema). */
  readonly anomalyRule: 'first-normal' | 'lives' | 'column';
  /** 'first-normal': the normal start of each asset, "500 rows" or a span ("2 d", cycles); empty: its first 20%. */
  readonly normalStart: string;
  /** 'lives': an asset without a failure event fails at its last reading (run-to-failure data). */
  readonly endIsFailure: boolean;
  /** 'column': the tag that holds the labels, its normal codes and abnormal codes (empty: every other code). */
  readonly labelColumn: string;
  readonly normalCodes: string;
  readonly abnormalCodes: string;
  /** Split by asset (held-out assets) or by time within each asset (first part trains, the rest is evaluated). */
  readonly splitMode: 'assets' | 'time';
  /** Split by time: the share of each asset that trains (%), or the moment training ends (overrides the share). */
  readonly trainPercent: string;
  readonly trainUntil: string;
  /** Exponential smoothing weights, one or more (e.g. "0.3; 0.05"); empty: none. */
  readonly smoothing: string;
  /** Grid steps at the start of each life whose mean is each signal's baseline (its change is an input); empty: none. */
  readonly baseline: string;
  /** One more model input: the asset's age in its current life. */
  readonly age: boolean;
  readonly validationFraction: string;
  /** Held-out assets scored after training (prefix); empty: metrics on the validation assets. */
  readonly evaluationPrefix: string;
  readonly epochs: string;
  readonly batchSize: string;
  readonly seed: string;
  /** Members trained side by side from different seeds, the model predicting their mean (the "accurate" preset: 5). */
  readonly ensemble: string;
  readonly backend: BackendPreference;
  /** Where the run trains: the core's worker, this window (GPU through WebGL/WebGPU), or the core decides. */
  readonly engine: TrainEngine;
}

/** Distinct asset names in natural order. */
export const assetNames = (signals: readonly Signal[]): string[] =>
  [...new Set(signals.map((s) => s.asset))].sort(compareNatural);

/** The longest common prefix of the names, without a trailing counter ("FD001 engine 0" -> "FD001 engine"). */
export const commonAssetPrefix = (names: readonly string[]): string => {
  if (names.length === 0) return '';
  let prefix = names[0] ?? '';
  for (const n of names) {
    let i = 0;
    while (i < prefix.length && i < n.length && prefix[i] === n[i]) i += 1;
    prefix = prefix.slice(0, i);
  }
  return prefix.replace(/[\d\s_-]+$/, '');
};

/** Assets a selection picks, as the trainer resolves it (prefix: sorted by name). */
export const selectedAssets = (
  form: Pick<TrainForm, 'assetMode' | 'assetPrefix' | 'assetNames'>,
  all: readonly string[],
): string[] =>
  form.assetMode === 'prefix'
    ? form.assetPrefix === ''
      ? []
      : all.filter((a) => a.startsWith(form.assetPrefix))
    : all.filter((a) => form.assetNames.includes(a));

/** Tags present on every one of the assets (what a dataset over them may use), natural order. */
export const tagsOnAssets = (signals: readonly Signal[], assets: readonly string[]): string[] => {
  if (assets.length === 0) return [];
  const wanted = new Set(assets);
  const tagsByAsset = new Map<string, Set<string>>();
  for (const s of signals) {
    if (!wanted.has(s.asset)) continue;
    const set = tagsByAsset.get(s.asset) ?? new Set<string>();
    set.add(s.tag);
    tagsByAsset.set(s.asset, set);
  }
  if (tagsByAsset.size < wanted.size) return [];
  const [first, ...rest] = [...tagsByAsset.values()];
  return [...(first ?? [])].filter((tag) => rest.every((set) => set.has(tag))).sort(compareNatural);
};

/**
 * Tags of the chosen assets marked at import as candidate label columns (a 0/1 failure flag, a state code; see
 * src/shared/label-candidate.ts): offered first as the label column and left out of the default inputs.
 */
export const labelCandidateTags = (signals: readonly Signal[], assets: readonly string[]): string[] => {
  const wanted = new Set(assets);
  const marked = new Set(signals.filter((s) => wanted.has(s.asset) && s.labelCandidate === true).map((s) => s.tag));
  return tagsOnAssets(signals, assets).filter((tag) => marked.has(tag));
};

/** The label-column picker's choices: candidate label columns first, then every other tag. */
export const labelColumnChoices = (signals: readonly Signal[], assets: readonly string[]): string[] => {
  const candidates = labelCandidateTags(signals, assets);
  return [...candidates, ...tagsOnAssets(signals, assets).filter((tag) => !candidates.includes(tag))];
};

/** The default model inputs over the chosen assets: every tag they share except candidate label columns. */
export const defaultInputTags = (signals: readonly Signal[], assets: readonly string[]): string[] => {
  const candidates = labelCandidateTags(signals, assets);
  return tagsOnAssets(signals, assets).filter((tag) => !candidates.includes(tag));
};

const defaultUnits = (model: ModelType): string => {
  switch (model) {
    case 'dense':
      return '64, 32';
    case 'autoencoder':
      return '64, 16';
    case 'gru':
    case 'lstm':
      return '32';
    case 'cnn1d':
      return '16, 16';
    case 'pca':
      return '';
  }
};

const US: Readonly<Record<string, number>> = {
  s: 1e6,
  sec: 1e6,
  min: 60e6,
  h: 3600e6,
  d: 86_400e6,
  w: 7 * 86_400e6,
};

/** "7 d", "1 min", "12h", "1.5 h" as µs (the workspace's timestamp unit); null when it is not one. */
export const parseDuration = (text: string): number | null => {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*(s|sec|min|h|d|w)\s*$/i.exec(text);
  if (m === null) return null;
  const factor = US[(m[2] ?? '').toLowerCase()];
  const value = Number((m[1] ?? '').replace(',', '.'));
  return factor === undefined || !(value > 0) ? null : value * factor;
};

/** The time axis of the chosen assets' signals: timestamps win when any is timestamped (training refuses a mix). */
export const timeKindOf = (signals: readonly Signal[], assets: readonly string[]): 'timestamp' | 'cycle' =>
  signals.some((s) => assets.includes(s.asset) && s.timeKind === 'timestamp') ? 'timestamp' : 'cycle';

/**
 * Label and grid defaults in the units a person reads: on timestamps a 1-minute grid, a 7-day horizon, RUL capped at
 * 30 days, the first 2 days of each life normal and the last day before a failure abnormal; on cycles (C-MAPSS)
 * the field's usual figures. Never raw microseconds: a bare "1" on a timestamp axis would be a 1 µs grid.
 */
export const unitDefaults = (
  timeKind: 'timestamp' | 'cycle',
): Pick<TrainForm, 'timeKind' | 'grid' | 'rulCap' | 'horizon' | 'normalSpan' | 'abnormalWithin' | 'endIsFailure'> =>
  // Cycle counters are run-to-failure records (C-MAPSS): each asset's end is its failure. Timestamped plant data
  // runs on after its failures, which its work orders date.
  timeKind === 'timestamp'
    ? {
        timeKind,
        grid: '1 min',
        rulCap: '30 d',
        horizon: '7 d',
        normalSpan: '2 d',
        abnormalWithin: '1 d',
        endIsFailure: false,
      }
    : { timeKind, grid: '1', rulCap: '125', horizon: '30', normalSpan: '50', abnormalWithin: '30', endIsFailure: true };

/** Sensible defaults for a workspace: every asset sharing a name prefix, every tag they all have, an RUL dense model. */
export const defaultTrainForm = (signals: readonly Signal[]): TrainForm => {
  const all = assetNames(signals);
  const prefix = commonAssetPrefix(all);
  const assetMode = prefix === '' ? 'names' : 'prefix';
  const form = { assetMode, assetPrefix: prefix, assetNames: assetMode === 'names' ? all : [] } as const;
  const timeKind = timeKindOf(signals, selectedAssets(form, all));
  return {
    name: 'RUL (dense)',
    task: 'rul',
    modelType: 'dense',
    units: defaultUnits('dense'),
    ...form,
    signals: defaultInputTags(signals, selectedAssets(form, all)),
    gapPolicy: 'forward-fill',
    fillLimit: '',
    maxMissing: '100',
    from: '',
    to: '',
    windowLength: '30',
    windowStride: '1',
    ...unitDefaults(timeKind),
    anomalyRule: 'lives',
    normalStart: '',
    labelColumn: labelCandidateTags(signals, selectedAssets(form, all))[0] ?? '',
    normalCodes: '0',
    abnormalCodes: '',
    splitMode: 'assets',
    trainPercent: '70',
    trainUntil: '',
    smoothing: '',
    baseline: '',
    age: false,
    validationFraction: '0.2',
    evaluationPrefix: '',
    epochs: '30',
    batchSize: '256',
    seed: '42',
    ensemble: '1',
    backend: 'auto',
    engine: 'node',
  };
};

/** Switch task: pick a model that suits it and keep the name in step when the user has not renamed the run. */
export const withTask = (form: TrainForm, task: TaskKind): TrainForm => {
  const models = modelTypesFor(task);
  const modelType = models.includes(form.modelType) ? form.modelType : (models[0] ?? form.modelType);
  const autoName = form.name === autoRunName(form.task, form.modelType);
  return {
    ...form,
    task,
    modelType,
    units: modelType === form.modelType ? form.units : defaultUnits(modelType),
    name: autoName ? autoRunName(task, modelType) : form.name,
  };
};

export const withModel = (form: TrainForm, modelType: ModelType): TrainForm => ({
  ...form,
  modelType,
  units: defaultUnits(modelType),
  name: form.name === autoRunName(form.task, form.modelType) ? autoRunName(form.task, modelType) : form.name,
});

export const autoRunName = (task: TaskKind, model: ModelType): string =>
  `${task === 'rul' ? 'RUL' : task === 'anomaly' ? 'Anomaly' : 'Failure horizon'} (${model})`;

export type BuildResult = { readonly config: TrainConfigInput } | { readonly error: string };

class FieldError extends Error {}

const num = (
  label: string,
  text: string,
  check: { int?: boolean; min?: number; max?: number; gt?: number; lt?: number } = {},
): number => {
  const trimmed = text.trim().replace(',', '.');
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) throw new FieldError(`${label}: enter a number`);
  if (check.int === true && !Number.isInteger(value)) throw new FieldError(`${label}: enter a whole number`);
  if (check.min !== undefined && value < check.min) throw new FieldError(`${label}: at least ${check.min}`);
  if (check.max !== undefined && value > check.max) throw new FieldError(`${label}: at most ${check.max}`);
  if (check.gt !== undefined && value <= check.gt) throw new FieldError(`${label}: must be above ${check.gt}`);
  if (check.lt !== undefined && value >= check.lt) throw new FieldError(`${label}: must be below ${check.lt}`);
  return value;
};

/**
 * One weight, or several separated by ";", spaces or ", " (a comma without a space is a decimal comma): each gives
 * the model one input per signal.
 */
const smoothingConfig = (text: string): number | number[] | null => {
  const parts = text.split(/\s*;\s*|,\s+|\s+/).filter((p) => p !== '');
  if (parts.length === 0) return null;
  if (parts.length > MAX_SMOOTHING_RATES) throw new FieldError(`Smoothing: at most ${MAX_SMOOTHING_RATES} weights`);
  const rates = parts.map((p) => num('Smoothing', p, { gt: 0, max: 1 }));
  return rates.length === 1 ? (rates[0] as number) : rates;
};

const intList = (label: string, text: string): number[] => {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new FieldError(`${label}: enter one or more whole numbers, e.g. 64, 32`);
  return parts.map((p) => num(label, p, { int: true, min: 1 }));
};

const modelConfig = (form: TrainForm): ModelConfig => {
  switch (form.modelType) {
    case 'dense':
      return { type: 'dense', units: intList('Hidden units', form.units) };
    case 'autoencoder':
      return { type: 'autoencoder', units: intList('Hidden units', form.units) };
    case 'gru':
    case 'lstm':
      return { type: form.modelType, units: num('Recurrent units', form.units, { int: true, min: 1 }), dense: [16] };
    case 'cnn1d':
      return { type: 'cnn1d', filters: intList('Filters', form.units), kernelSize: 5, dense: [32] };
    case 'pca':
      return { type: 'pca', varianceKept: 0.9, statistic: 't2-q' };
  }
};

/** A span of time on the form's axis: a duration with a unit on timestamps (as µs), a number of cycles otherwise. */
const span = (label: string, text: string, timeKind: TrainForm['timeKind']): number => {
  if (timeKind === 'cycle') return num(label, text, { gt: 0 });
  const us = parseDuration(text);
  if (us === null) throw new FieldError(`${label}: enter a duration with a unit, e.g. 1 min, 12 h or 7 d`);
  return us;
};

/**
 * A moment on the form's axis: on timestamps a date or date-time read by the one time rule (wall clock in `zone`,
 * default UTC; skipped spring times refused with the reason), as µs; a cycle otherwise.
 */
const moment = (label: string, text: string, timeKind: TrainForm['timeKind'], zone: string): number | undefined => {
  if (text.trim() === '') return undefined;
  if (timeKind === 'cycle') return num(label, text);
  const read = readTimeInput(text, 'timestamp', zone);
  if (!read.ok) {
    throw new FieldError(`${label}: enter a date (${zone}), e.g. 2026-01-31 or 2026-01-31 06:00 (${read.reason})`);
  }
  return read.value;
};

const labelConfig = (form: TrainForm): TrainConfigInput['dataset']['label'] => {
  const k = form.timeKind;
  switch (form.task) {
    case 'rul':
      return { kind: 'rul', cap: form.rulCap.trim() === '' ? null : span('RUL cap', form.rulCap, k) };
    case 'failure-horizon':
      return { kind: 'failure-horizon', horizon: span('Horizon', form.horizon, k) };
    case 'anomaly':
      switch (form.anomalyRule) {
        case 'first-normal':
          return { kind: 'anomaly', rule: 'first-normal', ...normalStart(form.normalStart, k) };
        case 'lives':
          return {
            kind: 'anomaly',
            rule: 'lives',
            normalSpan: span('Normal span', form.normalSpan, k),
            abnormalWithin: span('Abnormal within', form.abnormalWithin, k),
            failureAt: form.endIsFailure ? 'event-or-end' : 'event',
          };
        case 'column': {
          if (form.labelColumn === '') throw new FieldError('Label column: choose the column that holds the labels');
          const abnormal = form.abnormalCodes.trim() === '' ? null : codes('Abnormal codes', form.abnormalCodes);
          return {
            kind: 'anomaly',
            rule: 'column',
            column: {
              tag: form.labelColumn,
              normal: codes('Normal codes', form.normalCodes),
              ...(abnormal === null ? {} : { abnormal }),
            },
          };
        }
      }
  }
};

/** "500 rows", a span ("2 d", or cycles), or empty (the schema's default: the first 20% of rows). */
const normalStart = (text: string, timeKind: TrainForm['timeKind']): { normalRows?: number; normalSpan?: number } => {
  if (text.trim() === '') return {};
  const rows = /^\s*(\d+)\s*rows?\s*$/i.exec(text);
  if (rows !== null) return { normalRows: num('Normal start (rows)', rows[1] ?? '', { int: true, min: 1 }) };
  return { normalSpan: span('Normal start', text, timeKind) };
};

/** State codes typed as "0" or "1, 2, 3". */
const codes = (label: string, text: string): number[] => {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new FieldError(`${label}: enter one or more codes, e.g. 0 or 1, 2`);
  return parts.map((p) => num(label, p));
};

/** Split by time: the share of each asset that trains, or the moment training ends. */
const splitConfig = (form: TrainForm, zone: string): NonNullable<TrainConfigInput['dataset']['split']> => {
  const until = moment('Train until', form.trainUntil, form.timeKind, zone);
  if (until !== undefined) return { kind: 'time', trainUntil: until };
  return { kind: 'time', trainFraction: num('Train on the first (%)', form.trainPercent, { gt: 0, lt: 100 }) / 100 };
};

/** The label column is never a model input: it is taken off the signals when the labels come from it. */
const inputSignals = (form: TrainForm): string[] =>
  form.task === 'anomaly' && form.anomalyRule === 'column'
    ? form.signals.filter((s) => s !== form.labelColumn)
    : [...form.signals];

const resampleConfig = (form: TrainForm): NonNullable<TrainConfigInput['dataset']['resample']> => ({
  period: span('Grid', form.grid, form.timeKind),
  gap: form.gapPolicy,
  fillLimit: form.fillLimit.trim() === '' ? null : span('Fill at most', form.fillLimit, form.timeKind),
  maxMissing: num('Most missing in a window (%)', form.maxMissing, { min: 0, max: 100 }) / 100,
});

const rangeConfig = (form: TrainForm, zone: string): { from?: number; to?: number } => {
  const from = moment('From', form.from, form.timeKind, zone);
  const to = moment('To', form.to, form.timeKind, zone);
  if (from !== undefined && to !== undefined && to <= from) throw new FieldError('To: must be after From');
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
};

/** The form as a TrainConfig (validated by TrainConfigSchema), or the first problem naming its field. */
export const formToConfig = (form: TrainForm, zone = 'UTC'): BuildResult => {
  try {
    if (form.name.trim() === '') throw new FieldError('Name: required');
    if (form.assetMode === 'prefix' && form.assetPrefix.trim() === '')
      throw new FieldError('Assets: enter a name prefix');
    if (form.assetMode === 'names' && form.assetNames.length === 0)
      throw new FieldError('Assets: choose at least one asset');
    if (inputSignals(form).length === 0) throw new FieldError('Signals: choose at least one signal');
    const byTime = form.splitMode === 'time';
    const smoothing = smoothingConfig(form.smoothing);
    const config: TrainConfigInput = {
      name: form.name.trim(),
      dataset: {
        assets: form.assetMode === 'prefix' ? { prefix: form.assetPrefix } : { names: [...form.assetNames] },
        signals: inputSignals(form),
        ...(byTime ? { split: splitConfig(form, zone) } : {}),
        ...rangeConfig(form, zone),
        resample: resampleConfig(form),
        window: {
          length: num('Window length', form.windowLength, { int: true, min: 1, max: 2000 }),
          stride: num('Stride', form.windowStride, { int: true, min: 1 }),
        },
        smoothing,
        ...(form.baseline.trim() === ''
          ? {}
          : { baseline: num('Life baseline', form.baseline, { int: true, min: 1, max: MAX_BASELINE_STEPS }) }),
        ...(form.age ? { age: true } : {}),
        label: labelConfig(form),
        validationFraction: num('Validation fraction', form.validationFraction, { gt: 0, lt: 1 }),
      },
      // Split by time, the evaluation data is the later part of each asset: there are no held-out assets.
      ...(form.evaluationPrefix.trim() === '' || byTime
        ? {}
        : { evaluation: { assets: { prefix: form.evaluationPrefix }, windows: 'all' as const } }),
      model: modelConfig(form),
      training: {
        epochs: num('Epochs', form.epochs, { int: true, min: 1, max: 10_000 }),
        batchSize: num('Batch size', form.batchSize, { int: true, min: 1 }),
        seed: num('Seed', form.seed, { int: true }),
        ...ensembleConfig(form),
        // An autoencoder trains for a step budget, not the epoch cap (src/main/core/ml/training-steps.ts).
        ...(form.task === 'anomaly' && form.modelType === 'autoencoder' ? { steps: ANOMALY_STEPS } : {}),
      },
      backend: form.backend,
      ...(form.engine === 'node' ? {} : { engine: form.engine }),
      ...(form.task === 'anomaly' ? { alarm: defaultAlarmRule(form.modelType) } : {}),
    };
    const checked = TrainConfigSchema.safeParse(config);
    if (!checked.success) return { error: describeIssues(checked.error) };
    return { config };
  } catch (error) {
    if (error instanceof FieldError) return { error: error.message };
    throw error;
  }
};

/** More than one member only where the model trains by gradient: a PCA is fitted once, so a second member is the same. */
const ensembleConfig = (form: TrainForm): { ensemble?: number } => {
  const members = num('Ensemble members', form.ensemble, { int: true, min: 1, max: 16 });
  if (members === 1) return {};
  if (form.modelType === 'pca') throw new FieldError('Ensemble members: a PCA model is fitted once; use 1');
  return { ensemble: members };
};

/** Zod issues as "dataset.window.length: Too small: expected number to be >=1" lines. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)'}: ${issue.message}`)
    .join('\n');

export type ParseResult = { readonly config: TrainConfig } | { readonly error: string };

/** The advanced editor's text as a TrainConfig, or what is wrong with it naming the field. */
export const parseConfigJson = (text: string): ParseResult => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const checked = TrainConfigSchema.safeParse(raw);
  return checked.success ? { config: checked.data } : { error: describeIssues(checked.error) };
};

/** Pretty JSON for the advanced editor: the config with every default filled in, so all fields are visible. */
export const configToJson = (config: TrainConfigInput): string => {
  const parsed = TrainConfigSchema.safeParse(config);
  return JSON.stringify(parsed.success ? parsed.data : config, null, 2);
};
