/**
 * What a model reads, derived from a dataset's signals: each signal once per smoothing rate, then, when the dataset
 * asks for it, the asset's age in its current life. Training, evaluation on a snapshot and scoring all build these
 * inputs in this one order, so a model scores exactly what it was trained on.
 *
 * Why several rates: on C-MAPSS FD001 a dense model given the 0.3-smoothed sensors alone cannot tell an engine in
 * mid-life from a young one (the fast rate forgets within about ten cycles); a slow rate (0.05) keeps the level the
 * sensors have drifted to since the life began, and with the age beside it the model sees how fast they drifted.
 */

export type Smoothing = number | readonly number[] | null;

/** How many smoothing weights a dataset may give (each multiplies the model's inputs). */
export const MAX_SMOOTHING_RATES = 4;

/** The smoothing weights in input order; empty when the signals go in unsmoothed. */
export const smoothingRates = (smoothing: Smoothing): readonly number[] =>
  smoothing === null ? [] : typeof smoothing === 'number' ? [smoothing] : smoothing;

/** The name of the age input, as contracts and model cards show it. */
export const AGE_INPUT = 'age in life';

/**
 * The model's inputs by name, in input order. The first rate's inputs carry the signal's own name, so a model with
 * one rate (every model trained before rates could be several) has its signals as its inputs.
 */
export const modelInputNames = (signals: readonly string[], smoothing: Smoothing, age: boolean): string[] => {
  const rates = smoothingRates(smoothing);
  const smoothed =
    rates.length <= 1
      ? [...signals]
      : rates.flatMap((rate, k) => signals.map((s) => (k === 0 ? s : `${s} (EWMA ${rate})`)));
  return age ? [...smoothed, AGE_INPUT] : smoothed;
};

/** How many inputs a model has for these signals: one per signal and rate, plus the age. */
export const modelInputCount = (signals: number, smoothing: Smoothing, age: boolean): number =>
  signals * Math.max(1, smoothingRates(smoothing).length) + (age ? 1 : 0);
