import type { AlertRule, AlertRuleInput, FollowSource, FollowStatus, ShadowSide } from '../../shared/monitoring.js';

/**
 * Pure helpers of the Monitor area's forms: the alert rule as typed (strings) to and from the API's rule, the
 * follow source, and the words shown beside the follow switch and the champion/challenger table.
 */

export interface RuleForm {
  readonly direction: 'above' | 'below';
  readonly setLevel: string;
  readonly clearLevel: string;
  readonly k: string;
  readonly n: string;
  readonly onDelay: string;
  readonly offDelay: string;
  readonly reAlert: string;
}

export const emptyRuleForm: RuleForm = {
  direction: 'below',
  setLevel: '',
  clearLevel: '',
  k: '1',
  n: '1',
  onDelay: '0',
  offDelay: '0',
  reAlert: '',
};

const text = (x: number | null | undefined): string => (x === null || x === undefined ? '' : String(x));

export const ruleFormOf = (rule: AlertRule | AlertRuleInput | null): RuleForm =>
  rule === null
    ? emptyRuleForm
    : {
        direction: rule.direction,
        setLevel: text(rule.setLevel),
        clearLevel: text(rule.clearLevel),
        k: text(rule.k ?? 1),
        n: text(rule.n ?? 1),
        onDelay: text(rule.onDelay ?? 0),
        offDelay: text(rule.offDelay ?? 0),
        reAlert: text(rule.reAlert),
      };

export type RuleCheck =
  { readonly ok: true; readonly rule: AlertRuleInput } | { readonly ok: false; readonly message: string };

const num = (raw: string): number | null => {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  const x = Number(trimmed);
  return Number.isFinite(x) ? x : NaN;
};

/** The typed rule, checked field by field with the field named (the API checks it again). */
export const ruleOf = (form: RuleForm): RuleCheck => {
  const setLevel = num(form.setLevel);
  if (setLevel === null || Number.isNaN(setLevel)) return { ok: false, message: 'Set level: a number is needed' };
  const clearLevel = num(form.clearLevel);
  if (Number.isNaN(clearLevel)) return { ok: false, message: 'Clear level: not a number' };
  if (clearLevel !== null && (form.direction === 'above' ? clearLevel > setLevel : clearLevel < setLevel)) {
    return {
      ok: false,
      message: `Clear level: must be on the healthy side of the set level (${form.direction === 'above' ? 'at or below' : 'at or above'} ${setLevel})`,
    };
  }
  const k = num(form.k);
  const n = num(form.n);
  if (k === null || n === null || !Number.isInteger(k) || !Number.isInteger(n) || k < 1 || n < 1) {
    return { ok: false, message: 'Persistence: k and n are whole numbers of 1 or more' };
  }
  if (k > n) return { ok: false, message: 'Persistence: k must not exceed n (k of the last n windows)' };
  const onDelay = num(form.onDelay) ?? 0;
  const offDelay = num(form.offDelay) ?? 0;
  if (Number.isNaN(onDelay) || onDelay < 0) return { ok: false, message: 'On-delay: 0 or more' };
  if (Number.isNaN(offDelay) || offDelay < 0) return { ok: false, message: 'Off-delay: 0 or more' };
  const reAlert = num(form.reAlert);
  if (reAlert !== null && (Number.isNaN(reAlert) || reAlert <= 0)) {
    return { ok: false, message: 'Re-alert: more than 0, or empty for never' };
  }
  return {
    ok: true,
    rule: {
      direction: form.direction,
      setLevel,
      ...(clearLevel === null ? {} : { clearLevel }),
      k,
      n,
      onDelay,
      offDelay,
      reAlert,
    },
  };
};

export interface FollowForm {
  readonly interval: string;
  readonly kind: 'none' | 'opcua' | 'postgres';
  readonly profile: string;
  readonly tags: string;
  readonly url: string;
  readonly query: string;
  /** Typed for a PostgreSQL source: saved encrypted with a connection on Start, never shown again. */
  readonly password: string;
}

export const emptyFollowForm: FollowForm = {
  interval: '60',
  kind: 'none',
  profile: '',
  tags: '',
  url: '',
  query: '',
  password: '',
};

/** The form as a stored source fills it (the interval stays as typed). */
export const followFormOf = (source: FollowSource | null | undefined, interval = '60'): FollowForm => {
  if (source === null || source === undefined) return { ...emptyFollowForm, interval };
  switch (source.kind) {
    case 'opcua':
      return { ...emptyFollowForm, interval, kind: 'opcua', profile: source.profile, tags: source.tags.join(', ') };
    case 'postgres':
      return {
        ...emptyFollowForm,
        interval,
        kind: 'postgres',
        profile: source.profile ?? '',
        url: source.url,
        query: source.query,
      };
  }
};

/** Whether the source typed differs from the one stored (then Start stores it first). */
export const sameSource = (a: FollowSource | null | undefined, b: FollowSource | null | undefined): boolean => {
  // Key order differs between the form's object and the stored one: compare field by field.
  const canonical = (x: FollowSource | null | undefined) =>
    x === null || x === undefined ? 'null' : JSON.stringify(Object.entries(x).sort(([p], [q]) => p.localeCompare(q)));
  return canonical(a) === canonical(b);
};

export type FollowCheck =
  | { readonly ok: true; readonly intervalSeconds: number; readonly source: FollowSource | null }
  | { readonly ok: false; readonly message: string };

export const followOf = (form: FollowForm): FollowCheck => {
  const interval = num(form.interval);
  if (interval === null || Number.isNaN(interval) || interval < 0 || interval > 86_400) {
    return { ok: false, message: 'Interval: seconds between 0 and 86400' };
  }
  switch (form.kind) {
    case 'none':
      return { ok: true, intervalSeconds: interval, source: null };
    case 'opcua': {
      const tags = form.tags
        .split(/[\n,]/)
        .map((t) => t.trim())
        .filter((t) => t !== '');
      if (form.profile === '') return { ok: false, message: 'OPC UA: choose a saved connection' };
      if (tags.length === 0) return { ok: false, message: 'OPC UA: list the node ids to fetch' };
      return { ok: true, intervalSeconds: interval, source: { kind: 'opcua', profile: form.profile, tags } };
    }
    case 'postgres': {
      if (!/^postgres(ql)?:\/\//.test(form.url.trim())) {
        return { ok: false, message: 'PostgreSQL: a postgres:// URL is needed' };
      }
      if (form.query.trim() === '')
        return { ok: false, message: 'PostgreSQL: the query ($1 = from, $2 = to) is needed' };
      return {
        ok: true,
        intervalSeconds: interval,
        source: {
          kind: 'postgres',
          url: form.url.trim(),
          query: form.query.trim(),
          layout: 'long',
          ...(form.profile === '' ? {} : { profile: form.profile }),
          ...(form.password === '' ? {} : { password: form.password }),
        },
      };
    }
  }
};

/** Whole seconds, never negative: the status counts down between polls. */
const secs = (x: number): number => Math.max(0, Math.round(x));

/**
 * One line beside the follow switch: what the loop did and when it goes again, or why it failed and when it
 * retries; after an app restart, that the loop was resumed; once stopped, the last error if there was one.
 */
export const followLine = (s: FollowStatus): string => {
  const lastError = s.lastError === null ? '' : ` Last error: ${s.lastError}.`;
  if (!s.running) {
    return s.rounds === 0
      ? `Not following.${lastError}`
      : `Stopped after ${s.rounds} round(s): ${s.windows} window(s), ${s.opened.length} alert(s) opened, ${s.failures} failed.${lastError}`;
  }
  const resumed = s.resumed === true ? ' (resumed when the app started)' : '';
  if (s.failedInARow > 0) {
    const retry = s.nextInSeconds === null ? 'retrying now' : `retrying in ${secs(s.nextInSeconds)} s`;
    return `Following${resumed} · ${s.lastError ?? 'the round failed'}, ${retry} (round ${s.rounds}, ${s.failedInARow} failed in a row)`;
  }
  const next = s.nextInSeconds === null ? 'round running' : `next round in ${secs(s.nextInSeconds)} s`;
  return `Following every ${s.intervalSeconds} s${resumed} · ${s.rounds} round(s), ${s.windows} window(s), ${s.opened.length} alert(s) opened · ${next}`;
};

/** Precision of one side from the dispositions it has, or "–" when none is dispositioned. */
export const sidePrecision = (s: ShadowSide): string => {
  const judged = s.confirmed + s.falseAlarms + s.notActionable;
  return judged === 0 ? '–' : `${Math.round((100 * s.confirmed) / judged)} %`;
};
