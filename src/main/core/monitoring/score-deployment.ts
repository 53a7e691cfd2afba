import type { Alert, ContractViolation, DriftFinding, DriftReference, SignalRef } from '../../../shared/monitoring.js';
import type { ManifestCore } from '../../../shared/registry-manifest.js';
import type { Connection } from '../workspace/database.js';
import {
  actOnAlert,
  assetStates,
  getDeployment,
  insertAlert,
  lifeRecord,
  listAlerts,
  nextAlertId,
  readSignals,
  saveAssetState,
  storeDriftResults,
  storeScores,
  storeViolations,
} from '../workspace/monitoring-store.js';
import { raiseAlert } from '../../../shared/alert-lifecycle.js';
import { evaluateRule, initialRuleState, type RuleState } from '../../../shared/alert-rules.js';
import { checkContract, type SignalData } from './contract-check.js';
import { chunkStartOf, detectDrift, rankFindings } from './drift.js';
import { baselineOf, gridOf, historyNeeded, pipelineOf, scoreAsset, type Predictor } from './score.js';
import { lifeStarts } from '../datasets/labels.js';
import type { LifeBaseline } from '../datasets/series.js';

/**
 * One scoring pass of a deployment, asset by asset: read the mapped signals (with the history the pipeline
 * needs), check the data contract (a blocked asset is not scored and says why; the others go on), score with the
 * package's own pipeline, store the scores with the exact model version and package hash, run the alert rule
 * from the asset's saved state (raising, clearing and re-announcing alerts), and, with reference statistics,
 * judge drift. Every violation and finding is stored. This is what `score` and each round of follow mode do.
 */

export interface ScoreDeploymentInput {
  readonly deploymentId: string;
  readonly manifest: ManifestCore;
  readonly predictor: Predictor;
  /** Window ends to score, inclusive; by default from just after each asset's last scored window to its newest data. */
  readonly from?: number;
  readonly to?: number;
  /** The package's reference statistics, when it carries them (drift is skipped without). */
  readonly reference?: DriftReference | null;
  /** Drift chunk length on the data axis (default: one day for timestamps, 50 cycles). */
  readonly driftChunk?: number;
  readonly importance?: ReadonlyMap<string, number>;
  /** Who acts (audit) and the wall-clock time (ISO) of the pass. */
  readonly actor: string;
  readonly now: string;
  readonly isCancelled?: () => boolean;
  readonly onProgress?: (done: number, total: number, asset: string) => void;
}

export interface ScoreDeploymentResult {
  readonly deployment: string;
  readonly modelVersion: number;
  /** Assets scored, and windows scored over all assets. */
  readonly scored: number;
  readonly windows: number;
  readonly blocked: readonly { readonly asset: string; readonly violations: readonly ContractViolation[] }[];
  readonly violations: readonly ContractViolation[];
  readonly alerts: {
    readonly opened: readonly string[];
    readonly cleared: readonly string[];
    readonly realerted: readonly string[];
  };
  readonly drift: { readonly signals: readonly DriftFinding[] };
  /**
   * Assets with nothing new to score (not a violation): no reading since their last scored window, or new readings
   * that complete no window yet (a stride above 1 puts the newest readings short of the next window end).
   */
  readonly upToDate: readonly string[];
  /** Window ends skipped because an empty slot (gap policy "reject") fell inside them. */
  readonly incompleteWindows: number;
  /** Seconds spent per stage, summed over assets (where a slow pass spends its time). */
  readonly seconds: Readonly<Record<'read' | 'check' | 'score' | 'store' | 'rules' | 'drift', number>>;
}

/** The readings of a signal with from <= t <= to. */
const sliceData = (d: SignalData, from: number, to: number): SignalData => {
  let a = 0;
  while (a < d.t.length && (d.t[a] as number) < from) a += 1;
  let b = a;
  while (b < d.t.length && (d.t[b] as number) <= to) b += 1;
  const t = Float64Array.from({ length: b - a }, (_, i) => d.t[a + i] as number);
  return {
    ...d,
    t,
    values: d.values.subarray(a, b),
    quality: d.quality === null ? null : Uint32Array.from({ length: b - a }, (_, i) => d.quality?.[a + i] as number),
  };
};

export class ScoringCancelledError extends Error {
  override readonly name = 'ScoringCancelledError';
}

const DAY_US = 24 * 3600e6;

/** A turn for the event loop between the stages that run here (reading, contract check, drift), asset by asset. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The run's permutation importance the reference carries (packages made before it was written carry none). */
const importanceOf = (reference: DriftReference): ReadonlyMap<string, number> =>
  new Map(reference.signals.flatMap((s) => (s.importance === undefined ? [] : [[s.tag, s.importance] as const])));

/**
 * When the mapped workspace asset's lives began, as training dates them: its record start on the grid (the slot
 * where every signal has begun), then the end of each repair after a failure.
 */
const assetLifeStarts = async (db: Connection, refs: readonly SignalRef[], period: number): Promise<number[]> => {
  const { first, events } = await lifeRecord(db, refs);
  const asset = refs[0]?.asset ?? '';
  if (first === null) return [];
  const start = Math.floor(first / period) * period;
  return lifeStarts({ asset, t: Float64Array.of(start, Number.MAX_SAFE_INTEGER), values: [] }, events);
};

/** The readings of each contract tag, in tag order (null: unmapped or not in the workspace). */
const signalDataByTag = (
  tags: readonly string[],
  mappedRefs: readonly (SignalRef | null)[],
  read: Awaited<ReturnType<typeof readSignals>>,
): Map<string, SignalData | null> => {
  const byTag = new Map<string, SignalData | null>();
  let k = 0;
  tags.forEach((tag, i) => {
    const r = mappedRefs[i] === null ? undefined : read[k++];
    byTag.set(
      tag,
      r === undefined || !r.found
        ? null
        : { signal: `${r.ref.asset}/${r.ref.tag}`, unit: r.unit, t: r.t, values: r.values, quality: r.quality },
    );
  });
  return byTag;
};

export const scoreDeployment = async (db: Connection, input: ScoreDeploymentInput): Promise<ScoreDeploymentResult> => {
  const deployment = await getDeployment(db, input.deploymentId);
  if (deployment === null) throw new Error(`no deployment "${input.deploymentId}" in this workspace`);
  if (deployment.currentVersion === null || deployment.packageHash === null) {
    throw new Error(`deployment ${deployment.id} has no confirmed model version yet: confirm one before scoring`);
  }
  if (input.manifest.name !== deployment.model.name || input.manifest.version !== deployment.currentVersion) {
    throw new Error(
      `deployment ${deployment.id} scores with ${deployment.model.name} v${deployment.currentVersion}, not ${input.manifest.name} v${input.manifest.version}`,
    );
  }
  const pipeline = pipelineOf(input.manifest);
  const history = historyNeeded(pipeline);
  const states = new Map((await assetStates(db, deployment.id)).map((s) => [s.asset, s]));
  const trainingRanges = new Map((input.reference?.signals ?? []).map((s) => [s.tag, { min: s.min, max: s.max }]));
  const blocked: { asset: string; violations: ContractViolation[] }[] = [];
  const violations: ContractViolation[] = [];
  const opened: string[] = [];
  const cleared: string[] = [];
  const realerted: string[] = [];
  const findings: DriftFinding[] = [];
  const upToDate: string[] = [];
  let scored = 0;
  let windows = 0;
  let incomplete = 0;
  const seconds = { read: 0, check: 0, score: 0, store: 0, rules: 0, drift: 0 };
  let clock = performance.now();
  const lap = (stage: keyof typeof seconds) => {
    const now = performance.now();
    seconds[stage] += (now - clock) / 1000;
    clock = now;
  };

  const hasReference = input.reference !== undefined && input.reference !== null;
  const driftChunk = input.driftChunk ?? (pipeline.window.timeKind === 'timestamp' ? DAY_US : 50);
  for (const [index, asset] of deployment.assets.entries()) {
    if (input.isCancelled?.() === true) throw new ScoringCancelledError('scoring cancelled');
    input.onProgress?.(index, deployment.assets.length, asset);
    clock = performance.now();
    const state = states.get(asset);
    const from = input.from ?? (state?.lastScoredT === null || state === undefined ? -Infinity : state.lastScoredT + 1);
    const to = input.to ?? Number.MAX_SAFE_INTEGER;
    // Drift judges whole chunks (a day): read back to the start of the chunk this pass begins in, so a pass that
    // brings a few hours is judged with the rest of its day instead of as a short chunk of its own.
    const chunkStart = hasReference && Number.isFinite(from) ? chunkStartOf(from, driftChunk) : Infinity;
    const readFrom = Number.isFinite(from) ? Math.min(from - history, chunkStart) : -Number.MAX_SAFE_INTEGER;
    const mapping = deployment.mapping[asset] ?? {};
    const tags = input.manifest.dataContract.signals.map((s) => s.tag);
    const mappedRefs = tags.map((tag) => mapping[tag] ?? null);
    const read = await readSignals(
      db,
      mappedRefs.filter((r) => r !== null),
      { from: readFrom, to },
    );
    lap('read');
    await yieldToLoop();
    const byTag = signalDataByTag(tags, mappedRefs, read);
    let first = Infinity;
    let last = -Infinity;
    for (const d of byTag.values()) {
      if (d === null || d.t.length === 0) continue;
      first = Math.min(first, d.t[0] as number);
      last = Math.max(last, d.t[d.t.length - 1] as number);
    }
    let range = {
      from: Number.isFinite(first) ? Math.max(first, readFrom) : Math.max(readFrom, 0),
      to: Number.isFinite(last) ? Math.min(last, to) : to,
    };
    // Nothing new since the last pass on any signal: up to date, not a violation (follow mode polls often).
    if (
      Number.isFinite(from) &&
      ![...byTag.values()].some((d) => d !== null && d.t.length > 0 && (d.t[d.t.length - 1] as number) >= from)
    ) {
      upToDate.push(asset);
      continue;
    }
    const checkOn = (signals: ReadonlyMap<string, SignalData | null>, over: { from: number; to: number }) =>
      checkContract({
        contract: input.manifest.dataContract,
        range: over,
        assets: [{ asset, signals }],
        trainingRanges,
        limits: deployment.limits,
      })[0];
    // The whole read (history included) gives the converted values the windows are cut from; the contract is
    // judged on the new range alone, so a signal that stopped reporting blocks instead of being carried forward.
    const full = checkOn(byTag, range);
    if (full === undefined) continue;
    let check = full;
    if (Number.isFinite(from) && from > range.from) {
      const judged = { from, to: range.to };
      const judgedCheck = checkOn(
        new Map([...byTag].map(([tag, d]) => [tag, d === null ? null : sliceData(d, from, to)])),
        judged,
      );
      if (judgedCheck !== undefined) {
        check = { ...full, blocked: full.blocked || judgedCheck.blocked, violations: judgedCheck.violations };
        range = judged;
      }
    }
    violations.push(...check.violations);
    lap('check');
    await yieldToLoop();
    await storeViolations(db, {
      deploymentId: deployment.id,
      modelVersion: deployment.currentVersion,
      range,
      violations: check.violations,
    });
    lap('store');
    if (check.blocked) {
      blocked.push({ asset, violations: check.violations.filter((v) => v.severity === 'block') });
      continue;
    }
    const readings = new Map(
      tags.map((tag) => [
        tag,
        { t: (byTag.get(tag) as SignalData).t, values: full.converted.get(tag) as Float64Array },
      ]),
    );
    const scoreFrom = Number.isFinite(from) ? from : range.from;
    const refs = mappedRefs.filter((r) => r !== null);
    const starts =
      pipeline.age || pipeline.baseline !== null ? await assetLifeStarts(db, refs, pipeline.period) : undefined;
    // Each life the scored windows (with their smoothing history) touch: its first steps, read and converted as
    // the range's own readings are. One query at a time on the workspace connection.
    let baselines: LifeBaseline[] | undefined;
    if (pipeline.baseline !== null && starts !== undefined) {
      baselines = [];
      const touched = starts.filter((s, i) => s <= range.to && (starts[i + 1] ?? Infinity) > scoreFrom - history);
      for (const start of touched) {
        const end = start + pipeline.baseline * pipeline.period;
        const part = signalDataByTag(tags, mappedRefs, await readSignals(db, refs, { from: start, to: end }));
        const converted = checkOn(part, { from: start, to: end })?.converted;
        const readingsOf = (tag: string) => {
          const t = part.get(tag)?.t ?? new Float64Array(0);
          return { t, values: converted?.get(tag) ?? new Float64Array(t.length).fill(NaN) };
        };
        baselines.push(baselineOf(pipeline, start, tags.map(readingsOf)));
      }
    }
    const scores = await scoreAsset(pipeline, input.predictor, asset, readings, {
      from: scoreFrom,
      to: range.to,
      lifeStarts: starts,
      lifeBaselines: baselines,
    });
    incomplete += scores.incomplete;
    lap('score');
    if (scores.windowEnd.length === 0) {
      // Without this, follow mode would report such an asset nowhere: neither scored, blocked nor up to date.
      if (scores.incomplete === 0 && input.from === undefined && input.to === undefined) upToDate.push(asset);
      continue;
    }
    scored += 1;
    windows += scores.windowEnd.length;
    await storeScores(db, {
      deploymentId: deployment.id,
      asset,
      output: pipeline.output.name,
      modelVersion: deployment.currentVersion,
      packageHash: deployment.packageHash,
      windowEnd: scores.windowEnd,
      value: scores.value,
    });
    lap('store');

    let ruleState: RuleState = (state?.ruleState as RuleState | null) ?? initialRuleState;
    if (deployment.rule !== null) {
      // A re-score of windows already through the rule must not replay them: the rule sees each window once.
      const fresh = scores.windowEnd.findIndex((t) => ruleState.lastT === null || t > ruleState.lastT);
      const start = fresh < 0 ? scores.windowEnd.length : fresh;
      const evaluated = evaluateRule(
        deployment.rule,
        { t: scores.windowEnd.subarray(start), value: scores.value.subarray(start) },
        ruleState,
      );
      ruleState = evaluated.state;
      for (const event of evaluated.events) {
        const active = (await listAlerts(db, { deploymentId: deployment.id, asset }))
          .filter((a: Alert) => a.clearedT === null)
          .at(-1);
        switch (event.kind) {
          case 'set': {
            const alert = raiseAlert({
              id: await nextAlertId(db),
              deploymentId: deployment.id,
              asset,
              role: deployment.role,
              modelVersion: deployment.currentVersion,
              event,
              at: input.now,
            });
            await insertAlert(db, alert, input.actor);
            opened.push(alert.id);
            break;
          }
          case 'clear':
            if (active !== undefined) {
              await actOnAlert(db, active.id, { kind: 'clear', t: event.t }, { actor: input.actor, time: input.now });
              cleared.push(active.id);
            }
            break;
          case 'realert':
            if (active !== undefined && active.status !== 'closed') {
              await actOnAlert(db, active.id, { kind: 'realert', t: event.t }, { actor: input.actor, time: input.now });
              realerted.push(active.id);
            }
            break;
        }
      }
    }
    await saveAssetState(db, deployment.id, {
      asset,
      lastScoredT: Math.max(state?.lastScoredT ?? -Infinity, scores.windowEnd[scores.windowEnd.length - 1] as number),
      ruleState,
    });
    lap('rules');

    if (input.reference !== undefined && input.reference !== null) {
      await yieldToLoop();
      const grid = gridOf(
        { ...pipeline, gap: 'reject' },
        tags.map((tag) => readings.get(tag)!),
      );
      const judgeFrom = chunkStartOf(scoreFrom, driftChunk);
      const keep = Array.from(grid.t.keys()).filter((i) => (grid.t[i] as number) >= judgeFrom);
      const worse = (deployment.rule?.direction ?? (pipeline.task === 'rul' ? 'below' : 'above')) === 'above' ? 1 : -1;
      const meanIn = (a: number, b: number) => {
        let s = 0;
        let n = 0;
        scores.windowEnd.forEach((t, i) => {
          if (t >= a && t < b && Number.isFinite(scores.value[i] as number)) {
            s += scores.value[i] as number;
            n += 1;
          }
        });
        return n === 0 ? NaN : s / n;
      };
      const report = detectDrift(
        input.reference,
        [
          {
            asset,
            t: Float64Array.from(keep, (i) => grid.t[i] as number),
            values: new Map(
              tags.map((tag, f) => [
                tag,
                Float64Array.from(keep, (i) => (grid.values[f] as Float64Array)[i] as number),
              ]),
            ),
          },
        ],
        {
          chunkLength: driftChunk,
          calibratedShare: 0.5,
          importance: input.importance ?? importanceOf(input.reference),
          outputRising: (_asset, a, b) => worse * (meanIn(a, b) - meanIn(a - driftChunk, a)) > 0,
        },
      );
      findings.push(...report.findings);
      lap('drift');
    }
  }
  input.onProgress?.(deployment.assets.length, deployment.assets.length, '');
  const ranked = rankFindings(findings);
  await storeDriftResults(db, {
    deploymentId: deployment.id,
    modelVersion: deployment.currentVersion,
    findings: ranked,
  });
  return {
    deployment: deployment.id,
    modelVersion: deployment.currentVersion,
    scored,
    windows,
    blocked,
    violations,
    alerts: { opened, cleared, realerted },
    drift: { signals: ranked.filter((f) => f.flagged) },
    upToDate,
    incompleteWindows: incomplete,
    seconds,
  };
};
