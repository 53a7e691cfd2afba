/**
 * PCA monitoring baseline in plain TypeScript (no TensorFlow): fitted on normal samples, it scores a sample by
 * Hotelling's T-squared (distance inside the retained principal subspace, scaled by each component's variance)
 * and Q, the squared prediction error (what the retained components cannot explain). Classic process-monitoring
 * statistics (Jackson & Mudholkar 1979), cheap enough to run on every reading.
 */
export interface PcaModel {
  readonly mean: number[];
  /** Retained components, each a unit vector of length `dims`. */
  readonly components: number[][];
  readonly eigenvalues: number[];
  readonly varianceKept: number;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (fine for the tens of dims used here). */
export const symmetricEigen = (matrix: readonly number[][]): { values: number[]; vectors: number[][] } => {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep += 1) {
    let off = 0;
    for (let p = 0; p < n; p += 1) for (let q = p + 1; q < n; q += 1) off += a[p]![q]! ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k += 1) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return {
    values: order.map((i) => Math.max(0, a[i]![i]!)),
    vectors: order.map((i) => v.map((row) => row[i]!)),
  };
};

/** Fit on rows of `dims` values (normal operation only). Keeps the fewest components explaining `varianceKept`. */
export const fitPca = (rows: readonly Float64Array[] | readonly number[][], varianceKept: number): PcaModel => {
  const n = rows.length;
  const dims = rows[0]?.length ?? 0;
  if (n < 2 || dims === 0) throw new Error('PCA needs at least 2 samples');
  const mean = new Array<number>(dims).fill(0);
  for (const r of rows) for (let j = 0; j < dims; j += 1) mean[j]! += (r[j] as number) / n;
  const cov = Array.from({ length: dims }, () => new Array<number>(dims).fill(0));
  for (const r of rows) {
    for (let i = 0; i < dims; i += 1) {
      const di = (r[i] as number) - mean[i]!;
      for (let j = i; j < dims; j += 1) cov[i]![j]! += (di * ((r[j] as number) - mean[j]!)) / (n - 1);
    }
  }
  for (let i = 0; i < dims; i += 1) for (let j = 0; j < i; j += 1) cov[i]![j] = cov[j]![i]!;
  const { values, vectors } = symmetricEigen(cov);
  const total = values.reduce((s, x) => s + x, 0) || 1;
  let kept = 0;
  let k = 0;
  while (k < dims && kept / total < varianceKept) kept += values[k++]!;
  k = Math.max(1, k);
  return {
    mean,
    components: vectors.slice(0, k),
    eigenvalues: values.slice(0, k).map((x) => Math.max(x, 1e-12)),
    varianceKept: values.slice(0, k).reduce((s, x) => s + x, 0) / total,
  };
};

export const pcaScores = (model: PcaModel, row: ArrayLike<number>): { t2: number; q: number } => {
  const centred = model.mean.map((m, j) => (row[j] as number) - m);
  let t2 = 0;
  const reconstruction = new Array<number>(centred.length).fill(0);
  model.components.forEach((c, k) => {
    const score = c.reduce((s, cj, j) => s + cj * centred[j]!, 0);
    t2 += (score * score) / model.eigenvalues[k]!;
    c.forEach((cj, j) => (reconstruction[j]! += score * cj));
  });
  const q = centred.reduce((s, x, j) => s + (x - reconstruction[j]!) ** 2, 0);
  return { t2, q };
};

const MIN_LIMIT = 1e-12;

/**
 * A PCA run's one alarm score from its recorded limits: Q / Q limit, and T2 / T2 limit beside it only when the run
 * recorded a T2 limit (statistic "t2-q", and every run made before Q alone became the default).
 */
export const pcaAlarmScore = (s: { t2: number; q: number }, limits: Readonly<Record<string, number>>): number => {
  // A limit of 0 (validation windows the components explain exactly) would make 0/0 and x/0 of every score.
  const q = s.q / Math.max(limits['q'] ?? 1, MIN_LIMIT);
  const t2 = limits['t2'];
  return t2 === undefined ? q : Math.max(s.t2 / Math.max(t2, MIN_LIMIT), q);
};
