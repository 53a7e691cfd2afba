/**
 * Permutation importance (Breiman 2001; Fisher et al. 2019): shuffle one signal across windows, keeping every
 * other signal in place, and measure how much the model's error grows. A signal the model ignores costs
 * nothing when shuffled. Seeded, so the figures repeat.
 */
import { seededRandom, shuffledIndices } from '../datasets/random.js';

export interface ImportanceInput {
  readonly x: Float32Array;
  readonly n: number;
  readonly length: number;
  readonly features: number;
  readonly names: readonly string[];
  /** The error of the model on windows `x` (lower is better). */
  readonly error: (x: Float32Array) => Promise<number>;
  readonly seed: number;
}

export const permutationImportance = async (
  input: ImportanceInput,
): Promise<{ signal: string; increase: number }[]> => {
  const { n, length, features } = input;
  const baseline = await input.error(input.x);
  const out: { signal: string; increase: number }[] = [];
  for (let s = 0; s < features; s += 1) {
    const order = shuffledIndices(n, seededRandom(input.seed + s));
    const x = input.x.slice();
    for (let w = 0; w < n; w += 1) {
      const from = order[w] as number;
      for (let step = 0; step < length; step += 1) {
        x[(w * length + step) * features + s] = input.x[(from * length + step) * features + s] as number;
      }
    }
    out.push({ signal: input.names[s] ?? `signal ${s}`, increase: (await input.error(x)) - baseline });
  }
  return out.sort((a, b) => b.increase - a.increase);
};

/**
 * Which signals drove one prediction: replace each signal of the window by its training mean (0 after z-score
 * normalisation) and report how far the prediction moves. Occlusion, the simplest honest per-prediction view.
 */
export const occlusion = async (
  window: Float32Array,
  length: number,
  features: number,
  names: readonly string[],
  predict: (x: Float32Array) => Promise<number>,
): Promise<{ signal: string; effect: number }[]> => {
  const base = await predict(window);
  const out: { signal: string; effect: number }[] = [];
  for (let s = 0; s < features; s += 1) {
    const x = window.slice();
    for (let step = 0; step < length; step += 1) x[step * features + s] = 0;
    out.push({ signal: names[s] ?? `signal ${s}`, effect: base - (await predict(x)) });
  }
  return out.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
};
