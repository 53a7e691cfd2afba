import { DispositionSchema, type Alert, type Disposition, type DispositionInput } from './monitoring.js';
import type { RuleEvent } from './alert-rules.js';

/**
 * The life of an alert: open -> acknowledged -> closed, where closing needs a disposition (confirmed with its
 * failure mode, false alarm with its cause, or not actionable), because dispositions are what the alert
 * figures and the next training run's labels are made of. Shelving hides an alert for a stated reason and
 * always ends: it has a mandatory expiry and lapses by itself, so nothing stays hidden and forgotten.
 *
 * Pure functions from an alert and an action to the next alert; a refused action throws an AlertActionError
 * whose message names the alert and says why. The store writes each accepted action to the audit chain.
 */

export class AlertActionError extends Error {
  override readonly name = 'AlertActionError';
}

/** The longest a shelf may last: longer than a month is not a shelf but a removed alert. */
export const MAX_SHELVE_MS = 30 * 24 * 3600 * 1000;

export type AlertAction =
  | { readonly kind: 'acknowledge'; readonly by: string; readonly at: string; readonly note?: string | null }
  | {
      readonly kind: 'shelve';
      readonly by: string;
      readonly at: string;
      readonly reason: string;
      /** ISO time the shelf expires; required. */
      readonly until: string;
    }
  | { readonly kind: 'unshelve'; readonly by: string; readonly at: string }
  | { readonly kind: 'close'; readonly by: string; readonly at: string; readonly disposition: DispositionInput }
  /** The rule's clear: the condition returned to normal (the alert stays until a person closes it). */
  | { readonly kind: 'clear'; readonly t: number }
  /** The rule announced a still-active alert again. */
  | { readonly kind: 'realert'; readonly t: number };

export type AlertActionKind = AlertAction['kind'];

const label = (alert: Alert): string => `alert ${alert.id} on ${alert.asset}`;

const time = (iso: string, field: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new AlertActionError(`${field} "${iso}" is not a valid time (use ISO 8601)`);
  return ms;
};

/** A new open alert from a rule's set event. */
export const raiseAlert = (input: {
  readonly id: string;
  readonly deploymentId: string;
  readonly asset: string;
  readonly role: Alert['role'];
  readonly modelVersion: number;
  readonly event: RuleEvent;
  readonly at: string;
}): Alert => {
  if (input.event.kind !== 'set')
    throw new AlertActionError(`an alert is raised by a set event, not ${input.event.kind}`);
  return {
    id: input.id,
    deploymentId: input.deploymentId,
    asset: input.asset,
    role: input.role,
    modelVersion: input.modelVersion,
    raisedT: input.event.t,
    raisedValue: input.event.value,
    clearedT: null,
    raisedAt: input.at,
    status: 'open',
    acknowledged: null,
    shelf: null,
    closed: null,
    realerts: 0,
    lastAnnouncedT: input.event.t,
  };
};

/** Whether the alert is shelved at `now` (ISO): a shelf past its expiry has lapsed by itself. */
export const isShelved = (alert: Alert, now: string): boolean =>
  alert.shelf !== null && alert.status !== 'closed' && time(now, 'now') < time(alert.shelf.until, 'until');

const requireUser = (by: string, what: string) => {
  if (by.trim() === '') throw new AlertActionError(`${what} needs the name of the person doing it`);
};

export const applyAlertAction = (alert: Alert, action: AlertAction): Alert => {
  if (alert.status === 'closed' && action.kind !== 'clear') {
    throw new AlertActionError(`${label(alert)} is closed; it cannot be ${pastTense(action.kind)}`);
  }
  switch (action.kind) {
    case 'acknowledge': {
      requireUser(action.by, 'acknowledging');
      if (alert.status === 'acknowledged') {
        throw new AlertActionError(
          `${label(alert)} was already acknowledged by ${alert.acknowledged?.by ?? '?'} at ${alert.acknowledged?.at ?? '?'}`,
        );
      }
      time(action.at, 'at');
      return {
        ...alert,
        status: 'acknowledged',
        acknowledged: { by: action.by, at: action.at, note: action.note ?? null },
      };
    }
    case 'shelve': {
      requireUser(action.by, 'shelving');
      if (action.reason.trim() === '') throw new AlertActionError(`shelving ${label(alert)} needs a reason`);
      if (action.until.trim() === '') throw new AlertActionError(`shelving ${label(alert)} needs an expiry (until)`);
      const at = time(action.at, 'at');
      const until = time(action.until, 'until');
      if (until <= at)
        throw new AlertActionError(`shelving ${label(alert)}: the expiry ${action.until} is not in the future`);
      if (until - at > MAX_SHELVE_MS) {
        throw new AlertActionError(
          `shelving ${label(alert)}: the expiry ${action.until} is more than 30 days away; close the alert or change the rule instead`,
        );
      }
      return { ...alert, shelf: { by: action.by, at: action.at, reason: action.reason.trim(), until: action.until } };
    }
    case 'unshelve': {
      requireUser(action.by, 'unshelving');
      if (!isShelved(alert, action.at)) throw new AlertActionError(`${label(alert)} is not shelved`);
      return { ...alert, shelf: null };
    }
    case 'close': {
      requireUser(action.by, 'closing');
      if (alert.status !== 'acknowledged') {
        throw new AlertActionError(`${label(alert)} must be acknowledged before it is closed`);
      }
      const parsed = DispositionSchema.safeParse(action.disposition);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AlertActionError(
          `closing ${label(alert)} needs a valid disposition: ${issue?.path.join('.') || 'disposition'}: ${issue?.message ?? 'invalid'}`,
        );
      }
      time(action.at, 'at');
      return {
        ...alert,
        status: 'closed',
        shelf: null,
        closed: { by: action.by, at: action.at, disposition: parsed.data },
      };
    }
    case 'clear':
      // A closed alert's condition may clear later: the time is still worth keeping for the figures.
      return alert.clearedT === null ? { ...alert, clearedT: action.t } : alert;
    case 'realert':
      return { ...alert, realerts: alert.realerts + 1, lastAnnouncedT: action.t };
  }
};

const pastTense = (kind: AlertActionKind): string => {
  switch (kind) {
    case 'acknowledge':
      return 'acknowledged';
    case 'shelve':
      return 'shelved';
    case 'unshelve':
      return 'unshelved';
    case 'close':
      return 'closed again';
    case 'clear':
      return 'cleared';
    case 'realert':
      return 'announced again';
  }
};

/** A workspace event for the next training run's labels, from a closed alert's disposition (null: none). */
export const labelEventOf = (
  alert: Alert,
): {
  readonly asset: string;
  readonly kind: 'anomaly' | 'note';
  readonly startT: number;
  readonly endT: number | null;
  readonly code: string;
  readonly description: string;
} | null => {
  const disposition: Disposition | undefined = alert.closed?.disposition;
  if (disposition === undefined) return null;
  const base = { asset: alert.asset, startT: alert.raisedT, endT: alert.clearedT };
  switch (disposition.kind) {
    case 'confirmed':
      return {
        ...base,
        kind: 'anomaly',
        code: `confirmed:${disposition.failureMode}`,
        description: `alert ${alert.id} confirmed by ${alert.closed?.by ?? '?'}: ${disposition.failureMode}${disposition.note === null ? '' : ` (${disposition.note})`}`,
      };
    case 'false-alarm':
      return {
        ...base,
        kind: 'note',
        code: `false-alarm:${disposition.cause}`,
        description: `alert ${alert.id} was a false alarm (${disposition.cause.replace('-', ' ')})${disposition.note === null ? '' : `: ${disposition.note}`}`,
      };
    case 'not-actionable':
      return null;
  }
};
