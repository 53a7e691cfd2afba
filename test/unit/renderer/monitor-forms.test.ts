import { describe, expect, it } from 'vitest';
import {
  emptyFollowForm,
  followFormOf,
  followLine,
  followOf,
  sameSource,
  ruleFormOf,
  ruleOf,
  sidePrecision,
} from '../../../src/renderer/logic/monitor-forms.js';
import { AlertRuleSchema, type FollowStatus } from '../../../src/shared/monitoring.js';

describe('Monitor forms: the alert rule as typed', () => {
  it('round-trips a rule through the form and checks each field in words', () => {
    const rule = AlertRuleSchema.parse({ direction: 'below', setLevel: 40, clearLevel: 60, k: 3, n: 5, reAlert: 100 });
    const checked = ruleOf(ruleFormOf(rule));
    expect(checked).toEqual({
      ok: true,
      rule: { direction: 'below', setLevel: 40, clearLevel: 60, k: 3, n: 5, onDelay: 0, offDelay: 0, reAlert: 100 },
    });
    const form = ruleFormOf(rule);
    expect(ruleOf({ ...form, setLevel: '' })).toEqual({ ok: false, message: 'Set level: a number is needed' });
    expect(ruleOf({ ...form, clearLevel: '30' })).toMatchObject({ ok: false, message: /healthy side.*at or above 40/ });
    expect(ruleOf({ ...form, k: '6' })).toMatchObject({ ok: false, message: /k must not exceed n/ });
    expect(ruleOf({ ...form, k: '1.5' })).toMatchObject({ ok: false, message: /whole numbers/ });
    expect(ruleOf({ ...form, reAlert: '0' })).toMatchObject({ ok: false, message: /Re-alert/ });
    expect(ruleOf({ ...form, reAlert: '', clearLevel: '' })).toMatchObject({
      ok: true,
      rule: { reAlert: null, setLevel: 40 },
    });
    // What the form accepts, the API's schema accepts.
    const ok = ruleOf(form);
    if (ok.ok) expect(AlertRuleSchema.safeParse(ok.rule).success).toBe(true);
  });
});

describe('Monitor forms: follow', () => {
  it('builds the follow source the API takes, or names what is missing', () => {
    expect(followOf(emptyFollowForm)).toEqual({ ok: true, intervalSeconds: 60, source: null });
    expect(followOf({ ...emptyFollowForm, interval: '-1' })).toMatchObject({ ok: false, message: /Interval/ });
    expect(followOf({ ...emptyFollowForm, kind: 'opcua', profile: 'plant', tags: 'ns=1;s=A, ns=1;s=B' })).toEqual({
      ok: true,
      intervalSeconds: 60,
      source: { kind: 'opcua', profile: 'plant', tags: ['ns=1;s=A', 'ns=1;s=B'] },
    });
    expect(followOf({ ...emptyFollowForm, kind: 'opcua', profile: 'plant' })).toMatchObject({ ok: false });
    expect(followOf({ ...emptyFollowForm, kind: 'postgres', url: 'mysql://x', query: 'q' })).toMatchObject({
      ok: false,
      message: /postgres:\/\//,
    });
    expect(
      followOf({ ...emptyFollowForm, kind: 'postgres', url: 'postgres://u@h/db', query: 'SELECT 1', interval: '5' }),
    ).toEqual({
      ok: true,
      intervalSeconds: 5,
      source: { kind: 'postgres', url: 'postgres://u@h/db', query: 'SELECT 1', layout: 'long' },
    });
  });

  it('fills the form from the stored source, so Start stores only a changed one', () => {
    const stored = { kind: 'opcua' as const, profile: 'plant', tags: ['ns=1;s=A', 'ns=1;s=B'] };
    const form = followFormOf(stored, '5');
    expect(form).toMatchObject({ interval: '5', kind: 'opcua', profile: 'plant', tags: 'ns=1;s=A, ns=1;s=B' });
    const again = followOf(form);
    expect(again.ok && sameSource(again.source, stored)).toBe(true);
    expect(sameSource(null, undefined)).toBe(true);
    expect(sameSource({ ...stored, tags: ['ns=1;s=A'] }, stored)).toBe(false);
    expect(followFormOf(null)).toEqual(emptyFollowForm);
    const pg = {
      kind: 'postgres' as const,
      url: 'postgres://u@h/db',
      profile: 'pg',
      query: 'SELECT 1',
      layout: 'long' as const,
    };
    const typed = followOf(followFormOf(pg));
    expect(typed.ok && sameSource(typed.source, pg)).toBe(true);
    // A typed password goes with the source to setFollowSource (which saves it encrypted): Start stores it.
    const withPassword = followOf({ ...followFormOf(pg), password: 's3cret' });
    expect(withPassword).toMatchObject({ ok: true, source: { ...pg, password: 's3cret' } });
    expect(withPassword.ok && sameSource(withPassword.source, pg)).toBe(false);
    expect(followFormOf({ ...pg, password: 's3cret' }).password).toBe('');
  });

  it('says what the loop does, and that it backs off after failures', () => {
    const base: FollowStatus = {
      deploymentId: 'dep-1',
      jobId: 'j',
      running: true,
      intervalSeconds: 10,
      source: null,
      rounds: 3,
      failures: 0,
      failedInARow: 0,
      lastError: null,
      nextInSeconds: 7.4,
      lastRoundAt: null,
      windows: 12,
      opened: ['A-1'],
    };
    expect(followLine(base)).toBe(
      'Following every 10 s · 3 round(s), 12 window(s), 1 alert(s) opened · next round in 7 s',
    );
    const unreachable = 'historian unreachable (connect ECONNREFUSED 127.0.0.1:5432)';
    expect(followLine({ ...base, failedInARow: 4, lastError: unreachable, nextInSeconds: 79.6 })).toBe(
      `Following · ${unreachable}, retrying in 80 s (round 3, 4 failed in a row)`,
    );
    expect(followLine({ ...base, failedInARow: 1, lastError: unreachable, nextInSeconds: null })).toMatch(
      /retrying now/,
    );
    // After an app restart the switch shows the loop it resumed, and says so.
    expect(followLine({ ...base, resumed: true })).toBe(
      'Following every 10 s (resumed when the app started) · 3 round(s), 12 window(s), 1 alert(s) opened · next round in 7 s',
    );
    expect(followLine({ ...base, running: false })).toMatch(/^Stopped after 3 round.*1 alert\(s\) opened, 0 failed\.$/);
    expect(followLine({ ...base, running: false, failures: 2, lastError: unreachable })).toMatch(
      /2 failed\. Last error: historian unreachable \(connect ECONNREFUSED 127\.0\.0\.1:5432\)\.$/,
    );
    expect(followLine({ ...base, running: false, rounds: 0 })).toBe('Not following.');
  });

  it('gives a side precision only from dispositions', () => {
    const side = {
      deployment: 'd',
      modelVersion: 1,
      raised: 4,
      confirmed: 1,
      falseAlarms: 3,
      notActionable: 0,
      undispositioned: 0,
    };
    expect(sidePrecision(side)).toBe('25 %');
    expect(sidePrecision({ ...side, confirmed: 0, falseAlarms: 0, undispositioned: 4 })).toBe('–');
  });
});
