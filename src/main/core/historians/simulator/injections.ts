import { z } from 'zod';
import { GOOD, type PlantModel, type Sample } from './plant-model.js';

/**
 * Faults injected into the plant simulator from a given time: the things that break a deployed model without
 * the machine changing (a drifting sensor, a unit change, a removed or renamed tag, a new sample period).
 * They are applied on read, so the seeded plant stays a pure function of (seed, tag, time) and a simulator
 * without injections serves exactly the same data as before.
 */

/** A time as an ISO 8601 string with a zone, or ms since the epoch. */
const time = z.union([z.number().finite(), z.string()]).transform((raw, ctx) => {
  const ms = typeof raw === 'number' ? raw : /(Z|[+-]\d\d:?\d\d)$/i.test(raw.trim()) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a time with a zone (e.g. 2026-01-10T00:00Z): ${String(raw)}` });
    return z.NEVER;
  }
  return ms;
});

const tag = z.string().min(1, 'name a tag, e.g. P-101.BearingTemperature');

export const injectionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('drift'),
      tag,
      from: time,
      /** Added after the gain, in the tag's original unit. */
      offset: z.number().finite().default(0),
      gain: z.number().finite().default(1),
      /** Hours over which the drift grows linearly to its full size; 0 is a step. */
      rampHours: z.number().finite().nonnegative().default(0),
    })
    .strict(),
  z.object({ kind: z.literal('unit'), tag, from: time, unit: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('remove'), tag, from: time }).strict(),
  z
    .object({
      kind: z.literal('rename'),
      tag,
      from: time,
      /** The new tag name: a browse name ("BrgTempDE") or a full id ("P-101.BrgTempDE"). */
      to: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a new name of letters, digits, "_", "-" or "."'),
    })
    .strict(),
  z.object({ kind: z.literal('period'), tag, from: time, periodS: z.number().finite().positive() }).strict(),
]);

export type Injection = z.output<typeof injectionSchema>;
export type InjectionKind = Injection['kind'];

/** Validate a list of injections; errors name the source, the item and the field. */
export const parseInjections = (raw: unknown, source: string): readonly Injection[] => {
  const result = z.array(injectionSchema).safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const item = typeof path[0] === 'number' ? `injection ${path[0] + 1}` : 'injections';
  const field = path.slice(1).join('.');
  throw new Error(`${source}: ${item}${field ? `, field "${field}"` : ''}: ${issue?.message ?? 'invalid'}`);
};

/**
 * One `--inject` value: `KIND:TAG[:key=value,...]@TIME`, e.g. `drift:P-101.Flow:offset=2.5@2026-01-10T00:00Z`,
 * `unit:P-101.BearingTemperature:unit=degF@...`, `remove:P-102.Speed@...`, `rename:P-101.Flow:to=FlowPV@...`,
 * `period:P-101.Flow:periodS=300@...`.
 */
export const parseInjectFlag = (raw: string): Injection => {
  const at = raw.lastIndexOf('@');
  if (at < 0) throw new Error(`--inject ${raw}: add the start time, e.g. ...@2026-01-10T00:00Z`);
  const [kind = '', tagId = '', params = ''] = splitOnce(raw.slice(0, at), ':', 3);
  const item: Record<string, unknown> = { kind, tag: tagId, from: raw.slice(at + 1) };
  for (const pair of params.split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new Error(`--inject ${raw}: "${pair}" is not key=value`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    item[key] =
      key === 'unit' || key === 'to' || value.trim() === '' || !Number.isFinite(Number(value)) ? value : Number(value);
  }
  const [parsed] = parseInjections([item], `--inject ${raw}`);
  return parsed as Injection;
};

/** Split on the first (n - 1) separators: tag ids contain no ":" but parameters may. */
const splitOnce = (s: string, sep: string, n: number): string[] => {
  const parts: string[] = [];
  let rest = s;
  while (parts.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  parts.push(rest);
  return parts;
};

export interface UnitInfo {
  readonly unit: string;
  /** UNECE common code (EUInformation.unitId derives from it). */
  readonly unece: string;
  readonly unitLongName: string;
}

interface Conversion {
  readonly from: string;
  readonly to: UnitInfo;
  readonly aliases: readonly string[];
  readonly convert: (v: number) => number;
}

/** The unit changes a plant really sees: a transmitter or historian reconfigured to another unit. */
const CONVERSIONS: readonly Conversion[] = [
  {
    from: '°C',
    to: { unit: '°F', unece: 'FAH', unitLongName: 'degree Fahrenheit' },
    aliases: ['°F', 'degF', 'F'],
    convert: (v) => (v * 9) / 5 + 32,
  },
  {
    from: '°C',
    to: { unit: 'K', unece: 'KEL', unitLongName: 'kelvin' },
    aliases: ['K', 'kelvin'],
    convert: (v) => v + 273.15,
  },
  {
    from: 'bar',
    to: { unit: 'psi', unece: 'PS', unitLongName: 'pound-force per square inch' },
    aliases: ['psi'],
    convert: (v) => v * 14.503773773,
  },
  {
    from: 'bar',
    to: { unit: 'kPa', unece: 'KPA', unitLongName: 'kilopascal' },
    aliases: ['kPa'],
    convert: (v) => v * 100,
  },
  {
    from: 'mm/s',
    to: { unit: 'in/s', unece: 'IU', unitLongName: 'inch per second' },
    aliases: ['in/s', 'ips'],
    convert: (v) => v / 25.4,
  },
  {
    from: 'm³/h',
    to: { unit: 'l/s', unece: 'G51', unitLongName: 'litre per second' },
    aliases: ['l/s', 'L/s'],
    convert: (v) => v / 3.6,
  },
];

const findConversion = (from: string, to: string): Conversion | undefined =>
  CONVERSIONS.find((c) => c.from === from && c.aliases.some((a) => a.toLowerCase() === to.toLowerCase()));

/** Convert a value between two units this simulator knows (for tests and the server's EURange). */
export const convertUnit = (from: string, to: string, value: number): number => {
  const c = findConversion(from, to);
  if (c === undefined) throw new Error(`no conversion from ${from} to ${to}`);
  return c.convert(value);
};

/**
 * A tag name as the historian serves it over a stretch of time. A renamed tag is two series (old name until
 * the rename, new name after); a removed tag's series ends at the removal.
 */
export interface Series {
  readonly id: string;
  readonly asset: string;
  /** Browse name of the variable. */
  readonly name: string;
  readonly tagIndex: number;
  /** The series exists in [fromMs, untilMs). */
  readonly fromMs: number;
  readonly untilMs: number;
}

interface Step {
  readonly fromMs: number;
}
interface DriftStep extends Step {
  readonly offset: number;
  readonly gain: number;
  readonly rampMs: number;
}
interface UnitStep extends Step {
  readonly conversion: Conversion;
}
interface PeriodStep extends Step {
  readonly periodMs: number;
}

interface TagPlan {
  readonly drifts: readonly DriftStep[];
  readonly unit: UnitStep | undefined;
  /** Sorted by time; the last one started applies. */
  readonly periods: readonly PeriodStep[];
}

const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** The plant as served with its injections applied: which names exist when, and each sample on read. */
export class InjectedPlant {
  /** Index i < model.tags.length is tag i under its original name; renamed series follow. */
  readonly series: readonly Series[];
  private readonly plans: readonly TagPlan[];

  constructor(
    readonly model: PlantModel,
    readonly injections: readonly Injection[] = [],
  ) {
    const byId = new Map(model.tags.map((t) => [t.id, t]));
    const drifts = model.tags.map((): DriftStep[] => []);
    const periods = model.tags.map((): PeriodStep[] => []);
    const units: (UnitStep | undefined)[] = model.tags.map(() => undefined);
    const removedAt = model.tags.map(() => Number.POSITIVE_INFINITY);
    const renames: { tagIndex: number; fromMs: number; id: string }[] = [];
    const base = model.options.periodMs;
    injections.forEach((inj, i) => {
      const where = `injection ${i + 1} (${inj.kind} ${inj.tag})`;
      const t = byId.get(inj.tag);
      if (t === undefined) {
        const sample = model.tags.slice(0, 3).map((x) => x.id);
        throw new Error(`${where}: no tag ${inj.tag} in the simulator (tags are like ${sample.join(', ')})`);
      }
      switch (inj.kind) {
        case 'drift':
          drifts[t.index]?.push({
            fromMs: inj.from,
            offset: inj.offset,
            gain: inj.gain,
            rampMs: inj.rampHours * 3_600_000,
          });
          break;
        case 'unit': {
          const conversion = findConversion(t.info.unit, inj.unit);
          if (conversion === undefined) {
            const known = CONVERSIONS.filter((c) => c.from === t.info.unit).map((c) => c.to.unit);
            throw new Error(
              `${where}: no conversion from ${t.info.unit} to ${inj.unit}` +
                (known.length > 0 ? ` (this tag can change to ${known.join(', ')})` : ''),
            );
          }
          if (units[t.index] !== undefined) throw new Error(`${where}: this tag already has a unit change`);
          units[t.index] = { fromMs: inj.from, conversion };
          break;
        }
        case 'remove':
          removedAt[t.index] = Math.min(removedAt[t.index] ?? Number.POSITIVE_INFINITY, inj.from);
          break;
        case 'rename': {
          const id = inj.to.includes('.') ? inj.to : `${t.asset}.${inj.to}`;
          if (!id.startsWith(`${t.asset}.`))
            throw new Error(`${where}: the new name ${id} must stay on asset ${t.asset}`);
          if (byId.has(id) || renames.some((r) => r.id === id)) throw new Error(`${where}: tag ${id} already exists`);
          if (renames.some((r) => r.tagIndex === t.index)) throw new Error(`${where}: this tag is already renamed`);
          renames.push({ tagIndex: t.index, fromMs: inj.from, id });
          break;
        }
        case 'period': {
          const periodMs = Math.round(inj.periodS * 1000);
          // The plant is a function of its grid index, so a new period must land on that grid.
          if (periodMs % base !== 0)
            throw new Error(
              `${where}: periodS ${inj.periodS} is not a multiple of the simulator period (${base / 1000} s)`,
            );
          periods[t.index]?.push({ fromMs: inj.from, periodMs });
          break;
        }
        default: {
          const never: never = inj;
          throw new Error(`unknown injection ${String(never)}`);
        }
      }
    });
    const series: Series[] = model.tags.map((t) => {
      const rename = renames.find((r) => r.tagIndex === t.index);
      const until = Math.min(
        removedAt[t.index] ?? Number.POSITIVE_INFINITY,
        rename?.fromMs ?? Number.POSITIVE_INFINITY,
      );
      return {
        id: t.id,
        asset: t.asset,
        name: t.info.name,
        tagIndex: t.index,
        fromMs: Number.NEGATIVE_INFINITY,
        untilMs: until,
      };
    });
    for (const r of renames) {
      const t = model.tags[r.tagIndex];
      if (t === undefined) continue;
      const until = removedAt[r.tagIndex] ?? Number.POSITIVE_INFINITY;
      if (until <= r.fromMs) continue;
      series.push({
        id: r.id,
        asset: t.asset,
        name: r.id.slice(t.asset.length + 1),
        tagIndex: r.tagIndex,
        fromMs: r.fromMs,
        untilMs: until,
      });
    }
    this.series = series;
    this.plans = model.tags.map((t) => ({
      drifts: drifts[t.index] ?? [],
      unit: units[t.index],
      periods: [...(periods[t.index] ?? [])].sort((a, b) => a.fromMs - b.fromMs),
    }));
  }

  /** Series that exist at time t (what a browse at that time shows). */
  seriesAt(t: number): Series[] {
    return this.series.filter((s) => s.fromMs <= t && t < s.untilMs);
  }

  /** The unit of a tag at time t. */
  unitAt(tagIndex: number, t: number): UnitInfo & { readonly low: number; readonly high: number } {
    const tag = this.model.tags[tagIndex];
    if (tag === undefined) throw new Error(`no tag #${tagIndex}`);
    const unit = this.plans[tagIndex]?.unit;
    if (unit === undefined || t < unit.fromMs) return tag.info;
    return {
      ...unit.conversion.to,
      low: round4(unit.conversion.convert(tag.info.low)),
      high: round4(unit.conversion.convert(tag.info.high)),
    };
  }

  /** The sample period of a tag at time t (ms). */
  periodAt(tagIndex: number, t: number): number {
    let period = this.model.options.periodMs;
    for (const p of this.plans[tagIndex]?.periods ?? []) if (p.fromMs <= t) period = p.periodMs;
    return period;
  }

  /** The sample of series `s` at grid index k, injections applied; false when there is none. */
  sample(s: Series, k: number, out: Sample): boolean {
    const t = k * this.model.options.periodMs;
    if (t < s.fromMs || t >= s.untilMs) return false;
    const plan = this.plans[s.tagIndex];
    if (plan === undefined) throw new Error(`no tag #${s.tagIndex}`);
    if (plan.periods.length > 0 && t % this.periodAt(s.tagIndex, t) !== 0) return false;
    if (!this.model.sample(s.tagIndex, k, out)) return false;
    if (out.status !== GOOD || out.value === null) return true;
    let value = out.value;
    let changed = false;
    for (const d of plan.drifts) {
      if (t < d.fromMs) continue;
      const f = d.rampMs > 0 ? Math.min(1, (t - d.fromMs) / d.rampMs) : 1;
      value = value * (1 + (d.gain - 1) * f) + d.offset * f;
      changed = true;
    }
    if (plan.unit !== undefined && t >= plan.unit.fromMs) {
      value = plan.unit.conversion.convert(value);
      changed = true;
    }
    if (changed) out.value = round4(value);
    return true;
  }
}
