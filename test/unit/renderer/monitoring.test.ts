import { describe, expect, it } from 'vitest';
import type { HealthSeries } from '../../../src/shared/api.js';
import type { ScoringResult } from '../../../src/shared/monitoring.js';
import {
  alertActions,
  dispositionOf,
  emptyCloseForm,
  healthChart,
  scoringSummary,
  shelveRequest,
} from '../../../src/renderer/logic/monitoring.js';

const series = (over: Partial<HealthSeries> = {}): HealthSeries => ({
  deploymentId: 'dep-1',
  asset: 'P-101',
  output: 'rul',
  timeKind: 'cycle',
  t: [0, 10, 20, 30, 40],
  value: [100, 80, null, 40, 20],
  windows: 5,
  rule: { direction: 'below', setLevel: 30, clearLevel: 50 },
  alerts: [{ id: 'A-1', raisedT: 30, clearedT: null, status: 'open' }],
  modelVersions: [1],
  ...over,
});

describe('Monitor area logic', () => {
  it('offers only the lifecycle steps an alert can take', () => {
    expect(alertActions({ status: 'open', shelved: false })).toEqual({ acknowledge: true, shelve: true, close: true });
    expect(alertActions({ status: 'acknowledged', shelved: true })).toEqual({
      acknowledge: false,
      shelve: false,
      close: true,
    });
    expect(alertActions({ status: 'closed', shelved: false })).toEqual({
      acknowledge: false,
      shelve: false,
      close: false,
    });
  });

  it('sends a close only with a complete disposition, and says what is missing', () => {
    expect(dispositionOf(emptyCloseForm)).toMatchObject({ ok: false, message: expect.stringMatching(/disposition/) });
    expect(dispositionOf({ ...emptyCloseForm, kind: 'confirmed', failureMode: '  ' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/failure mode/),
    });
    expect(dispositionOf({ ...emptyCloseForm, kind: 'false-alarm' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/cause/),
    });
    expect(dispositionOf({ ...emptyCloseForm, kind: 'false-alarm', cause: 'sensor-fault', note: ' loose ' })).toEqual({
      ok: true,
      disposition: { kind: 'false-alarm', cause: 'sensor-fault', note: 'loose' },
    });
    expect(dispositionOf({ ...emptyCloseForm, kind: 'confirmed', failureMode: ' bearing ' })).toEqual({
      ok: true,
      disposition: { kind: 'confirmed', failureMode: 'bearing', note: null },
    });
  });

  it('shelves only with a reason and an expiry of at most 30 days', () => {
    const now = Date.UTC(2026, 11, 1);
    expect(shelveRequest('', '8', now)).toMatchObject({ ok: false, message: expect.stringMatching(/reason/) });
    expect(shelveRequest('crew', '0', now)).toMatchObject({ ok: false });
    expect(shelveRequest('crew', 'abc', now)).toMatchObject({ ok: false });
    expect(shelveRequest('crew', '721', now)).toMatchObject({ ok: false, message: expect.stringMatching(/720/) });
    expect(shelveRequest(' crew ', '8', now)).toEqual({ ok: true, reason: 'crew', until: '2026-12-01T08:00:00.000Z' });
  });

  it('draws the health line with a gap where a window was not scored, the levels and the alert band', () => {
    const chart = healthChart(series(), 400, 100)!;
    expect(chart.path).toBe('M0.0 0.0 L100.0 25.0 M300.0 75.0 L400.0 100.0');
    expect([chart.min, chart.max]).toEqual([20, 100]);
    expect(chart.setY).toBeCloseTo(87.5);
    expect(chart.clearY).toBeCloseTo(62.5);
    // Still active: the band runs to the right edge.
    expect(chart.bands).toEqual([{ id: 'A-1', x0: 300, x1: 400, status: 'open' }]);
    // A level far outside the values (a rule that always fires) does not squash the line.
    expect(
      healthChart(series({ rule: { direction: 'above', setLevel: -1e15, clearLevel: -1e15 } }), 400, 100),
    ).toMatchObject({
      min: 20,
      max: 100,
      setY: null,
    });
    expect(healthChart(series({ t: [], value: [] }), 400, 100)).toBeNull();
  });

  it('summarises a scoring pass in one line', () => {
    const result: ScoringResult = {
      deployment: 'dep-1',
      modelVersion: 2,
      scored: 1,
      windows: 172,
      blocked: [{ asset: 'P-105', violations: [] }],
      violations: [],
      alerts: { opened: ['A-3'], cleared: [], realerted: [] },
      drift: { signals: [] },
      upToDate: [],
      incompleteWindows: 0,
      pendingVersion: 3,
      driftChecked: false,
    };
    expect(scoringSummary(result)).toBe(
      '1 asset scored (172 windows) with v2 · 1 blocked (P-105) · 1 alert opened · drift not judged (no reference in the package) · v3 waits for confirmation',
    );
  });
});
