/** `n` repeatable values in [-0.5, 0.5) from a linear congruential sequence: test inputs the same on every backend. */
export const seededValues = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
};
