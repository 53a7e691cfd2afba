import { describe, expect, it } from 'vitest';
import { type Injection, InjectedPlant } from '../../../src/main/core/historians/simulator/injections.js';
import { METRICS, PlantModel, type Sample } from '../../../src/main/core/historians/simulator/plant-model.js';
import { detectDrift, driftReferenceOf } from '../../../src/main/core/monitoring/drift.js';
import type { DriftReference } from '../../../src/shared/monitoring.js';

/**
 * Drift on the plant simulator's own data (the real plant model, src/main/core/historians/simulator): pumps that
 * run in operating modes held in 4-hour blocks (stopped, 70%, 100%, 115% load), with a daily temperature cycle,
 * sensor faults (stuck values, spikes, dropouts) and degradation towards failures in the reference.
 *
 * Per seed: the reference is 60 days of 4 assets x 6 tags at 1-minute readings (345,600 readings per tag, pooled
 * over the assets in time order, as training does), calibrated on 240 reference chunks of 1440 readings (a day).
 * Current data: 7 days x 4 assets, judged in 28 day chunks of up to 1440 readings per tag (6 tags and the
 * multivariate check: 196 findings), once clean and once per tag with that tag of one asset offset by 1 sd from
 * day 3 (6 injections per seed, 18 in all). The current week is one in which no asset degrades, fails or is repaired
 * (found from the simulator's ground truth): a developing seal leak does lower pressure and flow, and drift rightly
 * reports that; this test is about the operating modes, which are no drift.
 */

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const TAGS = METRICS.map((m) => m.name);
const REFERENCE_DAYS = 60;
const WEEK = 7;

interface Asset {
  readonly asset: string;
  readonly t: Float64Array;
  readonly values: Map<string, Float64Array>;
}

/** Per asset, a 1-minute grid over [fromDay, toDay): time in µs, values per tag (NaN: no reading or bad quality). */
const plantData = (model: PlantModel, fromDay: number, toDay: number, injections: Injection[] = []): Asset[] => {
  const plant = new InjectedPlant(model, injections);
  const k0 = (START + fromDay * DAY_MS) / 60_000;
  const n = ((toDay - fromDay) * DAY_MS) / 60_000;
  const out: Sample = { t: 0, value: null, status: 0 };
  return model.assets.map((asset, a) => ({
    asset,
    t: Float64Array.from({ length: n }, (_, i) => (k0 + i) * 60_000 * 1000),
    values: new Map(
      TAGS.map((tag, j) => {
        const series = plant.series[a * TAGS.length + j]!;
        const v = new Float64Array(n);
        for (let i = 0; i < n; i += 1)
          v[i] = plant.sample(series, k0 + i, out) && out.value !== null && out.status === 0 ? out.value : NaN;
        return [tag, v];
      }),
    ),
  }));
};

/** The first week after the reference in which no asset is degrading, failed or under repair. */
const healthyWeek = (model: PlantModel): number => {
  for (let day = REFERENCE_DAYS; day < 180; day += 1) {
    const from = START + day * DAY_MS;
    const to = from + WEEK * DAY_MS;
    if (model.assets.every((_, a) => model.livesOf(a).every((l) => l.repaired <= from || l.onset >= to))) return day;
  }
  throw new Error('no healthy week');
};

const referenceOf = (model: PlantModel): DriftReference =>
  driftReferenceOf(
    plantData(model, 0, REFERENCE_DAYS).map((a) => ({ values: TAGS.map((tag) => a.values.get(tag)!) })),
    TAGS,
    { chunkSize: 1440 },
  );

const judge = (reference: DriftReference, assets: Asset[]) =>
  detectDrift(reference, assets, { chunkLength: DAY_MS * 1000 });

// Seeds with a healthy week within 180 days, and the asset whose tags are offset (one tag at a time).
const CASES = [
  { seed: 1, asset: 'P-102' },
  { seed: 2, asset: 'P-104' },
  { seed: 6, asset: 'P-101' },
] as const;

describe('drift on the plant simulator does not cry wolf over operating modes', () => {
  for (const c of CASES) {
    it(`seed ${c.seed}: nothing flagged in a healthy week; a 1 sd offset on one tag of ${c.asset} is flagged on that tag only`, () => {
      const model = new PlantModel({
        seed: c.seed,
        assets: 4,
        startMs: START,
        endMs: START + 200 * DAY_MS,
        periodMs: 60_000,
      });
      const reference = referenceOf(model);
      // The reference found the plant's operating modes and carries what calibration needs (computed once here,
      // at publish time in the app), so scoring needs no training data.
      expect(reference.modes?.centroids.length).toBeGreaterThanOrEqual(3);
      for (const s of reference.signals) {
        expect(s.calibration).toMatchObject({ chunks: 240, chunkSize: 1440 });
        expect(s.byMode?.length).toBe(reference.modes?.centroids.length);
      }
      const day = healthyWeek(model);

      const clean = judge(reference, plantData(model, day, day + WEEK));
      expect(clean.findings).toHaveLength(4 * WEEK * (TAGS.length + 1));
      const cleanFlags = clean.findings.filter((f) => f.flagged);
      expect(
        cleanFlags.map((f) => `${f.asset} ${f.signal ?? 'PCA'} ${f.value.toFixed(3)} > ${f.threshold.toFixed(3)}`),
      ).toEqual([]);
      for (const f of clean.findings) expect(f.readings).toBeGreaterThan(1000);

      // 1 reference sd added to one tag from the third day of the week on (a step, like a recalibrated
      // transmitter), each tag in turn.
      const from = START + (day + 2) * DAY_MS;
      for (const tag of TAGS) {
        const signal = reference.signals.find((s) => s.tag === tag)!;
        const injection: Injection = {
          kind: 'drift',
          tag: `${c.asset}.${tag}`,
          from,
          offset: signal.sd,
          gain: 1,
          rampHours: 0,
        };
        const drifted = judge(reference, plantData(model, day, day + WEEK, [injection]));
        const flagged = drifted.findings.filter((f) => f.flagged && f.signal !== null).sort((a, b) => a.from - b.from);
        // Never on another tag of any asset (the multivariate check may see the broken relation on that asset).
        expect(flagged.filter((f) => f.signal !== tag || f.asset !== c.asset)).toEqual([]);
        expect(drifted.findings.filter((f) => f.flagged && f.signal === null && f.asset !== c.asset)).toEqual([]);
        // On that tag every day from the injection on, with the sample size beside each flag; unless its
        // calibrated bar lies above 1 sd. That happens to VibrationRMS where the reference holds bearings and
        // impellers running to failure (seeds 2 and 6: bars 1.68 and 1.57), and to no other tag.
        const bar = signal.calibration!.mean + 3 * signal.calibration!.sd;
        if (tag !== 'VibrationRMS') expect(bar).toBeLessThan(0.9);
        expect(flagged.map((f) => [f.asset, f.signal, f.from / 1000])).toEqual(
          bar < 0.9 ? Array.from({ length: WEEK - 2 }, (_, i) => [c.asset, tag, from + i * DAY_MS]) : [],
        );
        for (const f of flagged) {
          expect(f.readings).toBeGreaterThan(1000);
          expect(f.referenceReadings).toBe(signal.count);
          expect(f.value).toBeGreaterThan(0.75);
        }
      }
    }, 240_000);
  }
});
