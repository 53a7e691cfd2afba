import type { ManifestCore } from '../../../shared/registry-manifest.js';
import type { RunArtifact } from '../../../shared/run-artifact.js';
import type { Predictor } from '../ml/predictor.js';
import { ageInLife, changeFromBaseline, type LifeBaseline } from '../datasets/series.js';
import {
  MAX_BASELINE_STEPS,
  MAX_SMOOTHING_RATES,
  modelInputCount,
  slowestRateIndex,
} from '../../../shared/model-inputs.js';

/**
 * Scoring with the package's own feature pipeline, read from its manifest (the data contract and the run's
 * recorded config), never from today's training defaults: grid period and gap policy, causal smoothing, the
 * stored normalisation, window length and stride. Pure TypeScript; the model itself runs behind `Predictor`
 * (implemented in ml/, the only place TensorFlow.js may be loaded).
 */

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
}

export type GapPolicy = RunArtifact['signals'][number]['missingPolicy'];

export interface ScoringPipeline {
  /** "name v3", for messages. */
  readonly model: string;
  readonly task: ManifestCore['task'];
  readonly modelType: string;
  readonly features: readonly string[];
  /** Grid period on the contract's time axis (µs or cycles) and what fills a slot without a reading. */
  readonly period: number;
  readonly gap: GapPolicy;
  /** Smoothing weights, one model input per feature and weight (empty: the features unsmoothed). */
  readonly smoothing: readonly number[];
  /** Whether the model also reads the asset's age in its current life (see ScoreRange.lifeStarts). */
  readonly age: boolean;
  /** Grid steps of each life's baseline when the model reads each feature's change from it (ScoreRange.lifeBaselines). */
  readonly baseline: number | null;
  /** Per model input: features per smoothing weight, then their changes from the life baseline, then the age. */
  readonly normalisation: ManifestCore['dataContract']['normalisation'];
  readonly window: ManifestCore['dataContract']['window'];
  readonly output: { readonly name: string; readonly unit: string | null };
  readonly thresholds: Readonly<Record<string, number>>;
}

const record = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

/**
 * The pipeline a package was trained with. The run's recorded config (lineage.config.dataset) gives the grid,
 * gap policy and smoothing; the contract gives features, normalisation and window. What a package does not
 * record is refused, not guessed: a guess would be today's default, which may not be what the model saw.
 */
export const pipelineOf = (manifest: ManifestCore): ScoringPipeline => {
  const model = `${manifest.name} v${manifest.version}`;
  const contract = manifest.dataContract;
  const dataset = record(record(manifest.lineage.config)?.['dataset']);
  const resample = record(dataset?.['resample']);
  const fromContract = contract.signals[0];
  const period = typeof resample?.['period'] === 'number' ? resample['period'] : (fromContract?.samplePeriod ?? null);
  if (period === null || !(period > 0))
    throw new PipelineError(`${model} records no sample period: cannot rebuild its grid`);
  const gapText = resample?.['gap'] ?? fromContract?.missingPolicy;
  const gaps: readonly GapPolicy[] = ['reject', 'forward-fill', 'interpolate', 'zero'];
  if (!gaps.includes(gapText as GapPolicy))
    throw new PipelineError(`${model} records no gap policy: cannot rebuild its grid`);
  if (dataset === null || !('smoothing' in dataset)) {
    throw new PipelineError(`${model} does not record its smoothing (lineage.config.dataset.smoothing)`);
  }
  const recorded = dataset['smoothing'];
  const smoothing = recorded === null ? [] : Array.isArray(recorded) ? (recorded as unknown[]) : [recorded];
  if (smoothing.length > MAX_SMOOTHING_RATES || !smoothing.every((a) => typeof a === 'number' && a > 0 && a <= 1)) {
    throw new PipelineError(
      `${model}: smoothing ${JSON.stringify(recorded)} is not a number in (0, 1], a list of up to ${MAX_SMOOTHING_RATES} of them, or null`,
    );
  }
  const rates = smoothing as number[];
  const age = dataset['age'] ?? false;
  if (typeof age !== 'boolean') throw new PipelineError(`${model}: age ${JSON.stringify(age)} is not true or false`);
  const baseline = dataset['baseline'] ?? null;
  if (
    baseline !== null &&
    !(typeof baseline === 'number' && Number.isInteger(baseline) && baseline >= 1 && baseline <= MAX_BASELINE_STEPS)
  ) {
    throw new PipelineError(`${model}: baseline ${JSON.stringify(baseline)} is not a number of grid steps or null`);
  }
  const inputs = modelInputCount(contract.features.length, { smoothing: rates, age, baseline });
  const { center, scale } = contract.normalisation;
  if (center.length !== inputs || scale.length !== inputs || (contract.inputs?.length ?? inputs) !== inputs) {
    throw new PipelineError(
      `${model}: normalisation has ${center.length} centres and ${scale.length} scales for ${inputs} model inputs (${contract.features.length} features)`,
    );
  }
  const output = manifest.outputs[0];
  if (output === undefined) throw new PipelineError(`${model} declares no output`);
  return {
    model,
    task: manifest.task,
    modelType: manifest.modelType,
    features: [...contract.features],
    period,
    gap: gapText as GapPolicy,
    smoothing: rates,
    age,
    baseline,
    normalisation: contract.normalisation,
    window: contract.window,
    output: { name: output.name, unit: output.unit },
    thresholds: manifest.thresholds,
  };
};

/**
 * How far before the first window end to read: the window itself plus enough steps for the causal smoothing to
 * forget where the series started (its weight falls below 1e-9), so a window scores the same whether it is
 * scored alone, incrementally, or inside a long batch.
 */
export const historyNeeded = (pipeline: ScoringPipeline): number => {
  const slowest = Math.min(1, ...pipeline.smoothing);
  const warmUp = slowest >= 1 ? 0 : Math.ceil(Math.log(1e-9) / Math.log(1 - slowest));
  return (pipeline.window.length - 1 + warmUp) * pipeline.period;
};

/** One feature's readings in the contract's unit (NaN: missing or bad quality), ascending times. */
export interface FeatureReadings {
  readonly t: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

export interface Grid {
  readonly t: Float64Array;
  /** Per feature, in pipeline order; NaN where the gap policy leaves a slot empty ('reject'). */
  readonly values: readonly Float64Array[];
}

/**
 * Readings onto the package's grid, as the workspace's dataset builder does it: slot = floor(t / period), the
 * mean of a slot's readings, the grid from the slot where every feature has begun to the last slot of any.
 * Empty slots: forward-fill, zero, linear interpolation, or (reject) left empty so no window uses them.
 */
export const gridOf = (pipeline: ScoringPipeline, readings: readonly FeatureReadings[]): Grid => {
  const period = pipeline.period;
  const slotOf = (t: number) => Math.floor(t / period);
  // First and last slot holding a finite value, per feature.
  let start = -Infinity;
  let end = -Infinity;
  for (const r of readings) {
    let first = Infinity;
    for (let i = 0; i < r.t.length; i += 1) {
      if (!Number.isFinite(r.values[i] as number)) continue;
      const slot = slotOf(r.t[i] as number);
      if (slot < first) first = slot;
      if (slot > end) end = slot;
    }
    if (first === Infinity) return { t: new Float64Array(0), values: readings.map(() => new Float64Array(0)) };
    if (first > start) start = first;
  }
  const n = Math.max(0, end - start + 1);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i += 1) t[i] = (start + i) * period;
  const values = readings.map((r) => {
    const sum = new Float64Array(n);
    const count = new Int32Array(n);
    // The last value before the grid starts (forward-fill carries it in).
    let beforeSlot = -Infinity;
    let beforeSum = 0;
    let beforeCount = 0;
    for (let i = 0; i < r.t.length; i += 1) {
      const v = r.values[i] as number;
      if (!Number.isFinite(v)) continue;
      const slot = slotOf(r.t[i] as number);
      if (slot >= start) {
        sum[slot - start] = (sum[slot - start] as number) + v;
        count[slot - start] = (count[slot - start] as number) + 1;
      } else if (slot > beforeSlot) {
        beforeSlot = slot;
        beforeSum = v;
        beforeCount = 1;
      } else if (slot === beforeSlot) {
        beforeSum += v;
        beforeCount += 1;
      }
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 1) out[i] = (count[i] as number) > 0 ? (sum[i] as number) / (count[i] as number) : NaN;
    fillGaps(out, pipeline.gap, beforeCount > 0 ? beforeSum / beforeCount : NaN);
    return out;
  });
  return { t, values };
};

const fillGaps = (out: Float64Array, gap: GapPolicy, before: number) => {
  switch (gap) {
    case 'reject':
      return;
    case 'zero':
      for (let i = 0; i < out.length; i += 1) if (Number.isNaN(out[i] as number)) out[i] = 0;
      return;
    case 'forward-fill': {
      let carry = before;
      for (let i = 0; i < out.length; i += 1) {
        if (Number.isNaN(out[i] as number)) out[i] = carry;
        else carry = out[i] as number;
      }
      return;
    }
    case 'interpolate': {
      let prev = -1;
      for (let i = 0; i < out.length; i += 1) {
        if (Number.isNaN(out[i] as number)) continue;
        if (prev >= 0 && i - prev > 1) {
          const a = out[prev] as number;
          const b = out[i] as number;
          for (let j = prev + 1; j < i; j += 1) out[j] = a + ((b - a) * (j - prev)) / (i - prev);
        }
        prev = i;
      }
      return;
    }
  }
};

/** Causal exponential smoothing, restarting after an empty slot (NaN stays NaN). */
const smoothInPlace = (values: Float64Array, alpha: number) => {
  let state = NaN;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] as number;
    if (Number.isNaN(v)) {
      state = NaN;
      continue;
    }
    state = Number.isNaN(state) ? v : alpha * v + (1 - alpha) * state;
    values[i] = state;
  }
};

/** Windows ready for the model: [window][step][feature], as training built them. */
export interface PreparedWindows {
  readonly x: Float32Array;
  readonly n: number;
  readonly length: number;
  readonly features: number;
  readonly end: Float64Array;
  /** Window ends in the range that could not be scored because an empty slot falls inside the window. */
  readonly incomplete: number;
}

interface ReadySeries {
  readonly t: Float64Array;
  /** Smoothed and normalised, row-major: rows[i * features + f] is feature f at grid slot i. */
  readonly rows: Float32Array;
  readonly features: number;
  /** Grid indices of the window ends to score, and how many ends in range were skipped for an empty slot. */
  readonly ends: readonly number[];
  readonly incomplete: number;
}

/**
 * The part of an asset's series to score: window ends in [from, to]. A model that reads the asset's age in its life
 * also needs `lifeStarts`: when each of the asset's lives began (its first reading in the workspace, then the end of
 * the repair after each failure), ascending, as training took them from the whole record.
 */
export interface ScoreRange {
  readonly from: number;
  readonly to: number;
  readonly lifeStarts?: readonly number[] | undefined;
  /**
   * For a model that reads each feature's change from its life's baseline: the first steps of every life that
   * the range (with its history) touches, in pipeline feature order (baselineOf).
   */
  readonly lifeBaselines?: readonly LifeBaseline[] | undefined;
}

/**
 * A life's first `pipeline.baseline` grid slots from the features' readings around them: the mean of each slot's
 * good readings, NaN for a slot without one, as training's grid holds them before any gap is filled.
 */
export const baselineOf = (
  pipeline: ScoringPipeline,
  start: number,
  readings: readonly FeatureReadings[],
): LifeBaseline => {
  const steps = pipeline.baseline ?? 0;
  const period = pipeline.period;
  const first = Math.ceil(start / period);
  const t = Float64Array.from({ length: steps }, (_, i) => (first + i) * period);
  const values = readings.map((r) => {
    const sum = new Float64Array(steps);
    const count = new Int32Array(steps);
    for (let i = 0; i < r.t.length; i += 1) {
      const v = r.values[i] as number;
      const k = Math.floor((r.t[i] as number) / period) - first;
      if (!Number.isFinite(v) || k < 0 || k >= steps) continue;
      sum[k] = (sum[k] as number) + v;
      count[k] = (count[k] as number) + 1;
    }
    return Float64Array.from(sum, (v, k) => ((count[k] as number) > 0 ? v / (count[k] as number) : NaN));
  });
  return { start, t, values };
};

const readySeries = (
  pipeline: ScoringPipeline,
  readings: readonly FeatureReadings[],
  range: ScoreRange,
): ReadySeries => {
  if (readings.length !== pipeline.features.length) {
    throw new PipelineError(`${pipeline.model} needs ${pipeline.features.length} features, got ${readings.length}`);
  }
  if (pipeline.age && range.lifeStarts === undefined) {
    throw new PipelineError(`${pipeline.model} reads the asset's age in its life: scoring needs when its lives began`);
  }
  if (pipeline.baseline !== null && range.lifeBaselines === undefined) {
    throw new PipelineError(
      `${pipeline.model} reads each feature's change from its life's baseline: scoring needs the first readings of each life`,
    );
  }
  const grid = gridOf(pipeline, readings);
  const { center, scale } = pipeline.normalisation;
  const signals = pipeline.features.length;
  const features = modelInputCount(signals, pipeline);
  const n = grid.t.length;
  const rows = new Float32Array(n * features);
  // A running count of empty slots makes "does this window touch one" O(1) per window.
  const emptyBefore = new Int32Array(n + 1);
  const empty = new Uint8Array(n);
  const put = (values: Float64Array, f: number) => {
    const c = center[f] as number;
    const k = scale[f] as number;
    for (let i = 0; i < n; i += 1) {
      const x = ((values[i] as number) - c) / k;
      rows[i * features + f] = x;
      if (Number.isNaN(x)) empty[i] = 1;
    }
  };
  // Inputs in modelInputNames order: every feature at the first weight, then at the next, then each feature's
  // change from its life baseline (at the slowest weight), then the age.
  const rates = pipeline.smoothing.length === 0 ? [null] : pipeline.smoothing;
  const slowest = slowestRateIndex(pipeline.smoothing);
  const level: Float64Array[] = [];
  rates.forEach((rate, r) =>
    grid.values.forEach((v, f) => {
      const values = Float64Array.from(v);
      if (rate !== null) smoothInPlace(values, rate);
      put(values, r * signals + f);
      if (r === slowest) level.push(values);
    }),
  );
  if (pipeline.baseline !== null) {
    changeFromBaseline(grid.t, level, range.lifeBaselines ?? []).forEach((v, f) => put(v, rates.length * signals + f));
  }
  if (pipeline.age) put(ageInLife(grid.t, range.lifeStarts ?? []), features - 1);
  for (let i = 0; i < n; i += 1) emptyBefore[i + 1] = (emptyBefore[i] as number) + (empty[i] as number);
  const { length, stride } = pipeline.window;
  const ends: number[] = [];
  let incomplete = 0;
  for (let e = length - 1; e < n; e += 1) {
    const t = grid.t[e] as number;
    if (t < range.from || t > range.to) continue;
    const slot = Math.round(t / pipeline.period);
    if (((slot % stride) + stride) % stride !== 0) continue;
    if ((emptyBefore[e + 1] as number) - (emptyBefore[e - length + 1] as number) === 0) ends.push(e);
    else incomplete += 1;
  }
  return { t: grid.t, rows, features, ends, incomplete };
};

/** Each window is a contiguous run of rows: one copy per window. */
const windowsOf = (ready: ReadySeries, length: number, ends: readonly number[]): Float32Array => {
  const size = length * ready.features;
  const x = new Float32Array(ends.length * size);
  ends.forEach((e, w) =>
    x.set(ready.rows.subarray((e - length + 1) * ready.features, (e + 1) * ready.features), w * size),
  );
  return x;
};

/**
 * Cut the windows whose end lies in [from, to]. Ends sit on grid slots that are multiples of the stride, so a
 * range scored in pieces gives the same windows as scored at once (training counted its stride back from each
 * asset's last reading, which moves as data arrives).
 */
export const prepareWindows = (
  pipeline: ScoringPipeline,
  readings: readonly FeatureReadings[],
  range: ScoreRange,
): PreparedWindows => {
  const ready = readySeries(pipeline, readings, range);
  const length = pipeline.window.length;
  return {
    x: windowsOf(ready, length, ready.ends),
    n: ready.ends.length,
    length,
    features: ready.features,
    end: Float64Array.from(ready.ends, (e) => ready.t[e] as number),
    incomplete: ready.incomplete,
  };
};

/** Windows per model call: bounds memory (90 days of minute windows would not fit at once). */
export const PREDICT_BATCH = 8192;

export type { Predictor };

export interface AssetScores {
  readonly asset: string;
  readonly windowEnd: Float64Array;
  readonly value: Float64Array;
  readonly incomplete: number;
}

/** What scoring one asset's series gives: the window ends scored, the outputs, the ends skipped for a gap. */
export interface SeriesScores {
  readonly windowEnd: Float64Array;
  readonly value: Float64Array;
  readonly incomplete: number;
}

/**
 * Grid, normalise, cut the windows in bounded batches and predict: the part of scoring that grows with the data.
 * The scoring worker (scoring-worker.ts) runs exactly this, off the main event loop; a predictor without a
 * worker runs it here.
 */
export const scoreSeriesWith = async (
  pipeline: ScoringPipeline,
  predictor: Pick<Predictor, 'predict'>,
  ordered: readonly FeatureReadings[],
  range: ScoreRange,
): Promise<SeriesScores> => {
  const ready = readySeries(pipeline, ordered, range);
  const length = pipeline.window.length;
  const features = ready.features;
  const value = new Float64Array(ready.ends.length);
  for (let start = 0; start < ready.ends.length; start += PREDICT_BATCH) {
    const batch = ready.ends.slice(start, start + PREDICT_BATCH);
    const out = await predictor.predict({ x: windowsOf(ready, length, batch), n: batch.length, length, features });
    if (out.length !== batch.length) {
      throw new PipelineError(`${pipeline.model} gave ${out.length} outputs for ${batch.length} windows`);
    }
    value.set(out, start);
  }
  return {
    windowEnd: Float64Array.from(ready.ends, (e) => ready.t[e] as number),
    value,
    incomplete: ready.incomplete,
  };
};

/** A predictor that also builds the windows where it predicts (a worker thread): the readings go there whole. */
export interface SeriesScorer extends Predictor {
  scoreSeries(pipeline: ScoringPipeline, ordered: readonly FeatureReadings[], range: ScoreRange): Promise<SeriesScores>;
}

const isSeriesScorer = (p: Predictor): p is SeriesScorer =>
  typeof (p as Partial<SeriesScorer>).scoreSeries === 'function';

/** Score one asset's readings over a range with the package's pipeline and model. */
export const scoreAsset = async (
  pipeline: ScoringPipeline,
  predictor: Predictor,
  asset: string,
  readings: ReadonlyMap<string, FeatureReadings>,
  range: ScoreRange,
): Promise<AssetScores> => {
  const ordered = pipeline.features.map((tag) => {
    const r = readings.get(tag);
    if (r === undefined) throw new PipelineError(`${asset}: ${pipeline.model} needs ${tag}, which was not supplied`);
    return r;
  });
  const scores = isSeriesScorer(predictor)
    ? await predictor.scoreSeries(pipeline, ordered, range)
    : await scoreSeriesWith(pipeline, predictor, ordered, range);
  return { asset, windowEnd: scores.windowEnd, value: scores.value, incomplete: scores.incomplete };
};
