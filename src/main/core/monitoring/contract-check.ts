import type { ManifestCore } from '../../../shared/registry-manifest.js';
import {
  DEFAULT_CONTRACT_LIMITS,
  type ContractLimits,
  type ContractViolation,
  type ViolationCode,
  type ViolationSeverity,
} from '../../../shared/monitoring.js';
import { convertValues, unitConversion, type UnitConversion } from './units.js';

/**
 * The data contract check that runs before every scoring (and at deploy time): the package's contract against
 * the data about to be scored, asset by asset. An asset with a block violation is not scored; the others go on.
 * Every violation is returned, none is dropped: the caller records them all.
 */

export type DataContract = Pick<ManifestCore['dataContract'], 'signals'> & {
  readonly window: Pick<ManifestCore['dataContract']['window'], 'timeKind'>;
};

/** The readings of one mapped workspace signal in the range about to be scored, in its own unit. */
export interface SignalData {
  /** The workspace signal's name as the user knows it, e.g. "P-105/DischargePressure". */
  readonly signal: string;
  readonly unit: string | null;
  /** Times (µs or cycles, as the workspace stores them), ascending. */
  readonly t: ArrayLike<number>;
  /** One value per time; NaN for a missing value. */
  readonly values: Float64Array;
  /** OPC UA status codes per reading, or null when the source has none (all good). */
  readonly quality: ArrayLike<number> | null;
}

export interface AssetData {
  readonly asset: string;
  /** Per contract tag: the mapped signal's data, or null when no workspace signal maps to it. */
  readonly signals: ReadonlyMap<string, SignalData | null>;
}

/** The training range per contract tag (from the package's reference statistics), in the contract's unit. */
export interface TrainingRange {
  readonly min: number;
  readonly max: number;
}

export interface ContractCheckInput {
  readonly contract: DataContract;
  /** The range about to be scored, inclusive, on the contract's time axis. */
  readonly range: { readonly from: number; readonly to: number };
  readonly assets: readonly AssetData[];
  readonly trainingRanges?: ReadonlyMap<string, TrainingRange>;
  readonly limits?: Partial<ContractLimits>;
}

export interface AssetCheck {
  readonly asset: string;
  readonly blocked: boolean;
  readonly violations: readonly ContractViolation[];
  /** Conversions applied to reach the contract's units (only those that change values). */
  readonly conversions: readonly { readonly signal: string; readonly from: string; readonly to: string }[];
  /**
   * Per contract tag, the values in the contract's unit (bad-quality readings set to NaN), for the scorer.
   * Empty for a blocked asset: nothing of it may be scored.
   */
  readonly converted: ReadonlyMap<string, Float64Array>;
}

/** OPC UA status codes: the two top bits 10 (Bad) or 11 mean the value must not be used. */
export const isBadQuality = (quality: number): boolean => quality >>> 30 >= 2;

const number = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));

/** A contract limit as the user set it (5%, 0.5%). */
const limitPercent = (fraction: number): string => `${number(fraction * 100)}%`;

/** A measured fraction: one decimal below 10% so that 0.3% does not read as 0%. */
const percent = (fraction: number): string => {
  const p = fraction * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
};

/** A period on the contract's time axis in words: microseconds as s / min / h, cycles as cycles. */
export const formatPeriod = (period: number, timeKind: 'timestamp' | 'cycle'): string => {
  if (timeKind === 'cycle') return `${number(period)} cycle${period === 1 ? '' : 's'}`;
  const s = period / 1e6;
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${number(s)} s`;
};

const formatTime = (t: number, timeKind: 'timestamp' | 'cycle'): string => {
  if (timeKind === 'cycle') return `cycle ${t}`;
  const date = new Date(t / 1000);
  return Number.isNaN(date.getTime()) ? `t=${t}` : date.toISOString().replace('.000Z', 'Z');
};

/** The median spacing of ascending times (robust to the odd gap), or null with fewer than two times. */
export const medianSpacing = (t: ArrayLike<number>): number | null => {
  if (t.length < 2) return null;
  const d = new Float64Array(t.length - 1);
  for (let i = 1; i < t.length; i += 1) d[i - 1] = (t[i] as number) - (t[i - 1] as number);
  d.sort();
  const mid = d.length >> 1;
  return d.length % 2 === 1 ? (d[mid] as number) : ((d[mid - 1] as number) + (d[mid] as number)) / 2;
};

export const checkContract = (input: ContractCheckInput): AssetCheck[] => {
  const limits: ContractLimits = { ...DEFAULT_CONTRACT_LIMITS, ...input.limits };
  const timeKind = input.contract.window.timeKind;
  return input.assets.map((asset) => checkAsset(asset, input, limits, timeKind));
};

const checkAsset = (
  assetData: AssetData,
  input: ContractCheckInput,
  limits: ContractLimits,
  timeKind: 'timestamp' | 'cycle',
): AssetCheck => {
  const asset = assetData.asset;
  const violations: ContractViolation[] = [];
  const conversions: { signal: string; from: string; to: string }[] = [];
  const converted = new Map<string, Float64Array>();
  const { from, to } = input.range;

  for (const spec of input.contract.signals) {
    const tag = spec.tag;
    const named = spec.unit === null ? tag : `${tag} [${spec.unit}]`;
    const data = assetData.signals.get(tag) ?? null;
    const add = (
      code: ViolationCode,
      severity: ViolationSeverity,
      message: string,
      figures: { measured?: number; limit?: number; readings?: number } = {},
    ) =>
      violations.push({
        asset,
        signal: tag,
        workspaceSignal: data?.signal ?? null,
        code,
        severity,
        message: `${asset}: ${message}`,
        measured: figures.measured ?? null,
        limit: figures.limit ?? null,
        readings: figures.readings ?? 0,
      });

    if (data === null) {
      add('unmapped', 'block', `the model needs ${named}; no signal maps to it`);
      continue;
    }
    const source = `${tag} (${data.signal})`;

    // Units first: a value in the wrong unit makes every other figure meaningless.
    let conversion: UnitConversion | null = null;
    if (spec.unit !== null) {
      if (data.unit === null || data.unit.trim() === '') {
        add(
          'unit-unknown',
          'warn',
          `${data.signal} has no unit in the workspace; the model needs ${named}, so its values are taken as [${spec.unit}]`,
          { readings: data.t.length },
        );
      } else {
        const result = unitConversion(data.unit, spec.unit);
        if (!result.ok) {
          add(
            'unit-mismatch',
            'block',
            `the model needs ${named}; ${data.signal} is in [${data.unit}]: ${result.message}`,
            { readings: data.t.length },
          );
          continue;
        }
        conversion = result.conversion;
        if (!conversion.identity) conversions.push({ signal: tag, from: data.unit, to: spec.unit });
      }
    }

    const n = data.t.length;
    let bad = 0;
    let nan = 0;
    const values = conversion === null ? data.values : convertValues(conversion, data.values);
    const usable = values === data.values ? new Float64Array(values) : values;
    for (let i = 0; i < n; i += 1) {
      if (data.quality !== null && isBadQuality(data.quality[i] as number)) {
        bad += 1;
        usable[i] = NaN;
      } else if (!Number.isFinite(usable[i] as number)) {
        nan += 1;
        usable[i] = NaN;
      }
    }
    const good = n - bad - nan;
    if (good === 0) {
      const why = n === 0 ? 'no readings' : `${n} readings, none usable (${bad} bad quality, ${nan} missing)`;
      add(
        'no-data',
        'block',
        `the model needs ${named}; ${data.signal} has no data from ${formatTime(from, timeKind)} to ${formatTime(to, timeKind)} (${why})`,
        { readings: n },
      );
      continue;
    }
    converted.set(tag, usable);

    const measuredPeriod = medianSpacing(data.t);
    if (spec.samplePeriod !== null && spec.samplePeriod > 0 && measuredPeriod !== null) {
      const off = Math.abs(measuredPeriod - spec.samplePeriod) / spec.samplePeriod;
      if (off > limits.samplePeriodTolerance) {
        add(
          'sample-period',
          'warn',
          `${source} is sampled every ${formatPeriod(measuredPeriod, timeKind)}; the model expects ${formatPeriod(spec.samplePeriod, timeKind)} (±${limitPercent(limits.samplePeriodTolerance)})`,
          { measured: measuredPeriod, limit: spec.samplePeriod, readings: n },
        );
      }
    }

    // Missing: NaN values plus the grid slots the range should hold but no reading fills.
    const period = spec.samplePeriod ?? measuredPeriod;
    const expected = period !== null && period > 0 ? Math.max(n, Math.floor((to - from) / period) + 1) : n;
    const missing = nan + (expected - n);
    if (expected > 0 && missing / expected > limits.maxMissingFraction) {
      add(
        'missing',
        'warn',
        `${source}: ${percent(missing / expected)} of readings missing (${missing} of ${expected} expected); the contract allows ${limitPercent(limits.maxMissingFraction)}`,
        { measured: missing / expected, limit: limits.maxMissingFraction, readings: expected },
      );
    }
    if (n > 0 && bad / n > limits.maxBadQualityFraction) {
      add(
        'bad-quality',
        'warn',
        `${source}: ${percent(bad / n)} of readings have bad quality (${bad} of ${n}); the contract allows ${limitPercent(limits.maxBadQualityFraction)}`,
        { measured: bad / n, limit: limits.maxBadQualityFraction, readings: n },
      );
    }

    if (spec.validMin !== null || spec.validMax !== null) {
      const lo = spec.validMin ?? -Infinity;
      const hi = spec.validMax ?? Infinity;
      let outside = 0;
      for (let i = 0; i < n; i += 1) {
        const v = usable[i] as number;
        if (v < lo || v > hi) outside += 1;
      }
      if (outside / good > limits.maxOutOfRangeFraction) {
        const range = `${spec.validMin === null ? '-inf' : number(spec.validMin)}..${spec.validMax === null ? 'inf' : number(spec.validMax)}`;
        add(
          'out-of-range',
          'warn',
          `${source}: ${percent(outside / good)} of readings outside the valid range ${range}${spec.unit === null ? '' : ` [${spec.unit}]`} (${outside} of ${good}); the contract allows ${limitPercent(limits.maxOutOfRangeFraction)}`,
          { measured: outside / good, limit: limits.maxOutOfRangeFraction, readings: good },
        );
      }
    }

    const training = input.trainingRanges?.get(tag);
    if (training !== undefined) {
      let outside = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i += 1) {
        const v = usable[i] as number;
        if (Number.isNaN(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (v < training.min || v > training.max) outside += 1;
      }
      if (outside > 0 && outside / good > limits.maxOutsideTrainingFraction) {
        const unit = spec.unit === null ? '' : ` [${spec.unit}]`;
        add(
          'training-range',
          'warn',
          `${source}: ${outside} of ${good} readings (${percent(outside / good)}) outside the training range ${number(training.min)}..${number(training.max)}${unit} (seen ${number(lo)}..${number(hi)})`,
          { measured: outside / good, limit: limits.maxOutsideTrainingFraction, readings: good },
        );
      }
    }
  }
  const blocked = violations.some((v) => v.severity === 'block');
  return { asset, blocked, violations, conversions, converted: blocked ? new Map() : converted };
};
