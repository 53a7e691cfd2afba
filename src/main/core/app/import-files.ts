import { basename, dirname } from 'node:path';
import type { ImportOptions, IngestFileResult, IngestSummary } from '../../../shared/domain.js';
import { planImport, type ImportPlan } from '../import/plan.js';
import { jobControl, subControl, type PartialJobControl } from '../jobs/job-control.js';
import { logged } from '../jobs/logged.js';
import { DUPLICATE_RULE } from '../workspace/ingest.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Default asset names (the file's base name) must not collide silently: two experiments' `0.csv` from different
 * folders become `run-a/0` and `run-b/0`, and each such file says so.
 */
export const separateDefaultAssets = (plans: readonly ImportPlan[]): ImportPlan[] => {
  const byAsset = new Map<string, ImportPlan[]>();
  for (const plan of plans) {
    if (!plan.assetIsDefault) continue;
    byAsset.set(plan.asset, [...(byAsset.get(plan.asset) ?? []), plan]);
  }
  return plans.map((plan) => {
    const sharing = byAsset.get(plan.asset) ?? [];
    if (!plan.assetIsDefault || sharing.length < 2 || new Set(sharing.map((p) => p.file)).size < 2) return plan;
    const asset = `${basename(dirname(plan.file))}/${plan.asset}`;
    return {
      ...plan,
      asset,
      warnings: [
        ...plan.warnings,
        `${sharing.length} files are named like this one (${sharing.map((p) => p.file).join(', ')}); its default asset is "${asset}" so they do not merge`,
      ],
    };
  });
};

/**
 * Import files one after another, each atomically. Interrupted half-way, the files already done stay
 * done (a second run reports them as already imported) and the file in progress left nothing behind.
 * Lives above both import/ (what a file is: sniff and plan) and workspace/ (storing it), so neither of
 * those two folders imports the other's caller.
 */
export const importFiles = async (
  workspace: Workspace,
  paths: readonly string[],
  options: ImportOptions,
  given: PartialJobControl = {},
): Promise<IngestSummary> => {
  const control = jobControl(given);
  // The file being read, so a failure's log line names it.
  const where = { workspace: workspace.path, files: [...paths], file: paths[0] ?? '' };
  return logged(
    'import',
    'file import',
    where,
    async () => {
      const started = Date.now();
      const planned = [];
      for (const path of paths) {
        where.file = path;
        planned.push(await planImport(path, options, (f) => workspace.describeParquet(f)));
      }
      const plans = separateDefaultAssets(planned);
      const files: IngestFileResult[] = [];
      for (const [index, plan] of plans.entries()) {
        where.file = plan.file;
        const label = paths.length > 1 ? `file ${index + 1} of ${paths.length}: ` : '';
        const step = subControl(control, index, plans.length, label);
        files.push(await workspace.ingest(plan, step.progress, step.isCancelled));
      }
      const signalIds = [...new Set(files.flatMap((f) => f.signalIds))].sort((a, b) => a - b);
      const sum = (key: 'rows' | 'values' | 'rejected' | 'duplicates') => files.reduce((n, f) => n + f[key], 0);
      return {
        files,
        rows: sum('rows'),
        values: sum('values'),
        rejected: sum('rejected'),
        duplicates: sum('duplicates'),
        signals: signalIds.length,
        signalIds,
        duplicateRule: DUPLICATE_RULE,
        seconds: (Date.now() - started) / 1000,
        warnings: files.flatMap((f) => (f.warnings ?? []).map((w) => `${f.file}: ${w}`)),
      };
    },
    (s) => ({ rows: s.rows, values: s.values, rejected: s.rejected, duplicates: s.duplicates, signals: s.signals }),
  );
};
