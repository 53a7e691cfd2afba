/**
 * A seeded generator (mulberry32): uniform numbers in [0, 1) that repeat exactly for the same seed. Training
 * splits and batches, the plant simulator and tests use it instead of Math.random so runs can be repeated.
 */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
