import type { Signal } from '../../shared/domain.js';
import { US_PER_SECOND } from './time-format.js';

/** Text fields of the signal properties form. Sample period is in seconds for timestamp signals, cycles otherwise. */
export interface SignalForm {
  readonly asset: string;
  readonly unit: string;
  readonly samplePeriod: string;
  readonly validMin: string;
  readonly validMax: string;
  /** A candidate label column found at import (not a default model input); unticking unmarks it. */
  readonly labelCandidate: boolean;
}

export interface SignalPatch {
  asset?: string;
  unit?: string | null;
  samplePeriod?: number | null;
  validMin?: number | null;
  validMax?: number | null;
  labelCandidate?: boolean;
}

const periodScale = (s: Pick<Signal, 'timeKind'>): number => (s.timeKind === 'timestamp' ? US_PER_SECOND : 1);

const numberText = (n: number | null): string => (n === null ? '' : String(n));

export const signalToForm = (s: Signal): SignalForm => ({
  asset: s.asset,
  unit: s.unit ?? '',
  samplePeriod: s.samplePeriod === null ? '' : String(Number((s.samplePeriod / periodScale(s)).toPrecision(12))),
  validMin: numberText(s.validMin),
  validMax: numberText(s.validMax),
  labelCandidate: s.labelCandidate === true,
});

export const samplePeriodUnit = (s: Pick<Signal, 'timeKind'>): string => (s.timeKind === 'timestamp' ? 's' : 'cycles');

const parseOptionalNumber = (text: string, label: string): { value: number | null } | { error: string } => {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return { value: null };
  const value = Number(trimmed);
  return Number.isFinite(value) ? { value } : { error: `${label}: "${text}" is not a number` };
};

/** The changed fields as an updateSignals patch, or the first validation error. */
export const buildSignalPatch = (
  form: SignalForm,
  signal: Signal,
): { patch: SignalPatch; changed: boolean } | { error: string } => {
  const asset = form.asset.trim();
  if (asset === '') return { error: 'Asset: required' };
  if (asset.length > 200) return { error: 'Asset: at most 200 characters' };
  const unit = form.unit.trim();
  if (unit.length > 50) return { error: 'Unit: at most 50 characters' };
  const period = parseOptionalNumber(form.samplePeriod, 'Sample period');
  if ('error' in period) return period;
  if (period.value !== null && period.value <= 0) return { error: 'Sample period: must be positive' };
  const min = parseOptionalNumber(form.validMin, 'Valid min');
  if ('error' in min) return min;
  const max = parseOptionalNumber(form.validMax, 'Valid max');
  if ('error' in max) return max;
  if (min.value !== null && max.value !== null && min.value > max.value) {
    return { error: 'Valid min must not exceed valid max' };
  }
  const patch: SignalPatch = {};
  if (asset !== signal.asset) patch.asset = asset;
  const nextUnit = unit === '' ? null : unit;
  if (nextUnit !== signal.unit) patch.unit = nextUnit;
  const nextPeriod = period.value === null ? null : period.value * periodScale(signal);
  const before = signal.samplePeriod;
  const samePeriod =
    nextPeriod === before ||
    (nextPeriod !== null && before !== null && Math.abs(nextPeriod - before) <= 1e-9 * Math.max(1, Math.abs(before)));
  if (!samePeriod) patch.samplePeriod = nextPeriod;
  if (min.value !== signal.validMin) patch.validMin = min.value;
  if (max.value !== signal.validMax) patch.validMax = max.value;
  if (form.labelCandidate !== (signal.labelCandidate === true)) patch.labelCandidate = form.labelCandidate;
  return { patch, changed: Object.keys(patch).length > 0 };
};
