import { z } from 'zod';

/**
 * What a run's headline figures were computed on (run.json `scope`): which part of the data, how many windows of
 * how many there were, on which assets and time ranges, against which truth. Two runs whose figures come from
 * different data are not comparable, whatever their RMSE or F1 says: an RMSE on one engine is not an RMSE on two.
 */
export const RunScopeSchema = z.object({
  /** Held-out evaluation data, or (no evaluation set) the validation data that also tuned the run. */
  part: z.enum(['evaluation', 'validation']),
  split: z.enum(['assets', 'time']),
  timeKind: z.enum(['timestamp', 'cycle']),
  /** Windows scored, of the labelled windows there were on those assets (e.g. only each asset's last). */
  windowsScored: z.number().int(),
  windowsTotal: z.number().int(),
  /** Per scored asset: the first and last scored window end (µs or cycles) and how many of its windows were scored. */
  assets: z.array(z.object({ asset: z.string(), from: z.number(), to: z.number(), windows: z.number().int() })),
  /** RUL against the true (uncapped) remaining life, or the capped training target; labels for classifiers. */
  truth: z.enum(['uncapped', 'capped', 'labels']),
});
export type RunScope = z.infer<typeof RunScopeSchema>;

/** What comparability needs of a run: its task, metrics (older runs: to tell their truth) and scope. */
export interface ScopedRun {
  readonly task: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly scope?: RunScope | null | undefined;
}

/** The truth a run's RUL figures were computed against; runs before scopes were recorded tell it by rmse_capped. */
export const truthOf = (run: ScopedRun): RunScope['truth'] =>
  run.scope?.truth ?? (run.task !== 'rul' ? 'labels' : 'rmse_capped' in run.metrics ? 'uncapped' : 'capped');

const listed = (names: readonly string[]) =>
  `${names
    .slice(0, 3)
    .map((n) => `"${n}"`)
    .join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;

/**
 * Why two runs' figures cannot be set side by side (empty: they can): different tasks, parts, assets, time ranges,
 * window counts, or truth. Each reason is a sentence a person reads.
 */
export const scopeDifferences = (a: ScopedRun, b: ScopedRun): string[] => {
  const reasons: string[] = [];
  if (a.task !== b.task) reasons.push(`different tasks: ${a.task} vs ${b.task}`);
  const ta = truthOf(a);
  const tb = truthOf(b);
  if (ta !== tb) reasons.push(`${ta} vs ${tb} truth`);
  const sa = a.scope ?? null;
  const sb = b.scope ?? null;
  if (sa === null || sb === null) {
    if (sa !== sb) reasons.push('one run did not record what it scored (trained before scopes were kept)');
    else reasons.push('neither run recorded what it scored (trained before scopes were kept)');
    return reasons;
  }
  if (sa.part !== sb.part) reasons.push(`scored on ${sa.part} vs ${sb.part} data`);
  const na = sa.assets.map((x) => x.asset);
  const nb = sb.assets.map((x) => x.asset);
  const onlyA = na.filter((n) => !nb.includes(n));
  const onlyB = nb.filter((n) => !na.includes(n));
  if (onlyA.length > 0 || onlyB.length > 0) {
    reasons.push(
      `different assets: ${na.length} vs ${nb.length}${onlyA.length > 0 ? `; only the first: ${listed(onlyA)}` : ''}${onlyB.length > 0 ? `; only the second: ${listed(onlyB)}` : ''}`,
    );
  } else {
    const ranges = sa.assets.filter((x) => {
      const y = sb.assets.find((z) => z.asset === x.asset);
      return y !== undefined && (y.from !== x.from || y.to !== x.to);
    });
    if (ranges.length > 0) reasons.push(`different time ranges on ${listed(ranges.map((x) => x.asset))}`);
  }
  if (sa.windowsScored !== sb.windowsScored || sa.windowsTotal !== sb.windowsTotal)
    reasons.push(
      `different window counts: ${sa.windowsScored} of ${sa.windowsTotal} vs ${sb.windowsScored} of ${sb.windowsTotal} scored`,
    );
  return reasons;
};

/** A scope in a few words for a table cell: "evaluation · 2 assets · 200 of 13,096 windows". */
export const scopeLabel = (scope: RunScope | null | undefined): string => {
  if (scope === null || scope === undefined) return 'not recorded';
  const assets = `${scope.assets.length} asset${scope.assets.length === 1 ? '' : 's'}`;
  const split = scope.split === 'time' ? ' (later part)' : '';
  return `${scope.part}${split} · ${assets} · ${scope.windowsScored.toLocaleString('en')} of ${scope.windowsTotal.toLocaleString('en')} windows`;
};
