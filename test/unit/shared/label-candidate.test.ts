import { describe, expect, it } from 'vitest';
import { isLabelCandidate, labelLikeName } from '../../../src/shared/label-candidate.js';

const codes = (distinct: number, min = 0, max = distinct - 1) => ({ count: 500, distinct, integral: true, min, max });

describe('candidate label columns', () => {
  it('names: a label word anywhere in the tag, split at separators and camelCase; not inside other words', () => {
    for (const tag of ['label', 'machine_status', 'FaultCode', 'failure', 'State', 'is-anomaly', 'Alarm 1']) {
      expect(labelLikeName(tag), tag).toBe(true);
    }
    for (const tag of ['Temperature', 'Pressure', 'statusbar', 'Faultless', 'estate', 'Speed']) {
      expect(labelLikeName(tag), tag).toBe(false);
    }
  });

  it('values: all whole numbers, at most 10 distinct codes, small; a continuous sensor named status_* is not one', () => {
    expect(isLabelCandidate('machine_status', codes(2))).toBe(true);
    expect(isLabelCandidate('failure', codes(1))).toBe(true);
    expect(isLabelCandidate('state', codes(10, 0, 99))).toBe(true);
    expect(isLabelCandidate('state', codes(11))).toBe(false);
    expect(
      isLabelCandidate('status_pressure', { count: 500, distinct: 480, integral: false, min: 3.6, max: 4.4 }),
    ).toBe(false);
    expect(isLabelCandidate('status_pressure', { count: 500, distinct: 3, integral: false, min: 3.5, max: 4.5 })).toBe(
      false,
    );
    expect(isLabelCandidate('fault_id', codes(5, 10_000, 10_004))).toBe(false);
    expect(isLabelCandidate('Speed', codes(2))).toBe(false);
    expect(isLabelCandidate('failure', { count: 0, distinct: 0, integral: true, min: null, max: null })).toBe(false);
  });
});
