import { describe, expect, it } from 'vitest';
import { PlantModel, type Sample } from '../../../../src/main/core/historians/simulator/plant-model.js';
import {
  InjectedPlant,
  convertUnit,
  parseInjectFlag,
  parseInjections,
} from '../../../../src/main/core/historians/simulator/injections.js';

const options = { seed: 3, assets: 2, startMs: Date.UTC(2026, 0, 1), endMs: Date.UTC(2026, 1, 1), periodMs: 60_000 };
const model = new PlantModel(options);
const FROM = Date.UTC(2026, 0, 10);
const kFrom = FROM / 60_000;

/** Raw model sample of tag `id` at grid index k (null: none). */
const raw = (id: string, k: number): Sample | null => {
  const out: Sample = { t: 0, value: null, status: 0 };
  const tag = model.tags.find((t) => t.id === id);
  return tag !== undefined && model.sample(tag.index, k, out) ? out : null;
};
const read = (plant: InjectedPlant, id: string, k: number): Sample | null => {
  const out: Sample = { t: 0, value: null, status: 0 };
  const s = plant.series.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no series ${id}`);
  return plant.sample(s, k, out) ? out : null;
};
/** A grid index at or after k where the raw tag has a good value. */
const goodAt = (id: string, k: number): number => {
  while (raw(id, k)?.value == null) k++;
  return k;
};
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

describe('simulator injections (applied on read)', () => {
  it('no injections: every sample identical to the seeded model', () => {
    const plant = new InjectedPlant(model, []);
    expect(plant.series.map((s) => s.id)).toEqual(model.tags.map((t) => t.id));
    for (const tag of model.tags)
      for (let k = model.firstIndex; k < model.firstIndex + 3000; k += 37)
        expect(read(plant, tag.id, k)).toEqual(raw(tag.id, k));
  });

  it('drift: offset and gain from the given time, a ramp reaches half its size halfway', () => {
    const id = 'P-101.BearingTemperature';
    const plant = new InjectedPlant(
      model,
      parseInjections([{ kind: 'drift', tag: id, from: '2026-01-10T00:00Z', offset: 2.5, gain: 1.1 }], 'test'),
    );
    const before = goodAt(id, kFrom - 10);
    if (before < kFrom) expect(read(plant, id, before)).toEqual(raw(id, before));
    const k = goodAt(id, kFrom);
    const v = raw(id, k)?.value as number;
    // Hand-worked: 1.1 v + 2.5, e.g. 50 °C reads 57.5 °C.
    expect(read(plant, id, k)?.value).toBe(r4(v * 1.1 + 2.5));
    const ramped = new InjectedPlant(model, [parseInjectFlag(`drift:${id}:offset=4,rampHours=10@2026-01-10T00:00Z`)]);
    const k5 = goodAt(id, kFrom + 300); // 5 h into a 10 h ramp: half of 4
    expect(read(ramped, id, k5)?.value).toBe(r4((raw(id, k5)?.value as number) + (4 * (k5 - kFrom)) / 600));
    const k20 = goodAt(id, kFrom + 1200);
    expect(read(ramped, id, k20)?.value).toBe(r4((raw(id, k20)?.value as number) + 4));
  });

  it('unit change: °C to °F converts values and the unit from the given time', () => {
    expect(convertUnit('°C', 'degF', 100)).toBe(212);
    expect(convertUnit('°C', '°F', 50)).toBe(122);
    expect(convertUnit('bar', 'kPa', 6)).toBe(600);
    const id = 'P-101.BearingTemperature';
    const plant = new InjectedPlant(model, [parseInjectFlag(`unit:${id}:unit=degF@2026-01-10T00:00Z`)]);
    const k = goodAt(id, kFrom);
    expect(read(plant, id, k)?.value).toBe(r4(((raw(id, k)?.value as number) * 9) / 5 + 32));
    expect(read(plant, id, kFrom - 1)).toEqual(raw(id, kFrom - 1));
    expect(plant.unitAt(1, FROM - 1)).toMatchObject({ unit: '°C', unece: 'CEL' });
    expect(plant.unitAt(1, FROM)).toMatchObject({ unit: '°F', unece: 'FAH', low: 32, high: 302 });
    expect(() => new InjectedPlant(model, [parseInjectFlag(`unit:P-101.Speed:unit=degF@2026-01-10T00:00Z`)])).toThrow(
      /injection 1 \(unit P-101.Speed\): no conversion from rpm to degF/,
    );
  });

  it('removed tag: no samples from the given time, gone from the tags that exist then', () => {
    const id = 'P-102.Speed';
    const plant = new InjectedPlant(model, [parseInjectFlag(`remove:${id}@2026-01-10T00:00Z`)]);
    const k = goodAt(id, kFrom - 30);
    expect(k).toBeLessThan(kFrom);
    expect(read(plant, id, k)).toEqual(raw(id, k));
    for (let j = kFrom; j < kFrom + 500; j++) expect(read(plant, id, j)).toBeNull();
    expect(plant.seriesAt(FROM - 1).map((s) => s.id)).toContain(id);
    expect(plant.seriesAt(FROM).map((s) => s.id)).not.toContain(id);
    expect(plant.seriesAt(FROM)).toHaveLength(11);
  });

  it('renamed tag: the old name ends and the new name carries the same values from the given time', () => {
    const plant = new InjectedPlant(model, [parseInjectFlag('rename:P-101.Flow:to=FlowPV@2026-01-10T00:00Z')]);
    expect(plant.seriesAt(FROM).map((s) => s.id)).toContain('P-101.FlowPV');
    expect(plant.seriesAt(FROM).map((s) => s.id)).not.toContain('P-101.Flow');
    expect(plant.seriesAt(FROM - 1).map((s) => s.id)).not.toContain('P-101.FlowPV');
    const k = goodAt('P-101.Flow', kFrom);
    expect(read(plant, 'P-101.FlowPV', k)).toEqual(raw('P-101.Flow', k));
    expect(read(plant, 'P-101.Flow', k)).toBeNull();
    expect(read(plant, 'P-101.FlowPV', kFrom - 1)).toBeNull();
  });

  it('period change: from the given time only every 5th minute is served', () => {
    const id = 'P-101.VibrationRMS';
    const plant = new InjectedPlant(model, [parseInjectFlag(`period:${id}:periodS=300@2026-01-10T00:00Z`)]);
    const times = (k0: number, n: number) => {
      const t: number[] = [];
      for (let k = k0; k < k0 + n; k++) {
        const s = read(plant, id, k);
        if (s !== null) t.push(s.t);
      }
      return t;
    };
    const after = times(kFrom, 60);
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThanOrEqual(12);
    for (const t of after) expect(t % 300_000).toBe(0);
    expect(times(kFrom - 60, 60).length).toBeGreaterThan(12);
    expect(plant.periodAt(0, FROM)).toBe(300_000);
    expect(() => new InjectedPlant(model, [parseInjectFlag(`period:${id}:periodS=90@2026-01-10T00:00Z`)])).toThrow(
      /not a multiple of the simulator period \(60 s\)/,
    );
  });

  it('validation names the item and field', () => {
    expect(() => parseInjections([{ kind: 'drift', tag: 'P-101.Flow', from: '2026-01-10' }], 'inj.json')).toThrow(
      /inj.json: injection 1, field "from": not a time with a zone/,
    );
    expect(() => parseInjections([{ kind: 'melt', tag: 'P-101.Flow', from: 0 }], 'inj.json')).toThrow(/injection 1/);
    expect(
      () => new InjectedPlant(model, parseInjections([{ kind: 'remove', tag: 'P-999.Flow', from: 0 }], 'x')),
    ).toThrow(/no tag P-999.Flow/);
    expect(() => parseInjectFlag('remove:P-101.Flow')).toThrow(/add the start time/);
  });
});
