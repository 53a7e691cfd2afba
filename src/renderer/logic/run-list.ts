import type { RunSummary } from '../../shared/training.js';
import { compareNatural } from './signal-tree.js';

/** A metric column of the runs table. */
export interface MetricColumn {
  readonly key: string;
  readonly label: string;
  /** Lower is better (errors, scores, alarm rates) or higher (F1). */
  readonly better: 'lower' | 'higher';
}

export const RUL_METRICS: readonly MetricColumn[] = [
  { key: 'rmse', label: 'RMSE', better: 'lower' },
  { key: 'mae', label: 'MAE', better: 'lower' },
  { key: 'nasa_score', label: 'PHM08', better: 'lower' },
];

export const ALARM_METRICS: readonly MetricColumn[] = [
  { key: 'f1', label: 'F1', better: 'higher' },
  { key: 'false_alarm_rate', label: 'False-alarm rate', better: 'lower' },
];

export const METRIC_COLUMNS: readonly MetricColumn[] = [...RUL_METRICS, ...ALARM_METRICS];

/** The key metrics of a task: RMSE, MAE, PHM08 for RUL; F1 and false-alarm rate for classifiers. */
export const keyMetricsFor = (task: string): readonly MetricColumn[] => (task === 'rul' ? RUL_METRICS : ALARM_METRICS);

export type SortKey =
  | 'name'
  | 'task'
  | 'modelType'
  | 'backend'
  | 'datasetHash'
  | 'seed'
  | 'createdAt'
  | 'durationS'
  | 'status'
  | `metric:${string}`;

export interface RunSort {
  readonly key: SortKey;
  readonly dir: 'asc' | 'desc';
}

export const DEFAULT_SORT: RunSort = { key: 'createdAt', dir: 'desc' };

const sortValue = (run: RunSummary, key: SortKey): string | number | null => {
  if (key.startsWith('metric:')) {
    const v = run.metrics[key.slice('metric:'.length)];
    return v === undefined || !Number.isFinite(v) ? null : v;
  }
  const v = run[key as Exclude<SortKey, `metric:${string}`>];
  return v;
};

/**
 * Runs in the given order; ties keep the newest first. A run without the sorted metric goes last in either
 * direction (an anomaly run has no RMSE: it should not top an RMSE ranking).
 */
export const sortRuns = (runs: readonly RunSummary[], sort: RunSort): RunSummary[] => {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return runs
    .map((run, index) => ({ run, index, value: sortValue(run, sort.key) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) {
        if (a.value === null && b.value !== null) return 1;
        if (b.value === null && a.value !== null) return -1;
      } else {
        const c =
          typeof a.value === 'number' && typeof b.value === 'number'
            ? a.value - b.value
            : compareNatural(String(a.value), String(b.value));
        if (c !== 0) return sign * c;
      }
      return b.run.createdAt.localeCompare(a.run.createdAt) || a.index - b.index;
    })
    .map((x) => x.run);
};

/** The next sort when a column header is clicked: same column flips, a new one starts ascending (dates and metrics where higher is better start descending). */
export const nextSort = (current: RunSort, key: SortKey): RunSort => {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const higherFirst = key === 'createdAt' || key === 'metric:f1';
  return { key, dir: higherFirst ? 'desc' : 'asc' };
};

/** Runs whose id, name, task, model, backend, status, dataset hash or seed contain every word of the filter. */
export const filterRuns = (runs: readonly RunSummary[], text: string): RunSummary[] => {
  const words = text
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return [...runs];
  return runs.filter((run) => {
    const hay = [run.id, run.name, run.task, run.modelType, run.backend, run.status, run.datasetHash, String(run.seed)]
      .join(' ')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
};

export const shortHash = (hash: string): string => hash.replace(/^sha256:/, '').slice(0, 8);

export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
};

/** Metric values with sensible precision: rates and F1 to 3 decimals, errors to 2, large scores to whole numbers. */
export const formatMetric = (value: number | undefined): string => {
  if (value === undefined || !Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
};

/** "2026-11-22T00:15:00.000Z" as "2026-11-22 00:15" (UTC, as recorded). */
export const formatCreated = (iso: string): string => {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m === null ? iso : `${m[1]} ${m[2]}`;
};

/** Nested objects as "a.b.c" -> value text; arrays stay whole ("[64,32]"). */
export const flatten = (value: unknown, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  const visit = (v: unknown, path: string) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0 && path !== '') out.set(path, '{}');
      for (const [k, child] of entries) visit(child, path === '' ? k : `${path}.${k}`);
      return;
    }
    out.set(path, v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  };
  visit(value, prefix);
  return out;
};

/** What the compare view needs of a run: its summary and (when it has a folder) its config. */
export interface ComparableRun {
  readonly summary: RunSummary;
  readonly config: Record<string, unknown> | null;
}

export interface DiffRow {
  readonly section: 'run' | 'config' | 'metrics';
  readonly key: string;
  readonly a: string;
  readonly b: string;
  readonly differs: boolean;
  /** For metrics: which side is better, when they differ and the metric has a direction. */
  readonly better?: 'a' | 'b';
}

const LOWER_IS_BETTER = /(rmse|mae|score|rate|loss|missed|false_alarms|fp|fn)/;
const HIGHER_IS_BETTER = /(^|_)(f1|precision|recall|tp|tn|detected_failures|mean_lead_time)$/;

/** Which side a metric favours, or none when the direction is unknown. */
export const betterSide = (key: string, a: number, b: number): 'a' | 'b' | undefined => {
  if (a === b || !Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  if (HIGHER_IS_BETTER.test(key)) return a > b ? 'a' : 'b';
  if (LOWER_IS_BETTER.test(key)) return a < b ? 'a' : 'b';
  return undefined;
};

/**
 * Two runs side by side: run facts, every config field (flattened) and every metric, each row marked when the
 * two sides differ. Keys appear in natural order within each section.
 */
export const diffRuns = (a: ComparableRun, b: ComparableRun): DiffRow[] => {
  const facts = (r: ComparableRun) =>
    new Map<string, string>([
      ['id', r.summary.id],
      ['name', r.summary.name],
      ['task', r.summary.task],
      ['model', r.summary.modelType],
      ['status', r.summary.status],
      ['backend', r.summary.backend],
      ['seed', String(r.summary.seed)],
      ['dataset', r.summary.datasetId],
      ['dataset hash', r.summary.datasetHash],
      ['created', r.summary.createdAt],
      ['duration', formatDuration(r.summary.durationS)],
    ]);
  const rows: DiffRow[] = [];
  const fa = facts(a);
  const fb = facts(b);
  for (const [key, va] of fa) {
    const vb = fb.get(key) ?? '';
    rows.push({ section: 'run', key, a: va, b: vb, differs: key !== 'id' && key !== 'created' && va !== vb });
  }
  const ca = a.config === null ? new Map<string, string>() : flatten(a.config);
  const cb = b.config === null ? new Map<string, string>() : flatten(b.config);
  for (const key of [...new Set([...ca.keys(), ...cb.keys()])].sort(compareNatural)) {
    const va = ca.get(key) ?? '';
    const vb = cb.get(key) ?? '';
    rows.push({ section: 'config', key, a: va, b: vb, differs: va !== vb });
  }
  const keys = [...new Set([...Object.keys(a.summary.metrics), ...Object.keys(b.summary.metrics)])].sort(
    compareNatural,
  );
  for (const key of keys) {
    const va = a.summary.metrics[key];
    const vb = b.summary.metrics[key];
    const better = va !== undefined && vb !== undefined ? betterSide(key, va, vb) : undefined;
    rows.push({
      section: 'metrics',
      key,
      a: formatMetric(va),
      b: formatMetric(vb),
      differs: va !== vb,
      ...(better === undefined ? {} : { better }),
    });
  }
  return rows;
};

/** Toggle a run in a selection of at most two (the oldest pick drops out when a third is added). */
export const toggleCompare = (selected: readonly string[], id: string): string[] =>
  selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id].slice(-2);
