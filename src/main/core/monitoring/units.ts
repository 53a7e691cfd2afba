/**
 * Engineering units a plant historian reports, and the conversions between them. A contract signal in [bar]
 * fed from a tag in [kPa] is converted, not refused; a tag in a unit of another quantity (or one this table
 * does not know) is refused, because scoring it would silently produce nonsense.
 *
 * Each unit maps to its quantity's SI unit by si = value * factor + offset (the offset only for temperatures).
 * Gauge and absolute pressures are different quantities: converting one into the other needs the ambient
 * pressure, which the historian does not report.
 */
export type Quantity =
  | 'temperature'
  | 'pressure'
  | 'gauge-pressure'
  | 'velocity'
  | 'acceleration'
  | 'length'
  | 'volume-flow'
  | 'mass-flow'
  | 'current'
  | 'voltage'
  | 'power'
  | 'rotational-speed'
  | 'frequency'
  | 'ratio';

interface UnitDef {
  /** The unit's canonical spelling, as messages show it. */
  readonly symbol: string;
  readonly quantity: Quantity;
  readonly factor: number;
  readonly offset: number;
  /** Other spellings, compared after normalising (see normaliseUnitText). */
  readonly aliases: readonly string[];
}

const unit = (
  symbol: string,
  quantity: Quantity,
  factor: number,
  aliases: readonly string[] = [],
  offset = 0,
): UnitDef => ({ symbol, quantity, factor, offset, aliases });

const PSI_PA = 6894.757293168;
const US_GALLON_M3 = 0.003785411784;

const UNITS: readonly UnitDef[] = [
  unit('K', 'temperature', 1, ['kelvin']),
  unit('degC', 'temperature', 1, ['°c', 'c', 'deg c', 'celsius', 'degrees c', 'ºc'], 273.15),
  unit('degF', 'temperature', 5 / 9, ['°f', 'f', 'deg f', 'fahrenheit', 'degrees f', 'ºf'], (459.67 * 5) / 9),
  // C-MAPSS reports its temperatures in degrees Rankine.
  unit('degR', 'temperature', 5 / 9, ['°r', 'deg r', 'rankine', 'ºr']),
  unit('Pa', 'pressure', 1, ['pascal']),
  unit('kPa', 'pressure', 1e3, ['kpaa']),
  unit('MPa', 'pressure', 1e6, ['mpaa']),
  unit('mbar', 'pressure', 100, ['mbara', 'hpa']),
  unit('bar', 'pressure', 1e5, ['bara', 'bar(a)', 'bar a']),
  unit('psi', 'pressure', PSI_PA, ['psia', 'lbf/in2']),
  unit('atm', 'pressure', 101325),
  unit('kPag', 'gauge-pressure', 1e3, ['kpa(g)', 'kpa g']),
  unit('barg', 'gauge-pressure', 1e5, ['bar(g)', 'bar g']),
  unit('psig', 'gauge-pressure', PSI_PA, ['psi(g)', 'psi g']),
  unit('m/s', 'velocity', 1),
  unit('mm/s', 'velocity', 1e-3),
  unit('in/s', 'velocity', 0.0254, ['ips', 'inch/s']),
  unit('ft/s', 'velocity', 0.3048, ['fps']),
  unit('m/s2', 'acceleration', 1),
  unit('mm/s2', 'acceleration', 1e-3),
  unit('g', 'acceleration', 9.80665, ['g0', 'gn']),
  unit('m', 'length', 1),
  unit('mm', 'length', 1e-3),
  unit('um', 'length', 1e-6, ['micron', 'microns']),
  unit('mil', 'length', 2.54e-5, ['mils', 'thou']),
  unit('in', 'length', 0.0254, ['inch']),
  unit('m3/s', 'volume-flow', 1),
  unit('m3/h', 'volume-flow', 1 / 3600, ['m3/hr', 'cbm/h']),
  unit('l/s', 'volume-flow', 1e-3, ['lps']),
  unit('l/min', 'volume-flow', 1e-3 / 60, ['lpm']),
  unit('gpm', 'volume-flow', US_GALLON_M3 / 60, ['gal/min', 'usgpm']),
  unit('kg/s', 'mass-flow', 1),
  unit('kg/h', 'mass-flow', 1 / 3600),
  unit('t/h', 'mass-flow', 1000 / 3600, ['tph']),
  unit('A', 'current', 1, ['amp', 'amps', 'ampere']),
  unit('mA', 'current', 1e-3),
  unit('V', 'voltage', 1, ['volt', 'volts']),
  unit('kV', 'voltage', 1e3),
  unit('mV', 'voltage', 1e-3),
  unit('W', 'power', 1, ['watt']),
  unit('kW', 'power', 1e3),
  unit('MW', 'power', 1e6),
  unit('hp', 'power', 745.6998715822702, ['bhp']),
  unit('rpm', 'rotational-speed', 1 / 60, ['1/min', 'r/min', 'rev/min']),
  unit('rev/s', 'rotational-speed', 1, ['rps', 'r/s']),
  unit('Hz', 'frequency', 1),
  unit('kHz', 'frequency', 1e3),
  unit('%', 'ratio', 0.01, ['percent', 'pct']),
  unit('fraction', 'ratio', 1, ['1', '-']),
];

/**
 * Lower case, superscripts and micro signs folded, spaces around slashes removed: "m³/h", "M3/H" and "m3 / h"
 * are one unit. Case is folded because historians spell units freely; the pairs that differ only in case
 * (mPa/MPa, mA/MA) have one member no plant uses.
 */
export const normaliseUnitText = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replaceAll('³', '3')
    .replaceAll('²', '2')
    .replaceAll('µ', 'u')
    .replaceAll('μ', 'u')
    .replace(/\s*\/\s*/g, '/')
    .replace(/\s+/g, ' ')
    .replace(/^\[(.*)\]$/, '$1');

const BY_TEXT: ReadonlyMap<string, UnitDef> = new Map(
  UNITS.flatMap((u) => [u.symbol, ...u.aliases].map((text) => [normaliseUnitText(text), u] as const)),
);

export const lookupUnit = (text: string): { readonly symbol: string; readonly quantity: Quantity } | null => {
  const def = BY_TEXT.get(normaliseUnitText(text));
  return def === undefined ? null : { symbol: def.symbol, quantity: def.quantity };
};

/** How to turn values in one unit into another: to = from * scale + shift. */
export interface UnitConversion {
  readonly from: string;
  readonly to: string;
  readonly scale: number;
  readonly shift: number;
  readonly identity: boolean;
}

export type ConversionResult =
  | { readonly ok: true; readonly conversion: UnitConversion }
  | { readonly ok: false; readonly reason: 'unknown-unit' | 'different-quantity'; readonly message: string };

/**
 * The conversion from `from` to `to`. Two spellings that normalise to the same text are the same unit even
 * when the table does not know it (a plant-specific "counts" stays usable when both sides say "counts").
 */
export const unitConversion = (from: string, to: string): ConversionResult => {
  const identity = { ok: true as const, conversion: { from, to, scale: 1, shift: 0, identity: true } };
  if (normaliseUnitText(from) === normaliseUnitText(to)) return identity;
  const a = BY_TEXT.get(normaliseUnitText(from));
  const b = BY_TEXT.get(normaliseUnitText(to));
  if (a === undefined || b === undefined) {
    const unknown = [a === undefined ? from : null, b === undefined ? to : null].filter((u) => u !== null);
    return {
      ok: false,
      reason: 'unknown-unit',
      message: `no known conversion from [${from}] to [${to}] (unknown unit ${unknown.map((u) => `[${u}]`).join(' and ')})`,
    };
  }
  if (a.quantity !== b.quantity) {
    return {
      ok: false,
      reason: 'different-quantity',
      message: `[${from}] is a ${a.quantity.replace('-', ' ')} and [${to}] a ${b.quantity.replace('-', ' ')}: no conversion`,
    };
  }
  if (a === b) return identity;
  // si = x * fa + oa;  y = (si - ob) / fb  =>  y = x * (fa / fb) + (oa - ob) / fb
  return {
    ok: true,
    conversion: { from, to, scale: a.factor / b.factor, shift: (a.offset - b.offset) / b.factor, identity: false },
  };
};

export const convertValue = (conversion: UnitConversion, value: number): number =>
  value * conversion.scale + conversion.shift;

/** A converted copy (NaN stays NaN); the same array when no conversion is needed. */
export const convertValues = (conversion: UnitConversion, values: Float64Array): Float64Array => {
  if (conversion.identity) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = (values[i] as number) * conversion.scale + conversion.shift;
  return out;
};
