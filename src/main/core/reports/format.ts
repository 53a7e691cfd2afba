/**
 * Numbers, durations and times as a manager reads them, in the report's locale. Durations are on the data axis:
 * µs for timestamp data, cycles for run-to-failure data.
 */

export interface Formatter {
  readonly locale: string;
  readonly timeKind: 'timestamp' | 'cycle';
  number(value: number | null, digits?: number): string;
  percent(fraction: number | null): string;
  money(value: number, currency: string): string;
  duration(span: number | null): string;
  /** A point on the data axis. */
  time(t: number | null): string;
}

const HOUR_US = 3600e6;
const DAY_US = 24 * HOUR_US;

export const formatter = (locale: string, timeKind: 'timestamp' | 'cycle'): Formatter => {
  const safeLocale = (() => {
    try {
      return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0 ? locale : 'en-GB';
    } catch {
      return 'en-GB';
    }
  })();
  const fixed = (digits: number) =>
    new Intl.NumberFormat(safeLocale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  const number = (value: number | null, digits = 2) =>
    value === null || !Number.isFinite(value) ? '—' : fixed(digits).format(value);
  return {
    locale: safeLocale,
    timeKind,
    number,
    percent: (fraction) =>
      fraction === null || !Number.isFinite(fraction)
        ? '—'
        : new Intl.NumberFormat(safeLocale, { style: 'percent', maximumFractionDigits: 0 }).format(fraction),
    money: (value, currency) => {
      try {
        return new Intl.NumberFormat(safeLocale, {
          style: 'currency',
          currency,
          maximumFractionDigits: 0,
        }).format(value);
      } catch {
        // Not an ISO 4217 code: the number with the unit as typed.
        return `${fixed(0).format(value)} ${currency}`;
      }
    },
    duration: (span) => {
      if (span === null || !Number.isFinite(span)) return '—';
      if (timeKind === 'cycle') return `${number(span, 0)} cycles`;
      if (Math.abs(span) >= 2 * DAY_US) return `${number(span / DAY_US, 1)} days`;
      if (Math.abs(span) >= HOUR_US) return `${number(span / HOUR_US, 1)} h`;
      return `${number(span / 60e6, 0)} min`;
    },
    time: (t) => {
      if (t === null || !Number.isFinite(t)) return '—';
      if (timeKind === 'cycle') return `cycle ${number(t, 0)}`;
      return `${new Date(t / 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    },
  };
};
