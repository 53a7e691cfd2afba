import { describe, expect, it } from 'vitest';
import {
  checkContract,
  formatPeriod,
  isBadQuality,
  medianSpacing,
  type DataContract,
  type SignalData,
} from '../../../../src/main/core/monitoring/contract-check.js';

const MIN = 60e6;
const FROM = Date.UTC(2026, 10, 1) * 1000;
const N = 1000;
const TO = FROM + (N - 1) * MIN;

const contract: DataContract = {
  window: { timeKind: 'timestamp' },
  signals: [
    {
      asset: 'P-101',
      tag: 'DischargePressure',
      unit: 'bar',
      samplePeriod: MIN,
      validMin: 0,
      validMax: 16,
      missingPolicy: 'forward-fill',
    },
    {
      asset: 'P-101',
      tag: 'BearingTemperature',
      unit: 'degC',
      samplePeriod: MIN,
      validMin: -20,
      validMax: 150,
      missingPolicy: 'forward-fill',
    },
  ],
};

const series = (
  signal: string,
  unit: string | null,
  value: (i: number) => number,
  options: { n?: number; period?: number; quality?: (i: number) => number } = {},
): SignalData => {
  const n = options.n ?? N;
  const period = options.period ?? MIN;
  return {
    signal,
    unit,
    t: Float64Array.from({ length: n }, (_, i) => FROM + i * period),
    values: Float64Array.from({ length: n }, (_, i) => value(i)),
    quality: options.quality === undefined ? null : Uint32Array.from({ length: n }, (_, i) => options.quality!(i)),
  };
};

const healthy = (asset: string) =>
  new Map<string, SignalData | null>([
    ['DischargePressure', series(`${asset}/DischargePressure`, 'bar', (i) => 6 + Math.sin(i / 10))],
    ['BearingTemperature', series(`${asset}/BearingTemperature`, '°C', (i) => 60 + Math.cos(i / 7))],
  ]);

const check = (signals: Map<string, SignalData | null>, extra: Partial<Parameters<typeof checkContract>[0]> = {}) => {
  const [result] = checkContract({
    contract,
    range: { from: FROM, to: TO },
    assets: [{ asset: 'P-105', signals }],
    ...extra,
  });
  if (result === undefined) throw new Error('no result');
  return result;
};

describe('data contract check', () => {
  it('passes healthy data with no violation and hands the values on', () => {
    const result = check(healthy('P-105'));
    expect(result.violations).toEqual([]);
    expect(result.blocked).toBe(false);
    expect(result.converted.get('DischargePressure')?.length).toBe(N);
    expect(result.conversions).toEqual([]);
  });

  it('blocks an asset with a contract signal that no workspace signal maps to, naming asset, signal and unit', () => {
    const signals = healthy('P-105');
    signals.set('DischargePressure', null);
    const result = check(signals);
    expect(result.blocked).toBe(true);
    expect(result.violations).toEqual([
      {
        asset: 'P-105',
        signal: 'DischargePressure',
        workspaceSignal: null,
        code: 'unmapped',
        severity: 'block',
        message: 'P-105: the model needs DischargePressure [bar]; no signal maps to it',
        measured: null,
        limit: null,
        readings: 0,
      },
    ]);
    // Nothing of a blocked asset may reach the scorer.
    expect(result.converted.size).toBe(0);
  });

  it('treats a tag missing from the mapping altogether as unmapped', () => {
    const signals = healthy('P-105');
    signals.delete('BearingTemperature');
    const result = check(signals);
    expect(result.violations.map((v) => [v.code, v.severity, v.signal])).toEqual([
      ['unmapped', 'block', 'BearingTemperature'],
    ]);
  });

  it('blocks a signal with no data in the scored range, and one whose readings are all bad or missing', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'bar', () => 1, { n: 0 }),
    );
    signals.set(
      'BearingTemperature',
      series('P-105/BearingTemperature', 'degC', (i) => (i % 2 === 0 ? NaN : 50), { quality: () => 0x80000000 }),
    );
    const result = check(signals);
    expect(result.blocked).toBe(true);
    expect(result.violations.map((v) => [v.code, v.severity, v.message])).toEqual([
      [
        'no-data',
        'block',
        'P-105: the model needs DischargePressure [bar]; P-105/DischargePressure has no data from 2026-11-01T00:00:00Z to 2026-11-01T16:39:00Z (no readings)',
      ],
      [
        'no-data',
        'block',
        'P-105: the model needs BearingTemperature [degC]; P-105/BearingTemperature has no data from 2026-11-01T00:00:00Z to 2026-11-01T16:39:00Z (1000 readings, none usable (1000 bad quality, 0 missing))',
      ],
    ]);
  });

  it('converts a unit that has a conversion (kPa to bar, degF to degC) and says so', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'kPa', () => 600),
    );
    signals.set(
      'BearingTemperature',
      series('P-105/BearingTemperature', 'degF', () => 212),
    );
    const result = check(signals);
    expect(result.violations).toEqual([]);
    expect(result.conversions).toEqual([
      { signal: 'DischargePressure', from: 'kPa', to: 'bar' },
      { signal: 'BearingTemperature', from: 'degF', to: 'degC' },
    ]);
    expect(result.converted.get('DischargePressure')?.[0]).toBeCloseTo(6, 10);
    expect(result.converted.get('BearingTemperature')?.[0]).toBeCloseTo(100, 10);
  });

  it('blocks a unit that differs and has no conversion, naming both units', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/Flow', 'm³/h', () => 40),
    );
    const result = check(signals);
    expect(result.blocked).toBe(true);
    expect(result.violations.map((v) => [v.code, v.severity, v.workspaceSignal, v.message])).toEqual([
      [
        'unit-mismatch',
        'block',
        'P-105/Flow',
        'P-105: the model needs DischargePressure [bar]; P-105/Flow is in [m³/h]: [m³/h] is a volume flow and [bar] a pressure: no conversion',
      ],
    ]);
  });

  it('warns (does not block) when the workspace signal has no unit', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', null, () => 6),
    );
    const result = check(signals);
    expect(result.blocked).toBe(false);
    expect(result.violations.map((v) => [v.code, v.severity, v.message])).toEqual([
      [
        'unit-unknown',
        'warn',
        'P-105: P-105/DischargePressure has no unit in the workspace; the model needs DischargePressure [bar], so its values are taken as [bar]',
      ],
    ]);
  });

  it('warns on a sample period outside the tolerance, and not inside it', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'bar', () => 6, { period: 5e6, n: 12_000 }),
    );
    signals.set(
      'BearingTemperature',
      series('P-105/BearingTemperature', 'degC', () => 60, { period: 63e6, n: 960 }),
    );
    const result = check(signals);
    const period = result.violations.filter((v) => v.code === 'sample-period');
    expect(period).toHaveLength(1);
    expect(period[0]).toMatchObject({
      severity: 'warn',
      signal: 'DischargePressure',
      measured: 5e6,
      limit: 60e6,
      readings: 12_000,
      message:
        'P-105: DischargePressure (P-105/DischargePressure) is sampled every 5 s; the model expects 1 min (±10%)',
    });
    expect(result.blocked).toBe(false);
  });

  it('warns on missing readings above the limit: NaN values and grid slots without a reading both count', () => {
    const signals = healthy('P-105');
    // Every 10th value NaN (10%) on one signal; 3% missing on the other: only the first is over 5%.
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'bar', (i) => (i % 10 === 0 ? NaN : 6)),
    );
    const gappy = series('P-105/BearingTemperature', 'degC', () => 60);
    const keep = Array.from({ length: N }, (_, i) => i).filter((i) => i % 33 !== 5);
    signals.set('BearingTemperature', {
      ...gappy,
      t: Float64Array.from(keep, (i) => gappy.t[i] as number),
      values: Float64Array.from(keep, () => 60),
    });
    const result = check(signals);
    expect(result.violations.map((v) => [v.code, v.signal, v.measured, v.readings, v.message])).toEqual([
      [
        'missing',
        'DischargePressure',
        0.1,
        1000,
        'P-105: DischargePressure (P-105/DischargePressure): 10% of readings missing (100 of 1000 expected); the contract allows 5%',
      ],
    ]);
    // The stricter limit of a deployment catches the gaps too (30 of 1000 grid slots empty).
    const strict = check(signals, { limits: { maxMissingFraction: 0.02 } });
    expect(strict.violations.map((v) => [v.code, v.signal, v.measured])).toEqual([
      ['missing', 'DischargePressure', 0.1],
      ['missing', 'BearingTemperature', 0.031],
    ]);
  });

  it('warns on bad-quality readings above the limit and keeps them out of the scored values', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'bar', () => 6, { quality: (i) => (i < 80 ? 0x80340000 : 0) }),
    );
    const result = check(signals);
    expect(result.violations.map((v) => [v.code, v.measured, v.message])).toEqual([
      [
        'bad-quality',
        0.08,
        'P-105: DischargePressure (P-105/DischargePressure): 8.0% of readings have bad quality (80 of 1000); the contract allows 5%',
      ],
    ]);
    const values = result.converted.get('DischargePressure')!;
    expect(Number.isNaN(values[0])).toBe(true);
    expect(values[80]).toBe(6);
  });

  it('uses the OPC UA severity bits for quality: uncertain is usable, bad is not', () => {
    expect(isBadQuality(0)).toBe(false);
    expect(isBadQuality(0x40000000)).toBe(false);
    expect(isBadQuality(0x80000000)).toBe(true);
    expect(isBadQuality(0xc0000000)).toBe(true);
  });

  it('warns on out-of-range readings above the limit, judged in the contract unit after conversion', () => {
    const signals = healthy('P-105');
    // 1700 kPa = 17 bar, above the valid max of 16 bar, for 2% of readings.
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'kPa', (i) => (i < 20 ? 1700 : 600)),
    );
    const result = check(signals);
    expect(result.violations.map((v) => [v.code, v.measured, v.readings, v.message])).toEqual([
      [
        'out-of-range',
        0.02,
        1000,
        'P-105: DischargePressure (P-105/DischargePressure): 2.0% of readings outside the valid range 0..16 [bar] (20 of 1000); the contract allows 1%',
      ],
    ]);
  });

  it('warns on values outside the training range of the reference statistics', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'bar', (i) => (i < 3 ? 11.5 : 6)),
    );
    const trainingRanges = new Map([
      ['DischargePressure', { min: 2, max: 10 }],
      ['BearingTemperature', { min: 40, max: 90 }],
    ]);
    const result = check(signals, { trainingRanges });
    expect(result.violations.map((v) => [v.code, v.severity, v.message])).toEqual([
      [
        'training-range',
        'warn',
        'P-105: DischargePressure (P-105/DischargePressure): 3 of 1000 readings (0.3%) outside the training range 2..10 [bar] (seen 6..11.5)',
      ],
    ]);
    expect(check(signals, { trainingRanges, limits: { maxOutsideTrainingFraction: 0.01 } }).violations).toEqual([]);
  });

  it('checks each asset on its own: a blocked asset does not stop the others', () => {
    const broken = healthy('P-105');
    broken.set('DischargePressure', null);
    const results = checkContract({
      contract,
      range: { from: FROM, to: TO },
      assets: [
        { asset: 'P-101', signals: healthy('P-101') },
        { asset: 'P-105', signals: broken },
      ],
    });
    expect(results.map((r) => [r.asset, r.blocked, r.violations.length])).toEqual([
      ['P-101', false, 0],
      ['P-105', true, 1],
    ]);
  });

  it('reports every violation of a signal, not only the first', () => {
    const signals = healthy('P-105');
    signals.set(
      'DischargePressure',
      series('P-105/DischargePressure', 'bar', (i) => (i % 5 === 0 ? NaN : i % 7 === 0 ? 20 : 6), {
        period: 30e6,
        n: 2000,
        quality: (i) => (i % 9 === 0 ? 0x80000000 : 0),
      }),
    );
    const codes = check(signals).violations.map((v) => v.code);
    expect(codes).toEqual(['sample-period', 'missing', 'bad-quality', 'out-of-range']);
  });

  it('works on cycle-indexed data', () => {
    const cycles: DataContract = {
      window: { timeKind: 'cycle' },
      signals: [
        {
          asset: null,
          tag: 'sensor_2',
          unit: '°R',
          samplePeriod: 1,
          validMin: null,
          validMax: null,
          missingPolicy: 'forward-fill',
        },
      ],
    };
    const data: SignalData = {
      signal: 'engine 7/sensor_2',
      unit: 'K',
      t: Float64Array.from({ length: 50 }, (_, i) => i * 2 + 1),
      values: Float64Array.from({ length: 50 }, () => 350),
      quality: null,
    };
    const [result] = checkContract({
      contract: cycles,
      range: { from: 1, to: 99 },
      assets: [{ asset: 'engine 7', signals: new Map([['sensor_2', data]]) }],
    });
    expect(result?.violations.map((v) => v.message)).toEqual([
      'engine 7: sensor_2 (engine 7/sensor_2) is sampled every 2 cycles; the model expects 1 cycle (±10%)',
      'engine 7: sensor_2 (engine 7/sensor_2): 49% of readings missing (49 of 99 expected); the contract allows 5%',
    ]);
    expect(result?.converted.get('sensor_2')?.[0]).toBeCloseTo(630, 8);
  });

  it('helpers: median spacing and period wording', () => {
    expect(medianSpacing([0, 1, 2, 10, 11])).toBe(1);
    expect(medianSpacing([5])).toBeNull();
    expect(formatPeriod(3600e6, 'timestamp')).toBe('1 h');
    expect(formatPeriod(1.5e6, 'timestamp')).toBe('1.5 s');
    expect(formatPeriod(1, 'cycle')).toBe('1 cycle');
  });
});
