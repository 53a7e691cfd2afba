import type { ImportOptions, IngestFileResult, IngestSummary } from '../../../shared/domain.js';
import { planImport } from '../import/plan.js';
import { jobControl, subControl, type PartialJobControl } from '../jobs/job-control.js';
import { logged } from '../jobs/logged.js';
import { DUPLICATE_RULE } from '../workspace/ingest.js';
import type { Workspace } from '../workspace/workspace.js';

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
      const plans = [];
      for (const path of paths) {
        where.file = path;
        plans.push(await planImport(path, options, (f) => workspace.describeParquet(f)));
      }
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
      };
    },
    (s) => ({ rows: s.rows, values: s.values, rejected: s.rejected, duplicates: s.duplicates, signals: s.signals }),
  );
};
