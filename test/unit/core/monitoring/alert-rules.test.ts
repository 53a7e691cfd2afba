import { describe, expect, it } from 'vitest';
import {
  evaluateRule,
  initialRuleState,
  parseRule,
  stepRule,
  type RuleEvent,
} from '../../../../src/shared/alert-rules.js';
import type { AlertRuleInput } from '../../../../src/shared/monitoring.js';

/** Windows at t = 1, 2, 3, ... with the given outputs; the events as "kind@t". */
const run = (rule: AlertRuleInput, values: readonly number[], times?: readonly number[]): string[] =>
  evaluateRule(parseRule(rule), { t: times ?? values.map((_, i) => i + 1), value: values }).events.map(
    (e: RuleEvent) => `${e.kind}@${e.t}`,
  );

describe('alert rule: threshold', () => {
  it('sets on the first window strictly above the level and clears on the first at or below it', () => {
    expect(run({ direction: 'above', setLevel: 10 }, [5, 10, 11, 12, 10, 9, 11])).toEqual([
      'set@3',
      'clear@5',
      'set@7',
    ]);
  });

  it('direction below (remaining useful life): sets strictly below, clears at or above', () => {
    expect(run({ direction: 'below', setLevel: 30 }, [80, 40, 29, 25, 30, 31])).toEqual(['set@3', 'clear@5']);
  });

  it('records the output of the window that set it', () => {
    const { events } = evaluateRule(parseRule({ direction: 'above', setLevel: 0.5 }), {
      t: [10, 20],
      value: [0.2, 0.93],
    });
    expect(events).toEqual([{ kind: 'set', t: 20, value: 0.93 }]);
  });
});

describe('alert rule: k of the last n windows', () => {
  it('2 of 3: a lone spike does not set; two spikes within three windows do', () => {
    // windows:            1   2   3   4   5   6   7   8
    // above 10:           -   x   -   -   x   -   x   -
    // >= 2 of last 3 up:  no  no  no  no  no  no  yes (5, 7): set
    // >= 2 of last 3 ok:                              yes (6, 8): clear
    expect(run({ direction: 'above', setLevel: 10, k: 2, n: 3 }, [1, 11, 1, 1, 11, 1, 11, 1])).toEqual([
      'set@7',
      'clear@8',
    ]);
  });

  it('clearing also needs k of the last n windows back on the healthy side', () => {
    // set at 2 (11, 12); window 3 (1) is one healthy of the last 3 (11, 12, 1): still active; window 4 makes 2.
    expect(run({ direction: 'above', setLevel: 10, k: 2, n: 3 }, [11, 12, 1, 1, 1])).toEqual(['set@2', 'clear@4']);
  });

  it('3 of 3 is plain persistence: three windows in a row', () => {
    expect(run({ direction: 'above', setLevel: 10, k: 3, n: 3 }, [11, 11, 1, 11, 11, 11, 1, 1, 1])).toEqual([
      'set@6',
      'clear@9',
    ]);
  });

  it('windows without an output count towards neither setting nor clearing', () => {
    expect(run({ direction: 'above', setLevel: 10, k: 2, n: 2 }, [11, NaN, 11, 11, NaN, 1, 1])).toEqual([
      'set@4',
      'clear@7',
    ]);
  });

  it('refuses k greater than n', () => {
    expect(() => parseRule({ direction: 'above', setLevel: 1, k: 3, n: 2 })).toThrow(/k must not exceed n/);
  });
});

describe('alert rule: hysteresis (separate set and clear levels)', () => {
  it('a value between the levels neither sets nor clears', () => {
    // set 10, clear 8: 11 sets; 9 (between) keeps it; 8 clears; 9 does not set again; 10.5 does.
    expect(run({ direction: 'above', setLevel: 10, clearLevel: 8 }, [11, 9, 9.5, 8, 9, 10.5])).toEqual([
      'set@1',
      'clear@4',
      'set@6',
    ]);
  });

  it('stops the chatter of a value hovering at the threshold', () => {
    const hovering = [9.9, 10.1, 9.9, 10.1, 9.9, 10.1, 9.9, 10.1];
    expect(run({ direction: 'above', setLevel: 10 }, hovering)).toHaveLength(7);
    expect(run({ direction: 'above', setLevel: 10, clearLevel: 9 }, hovering)).toEqual(['set@2']);
  });

  it('below: the clear level lies above the set level', () => {
    expect(run({ direction: 'below', setLevel: 30, clearLevel: 40 }, [50, 29, 35, 39, 40])).toEqual([
      'set@2',
      'clear@5',
    ]);
    expect(() => parseRule({ direction: 'below', setLevel: 30, clearLevel: 20 })).toThrow(/healthy side/);
    expect(() => parseRule({ direction: 'above', setLevel: 30, clearLevel: 40 })).toThrow(/healthy side/);
  });
});

describe('alert rule: on-delay and off-delay', () => {
  it('on-delay: the condition must hold from its first window until one at least onDelay later', () => {
    // Windows every 10 time units; on-delay 25: holds from t=20, so at t=50 (30 >= 25) it sets.
    const t = [10, 20, 30, 40, 50, 60];
    expect(run({ direction: 'above', setLevel: 10, onDelay: 25 }, [1, 11, 11, 11, 11, 11], t)).toEqual(['set@50']);
    // Exactly the delay is enough: holds from 20, sets at 40 with on-delay 20.
    expect(run({ direction: 'above', setLevel: 10, onDelay: 20 }, [1, 11, 11, 11, 11, 11], t)).toEqual(['set@40']);
  });

  it('on-delay: a break in the condition restarts the wait', () => {
    const t = [10, 20, 30, 40, 50, 60, 70];
    expect(run({ direction: 'above', setLevel: 10, onDelay: 20 }, [11, 11, 1, 11, 11, 11, 11], t)).toEqual(['set@60']);
  });

  it('off-delay: clears only after the clear condition held for offDelay', () => {
    // Healthy from 20 to 30, broken at 40 (restarts the wait), healthy from 50: 80 - 50 >= 30 clears at 80.
    const t = [10, 20, 30, 40, 50, 60, 70, 80];
    expect(run({ direction: 'above', setLevel: 10, offDelay: 30 }, [11, 1, 1, 11, 1, 1, 1, 1], t)).toEqual([
      'set@10',
      'clear@80',
    ]);
  });

  it('delays count on the data axis, so irregular windows are judged by time, not by count', () => {
    const t = [0, 1, 2, 100];
    expect(run({ direction: 'above', setLevel: 10, onDelay: 50 }, [11, 11, 11, 11], t)).toEqual(['set@100']);
  });
});

describe('alert rule: re-alert time', () => {
  it('announces a still-active alert again each time reAlert has passed since its last announcement', () => {
    const t = [0, 10, 20, 30, 40, 50, 60, 70];
    // Announced at 0 and again at 30; at 60 it clears (no re-alert for a clearing window); 70 sets anew.
    expect(run({ direction: 'above', setLevel: 10, reAlert: 25 }, [11, 11, 11, 11, 11, 11, 1, 11], t)).toEqual([
      'set@0',
      'realert@30',
      'clear@60',
      'set@70',
    ]);
  });

  it('no re-alert without the parameter, and none after clearing', () => {
    const t = [0, 100, 200, 300];
    expect(run({ direction: 'above', setLevel: 10 }, [11, 11, 11, 11], t)).toEqual(['set@0']);
    expect(run({ direction: 'above', setLevel: 10, reAlert: 50 }, [11, 1, 1, 1], t)).toEqual(['set@0', 'clear@100']);
  });
});

describe('alert rule: state', () => {
  it('resumes from a saved state exactly as one pass over the whole series', () => {
    const rule = parseRule({
      direction: 'above',
      setLevel: 10,
      clearLevel: 8,
      k: 2,
      n: 3,
      onDelay: 15,
      offDelay: 5,
      reAlert: 40,
    });
    const t = Array.from({ length: 60 }, (_, i) => i * 5);
    const value = t.map((x) => 9 + 3 * Math.sin(x / 17));
    const whole = evaluateRule(rule, { t, value });
    const first = evaluateRule(rule, { t: t.slice(0, 23), value: value.slice(0, 23) });
    // The state survives a JSON round trip (it is stored between incremental scoring runs).
    const saved = JSON.parse(JSON.stringify(first.state));
    const second = evaluateRule(rule, { t: t.slice(23), value: value.slice(23) }, saved);
    expect([...first.events, ...second.events]).toEqual(whole.events);
    expect(second.state).toEqual(whole.state);
    expect(whole.events.length).toBeGreaterThan(2);
  });

  it('refuses a window that is not after the last one evaluated', () => {
    const rule = parseRule({ direction: 'above', setLevel: 10 });
    const { state } = stepRule(rule, initialRuleState, 100, 1);
    expect(() => stepRule(rule, state, 100, 1)).toThrow(/not after the last one evaluated \(100\)/);
  });
});
