import { seededRandom } from '../../../../shared/seeded-random.js';

/**
 * A deterministic pump/motor plant: every sample is a pure function of (seed, tag, time), so a history of any
 * length costs no memory and the same seed always gives the same data. Time runs on a fixed grid of
 * `periodMs` since the Unix epoch; the asset schedules (operating modes, degradation, failures, repairs) and
 * the sensor faults (stuck values, spikes, dropouts, sensor failures) are drawn once from the seed.
 */

export type Metric = 'vibration' | 'bearing-temperature' | 'motor-current' | 'pressure' | 'flow' | 'speed';

export interface MetricInfo {
  readonly metric: Metric;
  /** Browse name of the variable. */
  readonly name: string;
  readonly unit: string;
  /** UNECE common code of the unit (EUInformation.unitId is derived from it). */
  readonly unece: string;
  readonly unitLongName: string;
  readonly low: number;
  readonly high: number;
}

export const METRICS: readonly MetricInfo[] = [
  {
    metric: 'vibration',
    name: 'VibrationRMS',
    unit: 'mm/s',
    unece: 'C16',
    unitLongName: 'millimetre per second',
    low: 0,
    high: 50,
  },
  {
    metric: 'bearing-temperature',
    name: 'BearingTemperature',
    unit: '°C',
    unece: 'CEL',
    unitLongName: 'degree Celsius',
    low: 0,
    high: 150,
  },
  { metric: 'motor-current', name: 'MotorCurrent', unit: 'A', unece: 'AMP', unitLongName: 'ampere', low: 0, high: 100 },
  { metric: 'pressure', name: 'DischargePressure', unit: 'bar', unece: 'BAR', unitLongName: 'bar', low: 0, high: 16 },
  { metric: 'flow', name: 'Flow', unit: 'm³/h', unece: 'MQH', unitLongName: 'cubic metre per hour', low: 0, high: 250 },
  {
    metric: 'speed',
    name: 'Speed',
    unit: 'rpm',
    unece: 'RPM',
    unitLongName: 'revolutions per minute',
    low: 0,
    high: 1800,
  },
];

export type FailureMode = 'bearing' | 'seal' | 'winding' | 'cavitation';

export const FAILURE_CODES: Readonly<Record<FailureMode, { code: string; description: string }>> = {
  bearing: {
    code: 'BRG-WEAR',
    description: 'Drive-end bearing worn: high vibration and temperature; bearing replaced',
  },
  seal: { code: 'SEAL-LEAK', description: 'Mechanical seal leaking: pressure and flow dropped; seal replaced' },
  winding: { code: 'MTR-WIND', description: 'Motor winding insulation failure: current rising; motor rewound' },
  cavitation: {
    code: 'CAV',
    description: 'Impeller cavitation damage: noisy vibration and unstable pressure; impeller replaced',
  },
};

export interface SimTag {
  /** Stable id, also the OPC UA string node id: "<asset>.<name>". */
  readonly id: string;
  readonly asset: string;
  readonly index: number;
  readonly info: MetricInfo;
}

export interface WorkOrder {
  readonly id: string;
  readonly asset: string;
  readonly kind: 'failure' | 'maintenance' | 'inspection';
  readonly startMs: number;
  readonly endMs: number;
  readonly code: string;
  readonly description: string;
}

export interface PlantOptions {
  readonly seed: number;
  readonly assets: number;
  /** First time with history (ms since the epoch, rounded up to the grid). */
  readonly startMs: number;
  /** End of the schedule horizon (ms); history itself may end earlier (see the server's `historyEnd`). */
  readonly endMs: number;
  readonly periodMs: number;
}

/** Status codes the simulator attaches to samples. */
export const GOOD = 0;
export const BAD_SENSOR_FAILURE = 0x808c0000;

export interface Life {
  readonly install: number;
  readonly onset: number;
  readonly failure: number;
  readonly repaired: number;
  readonly mode: FailureMode;
}

interface Windows {
  readonly start: Float64Array;
  readonly end: Float64Array;
}

interface TagFaults {
  readonly stuck: Windows;
  readonly dropout: Windows;
  readonly sensorFailure: Windows;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MODE_BLOCK = 4 * HOUR;

/** A 32-bit avalanche mix (murmur3 finaliser). */
const mix = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** Uniform [0, 1) from (seed, a, b, c) without state. `b` may exceed 2^32 (a time index). */
const hash01 = (seed: number, a: number, b: number, c: number): number => {
  const lo = b >>> 0;
  const hi = Math.floor(b / 4294967296) >>> 0;
  let h = mix(seed ^ 0x9e3779b9);
  h = mix(h ^ Math.imul(a + 1, 0x27d4eb2d));
  h = mix(h ^ lo);
  h = mix(h ^ hi ^ Math.imul(c + 1, 0x165667b1));
  return h / 4294967296;
};

/** Standard normal from two hashed uniforms (Box-Muller). */
const gauss = (seed: number, a: number, b: number, c: number): number => {
  const u = Math.max(hash01(seed, a, b, c), 1e-12);
  const v = hash01(seed, a, b, c + 7919);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

const drawWindows = (
  random: () => number,
  from: number,
  to: number,
  everyMs: number,
  minMs: number,
  maxMs: number,
): Windows => {
  const starts: number[] = [];
  const ends: number[] = [];
  let t = from - random() * everyMs;
  for (;;) {
    t += -Math.log(1 - random()) * everyMs;
    if (t >= to) break;
    const length = minMs + random() * (maxMs - minMs);
    starts.push(t);
    ends.push(t + length);
    t += length;
  }
  return { start: Float64Array.from(starts), end: Float64Array.from(ends) };
};

/** Index of the window containing t, or -1. Windows are sorted and disjoint. */
const windowAt = (w: Windows, t: number): number => {
  let lo = 0;
  let hi = w.start.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((w.start[mid] as number) > t) hi = mid - 1;
    else if ((w.end[mid] as number) <= t) lo = mid + 1;
    else return mid;
  }
  return -1;
};

export interface Sample {
  /** Source time, ms since the epoch. */
  t: number;
  value: number | null;
  status: number;
}

const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

export class PlantModel {
  readonly tags: readonly SimTag[];
  readonly assets: readonly string[];
  readonly workOrders: readonly WorkOrder[];
  private readonly lives: readonly (readonly Life[])[];
  private readonly faults: readonly TagFaults[];

  constructor(readonly options: PlantOptions) {
    if (!(options.periodMs > 0) || !Number.isInteger(options.periodMs))
      throw new Error('period must be a positive integer of ms');
    const assets: string[] = [];
    const tags: SimTag[] = [];
    for (let a = 0; a < options.assets; a++) {
      const asset = `P-${101 + a}`;
      assets.push(asset);
      for (const info of METRICS) tags.push({ id: `${asset}.${info.name}`, asset, index: tags.length, info });
    }
    this.assets = assets;
    this.tags = tags;
    const horizonStart = options.startMs - 60 * DAY;
    const horizonEnd = options.endMs + 400 * DAY;
    const lives: Life[][] = [];
    const orders: WorkOrder[] = [];
    const modes: FailureMode[] = ['bearing', 'seal', 'winding', 'cavitation'];
    for (let a = 0; a < assets.length; a++) {
      const random = seededRandom(mix(options.seed ^ mix(a + 1)));
      const list: Life[] = [];
      let install = horizonStart + random() * 20 * DAY;
      let wo = 1;
      while (install < horizonEnd) {
        const lifetime = (18 + random() * 42) * DAY;
        const failure = install + lifetime;
        const onset = install + lifetime * (0.45 + random() * 0.3);
        const repaired = failure + (6 + random() * 42) * HOUR;
        const mode = modes[Math.floor(random() * modes.length)] as FailureMode;
        list.push({ install, onset, failure, repaired, mode });
        const asset = assets[a] as string;
        const inspection = install + lifetime * (0.3 + random() * 0.5);
        orders.push({
          id: `WO-${asset}-${String(wo++).padStart(4, '0')}`,
          asset,
          kind: 'inspection',
          startMs: inspection,
          endMs: inspection + (1 + random() * 2) * HOUR,
          code: 'INSP',
          description:
            inspection > onset
              ? 'Routine inspection: abnormal noise noted, monitoring'
              : 'Routine inspection: no findings',
        });
        orders.push({
          id: `WO-${asset}-${String(wo++).padStart(4, '0')}`,
          asset,
          kind: 'failure',
          startMs: failure,
          endMs: repaired,
          code: FAILURE_CODES[mode].code,
          description: FAILURE_CODES[mode].description,
        });
        install = repaired;
      }
      lives.push(list);
    }
    this.lives = lives;
    const roundMs = (o: WorkOrder): WorkOrder => ({
      ...o,
      startMs: Math.round(o.startMs / 1000) * 1000,
      endMs: Math.round(o.endMs / 1000) * 1000,
    });
    this.workOrders = orders.map(roundMs).sort((x, y) => x.startMs - y.startMs || x.asset.localeCompare(y.asset));
    this.faults = tags.map((tag) => {
      const random = seededRandom(mix(options.seed ^ mix(0x5f3759df + tag.index)));
      return {
        stuck: drawWindows(random, horizonStart, horizonEnd, 20 * DAY, HOUR, 6 * HOUR),
        dropout: drawWindows(random, horizonStart, horizonEnd, 7 * DAY, 10 * 60_000, 3 * HOUR),
        sensorFailure: drawWindows(random, horizonStart, horizonEnd, 25 * DAY, 30 * 60_000, 4 * HOUR),
      };
    });
  }

  /** Grid index of the first sample at or after t (ms). */
  firstIndexAtOrAfter(t: number): number {
    return Math.ceil(t / this.options.periodMs);
  }

  /** First grid index with history. */
  get firstIndex(): number {
    return this.firstIndexAtOrAfter(this.options.startMs);
  }

  /** Work orders overlapping [fromMs, toMs). */
  workOrdersBetween(fromMs: number, toMs: number): WorkOrder[] {
    return this.workOrders.filter((o) => o.startMs < toMs && o.endMs > fromMs);
  }

  /**
   * The sample of `tag` at grid index k, written into `out`; false when the sensor delivered nothing (dropout).
   * Samples before the plant's start do not exist.
   */
  sample(tagIndex: number, k: number, out: Sample): boolean {
    const tag = this.tags[tagIndex];
    const faults = this.faults[tagIndex];
    if (tag === undefined || faults === undefined) throw new Error(`no tag #${tagIndex}`);
    if (k < this.firstIndex) return false;
    const t = k * this.options.periodMs;
    out.t = t;
    if (windowAt(faults.dropout, t) >= 0) return false;
    if (windowAt(faults.sensorFailure, t) >= 0) {
      out.value = null;
      out.status = BAD_SENSOR_FAILURE;
      return true;
    }
    const stuck = windowAt(faults.stuck, t);
    const kv =
      stuck >= 0
        ? Math.max(this.firstIndex, Math.ceil((faults.stuck.start[stuck] as number) / this.options.periodMs))
        : k;
    let value = this.clean(tag, kv);
    const seed = this.options.seed;
    if (stuck < 0 && hash01(seed, tagIndex, k, 3) < 0.0004) {
      // A spike: one reading far off, as a loose connector or EMI would produce.
      value = value * (2 + 2 * hash01(seed, tagIndex, k, 4)) + tag.info.high * 0.1;
    }
    out.value = round4(value);
    out.status = GOOD;
    return true;
  }

  /** The true (fault-free) value of a tag at grid index k. */
  private clean(tag: SimTag, k: number): number {
    const t = k * this.options.periodMs;
    const assetIndex = Math.floor(tag.index / METRICS.length);
    const seed = this.options.seed;
    const life = this.lifeAt(assetIndex, t);
    const inRepair = life !== undefined && t >= life.failure;
    const block = Math.floor(t / MODE_BLOCK);
    const m = hash01(seed, 10_000 + assetIndex, block, 1);
    const load = inRepair ? 0 : m < 0.05 ? 0 : m < 0.3 ? 0.7 : m < 0.85 ? 1 : 1.15;
    const d =
      life === undefined || inRepair || t < life.onset
        ? 0
        : Math.min(1, ((t - life.onset) / (life.failure - life.onset)) ** 2);
    const mode = life?.mode;
    const n = (scale: number) => scale * gauss(seed, tag.index, k, 0);
    const ambient = 22 + 4 * Math.sin((2 * Math.PI * (t % DAY)) / DAY);
    const running = load > 0;
    switch (tag.info.metric) {
      case 'vibration':
        if (!running) return 0.05 + Math.abs(n(0.02));
        return (
          1 +
          1.4 * load +
          (mode === 'bearing' ? 9 : mode === 'cavitation' ? 5 : 1) * d +
          n(0.06 + 0.05 * load + (mode === 'cavitation' ? 0.6 * d : 0))
        );
      case 'bearing-temperature':
        if (!running) return ambient + 3 + n(0.2);
        return ambient + 18 + 14 * load + (mode === 'bearing' ? 35 : 5) * d + n(0.25);
      case 'motor-current':
        if (!running) return Math.abs(n(0.02));
        return 8 + 42 * load + (mode === 'winding' ? 18 : 3) * d + n(0.35);
      case 'pressure':
        if (!running) return 0.1 + n(0.01);
        return (
          2 +
          4.5 * load -
          (mode === 'seal' ? 2.2 : 0) * d -
          (mode === 'cavitation' ? 0.8 * d * Math.abs(gauss(seed, tag.index, k, 5)) : 0) +
          n(0.04)
        );
      case 'flow':
        if (!running) return Math.max(0, n(0.2));
        return 40 + 95 * load - (mode === 'seal' ? 35 : 0) * d + n(0.8);
      case 'speed':
        if (!running) return 0;
        return 900 + 505 * load + n(1.5);
    }
  }

  /**
   * The ground truth of one asset's lives (ms): install, the onset of degradation, the failure, the end of its
   * repair and the failure mode. Benchmarks label fault intervals from it (bench/anomaly-set.ts).
   */
  livesOf(assetIndex: number): readonly Readonly<Life>[] {
    return this.lives[assetIndex] ?? [];
  }

  private lifeAt(assetIndex: number, t: number): Life | undefined {
    const lives = this.lives[assetIndex] ?? [];
    let lo = 0;
    let hi = lives.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const life = lives[mid] as Life;
      if (life.install > t) hi = mid - 1;
      else if (life.repaired <= t) lo = mid + 1;
      else return life;
    }
    return undefined;
  }
}

/** The work orders as a CMMS-style CSV export (ISO 8601 UTC times). */
export const workOrdersCsv = (orders: readonly WorkOrder[]): string => {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = ['work_order,asset,type,start,end,failure_code,description'];
  for (const o of orders) {
    lines.push(
      [o.id, o.asset, o.kind, new Date(o.startMs).toISOString(), new Date(o.endMs).toISOString(), o.code, o.description]
        .map(quote)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
};
