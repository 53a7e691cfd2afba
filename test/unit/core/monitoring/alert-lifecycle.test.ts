import { describe, expect, it } from 'vitest';
import { alertFigures, alertFiguresByAssetMonth } from '../../../../src/main/core/monitoring/alert-figures.js';
import {
  AlertActionError,
  applyAlertAction,
  isShelved,
  labelEventOf,
  raiseAlert,
  type AlertAction,
} from '../../../../src/shared/alert-lifecycle.js';
import type { Alert, DispositionInput } from '../../../../src/shared/monitoring.js';

const T0 = Date.UTC(2026, 10, 1) * 1000;
const MIN = 60e6;
const DAY = 24 * 60 * MIN;

const raised = (over: Partial<Alert> = {}, t = T0): Alert => ({
  ...raiseAlert({
    id: 'A-1',
    deploymentId: 'dep-1',
    asset: 'P-105',
    role: 'champion',
    modelVersion: 3,
    event: { kind: 'set', t, value: 0.91 },
    at: '2026-11-01T00:00:05Z',
  }),
  ...over,
});

const act = (alert: Alert, ...actions: AlertAction[]) => actions.reduce(applyAlertAction, alert);
const ack: AlertAction = { kind: 'acknowledge', by: 'maria', at: '2026-11-01T01:00:00Z' };
const close = (disposition: DispositionInput, by = 'maria'): AlertAction => ({
  kind: 'close',
  by,
  at: '2026-11-02T08:00:00Z',
  disposition,
});

describe('alert lifecycle', () => {
  it('opens from a rule set event with the window and output that set it', () => {
    const a = raised();
    expect(a).toMatchObject({ status: 'open', raisedT: T0, raisedValue: 0.91, lastAnnouncedT: T0, realerts: 0 });
    expect(() =>
      raiseAlert({
        id: 'x',
        deploymentId: 'd',
        asset: 'a',
        role: 'champion',
        modelVersion: 1,
        event: { kind: 'clear', t: 1, value: 0 },
        at: '2026-11-01T00:00:00Z',
      }),
    ).toThrow(/raised by a set event/);
  });

  it('open -> acknowledged -> closed with a confirmed disposition and its failure mode', () => {
    const a = act(raised(), ack, close({ kind: 'confirmed', failureMode: 'bearing wear', workOrderEventId: 17 }));
    expect(a.status).toBe('closed');
    expect(a.acknowledged).toEqual({ by: 'maria', at: '2026-11-01T01:00:00Z', note: null });
    expect(a.closed).toEqual({
      by: 'maria',
      at: '2026-11-02T08:00:00Z',
      disposition: { kind: 'confirmed', failureMode: 'bearing wear', workOrderEventId: 17, note: null },
    });
  });

  it('refuses to close without acknowledging first', () => {
    expect(() => act(raised(), close({ kind: 'not-actionable' }))).toThrow(
      'alert A-1 on P-105 must be acknowledged before it is closed',
    );
  });

  it('refuses a close without a valid disposition, naming what is missing', () => {
    expect(() => act(raised(), ack, close({ kind: 'confirmed', failureMode: '  ' }))).toThrow(
      'closing alert A-1 on P-105 needs a valid disposition: failureMode: a confirmed alert needs its failure mode',
    );
    expect(() =>
      act(raised(), ack, close({ kind: 'false-alarm', cause: 'gremlins' } as unknown as DispositionInput)),
    ).toThrow(/needs a valid disposition: cause/);
    expect(() => act(raised(), ack, close({ kind: 'maybe' } as unknown as DispositionInput))).toThrow(
      /needs a valid disposition/,
    );
  });

  it('takes each false-alarm cause and not actionable', () => {
    for (const cause of ['sensor-fault', 'process-change', 'maintenance-activity', 'model-error'] as const) {
      expect(act(raised(), ack, close({ kind: 'false-alarm', cause })).closed?.disposition).toEqual({
        kind: 'false-alarm',
        cause,
        note: null,
      });
    }
    expect(act(raised(), ack, close({ kind: 'not-actionable', note: 'pump retired' })).closed?.disposition).toEqual({
      kind: 'not-actionable',
      note: 'pump retired',
    });
  });

  it('refuses every action on a closed alert but keeps its clear time', () => {
    const done = act(raised(), ack, close({ kind: 'not-actionable' }));
    expect(() => act(done, ack)).toThrow('alert A-1 on P-105 is closed; it cannot be acknowledged');
    expect(() => act(done, close({ kind: 'not-actionable' }))).toThrow(/is closed; it cannot be closed again/);
    expect(() =>
      act(done, { kind: 'shelve', by: 'x', at: '2026-11-03T00:00:00Z', reason: 'r', until: '2026-11-04T00:00:00Z' }),
    ).toThrow(/cannot be shelved/);
    expect(act(done, { kind: 'clear', t: T0 + 5 * MIN }).clearedT).toBe(T0 + 5 * MIN);
  });

  it('refuses a second acknowledgement, saying who acknowledged', () => {
    expect(() => act(raised(), ack, { ...ack, by: 'tom' } as AlertAction)).toThrow(
      'alert A-1 on P-105 was already acknowledged by maria at 2026-11-01T01:00:00Z',
    );
  });

  it('needs a person for every human action', () => {
    expect(() => act(raised(), { kind: 'acknowledge', by: ' ', at: '2026-11-01T01:00:00Z' })).toThrow(
      'acknowledging needs the name of the person doing it',
    );
  });

  it('shelving needs a reason and an expiry in the future, at most 30 days away, and lapses by itself', () => {
    const shelve = (reason: string, until: string): AlertAction => ({
      kind: 'shelve',
      by: 'tom',
      at: '2026-11-01T02:00:00Z',
      reason,
      until,
    });
    expect(() => act(raised(), shelve('', '2026-11-01T10:00:00Z'))).toThrow(
      'shelving alert A-1 on P-105 needs a reason',
    );
    expect(() => act(raised(), shelve('valve work', ''))).toThrow(/needs an expiry/);
    expect(() => act(raised(), shelve('valve work', '2026-11-01T01:00:00Z'))).toThrow(/is not in the future/);
    expect(() => act(raised(), shelve('valve work', '2026-12-15T00:00:00Z'))).toThrow(/more than 30 days away/);
    expect(() => act(raised(), shelve('valve work', 'tomorrow'))).toThrow(
      'until "tomorrow" is not a valid time (use ISO 8601)',
    );
    const shelved = act(raised(), shelve('valve work on P-105', '2026-11-01T10:00:00Z'));
    expect(shelved.shelf).toEqual({
      by: 'tom',
      at: '2026-11-01T02:00:00Z',
      reason: 'valve work on P-105',
      until: '2026-11-01T10:00:00Z',
    });
    expect(isShelved(shelved, '2026-11-01T09:59:59Z')).toBe(true);
    expect(isShelved(shelved, '2026-11-01T10:00:00Z')).toBe(false);
    // Shelving does not change the status: the alert still has to be handled.
    expect(shelved.status).toBe('open');
    const back = act(shelved, { kind: 'unshelve', by: 'tom', at: '2026-11-01T03:00:00Z' });
    expect(back.shelf).toBeNull();
    expect(() => act(back, { kind: 'unshelve', by: 'tom', at: '2026-11-01T03:00:00Z' })).toThrow(
      'alert A-1 on P-105 is not shelved',
    );
  });

  it('counts re-alerts and records when the condition cleared (the alert stays until closed)', () => {
    const a = act(
      raised(),
      { kind: 'realert', t: T0 + 60 * MIN },
      { kind: 'realert', t: T0 + 120 * MIN },
      { kind: 'clear', t: T0 + 130 * MIN },
    );
    expect(a).toMatchObject({ realerts: 2, lastAnnouncedT: T0 + 120 * MIN, clearedT: T0 + 130 * MIN, status: 'open' });
  });

  it('turns confirmed and false alarms into label events for the next training run', () => {
    const confirmed = act(
      raised({}, T0),
      { kind: 'clear', t: T0 + DAY },
      ack,
      close({ kind: 'confirmed', failureMode: 'seal leak' }),
    );
    expect(labelEventOf(confirmed)).toEqual({
      asset: 'P-105',
      kind: 'anomaly',
      startT: T0,
      endT: T0 + DAY,
      code: 'confirmed:seal leak',
      description: 'alert A-1 confirmed by maria: seal leak',
    });
    const falseAlarm = act(raised(), ack, close({ kind: 'false-alarm', cause: 'sensor-fault', note: 'loose cable' }));
    expect(labelEventOf(falseAlarm)).toMatchObject({ kind: 'note', code: 'false-alarm:sensor-fault' });
    expect(labelEventOf(act(raised(), ack, close({ kind: 'not-actionable' })))).toBeNull();
    expect(labelEventOf(raised())).toBeNull();
  });

  it('is an AlertActionError the caller can tell from a crash', () => {
    expect(() => act(raised(), close({ kind: 'not-actionable' }))).toThrow(AlertActionError);
  });
});

describe('alert figures', () => {
  let n = 0;
  const alert = (asset: string, t: number, disposition: DispositionInput | null, over: Partial<Alert> = {}): Alert => {
    n += 1;
    const a = raised({ id: `A-${n}`, asset, ...over }, t);
    return disposition === null ? a : act(a, ack, close(disposition));
  };
  const base = { transitions: [], failures: [], assets: 4, now: '2026-11-03T00:00:00Z' };
  const period = { from: T0, to: T0 + 60 * DAY };

  it('counts raised, dispositions, precision and false alarms per asset-month', () => {
    const alerts = [
      alert('P-101', T0 + DAY, { kind: 'confirmed', failureMode: 'bearing' }),
      alert('P-102', T0 + 2 * DAY, { kind: 'false-alarm', cause: 'sensor-fault' }),
      alert('P-102', T0 + 3 * DAY, { kind: 'false-alarm', cause: 'sensor-fault' }),
      alert('P-103', T0 + 4 * DAY, { kind: 'false-alarm', cause: 'maintenance-activity' }),
      alert('P-104', T0 + 5 * DAY, { kind: 'not-actionable' }),
      alert('P-104', T0 + 6 * DAY, null),
    ];
    const f = alertFigures({ ...base, alerts, period });
    expect(f).toMatchObject({ raised: 6, open: 1, closed: 5, confirmed: 1, falseAlarms: 3, notActionable: 1 });
    // 1 confirmed of 5 closed.
    expect(f.precision).toBeCloseTo(0.2, 12);
    expect(f.falseAlarmCauses).toEqual({ 'sensor-fault': 2, 'maintenance-activity': 1 });
    // 3 false alarms over 4 assets x 2 months.
    expect(f.falseAlarmsPerAssetMonth).toBeCloseTo(3 / 8, 12);
    expect(alertFigures({ ...base, alerts: [], period }).precision).toBeNull();
  });

  it('mean lead time: earliest alert before each failure, not counting false alarms; missed failures counted', () => {
    const alerts = [
      alert('P-101', T0 + 1 * DAY, { kind: 'false-alarm', cause: 'process-change' }),
      alert('P-101', T0 + 3 * DAY, null),
      alert('P-101', T0 + 4 * DAY, null),
      alert('P-102', T0 + 10 * DAY, { kind: 'confirmed', failureMode: 'seal' }),
      // After P-101's first failure: warns of its second.
      alert('P-101', T0 + 20 * DAY, null),
    ];
    const failures = [
      { asset: 'P-101', t: T0 + 5 * DAY },
      { asset: 'P-102', t: T0 + 12 * DAY },
      { asset: 'P-101', t: T0 + 21 * DAY },
      { asset: 'P-103', t: T0 + 30 * DAY },
    ];
    const f = alertFigures({ ...base, alerts, failures, period });
    expect(f.failuresDetected).toBe(3);
    expect(f.failuresMissed).toBe(1);
    // Leads: 2 days (day 3 -> 5), 2 days (10 -> 12), 1 day (20 -> 21).
    expect(f.meanLeadTime).toBe((5 * DAY) / 3);
    // With a 1.5-day horizon the day-3 alert is too early for the day-5 failure (day 4 counts), and P-102's
    // day-10 alert too early for its day-12 failure (missed).
    const horizon = alertFigures({ ...base, alerts, failures, period, options: { maxLead: 1.5 * DAY } });
    expect([horizon.failuresDetected, horizon.failuresMissed, horizon.meanLeadTime]).toEqual([2, 2, DAY]);
  });

  it('floods: more than 10 alerts within 10 minutes, one episode however long it lasts', () => {
    const burst = Array.from({ length: 15 }, (_, i) => alert(`P-${i}`, T0 + i * 30e6, null));
    const calm = Array.from({ length: 10 }, (_, i) => alert('P-1', T0 + DAY + i * 60e6, null));
    const f = alertFigures({ ...base, alerts: [...burst, ...calm], period });
    expect(f.floods).toEqual([{ from: T0, to: T0 + 14 * 30e6, alerts: 15 }]);
  });

  it('chattering: 3 or more sets and clears on one asset within a minute', () => {
    const t = (s: number) => T0 + s * 1e6;
    const transitions = [
      { asset: 'P-101', kind: 'set' as const, t: t(0), value: 1 },
      { asset: 'P-101', kind: 'clear' as const, t: t(20), value: 0 },
      { asset: 'P-101', kind: 'set' as const, t: t(40), value: 1 },
      { asset: 'P-101', kind: 'clear' as const, t: t(50), value: 0 },
      // Slow on P-102: one transition every 40 s is at most 2 in any minute.
      { asset: 'P-102', kind: 'set' as const, t: t(0), value: 1 },
      { asset: 'P-102', kind: 'clear' as const, t: t(40), value: 0 },
      { asset: 'P-102', kind: 'set' as const, t: t(80), value: 1 },
      { asset: 'P-102', kind: 'realert' as const, t: t(90), value: 1 },
    ];
    const f = alertFigures({ ...base, alerts: [], transitions, period });
    expect(f.chattering).toEqual([{ asset: 'P-101', from: t(0), transitions: 4 }]);
  });

  it('stale: open more than 24 h of wall-clock time, unless shelved', () => {
    const old = alert('P-101', T0, null, { raisedAt: '2026-11-01T00:00:00Z' });
    const fresh = alert('P-102', T0, null, { raisedAt: '2026-11-02T12:00:00Z' });
    const closedOld = alert('P-103', T0, { kind: 'not-actionable' }, { raisedAt: '2026-10-01T00:00:00Z' });
    const shelved = act(alert('P-104', T0, null, { raisedAt: '2026-11-01T00:00:00Z' }), {
      kind: 'shelve',
      by: 'tom',
      at: '2026-11-02T00:00:00Z',
      reason: 'overhaul',
      until: '2026-11-05T00:00:00Z',
    });
    const f = alertFigures({ ...base, alerts: [old, fresh, closedOld, shelved], period });
    expect(f.stale).toEqual([old.id]);
  });

  it('per asset and month', () => {
    const alerts = [
      alert('P-101', T0 + DAY, { kind: 'false-alarm', cause: 'model-error' }),
      alert('P-101', T0 + 35 * DAY, null),
      alert('P-102', T0 + 2 * DAY, null),
    ];
    const rows = alertFiguresByAssetMonth({ ...base, alerts, failures: [{ asset: 'P-102', t: T0 + 3 * DAY }], period });
    expect(
      rows.map((r) => [r.asset, r.month, r.figures.raised, r.figures.falseAlarms, r.figures.failuresDetected]),
    ).toEqual([
      ['P-101', '2026-11', 1, 1, 0],
      ['P-101', '2026-12', 1, 0, 0],
      ['P-102', '2026-11', 1, 0, 1],
    ]);
    // November is a 30-day month: one false alarm on one asset over one month.
    expect(rows[0]?.figures.falseAlarmsPerAssetMonth).toBeCloseTo(1, 12);
  });
});
