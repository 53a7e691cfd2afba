export { seededRandom } from '../../../shared/seeded-random.js';

/** Fisher-Yates shuffle of 0..n-1 driven by `random`. */
export const shuffledIndices = (n: number, random: () => number): Int32Array => {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  for (let i = n - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
};
