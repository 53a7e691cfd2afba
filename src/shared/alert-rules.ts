import { AlertRuleSchema, type AlertRule, type AlertRuleInput } from './monitoring.js';

/**
 * Alert rules over a health series as a pure state machine: feed it one window (time, model output) at a
 * time, in time order, and it says when an alert sets, clears or is announced again. The state is plain data,
 * so incremental scoring saves it after one batch and resumes from it with the next, and a replay over the same
 * series gives the same events.
 *
 * Semantics, per parameter (ISA-18.2 vocabulary):
 * - set condition at a window: at least k of the last n windows are past `setLevel` (strictly above it for
 *   direction 'above', strictly below for 'below');
 * - clear condition: at least k of the last n windows are back past `clearLevel` on the healthy side
 *   (at or below it for 'above', at or above it for 'below'). With clearLevel != setLevel a value between the
 *   two levels neither sets nor clears: hysteresis;
 * - a window without an output (NaN: the asset was blocked or not scored) counts towards neither;
 * - on-delay: the set condition must hold on every window from the first one where it held until one at least
 *   `onDelay` later; the alert sets at that window. 0 sets on the first window the condition holds;
 * - off-delay: the same for the clear condition and `offDelay`;
 * - re-alert: while the alert stays active, it is announced again once `reAlert` has passed since its last
 *   announcement (the set or the previous re-alert).
 */

export interface RuleState {
  /** The last n outputs, oldest first. */
  readonly recent: readonly number[];
  readonly active: boolean;
  /** When the condition for the next transition (set while inactive, clear while active) began to hold. */
  readonly pendingSince: number | null;
  readonly lastAnnounced: number | null;
  /** The last time fed, so a resumed series cannot go back in time. */
  readonly lastT: number | null;
}

export const initialRuleState: RuleState = {
  recent: [],
  active: false,
  pendingSince: null,
  lastAnnounced: null,
  lastT: null,
};

export type RuleEventKind = 'set' | 'clear' | 'realert';

export interface RuleEvent {
  readonly kind: RuleEventKind;
  readonly t: number;
  /** The output of the window at which the event happened. */
  readonly value: number;
}

export const parseRule = (input: AlertRuleInput): AlertRule => AlertRuleSchema.parse(input);

const pastSet = (rule: AlertRule, v: number): boolean =>
  rule.direction === 'above' ? v > rule.setLevel : v < rule.setLevel;

const pastClear = (rule: AlertRule, v: number): boolean => {
  const level = rule.clearLevel ?? rule.setLevel;
  return rule.direction === 'above' ? v <= level : v >= level;
};

const count = (values: readonly number[], test: (v: number) => boolean): number =>
  values.reduce((c, v) => (!Number.isNaN(v) && test(v) ? c + 1 : c), 0);

/** One window through the rule. */
export const stepRule = (
  rule: AlertRule,
  state: RuleState,
  t: number,
  value: number,
): { readonly state: RuleState; readonly events: readonly RuleEvent[] } => {
  if (state.lastT !== null && t <= state.lastT) {
    throw new Error(`alert rule: window at ${t} is not after the last one evaluated (${state.lastT})`);
  }
  const recent = [...state.recent, value].slice(-rule.n);
  const events: RuleEvent[] = [];
  let { active, pendingSince, lastAnnounced } = state;
  if (!active) {
    if (count(recent, (v) => pastSet(rule, v)) >= rule.k) {
      pendingSince ??= t;
      if (t - pendingSince >= rule.onDelay) {
        active = true;
        pendingSince = null;
        lastAnnounced = t;
        events.push({ kind: 'set', t, value });
      }
    } else {
      pendingSince = null;
    }
  } else if (count(recent, (v) => pastClear(rule, v)) >= rule.k) {
    pendingSince ??= t;
    if (t - pendingSince >= rule.offDelay) {
      active = false;
      pendingSince = null;
      events.push({ kind: 'clear', t, value });
    }
  } else {
    pendingSince = null;
  }
  if (active && events.length === 0 && rule.reAlert !== null && lastAnnounced !== null) {
    if (t - lastAnnounced >= rule.reAlert) {
      lastAnnounced = t;
      events.push({ kind: 'realert', t, value });
    }
  }
  return { state: { recent, active, pendingSince, lastAnnounced, lastT: t }, events };
};

/** A series of windows (ascending times) through the rule, from a saved state or the start. */
export const evaluateRule = (
  rule: AlertRule,
  series: { readonly t: ArrayLike<number>; readonly value: ArrayLike<number> },
  from: RuleState = initialRuleState,
): { readonly state: RuleState; readonly events: readonly RuleEvent[] } => {
  if (series.t.length !== series.value.length) throw new Error('alert rule: times and values differ in length');
  let state = from;
  const events: RuleEvent[] = [];
  for (let i = 0; i < series.t.length; i += 1) {
    const step = stepRule(rule, state, series.t[i] as number, series.value[i] as number);
    state = step.state;
    events.push(...step.events);
  }
  return { state, events };
};
