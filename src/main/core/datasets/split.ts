import { seededRandom, shuffledIndices } from './random.js';

/**
 * Split assets (never windows) into training and validation, so no asset's history is seen on both sides.
 * Seeded: the same seed gives the same split. At least one asset goes to each side.
 */
export const splitAssets = (
  assets: readonly string[],
  validationFraction: number,
  seed: number,
): { train: string[]; validation: string[] } => {
  const order = shuffledIndices(assets.length, seededRandom(seed ^ 0x5eed));
  const count = Math.min(assets.length - 1, Math.max(1, Math.round(assets.length * validationFraction)));
  const validation = new Set<number>(Array.from(order.subarray(0, count)));
  return {
    train: assets.filter((_, i) => !validation.has(i)),
    validation: assets.filter((_, i) => validation.has(i)),
  };
};
