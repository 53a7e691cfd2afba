/**
 * A reproducible anomaly test set from the plant simulator (src/main/core/historians/simulator/plant-model.ts):
 * for each seed and each failure mode (bearing, seal, winding, cavitation) one run, the life of one pump from
 * its install (or the end of a repair) to its failure, on a 10-minute grid with the simulator's sensor faults
 * (dropouts, bad-status readings, stuck values, spikes) left in. Each run's first part is normal (the first 40% of
 * the life; degradation starts at 45-75% of it); the labelled fault interval runs from the moment the fault's
 * effect reaches 5% of its full size (a quarter of the way from onset to failure: the effect grows with the square
 * of time) to the failure. Rows between onset and that moment are labelled normal: their signature is below the
 * sensors' noise.
 *
 * Run `npx tsx bench/anomaly-set.ts [--seeds 1,2,3] [--out dir]` to write one CSV per run (time, the six signals,
 * label; empty = no good reading) and manifest.json; bench/anomaly.ts builds the same runs in memory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  METRICS,
  PlantModel,
  type FailureMode,
  type Sample,
} from '../src/main/core/historians/simulator/plant-model.js';
import { outDir } from './util.js';

export const FAULT_MODES: readonly FailureMode[] = ['bearing', 'seal', 'winding', 'cavitation'];
export const PERIOD_MS = 10 * 60_000;
/** Share of each life at its start used as the run's normal part (fit and threshold). */
export const NORMAL_SHARE = 0.4;
/** The fault is labelled from where its effect d = ((t - onset) / (failure - onset))^2 reaches this. */
export const LABEL_FROM_EFFECT = 0.05;

export interface AnomalyRun {
  readonly id: string;
  readonly seed: number;
  readonly mode: FailureMode;
  readonly asset: string;
  /** Time of each row, ms since the epoch, on the grid. */
  readonly t: Float64Array;
  /** One column per signal (METRICS order); NaN where the sensor gave no good reading. */
  readonly values: readonly Float64Array[];
  readonly label: Uint8Array;
  /** Rows [0, normalEnd) are the normal part. */
  readonly normalEnd: number;
}

export const SIGNALS: readonly string[] = METRICS.map((m) => m.name);

const START_MS = Date.UTC(2026, 0, 1);

/** The first life of the given mode that lies wholly inside the simulated history, searching plant seeds. */
const findLife = (seed: number, mode: FailureMode) => {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const plant = new PlantModel({
      seed: seed * 1000 + attempt,
      assets: 4,
      startMs: START_MS,
      endMs: START_MS + 240 * 86_400_000,
      periodMs: PERIOD_MS,
    });
    for (let a = 0; a < plant.assets.length; a += 1) {
      const life = plant.livesOf(a).find((l) => l.mode === mode && l.install >= START_MS);
      if (life !== undefined) return { plant, assetIndex: a, life };
    }
  }
  throw new Error(`seed ${seed}: no ${mode} failure found`);
};

export const anomalyRun = (seed: number, mode: FailureMode): AnomalyRun => {
  const { plant, assetIndex, life } = findLife(seed, mode);
  const first = plant.firstIndexAtOrAfter(life.install);
  const last = plant.firstIndexAtOrAfter(life.failure) - 1;
  const rows = last - first + 1;
  const t = new Float64Array(rows);
  const values = METRICS.map(() => new Float64Array(rows));
  const label = new Uint8Array(rows);
  const sample: Sample = { t: 0, value: null, status: 0 };
  const faultFrom = life.onset + Math.sqrt(LABEL_FROM_EFFECT) * (life.failure - life.onset);
  for (let r = 0; r < rows; r += 1) {
    const k = first + r;
    t[r] = k * PERIOD_MS;
    label[r] = t[r]! >= faultFrom ? 1 : 0;
    METRICS.forEach((_, m) => {
      const ok = plant.sample(assetIndex * METRICS.length + m, k, sample);
      values[m]![r] = ok && sample.status === 0 && sample.value !== null ? sample.value : NaN;
    });
  }
  return {
    id: `s${seed}-${mode}`,
    seed,
    mode,
    asset: plant.assets[assetIndex] as string,
    t,
    values,
    label,
    normalEnd: Math.floor(rows * NORMAL_SHARE),
  };
};

export const anomalySet = (seeds: readonly number[]): AnomalyRun[] =>
  seeds.flatMap((seed) => FAULT_MODES.map((mode) => anomalyRun(seed, mode)));

export const runCsv = (run: AnomalyRun): string => {
  const lines = [`time,${SIGNALS.join(',')},label,part`];
  for (let r = 0; r < run.t.length; r += 1) {
    const cells = run.values.map((v) => (Number.isFinite(v[r]) ? String(v[r]) : ''));
    const part = r < run.normalEnd ? 'normal' : 'scored';
    lines.push(`${new Date(run.t[r] as number).toISOString()},${cells.join(',')},${run.label[r]},${part}`);
  }
  return `${lines.join('\n')}\n`;
};

export const parseSeeds = (text: string | undefined, fallback: readonly number[]): number[] =>
  text === undefined ? [...fallback] : text.split(',').map((s) => Number(s.trim()));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { seeds: { type: 'string' }, out: { type: 'string' } } });
  const dir = values.out ?? join(outDir, 'anomaly-set');
  await mkdir(dir, { recursive: true });
  const runs = anomalySet(parseSeeds(values.seeds, [1, 2, 3]));
  for (const run of runs) await writeFile(join(dir, `${run.id}.csv`), runCsv(run));
  const manifest = runs.map((r) => ({
    id: r.id,
    seed: r.seed,
    mode: r.mode,
    asset: r.asset,
    rows: r.t.length,
    normalRows: r.normalEnd,
    faultRows: r.label.reduce((s, v) => s + v, 0),
    from: new Date(r.t[0] as number).toISOString(),
  }));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  console.log(JSON.stringify({ out: dir, runs: manifest }));
}
