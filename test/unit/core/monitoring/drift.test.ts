import { describe, expect, it } from 'vitest';
import {
  detectDrift,
  driftReferenceOf,
  jensenShannonDistance,
  judgePca,
  judgeSignal,
  ksCritical,
  ksTest,
  pcaReference,
  rankFindings,
  signalReference,
  timeChunks,
} from '../../../../src/main/core/monitoring/drift.js';
import { DriftReferenceSchema, type DriftFinding } from '../../../../src/shared/monitoring.js';
import { seededRandom } from '../../../../src/shared/seeded-random.js';

/** Standard normal draws (Box-Muller) from a seeded generator. */
const normals = (seed: number) => {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
};
const draw = (n: number, next: () => number, mean = 0, sd = 1) =>
  Float64Array.from({ length: n }, () => mean + sd * next());

const MINUTE = 60e6;

describe('reference statistics', () => {
  it('are compact: count, mean, sd, range, a 200-point quantile sketch and a histogram, valid by the schema', () => {
    const values = draw(200_000, normals(1), 50, 4);
    const ref = signalReference('BearingTemperature', values, { unit: 'degC' });
    expect(ref.count).toBe(200_000);
    expect(ref.mean).toBeCloseTo(50, 1);
    expect(ref.sd).toBeCloseTo(4, 1);
    expect(ref.kind).toBe('numeric');
    expect(ref.quantiles).toHaveLength(200);
    expect(ref.quantiles[100]).toBeCloseTo(50, 0);
    expect(ref.values).toBeNull();
    expect(ref.histogram.counts.reduce((s, c) => s + c, 0)).toBe(200_000);
    expect(JSON.stringify(ref).length).toBeLessThan(10_000);
    expect(() => DriftReferenceSchema.parse({ signals: [ref], multivariate: null })).not.toThrow();
  });

  it('keep the values of a small reference (for the exact KS test), and ignore NaN', () => {
    const ref = signalReference('x', Float64Array.of(3.5, NaN, 1.5, 2.5));
    expect(ref.count).toBe(3);
    expect(ref.values).toEqual([1.5, 2.5, 3.5]);
  });

  it('treat integers with few levels as discrete, with their level counts', () => {
    const ref = signalReference('RunMode', Float64Array.of(0, 1, 1, 2, 2, 2));
    expect(ref.kind).toBe('discrete');
    expect(ref.levels).toEqual([
      { value: 0, count: 1 },
      { value: 1, count: 2 },
      { value: 2, count: 3 },
    ]);
  });
});

describe('per-signal drift', () => {
  const next = normals(7);
  const reference = signalReference('DischargePressure', draw(100_000, next, 6, 0.5), { unit: 'bar' });

  it('flags a signal shifted by 1 sd (Wasserstein / sd = 1 against a threshold of 0.1)', () => {
    const judged = judgeSignal(reference, draw(10_000, next, 6.5, 0.5));
    expect(judged?.method).toBe('wasserstein');
    expect(judged?.value).toBeGreaterThan(0.9);
    expect(judged?.value).toBeLessThan(1.1);
    expect(judged?.threshold).toBe(0.1);
    expect(judged?.flagged).toBe(true);
    expect(judged?.readings).toBe(10_000);
  });

  it('flags a change of spread, not only of level', () => {
    expect(judgeSignal(reference, draw(10_000, next, 6, 0.8))?.flagged).toBe(true);
  });

  it('uses the KS test for a reference of at most 1000 values', () => {
    const small = signalReference('x', draw(500, next));
    const shifted = judgeSignal(small, draw(2000, next, 1));
    expect(shifted?.method).toBe('ks');
    expect(shifted?.pValue).toBeLessThan(1e-6);
    expect(shifted?.flagged).toBe(true);
    const same = judgeSignal(small, draw(2000, next));
    expect(same?.pValue).toBeGreaterThan(0.05);
    expect(same?.flagged).toBe(false);
    // The threshold is the critical D at p = 0.05 for these sample sizes.
    expect(same?.threshold).toBeCloseTo(ksCritical(500, 2000), 12);
  });

  it('KS: hand-worked statistics', () => {
    expect(ksTest(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6)).d).toBe(1);
    expect(ksTest(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 2, 3, 4))).toEqual({ d: 0, p: 1 });
    expect(ksTest(Float64Array.of(1, 2, 3, 4), Float64Array.of(3, 4, 5, 6)).d).toBe(0.5);
    // Large samples: D = 0.05 with n = m = 10000 is p ~ 1e-11 (asymptotic Kolmogorov distribution).
    expect(ksCritical(10_000, 10_000)).toBeCloseTo(1.3581 / (70.7107 + 0.12 + 0.11 / 70.7107), 4);
  });

  it('uses the Jensen-Shannon distance for discrete signals', () => {
    expect(jensenShannonDistance([{ value: 1, count: 5 }], [{ value: 1, count: 50 }])).toBe(0);
    expect(jensenShannonDistance([{ value: 1, count: 5 }], [{ value: 2, count: 5 }])).toBeCloseTo(1, 12);
    const random = seededRandom(3);
    const modes = (p: readonly number[], n: number) =>
      Float64Array.from({ length: n }, () => {
        const u = random();
        return u < p[0]! ? 0 : u < p[0]! + p[1]! ? 1 : 2;
      });
    const ref = signalReference('RunMode', modes([0.6, 0.3, 0.1], 50_000));
    const same = judgeSignal(ref, modes([0.6, 0.3, 0.1], 5000));
    const changed = judgeSignal(ref, modes([0.2, 0.3, 0.5], 5000));
    expect(same?.method).toBe('jensen-shannon');
    expect(same?.flagged).toBe(false);
    expect(changed?.flagged).toBe(true);
    expect(changed?.value).toBeGreaterThan(0.3);
  });

  it('calibrates on reference chunks: autocorrelated data that wanders does not cry wolf', () => {
    // AR(1) with phi = 0.995: chunks of 2000 readings wander around the long-run distribution.
    const ar = (n: number, seed: number) => {
      const e = normals(seed);
      const out = new Float64Array(n);
      let x = 0;
      for (let i = 0; i < n; i += 1) {
        x = 0.995 * x + Math.sqrt(1 - 0.995 ** 2) * e();
        out[i] = x;
      }
      return out;
    };
    const history = ar(400_000, 11);
    const plain = signalReference('Flow', history);
    const calibrated = signalReference('Flow', history, { calibrationChunkSize: 2000 });
    expect(calibrated.calibration?.chunks).toBe(200);
    expect(calibrated.calibration?.mean).toBeGreaterThan(0.1);
    const fresh = ar(40_000, 12);
    const chunks = Array.from({ length: 20 }, (_, i) => fresh.subarray(i * 2000, (i + 1) * 2000));
    const plainFlags = chunks.filter((c) => judgeSignal(plain, c)?.flagged).length;
    const calibratedFlags = chunks.filter((c) => judgeSignal(calibrated, c)?.flagged).length;
    expect(plainFlags).toBeGreaterThan(10);
    expect(calibratedFlags).toBeLessThanOrEqual(1);
    // A real 1 sd shift still stands out above the calibrated threshold.
    expect(
      judgeSignal(
        calibrated,
        ar(2000, 13).map((x) => x + 1),
      )?.flagged,
    ).toBe(true);
  });
});

describe('multivariate drift: PCA reconstruction error', () => {
  const correlated = (n: number, seed: number, sign = 1) => {
    const e = normals(seed);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const z = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      x[i] = e();
      y[i] = sign * (x[i] as number) + 0.1 * e();
      z[i] = 5 + e();
    }
    return { tags: ['Current', 'Power', 'Temperature'], values: [x, y, z] };
  };

  it('flags a broken relation between signals whose marginals did not change', () => {
    const ref = pcaReference(correlated(50_000, 21), { calibrationChunkSize: 2000 });
    expect(ref.components).toHaveLength(2);
    const same = judgePca(ref, correlated(5000, 22));
    const broken = correlated(5000, 23, -1);
    expect(same?.flagged).toBe(false);
    expect(judgePca(ref, broken)?.flagged).toBe(true);
    // Each signal alone looks like its reference: only the multivariate check sees it.
    const refPower = signalReference('Power', correlated(50_000, 21).values[1]!);
    expect(judgeSignal(refPower, broken.values[1]!)?.flagged).toBe(false);
  });

  it('skips rows with a missing value and says how many rows it judged', () => {
    const ref = pcaReference(correlated(5000, 31));
    const current = correlated(100, 32);
    current.values[0]![3] = NaN;
    expect(judgePca(ref, current)?.readings).toBe(99);
  });
});

describe('drift over chunks of current data per asset', () => {
  const tags = ['Vibration', 'Pressure', 'Temperature'] as const;
  const means = { Vibration: 2, Pressure: 6, Temperature: 60 };
  const sds = { Vibration: 0.3, Pressure: 0.5, Temperature: 4 };

  const referenceFrom = (n: number, seed: number) => {
    const e = normals(seed);
    const values = tags.map((tag) => draw(n, e, means[tag], sds[tag]));
    return {
      signals: tags.map((tag, i) => signalReference(tag, values[i]!, { calibrationChunkSize: 100_000 })),
      multivariate: pcaReference({ tags, values }, { calibrationChunkSize: 100_000 }),
    };
  };
  const reference = referenceFrom(1_000_000, 41);

  const current = (
    asset: string,
    chunks: number,
    perChunk: number,
    seed: number,
    shift: Partial<Record<string, number>> = {},
  ) => {
    const e = normals(seed);
    const n = chunks * perChunk;
    const day = 24 * 60 * MINUTE;
    const t = Float64Array.from(
      { length: n },
      (_, i) => Math.floor(i / perChunk) * day + (i % perChunk) * (day / perChunk),
    );
    const values = new Map(tags.map((tag) => [tag, draw(n, e, means[tag] + (shift[tag] ?? 0) * sds[tag], sds[tag])]));
    return { asset, t, values, day };
  };

  it('20 chunks of 1e5 readings drawn from the reference raise no flag', () => {
    const data = current('P-101', 20, 100_000, 42);
    const report = detectDrift(reference, [data], { chunkLength: data.day });
    // 3 signals and the multivariate check, per chunk.
    expect(report.findings).toHaveLength(20 * 4);
    expect(report.findings.filter((f) => f.flagged)).toEqual([]);
    expect(report.notJudged).toEqual([]);
    for (const f of report.findings) {
      expect(f.readings).toBe(100_000);
      expect(f.referenceReadings).toBe(1_000_000);
      expect(f.calibrated).toBe(true);
    }
    const worst = Math.max(...report.findings.filter((f) => f.method === 'wasserstein').map((f) => f.value));
    expect(worst).toBeLessThan(0.05);
  });

  it('a signal shifted by 1 sd is flagged on that signal and asset only, with the sample size beside it', () => {
    const healthy = current('P-101', 3, 5000, 43);
    const drifted = current('P-105', 3, 5000, 44, { Pressure: 1 });
    const report = detectDrift(reference, [healthy, drifted], { chunkLength: healthy.day });
    const flagged = report.findings.filter((f) => f.flagged);
    const perSignal = flagged.filter((f) => f.signal !== null);
    expect(perSignal.map((f) => [f.asset, f.signal, f.method, f.readings])).toEqual([
      ['P-105', 'Pressure', 'wasserstein', 5000],
      ['P-105', 'Pressure', 'wasserstein', 5000],
      ['P-105', 'Pressure', 'wasserstein', 5000],
    ]);
    for (const f of perSignal) expect(f.value).toBeGreaterThan(0.8);
    // Flagged findings come first.
    expect(report.findings.slice(0, flagged.length).every((f) => f.flagged)).toBe(true);
    // Whether PCA sees a shift in one of three independent signals depends on the retained axes; it must
    // never flag the healthy asset.
    expect(flagged.some((f) => f.asset === 'P-101')).toBe(false);
  });

  it('reports chunks too small to judge instead of judging noise', () => {
    const data = current('P-101', 2, 10, 45);
    const report = detectDrift(reference, [data], { chunkLength: data.day });
    expect(report.findings).toEqual([]);
    expect(report.notJudged).toHaveLength(2 * 4);
    expect(report.notJudged[0]).toMatchObject({ asset: 'P-101', readings: 10 });
  });

  it('with a calibrated share, waits for a chunk to hold that share of the calibration size before judging it', () => {
    // The reference is calibrated on chunks of 1e5 readings; a pass that brought 5,000 of a day is not judged yet.
    const part = current('P-105', 1, 5000, 48, { Pressure: 1 });
    const waiting = detectDrift(reference, [part], { chunkLength: part.day, calibratedShare: 0.5 });
    expect(waiting.findings).toEqual([]);
    expect(waiting.notJudged).toHaveLength(4);
    const whole = current('P-105', 1, 60_000, 48, { Pressure: 1 });
    const judged = detectDrift(reference, [whole], { chunkLength: whole.day, calibratedShare: 0.5 });
    expect(judged.findings.filter((f) => f.flagged && f.signal !== null).map((f) => f.signal)).toEqual(['Pressure']);
  });

  it('ranks drift on an important signal, and drift with rising model output, first', () => {
    const data = current('P-105', 1, 5000, 46, { Vibration: 1, Temperature: 1 });
    const importance = new Map([
      ['Vibration', 0.02],
      ['Temperature', 3.5],
    ]);
    const ranked = detectDrift(reference, [data], { chunkLength: data.day, importance }).findings;
    expect(ranked.filter((f) => f.signal !== null && f.flagged).map((f) => f.signal)).toEqual([
      'Temperature',
      'Vibration',
    ]);
    const other = current('P-101', 1, 5000, 47, { Vibration: 1 });
    const withOutput = detectDrift(reference, [data, other], {
      chunkLength: data.day,
      importance,
      outputRising: (asset) => asset === 'P-101',
    }).findings;
    expect(withOutput[0]).toMatchObject({ asset: 'P-101', signal: 'Vibration', outputRising: true, flagged: true });
  });

  it('rankFindings: flagged, then rising output, then importance, then excess over the threshold', () => {
    const f = (over: Partial<DriftFinding>): DriftFinding => ({
      asset: 'A',
      signal: 's',
      method: 'wasserstein',
      from: 0,
      to: 1,
      readings: 100,
      referenceReadings: 5000,
      value: 0.2,
      threshold: 0.1,
      pValue: null,
      calibrated: false,
      flagged: true,
      importance: null,
      outputRising: false,
      ...over,
    });
    const list = [
      f({ signal: 'quiet', flagged: false, value: 0.05, importance: 9 }),
      f({ signal: 'big', value: 0.9 }),
      f({ signal: 'important', importance: 1 }),
      f({ signal: 'rising', outputRising: true }),
    ];
    expect(rankFindings(list).map((x) => x.signal)).toEqual(['rising', 'important', 'big', 'quiet']);
  });
});

describe('chunks by time', () => {
  it('aligns chunks to multiples of their length and keeps empty spans out', () => {
    expect(timeChunks([5, 7, 12, 31, 39], 10)).toEqual([
      { from: 0, to: 10, start: 0, end: 2 },
      { from: 10, to: 20, start: 2, end: 3 },
      { from: 30, to: 40, start: 3, end: 5 },
    ]);
    expect(timeChunks([], 10)).toEqual([]);
    expect(() => timeChunks([1], 0)).toThrow(/positive/);
  });
});

describe('the reference a package carries', () => {
  it('is built from training series per asset, survives JSON, and judges current data like the direct one', () => {
    const e = normals(77);
    const asset = (n: number) => ({ values: [draw(n, e, 6, 0.5), draw(n, e, 2, 0.3)] });
    const reference = driftReferenceOf([asset(3000), asset(2000)], ['Pressure', 'Vibration'], {
      units: ['bar', 'mm/s'],
      chunkSize: 500,
    });
    expect(reference.signals.map((s) => [s.tag, s.unit, s.count, s.calibration?.chunks])).toEqual([
      ['Pressure', 'bar', 5000, 10],
      ['Vibration', 'mm/s', 5000, 10],
    ]);
    expect(reference.multivariate?.rows).toBe(5000);
    const stored = DriftReferenceSchema.parse(JSON.parse(JSON.stringify(reference)));
    const t = Float64Array.from({ length: 1000 }, (_, i) => i);
    const current = {
      asset: 'P-105',
      t,
      values: new Map([
        ['Pressure', draw(1000, e, 6.5, 0.5)],
        ['Vibration', draw(1000, e, 2, 0.3)],
      ]),
    };
    const flagged = detectDrift(stored, [current], { chunkLength: 1000 }).findings.filter((f) => f.flagged);
    expect(flagged.filter((f) => f.signal !== null).map((f) => f.signal)).toEqual(['Pressure']);
  });
});
