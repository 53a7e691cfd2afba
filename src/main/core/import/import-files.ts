import type { ImportOptions, IngestFileResult, IngestSummary } from '../../../shared/domain.js';
import { DUPLICATE_RULE } from '../workspace/ingest.js';
import type { Workspace } from '../workspace/workspace.js';
import { planImport } from './plan.js';

export interface ImportControl {
  readonly isCancelled: () => boolean;
  readonly progress: (fraction: number | null, message: string) => void;
}

const NO_CONTROL: ImportControl = { isCancelled: () => false, progress: () => undefined };

/**
 * Import files one after another, each atomically. Interrupted half-way, the files already done stay
 * done (a second run reports them as already imported) and the file in progress left nothing behind.
 */
export const importFiles = async (
  workspace: Workspace,
  paths: readonly string[],
  options: ImportOptions,
  control: ImportControl = NO_CONTROL,
): Promise<IngestSummary> => {
  const started = Date.now();
  const plans = [];
  for (const path of paths) plans.push(await planImport(path, options, (f) => workspace.describeParquet(f)));
  const files: IngestFileResult[] = [];
  for (const [index, plan] of plans.entries()) {
    const label = paths.length > 1 ? `file ${index + 1} of ${paths.length}: ` : '';
    files.push(
      await workspace.ingest(
        plan,
        (fraction, message) =>
          control.progress(fraction === null ? null : (index + fraction) / plans.length, `${label}${message}`),
        control.isCancelled,
      ),
    );
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
};
