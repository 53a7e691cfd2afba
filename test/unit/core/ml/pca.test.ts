import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src/main/core/datasets/random.js';
import { fitPca, pcaAlarmScore, pcaScores, symmetricEigen } from '../../../../src/main/core/ml/pca.js';

describe('PCA T-squared / Q baseline', () => {
  it('decomposes a symmetric matrix: A v = lambda v', () => {
    const a = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 1],
    ];
    const { values, vectors } = symmetricEigen(a);
    expect(values[0]).toBeGreaterThanOrEqual(values[1] as number);
    vectors.forEach((v, k) => {
      const av = a.map((row) => row.reduce((s, x, j) => s + x * (v[j] as number), 0));
      av.forEach((x, i) => expect(x).toBeCloseTo((values[k] as number) * (v[i] as number), 8));
    });
  });

  it('flags a sample that breaks the normal correlation (Q) and one far along it (T2)', () => {
    const random = seededRandom(1);
    // Normal data: two signals moving together (y = x + small noise).
    const rows = Array.from({ length: 500 }, () => {
      const x = random() * 2 - 1;
      return [x, x + (random() - 0.5) * 0.02];
    });
    const model = fitPca(rows, 0.95);
    expect(model.components).toHaveLength(1);
    const normal = pcaScores(model, [0.5, 0.5]);
    const broken = pcaScores(model, [0.5, -0.5]);
    const far = pcaScores(model, [5, 5]);
    expect(broken.q).toBeGreaterThan(100 * normal.q + 0.1);
    expect(far.t2).toBeGreaterThan(50 * normal.t2);
    expect(far.q).toBeLessThan(0.01);
  });
});

describe('PCA alarm score', () => {
  it('stays finite when a recorded limit is 0 (validation windows the components explain exactly)', () => {
    expect(pcaAlarmScore({ t2: 0, q: 0 }, { t2: 0, q: 0 })).toBe(0);
    const score = pcaAlarmScore({ t2: 1, q: 0.5 }, { t2: 0, q: 0 });
    expect(Number.isFinite(score)).toBe(true);
    expect(score).toBeGreaterThan(1);
    expect(pcaAlarmScore({ t2: 2, q: 3 }, { q: 1.5 })).toBe(2);
  });
});
