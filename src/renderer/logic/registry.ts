import type { ApiInput } from '../../shared/api.js';
import {
  parseRegistryLocation,
  REGISTRY_MODEL_NAME_PATTERN,
  REGISTRY_TOKEN_PATTERN,
  REGISTRY_USER_NAME_PATTERN,
  type RegistryManifest,
  type RegistryModel,
  type RegistryStage,
  type RegistryVersionSummary,
} from '../../shared/registry.js';

/** Pure logic of the Registry area: connection form, actions per stage, metrics side by side, confirmations. */

export const STAGE_LABELS: Readonly<Record<RegistryStage, string>> = {
  candidate: 'Candidate',
  approved: 'Approved',
  production: 'Production',
  archived: 'Archived',
  rejected: 'Rejected',
};

export interface ConnectForm {
  readonly location: string;
  readonly token: string;
  readonly actAs: string;
  readonly create: boolean;
}

export const EMPTY_CONNECT_FORM: ConnectForm = { location: '', token: '', actAs: '', create: false };

export type ConnectCheck =
  { readonly ok: true; readonly input: ApiInput<'openRegistry'> } | { readonly ok: false; readonly message: string };

/** The openRegistry arguments for a form, or what is wrong with it (the token is sent only to a server). */
export const checkConnectForm = (form: ConnectForm): ConnectCheck => {
  const location = parseRegistryLocation(form.location);
  if (!location.ok) return { ok: false, message: location.message };
  const token = form.token.trim();
  const actAs = form.actAs.trim();
  if (location.kind === 'server') {
    if (token === '') return { ok: false, message: 'a registry server needs your token' };
    if (!REGISTRY_TOKEN_PATTERN.test(token))
      return { ok: false, message: 'that does not look like a registry token (16 to 200 characters, no spaces)' };
    return { ok: true, input: { location: location.location, token } };
  }
  if (actAs !== '' && !REGISTRY_USER_NAME_PATTERN.test(actAs))
    return { ok: false, message: `"${actAs.slice(0, 40)}" is not a valid user name` };
  return {
    ok: true,
    input: {
      location: location.location,
      ...(actAs !== '' ? { actAs } : {}),
      ...(form.create ? { create: true } : {}),
    },
  };
};

export const locationKind = (location: string): 'folder' | 'server' | null => {
  const parsed = parseRegistryLocation(location);
  return parsed.ok ? parsed.kind : null;
};

export const checkModelNameInput = (name: string): string | null => {
  const trimmed = name.trim();
  if (trimmed === '') return 'give the model a name';
  if (!REGISTRY_MODEL_NAME_PATTERN.test(trimmed) || trimmed.includes('..')) {
    return 'lower-case letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit';
  }
  return null;
};

export type GovernActionName = 'approve' | 'reject' | 'promote' | 'rollback' | 'archive';

export interface ActionState {
  readonly action: GovernActionName;
  readonly label: string;
  readonly enabled: boolean;
  /** Why it is disabled (or a hint when enabled). */
  readonly hint: string;
  readonly reasonRequired: boolean;
  readonly danger: boolean;
}

const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Which actions the rules allow for a version (docs/registry-format.md). Four-eyes is only hinted: the
 * registry decides, and the view shows its refusal.
 */
export const actionsFor = (
  version: {
    readonly version: number;
    readonly stage: RegistryStage;
    readonly createdBy: string;
    readonly trainedBy?: string;
  },
  model: { readonly production: number | null; readonly rollbackTarget: number | null },
  user: string | null,
): ActionState[] => {
  const { stage } = version;
  const own =
    user !== null &&
    (sameUser(user, version.createdBy) || (version.trainedBy !== undefined && sameUser(user, version.trainedBy)));
  const isProduction = model.production === version.version;
  return [
    {
      action: 'approve',
      label: 'Approve…',
      enabled: stage === 'candidate',
      hint:
        stage !== 'candidate'
          ? `only a candidate can be approved (this is ${stage})`
          : own
            ? 'you published or trained this version: the four-eyes rule needs another person'
            : 'approve for production (reason required)',
      reasonRequired: true,
      danger: false,
    },
    {
      action: 'reject',
      label: 'Reject…',
      enabled: stage === 'candidate' || stage === 'approved',
      hint:
        stage === 'candidate' || stage === 'approved'
          ? 'reject with a reason'
          : `only a candidate or approved version can be rejected (this is ${stage})`,
      reasonRequired: true,
      danger: true,
    },
    {
      action: 'promote',
      label: 'Promote…',
      enabled: stage === 'approved',
      hint:
        stage === 'approved'
          ? model.production === null
            ? 'make this the production version'
            : `replace production version ${model.production}`
          : 'only an approved version can go to production',
      reasonRequired: false,
      danger: false,
    },
    {
      action: 'rollback',
      label: 'Roll back…',
      enabled: isProduction && model.rollbackTarget !== null,
      hint:
        isProduction && model.rollbackTarget !== null
          ? `production goes back to version ${model.rollbackTarget}`
          : 'possible on the production version when an earlier production version exists',
      reasonRequired: false,
      danger: true,
    },
    {
      action: 'archive',
      label: 'Archive…',
      enabled: stage !== 'production' && stage !== 'archived',
      hint:
        stage === 'production'
          ? 'promote another version or roll back first'
          : stage === 'archived'
            ? 'already archived'
            : 'retire this version',
      reasonRequired: false,
      danger: true,
    },
  ];
};

/** The sentence a confirmation dialog asks. */
export const confirmText = (
  action: GovernActionName,
  name: string,
  version: number,
  model: { readonly production: number | null; readonly rollbackTarget: number | null },
): string => {
  switch (action) {
    case 'approve':
      return `Approve ${name} version ${version}? Your name, the time and your reason are recorded in the audit log.`;
    case 'reject':
      return `Reject ${name} version ${version}? It can no longer be approved or promoted.`;
    case 'promote':
      return model.production === null
        ? `Promote ${name} version ${version} to production?`
        : `Promote ${name} version ${version} to production? Version ${model.production} goes back to approved and stays the rollback target.`;
    case 'rollback':
      return `Roll ${name} back? Production goes from version ${model.production ?? '—'} back to version ${model.rollbackTarget ?? '—'}.`;
    case 'archive':
      return `Archive ${name} version ${version}? It stays in the registry, read-only, and cannot be promoted.`;
  }
};

export const toggleVersion = (selected: readonly number[], version: number): number[] =>
  selected.includes(version) ? selected.filter((v) => v !== version) : [...selected, version].sort((a, b) => a - b);

/** Metrics where smaller is better; everything else counts as larger-is-better only if listed there. */
const LOWER_BETTER = /^(rmse|mae|mse|phm08|score|false_?alarm|missed|far|mar|loss|val_?loss)/i;
const HIGHER_BETTER = /^(f1|precision|recall|accuracy|auc|roc_?auc|pr_?auc|r2|lead)/i;

export const metricDirection = (key: string): 'lower' | 'higher' | null =>
  LOWER_BETTER.test(key) ? 'lower' : HIGHER_BETTER.test(key) ? 'higher' : null;

const KEY_METRICS: Readonly<Record<string, readonly string[]>> = {
  rul: ['rmse', 'phm08', 'mae'],
  anomaly: ['f1', 'falseAlarmRate', 'missedAlarmRate', 'precision', 'recall'],
  'failure-horizon': ['f1', 'precision', 'recall', 'auc'],
};

/** Metric names of the versions: the task's key metrics first (when present), then the rest by name. */
export const metricKeys = (versions: readonly Pick<RegistryVersionSummary, 'task' | 'metrics'>[]): string[] => {
  const all = new Set(versions.flatMap((v) => Object.keys(v.metrics)));
  const key = [...new Set(versions.flatMap((v) => KEY_METRICS[v.task] ?? []))].filter((k) => all.has(k));
  const rest = [...all].filter((k) => !key.includes(k)).sort((a, b) => a.localeCompare(b));
  return [...key, ...rest];
};

export interface CompareRow {
  readonly metric: string;
  readonly values: readonly (number | null)[];
  /** Index of the best value (when the metric has a direction and at least two values). */
  readonly best: number | null;
}

/** Metrics side by side for the chosen versions, with the best of each row marked. */
export const compareRows = (versions: readonly Pick<RegistryVersionSummary, 'task' | 'metrics'>[]): CompareRow[] =>
  metricKeys(versions).map((metric) => {
    const values = versions.map((v) => v.metrics[metric] ?? null);
    const direction = metricDirection(metric);
    const present = values
      .map((v, i) => [v, i] as const)
      .filter((p): p is readonly [number, number] => p[0] !== null && Number.isFinite(p[0]));
    let best: number | null = null;
    if (direction !== null && present.length >= 2) {
      const sorted = [...present].sort((a, b) => (direction === 'lower' ? a[0] - b[0] : b[0] - a[0]));
      const top = sorted[0];
      const second = sorted[1];
      if (top !== undefined && second !== undefined && top[0] !== second[0]) best = top[1];
    }
    return { metric, values, best };
  });

export const formatMetric = (value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toPrecision(3);
};

/** The metrics the versions table shows as columns (at most `max`). */
export const tableMetrics = (model: Pick<RegistryModel, 'versions'>, max = 3): string[] =>
  metricKeys(model.versions).slice(0, max);

export const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

export const shortHash = (hash: string): string => (hash.length > 16 ? `${hash.slice(0, 12)}…` : hash);

/** Lineage rows of a manifest, in the order a reviewer checks them. */
export const lineageRows = (manifest: Pick<RegistryManifest, 'lineage' | 'evaluation'>): [string, string][] => {
  const l = manifest.lineage;
  return [
    ['Run', l.runId],
    ['Trained by', `${l.trainedBy} at ${l.trainedAt}`],
    ['Training dataset', `${l.dataset.description} (${l.dataset.id})`],
    ['Dataset content hash', l.dataset.contentHash],
    [
      'Evaluation dataset',
      manifest.evaluation.dataset === null
        ? 'not recorded'
        : `${manifest.evaluation.dataset.description} (${manifest.evaluation.dataset.contentHash})`,
    ],
    ['Seed', String(l.seed)],
    ['Backend', l.backend],
    ['App version', l.appVersion],
    ['Training time', `${l.durationS.toFixed(1)} s`],
  ];
};

/** What a refusal means to the person who clicked: the registry's own message, with the rule named. */
export const describeRefusal = (code: string | null, message: string): { title: string; message: string } => {
  if (code === 'forbidden' && /four-eyes/i.test(message)) return { title: 'Refused by the four-eyes rule', message };
  if (code === 'forbidden') return { title: 'Not allowed', message };
  if (code === 'unauthorized') return { title: 'Not signed in to the registry', message };
  if (code === 'conflict') return { title: 'The version changed meanwhile or is in the wrong stage', message };
  if (code === 'integrity') return { title: 'The registry failed an integrity check', message };
  return { title: 'The registry refused', message };
};
