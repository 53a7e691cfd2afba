import { describe, expect, it } from 'vitest';
import {
  convertValue,
  convertValues,
  lookupUnit,
  normaliseUnitText,
  unitConversion,
  type UnitConversion,
} from '../../../../src/main/core/monitoring/units.js';

const conv = (from: string, to: string): UnitConversion => {
  const result = unitConversion(from, to);
  if (!result.ok) throw new Error(result.message);
  return result.conversion;
};
const convert = (value: number, from: string, to: string): number => convertValue(conv(from, to), value);

describe('unit conversions', () => {
  it('converts temperatures with their offsets (degC, K, degF, degR)', () => {
    expect(convert(0, 'degC', 'K')).toBeCloseTo(273.15, 10);
    expect(convert(100, '°C', 'degF')).toBeCloseTo(212, 10);
    expect(convert(32, 'degF', 'degC')).toBeCloseTo(0, 10);
    expect(convert(-40, 'degF', '°C')).toBeCloseTo(-40, 10);
    expect(convert(491.67, 'degR', 'degC')).toBeCloseTo(0, 10);
    expect(convert(300, 'K', 'degC')).toBeCloseTo(26.85, 10);
  });

  it('converts pressures (bar, kPa, psi, Pa, MPa, mbar)', () => {
    expect(convert(1, 'bar', 'kPa')).toBeCloseTo(100, 10);
    expect(convert(1, 'bar', 'psi')).toBeCloseTo(14.503773773, 8);
    expect(convert(250, 'kPa', 'bar')).toBeCloseTo(2.5, 10);
    expect(convert(1.2, 'MPa', 'Pa')).toBeCloseTo(1.2e6, 4);
    expect(convert(1013.25, 'mbar', 'atm')).toBeCloseTo(1, 10);
    expect(convert(1, 'barg', 'psig')).toBeCloseTo(14.503773773, 8);
  });

  it('refuses gauge to absolute pressure: it needs the ambient pressure', () => {
    const result = unitConversion('barg', 'bar');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe('different-quantity');
  });

  it('converts vibration velocity, flow, current, power and speed', () => {
    expect(convert(1, 'in/s', 'mm/s')).toBeCloseTo(25.4, 10);
    expect(convert(3.6, 'm³/h', 'l/s')).toBeCloseTo(1, 10);
    expect(convert(1, 'l/s', 'm3/h')).toBeCloseTo(3.6, 10);
    expect(convert(100, 'gpm', 'm3/h')).toBeCloseTo(22.712470704, 8);
    expect(convert(60, 'l/min', 'l/s')).toBeCloseTo(1, 10);
    expect(convert(250, 'mA', 'A')).toBeCloseTo(0.25, 10);
    expect(convert(1, 'hp', 'kW')).toBeCloseTo(0.745699872, 8);
    expect(convert(3000, 'rpm', 'rev/s')).toBeCloseTo(50, 10);
    expect(convert(1, 'mil', 'um')).toBeCloseTo(25.4, 10);
    expect(convert(50, '%', 'fraction')).toBeCloseTo(0.5, 10);
  });

  it('round-trips every conversion', () => {
    const pairs: [string, string][] = [
      ['degF', 'K'],
      ['psi', 'MPa'],
      ['in/s', 'm/s'],
      ['gpm', 'l/s'],
      ['t/h', 'kg/s'],
    ];
    for (const [a, b] of pairs) expect(convert(convert(123.456, a, b), b, a)).toBeCloseTo(123.456, 9);
  });

  it('reads the spellings historians use', () => {
    expect(normaliseUnitText(' M³ / H ')).toBe('m3/h');
    expect(lookupUnit('m3/hr')?.symbol).toBe('m3/h');
    expect(lookupUnit('°C')?.symbol).toBe('degC');
    expect(lookupUnit('[bar]')?.symbol).toBe('bar');
    expect(lookupUnit('µm')?.symbol).toBe('um');
    expect(lookupUnit('IPS')?.symbol).toBe('in/s');
    expect(lookupUnit('furlongs')).toBeNull();
  });

  it('the same spelling is the identity even for a unit the table does not know', () => {
    const c = conv('counts', 'Counts');
    expect(c.identity).toBe(true);
    const values = Float64Array.of(1, 2, NaN);
    expect(convertValues(c, values)).toBe(values);
  });

  it('names both units and the reason when there is no conversion', () => {
    const quantity = unitConversion('m3/h', 'bar');
    expect(quantity).toEqual({
      ok: false,
      reason: 'different-quantity',
      message: '[m3/h] is a volume flow and [bar] a pressure: no conversion',
    });
    const unknown = unitConversion('furlongs', 'bar');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.reason).toBe('unknown-unit');
      expect(unknown.message).toBe('no known conversion from [furlongs] to [bar] (unknown unit [furlongs])');
    }
  });

  it('converts arrays, keeping NaN as missing', () => {
    const out = convertValues(conv('degC', 'degF'), Float64Array.of(0, NaN, 100));
    expect(out[0]).toBeCloseTo(32, 10);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(212, 10);
  });
});
