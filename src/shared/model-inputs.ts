/**
 * What a model reads, derived from a dataset's signals: each signal once per smoothing rate, then, when the dataset
 * asks for them, each signal's change from its life's baseline, then the asset's age in its current life. Training,
 * evaluation on a snapshot and scoring all build these inputs in this one order, so a model scores exactly what it
 * was trained on.
 *
 * Why several rates: on C-MAPSS FD001 a dense model given the 0.3-smoothed sensors alone cannot tell an engine in
 * mid-life from a young one (the fast rate forgets within about ten cycles); a slow rate (0.05) keeps the level the
 * sensors have drifted to since the life began, and with the age beside it the model sees how fast they drifted.
 *
 * Why the change from a baseline: engines (and pumps) leave the factory or a repair at different levels, so the
 * level alone mixes how a unit was built with how far it has worn. The mean of its first readings in the life is
 * its own baseline; the slow level minus that baseline is its wear so far.
 */

export type Smoothing = number | readonly number[] | null;

/** How a dataset derives model inputs from its signals (DatasetConfig's smoothing, baseline and age). */
export interface InputSpec {
  readonly smoothing: Smoothing;
  /** Grid steps at the start of each life whose mean is the signal's baseline; null: no change inputs. */
  readonly baseline: number | null;
  readonly age: boolean;
}

/** How many smoothing weights a dataset may give (each multiplies the model's inputs). */
export const MAX_SMOOTHING_RATES = 4;

/** The longest baseline a dataset may ask for, in grid steps. */
export const MAX_BASELINE_STEPS = 100_000;

/** The smoothing weights in input order; empty when the signals go in unsmoothed. */
export const smoothingRates = (smoothing: Smoothing): readonly number[] =>
  smoothing === null ? [] : typeof smoothing === 'number' ? [smoothing] : smoothing;

/**
 * Which smoothing weight's inputs the change inputs are taken from: the slowest, by its position in the list (0 when
 * there is no weight: the signals as read).
 */
export const slowestRateIndex = (smoothing: Smoothing): number => {
  const rates = smoothingRates(smoothing);
  return rates.length === 0 ? 0 : rates.indexOf(Math.min(...rates));
};

/** The name of the age input, as contracts and model cards show it. */
export const AGE_INPUT = 'age in life';

/** The name of a signal's change-from-baseline input. */
export const changeInputName = (signal: string): string => `${signal} (change from life baseline)`;

/**
 * The model's inputs by name, in input order. The first rate's inputs carry the signal's own name, so a model with
 * one rate (every model trained before rates could be several) has its signals as its inputs.
 */
export const modelInputNames = (signals: readonly string[], spec: InputSpec): string[] => {
  const rates = smoothingRates(spec.smoothing);
  const smoothed =
    rates.length <= 1
      ? [...signals]
      : rates.flatMap((rate, k) => signals.map((s) => (k === 0 ? s : `${s} (EWMA ${rate})`)));
  return [
    ...smoothed,
    ...(spec.baseline === null ? [] : signals.map(changeInputName)),
    ...(spec.age ? [AGE_INPUT] : []),
  ];
};

/** How many inputs a model has for these signals: one per signal and rate, one per signal's change, the age. */
export const modelInputCount = (signals: number, spec: InputSpec): number =>
  signals * Math.max(1, smoothingRates(spec.smoothing).length) +
  (spec.baseline === null ? 0 : signals) +
  (spec.age ? 1 : 0);
