import { describe, expect, it } from 'vitest';
import { detectDrift, driftReferenceOf, signalReference } from '../../../../src/main/core/monitoring/drift.js';
import { assignModes, fitOperatingModes } from '../../../../src/main/core/monitoring/operating-modes.js';
import { DriftReferenceSchema } from '../../../../src/shared/monitoring.js';
import { seededRandom } from '../../../../src/shared/seeded-random.js';

const normals = (seed: number) => {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
};

const TAGS = ['Current', 'Pressure', 'Flow', 'Speed'] as const;
const LOADS = [0.5, 1, 1.3] as const;
const DAY = 1440;

/**
 * A pump at one of three loads, held in blocks of 240 readings (4 hours of minute data); each signal follows the
 * load with its own noise. `loadOf(block)` picks the load index of each block.
 */
const plant = (
  n: number,
  seed: number,
  loadOf: (block: number) => number,
  shift: Partial<Record<string, number>> = {},
) => {
  const e = normals(seed);
  const out = TAGS.map(() => new Float64Array(n));
  for (let i = 0; i < n; i += 1) {
    const load = LOADS[loadOf(Math.floor(i / 240))] as number;
    const v = [
      8 + 40 * load + 0.4 * e(),
      2 + 4.5 * load + 0.05 * e(),
      40 + 95 * load + 0.8 * e(),
      900 + 500 * load + 2 * e(),
    ];
    TAGS.forEach((tag, j) => ((out[j] as Float64Array)[i] = (v[j] as number) + (shift[tag] ?? 0)));
  }
  return out;
};

describe('operating modes', () => {
  const random = seededRandom(7);
  const blocks = Array.from({ length: 2000 }, () => Math.floor(random() * 3));
  // 200 days of minute data in random load blocks: the reference holds every mode.
  const reference = plant(200 * DAY, 1, (b) => blocks[b % blocks.length] as number);

  it('are found as the distinct states of the reference, and a Gaussian cloud or a trend has none', () => {
    const modes = fitOperatingModes(TAGS, reference);
    expect(modes?.centroids).toHaveLength(3);
    expect(modes?.explained).toBeGreaterThan(0.95);
    const e = normals(2);
    const cloud = TAGS.map(() => Float64Array.from({ length: 50_000 }, e));
    expect(fitOperatingModes(TAGS, cloud)).toBeNull();
    // Readings along a slow degradation trend with sensor noise (C-MAPSS-like): clusters, but no states.
    const trend = Float64Array.from({ length: 50_000 }, (_, i) => (i % 200) / 200);
    const along = TAGS.map(() => Float64Array.from(trend, (x) => x + 0.35 * e()));
    expect(fitOperatingModes(TAGS, along)).toBeNull();
    // Fewer than 3 signals: leaving the judged one out would leave too little to place a reading.
    expect(fitOperatingModes(TAGS.slice(0, 2), reference.slice(0, 2))).toBeNull();
  });

  it('place a reading by the other signals: the judged one, and one other far off, do not move it', () => {
    const modes = fitOperatingModes(TAGS, reference)!;
    const at = (load: number) => plant(1, 3, () => load).map((v) => Float64Array.of(v[0] as number));
    const judged = TAGS.indexOf('Pressure');
    const full = at(2);
    const base = assignModes(modes, full, judged, 0, 1)[0];
    // The judged signal as if it were in another mode: ignored.
    const pressureOff = full.map((v, j) => (j === judged ? Float64Array.of(2 + 4.5 * 0.5) : v));
    expect(assignModes(modes, pressureOff, judged, 0, 1)[0]).toBe(base);
    // Another signal 2 overall sd off (a drifted transmitter): left out as the farthest.
    const speedOff = full.map((v, j) => (j === TAGS.indexOf('Speed') ? Float64Array.of((v[0] as number) - 300) : v));
    expect(assignModes(modes, speedOff, judged, 0, 1)[0]).toBe(base);
    // With too few signals to place it: -1 (judged against the whole reference).
    const missing = full.map((v, j) => (j === judged || j === 0 ? v : Float64Array.of(NaN)));
    expect(assignModes(modes, missing, judged, 0, 1)[0]).toBe(-1);
  });

  it('a day at one load is no drift; a 1 sd shift on one signal is, on that signal only; 20 days from the reference raise no flag', () => {
    const ref = driftReferenceOf([{ values: reference }], TAGS, { chunkSize: DAY });
    expect(ref.modes?.centroids).toHaveLength(3);
    expect(() => DriftReferenceSchema.parse(JSON.parse(JSON.stringify(ref)))).not.toThrow();
    for (const s of ref.signals) expect(s.calibration).toMatchObject({ chunks: 200, chunkSize: DAY });
    const t = Float64Array.from({ length: 20 * DAY }, (_, i) => i);
    const asset = (values: Float64Array[]) => ({
      asset: 'P-1',
      t,
      values: new Map(TAGS.map((tag, j) => [tag, values[j]!])),
    });

    // 20 days in the reference's own mix of loads (1440 readings per chunk, 4 signals).
    const same = detectDrift(ref, [asset(plant(20 * DAY, 4, (b) => blocks[(b * 7) % blocks.length] as number))], {
      chunkLength: DAY,
    });
    expect(same.findings.filter((f) => f.signal !== null)).toHaveLength(20 * 4);
    expect(same.findings.filter((f) => f.flagged)).toEqual([]);

    // 20 days all at part load: every signal's daily distribution differs from the reference's...
    const partLoad = plant(20 * DAY, 5, () => 0);
    const wholeChunks = signalReference('Pressure', reference[1]!, { calibrationChunkSize: DAY });
    expect(
      detectDrift({ signals: [wholeChunks], multivariate: null }, [asset(partLoad)], {
        chunkLength: DAY,
      }).findings.every((f) => f.flagged),
    ).toBe(true);
    // ...yet judged mode by mode it is the plant running at part load, not drift.
    const modal = detectDrift(ref, [asset(partLoad)], { chunkLength: DAY });
    expect(modal.findings.filter((f) => f.flagged && f.signal !== null)).toEqual([]);

    // Pressure 1 overall sd higher (about 1.2 bar): flagged every day, on Pressure only, with its sample size.
    const sd = ref.signals[1]!.sd;
    const shifted = detectDrift(
      ref,
      [asset(plant(20 * DAY, 6, (b) => blocks[(b * 3) % blocks.length] as number, { Pressure: sd }))],
      {
        chunkLength: DAY,
      },
    );
    const flagged = shifted.findings.filter((f) => f.flagged && f.signal !== null);
    expect(flagged.map((f) => f.signal)).toEqual(Array.from({ length: 20 }, () => 'Pressure'));
    for (const f of flagged) {
      expect(f.readings).toBe(DAY);
      expect(f.value).toBeGreaterThan(0.9);
    }
  });
});
