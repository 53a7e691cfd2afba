import type { RunScope } from '../../../shared/run-scope.js';
import type { WindowSet } from './windows.js';

/**
 * The scope of a scored window set (see RunScopeSchema): per asset its first and last window end and its count.
 * `total` is how many labelled windows the scored assets had at the dataset's stride, before only some (each
 * asset's last) were picked or the gap policy dropped some.
 */
export const scopeOf = (
  set: WindowSet,
  part: RunScope['part'],
  split: RunScope['split'],
  timeKind: RunScope['timeKind'],
  total: number,
  truth: RunScope['truth'],
): RunScope => {
  const byAsset = new Map<number, { from: number; to: number; windows: number }>();
  for (let i = 0; i < set.n; i += 1) {
    const a = set.asset[i] as number;
    const t = set.end[i] as number;
    const seen = byAsset.get(a);
    byAsset.set(
      a,
      seen === undefined
        ? { from: t, to: t, windows: 1 }
        : { from: Math.min(seen.from, t), to: Math.max(seen.to, t), windows: seen.windows + 1 },
    );
  }
  return {
    part,
    split,
    timeKind,
    windowsScored: set.n,
    windowsTotal: Math.max(total, set.n),
    assets: [...byAsset.entries()]
      .sort((p, q) => p[0] - q[0])
      .map(([a, r]) => ({ asset: set.assets[a] as string, ...r })),
    truth,
  };
};
