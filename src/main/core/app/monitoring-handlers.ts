import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, type ApiEvent, type ApiHandlers, type HealthSeries } from '../../../shared/api.js';
import {
  AlertRuleSchema,
  DriftReferenceSchema,
  type ChallengerPass,
  type Deployment,
  type DeploymentFigures,
  type DriftOverview,
  type DriftReference,
  type ScoringResult,
  type ShadowReport,
} from '../../../shared/monitoring.js';
import { ManifestSchema } from '../../../shared/registry-manifest.js';
import { parseRegistryLocation } from '../../../shared/registry.js';
import type { Jobs } from '../jobs/job-registry.js';
import { AlertActionError, isShelved } from '../../../shared/alert-lifecycle.js';
import {
  checkForNewVersion,
  confirmVersion,
  deployFromRegistry,
  proposeMapping,
  resolveVersion,
} from '../monitoring/deployment.js';
import { ruleDefaultsOf } from '../monitoring/rule-defaults.js';
import { DRIFT_REFERENCE_FILE } from '../monitoring/drift.js';
import { m4 } from '../monitoring/health-series.js';
import { scoreDeployment, ScoringCancelledError } from '../monitoring/score-deployment.js';
import { deploymentAlertFigures } from '../monitoring/deployment-figures.js';
import { rankFindings } from '../monitoring/drift.js';
import type { FollowApi } from '../monitoring/follow-source.js';
import { disposePackage, type PackageCache } from '../monitoring/package-cache.js';
import type { ProfileStore } from '../historians/profiles.js';
import { followHandlers, type FollowControl } from './follow-handlers.js';
import { shadowReport } from '../monitoring/shadow.js';
import { CancelledError } from '../jobs/cancelled.js';
import { RegistryError } from '../registry/errors.js';
import { openRegistry, osUser } from '../registry/open-registry.js';
import type { Registry } from '../registry/registry-types.js';
import {
  changeDeployment,
  getDeployment,
  listAlerts,
  listDeployments,
  listDriftResults,
  scoreSeries,
  actOnAlert,
} from '../workspace/monitoring-store.js';
import type { Workspace } from '../workspace/workspace.js';
import { toRegistryApiError } from './registry-handlers.js';

export type MonitoringMethod =
  | 'createDeployment'
  | 'listDeployments'
  | 'getDeployment'
  | 'setAlertRule'
  | 'confirmVersionSwitch'
  | 'startScoring'
  | 'listAlerts'
  | 'acknowledgeAlert'
  | 'closeAlert'
  | 'shelveAlert'
  | 'getHealthSeries'
  | 'proposeDeployment'
  | 'createChallenger'
  | 'compareChallenger'
  | 'getAlertFigures'
  | 'getDriftFindings'
  | 'startFollow'
  | 'stopFollow'
  | 'setFollowSource'
  | 'getFollowStatus';

export interface MonitoringDeps {
  readonly requireWorkspace: () => Workspace;
  readonly jobs: Jobs;
  readonly emit: (event: ApiEvent) => void;
  /** Who acts in the audit chain; default the OS user (the same identity a folder registry uses). */
  readonly actor?: () => string;
  /**
   * The app's own API (validated dispatch) for follow mode's "update to now": the historian import jobs, the same
   * calls the CLI's monitor makes. Without it, follow mode scores what the workspace holds.
   */
  readonly followApi?: () => FollowApi;
  /** Saved connections, where a PostgreSQL follow source's password is kept (encrypted). */
  readonly connections?: () => ProfileStore;
  /** Remember follow Start/Stop in the workspace and resume on open (app and serve; not the CLI). */
  readonly rememberFollow?: boolean;
}

/** Core errors in the user's words, with a code the views can react to. */
const asApiError = (error: unknown): unknown => {
  if (error instanceof ApiError) return error;
  if (error instanceof RegistryError) return toRegistryApiError(error);
  if (error instanceof AlertActionError) {
    if (/^no alert /.test(error.message)) return new ApiError('not-found', error.message);
    // What the user typed (a time, an expiry, a reason) is invalid; anything else is the alert's state refusing.
    const badInput =
      /not a valid time|is not in the future|more than 30 days|needs a reason|needs an expiry|needs a valid disposition|needs the name/;
    return new ApiError(badInput.test(error.message) ? 'invalid-argument' : 'conflict', error.message);
  }
  if (error instanceof Error && /^no deployment /.test(error.message)) return new ApiError('not-found', error.message);
  if (error instanceof Error && /has no new version waiting/.test(error.message)) {
    return new ApiError('conflict', error.message);
  }
  return error;
};

const guard = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw asApiError(error);
  }
};

/** Opens the deployment's registry the way the CLI does: the OS user for a folder, a token for a server. */
const registryAt = async (location: string, token: string | undefined): Promise<Registry> => {
  const parsed = parseRegistryLocation(location);
  if (!parsed.ok) throw new ApiError('invalid-argument', parsed.message);
  return openRegistry(location, token === undefined ? {} : { token });
};

/**
 * The monitoring loop over the API (docs/monitoring.md says which core function each call uses): deployments,
 * the scoring pass as a job with progress and Cancel, the alert lifecycle and the health series for charts.
 * Every change goes through the workspace's write owner and the monitoring audit chain.
 */
export const monitoringHandlers = (deps: MonitoringDeps): Pick<ApiHandlers, MonitoringMethod> =>
  monitoringCore(deps).handlers;

/** The monitoring handlers and the follow loops' lifecycle (resume on open, stop on close) for the app core. */
export const monitoringCore = ({
  requireWorkspace,
  jobs,
  emit,
  actor = osUser,
  followApi,
  connections,
  rememberFollow = false,
}: MonitoringDeps): { readonly handlers: Pick<ApiHandlers, MonitoringMethod>; readonly follow: FollowControl } => {
  const by = () => ({ actor: actor(), at: new Date().toISOString() });
  const axisOf = async (db: Parameters<typeof getDeployment>[0], asset: string) =>
    (
      await db.all<{ time_kind: 'timestamp' | 'cycle' }>('SELECT time_kind FROM signals WHERE asset = $1 LIMIT 1', [
        asset,
      ])
    )[0]?.time_kind ?? 'timestamp';

  const requireDeployment = async (ws: Workspace, id: string): Promise<Deployment> => {
    const deployment = await ws.monitoringRead((db) => getDeployment(db, id));
    if (deployment === null) throw new ApiError('not-found', `no deployment "${id}" in this workspace`);
    return deployment;
  };

  /**
   * A champion's pass, then each active challenger's on the same data (the same range, or since its own last
   * score, which covers the same new readings): its scores and alerts stay under its own deployment. A challenger
   * that fails says so in its entry; the champion's pass stands.
   */
  const scorePass = async (
    ws: Workspace,
    input: { deploymentId: string; from?: number | undefined; to?: number | undefined; token?: string | undefined },
    control: { isCancelled: () => boolean; progress: (fraction: number | null, message: string) => void },
    packages?: PackageCache,
  ): Promise<ScoringResult> => {
    const result = await scoreOne(ws, input, control, packages);
    const challengers = (await ws.monitoringRead((db) => listDeployments(db))).filter(
      (d) => d.championId === input.deploymentId && d.status === 'active',
    );
    if (challengers.length === 0) return result;
    const passes: ChallengerPass[] = [];
    for (const challenger of challengers) {
      try {
        const r = await scoreOne(
          ws,
          { ...input, deploymentId: challenger.id },
          {
            isCancelled: control.isCancelled,
            progress: (_fraction, message) => control.progress(null, `challenger ${challenger.id}: ${message}`),
          },
          packages,
        );
        passes.push({
          deployment: r.deployment,
          modelVersion: r.modelVersion,
          scored: r.scored,
          windows: r.windows,
          blocked: r.blocked.map((b) => b.asset),
          alerts: { opened: r.alerts.opened, cleared: r.alerts.cleared },
          error: null,
        });
      } catch (error) {
        if (error instanceof CancelledError) throw error;
        passes.push({
          deployment: challenger.id,
          modelVersion: challenger.currentVersion ?? 0,
          scored: 0,
          windows: 0,
          blocked: [],
          alerts: { opened: [], cleared: [] },
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return { ...result, challengers: passes };
  };

  /**
   * One deployment's pass: look for a new version, fetch the confirmed one (hash-verified), score, clean up.
   * With `packages` (a follow loop's), the fetched package and its scoring worker are kept for the next round while
   * the confirmed version and package hash stay the same: a round then costs the update and the scoring, not a
   * fetch and a worker start (seconds each). A failed pass drops what it kept, so the next round starts afresh.
   */
  const scoreOne = async (
    ws: Workspace,
    input: { deploymentId: string; from?: number | undefined; to?: number | undefined; token?: string | undefined },
    control: { isCancelled: () => boolean; progress: (fraction: number | null, message: string) => void },
    packages?: PackageCache,
  ): Promise<ScoringResult> => {
    const deployment = await requireDeployment(ws, input.deploymentId);
    const registry = await registryAt(deployment.registry, input.token);
    control.progress(0, `checking ${deployment.model.name} in the registry`);
    const checked = await ws.monitoring((db) => checkForNewVersion(db, registry, deployment.id, by()));
    if (checked.currentVersion === null) {
      throw new ApiError('conflict', `deployment ${deployment.id} has no confirmed model version yet`);
    }
    const key = `${checked.currentVersion}:${checked.packageHash ?? ''}`;
    const kept = packages?.get(deployment.id);
    if (kept !== undefined && kept.key !== key) packages?.drop(deployment.id);
    let loaded = kept?.key === key ? kept : undefined;
    try {
      if (loaded === undefined) {
        const scratch = await mkdtemp(join(tmpdir(), 'pdm-score-'));
        try {
          control.progress(0.02, `fetching ${checked.model.name} v${checked.currentVersion}`);
          const fetched = await registry.fetch(checked.model.name, checked.currentVersion, join(scratch, 'package'));
          const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(fetched.dir, 'manifest.json'), 'utf8')));
          let reference: DriftReference | null = null;
          try {
            reference = DriftReferenceSchema.parse(
              JSON.parse(await readFile(join(fetched.dir, DRIFT_REFERENCE_FILE), 'utf8')),
            );
          } catch {
            // Packages made before training wrote drift-reference.json carry none: drift is not judged (said in the result).
            reference = null;
          }
          // Windows are built and the model predicts in a worker thread (TensorFlow.js loads there only), off the
          // main event loop: the API and the follow loop's timers stay responsive during a long pass.
          const { loadWorkerScorer } = await import('../monitoring/worker-scorer.js');
          const predictor = await loadWorkerScorer(manifest, fetched.dir);
          loaded = { key, manifest, reference, predictor, scratch };
        } catch (error) {
          await rm(scratch, { recursive: true, force: true });
          throw error;
        }
        if (packages !== undefined) packages.keep(deployment.id, loaded);
      }
      const { manifest, reference, predictor } = loaded;
      try {
        const result = await ws.monitoring((db) =>
          scoreDeployment(db, {
            deploymentId: checked.id,
            manifest,
            predictor,
            ...(input.from === undefined ? {} : { from: input.from }),
            ...(input.to === undefined ? {} : { to: input.to }),
            reference,
            actor: actor(),
            now: new Date().toISOString(),
            isCancelled: control.isCancelled,
            onProgress: (done, total, asset) =>
              control.progress(
                0.05 + (0.95 * done) / Math.max(total, 1),
                asset === '' ? 'scored' : `scoring ${asset} (${done + 1} of ${total})`,
              ),
          }),
        );
        return {
          deployment: result.deployment,
          modelVersion: result.modelVersion,
          scored: result.scored,
          windows: result.windows,
          blocked: result.blocked.map((b) => ({ asset: b.asset, violations: [...b.violations] })),
          violations: [...result.violations],
          alerts: {
            opened: [...result.alerts.opened],
            cleared: [...result.alerts.cleared],
            realerted: [...result.alerts.realerted],
          },
          drift: { signals: [...result.drift.signals] },
          upToDate: [...result.upToDate],
          incompleteWindows: result.incompleteWindows,
          pendingVersion: checked.pendingVersion,
          driftChecked: reference !== null,
        };
      } catch (error) {
        // The worker may be what failed: the next round loads the package again.
        packages?.drop(deployment.id);
        throw error;
      }
    } catch (error) {
      if (error instanceof ScoringCancelledError) throw new CancelledError(error.message);
      throw asApiError(error);
    } finally {
      if (packages === undefined && loaded !== undefined) await disposePackage(loaded);
    }
  };

  const act = (id: string, action: Parameters<typeof actOnAlert>[2]) =>
    guard(async () => {
      const ws = requireWorkspace();
      const audit = { actor: action.kind === 'clear' || action.kind === 'realert' ? 'monitor' : actor(), time: '' };
      const alert = await ws.monitoring((db) =>
        actOnAlert(db, id, action, { ...audit, time: new Date().toISOString() }),
      );
      emit({ type: 'workspace-changed' });
      return alert;
    });

  const follow = followHandlers({
    requireWorkspace,
    jobs,
    emit,
    by,
    requireDeployment,
    scorePass,
    followApi,
    connections,
    remember: rememberFollow,
  });

  const handlers: Pick<ApiHandlers, MonitoringMethod> = {
    createDeployment: async ({
      name,
      registry: location,
      token,
      model,
      stage,
      version,
      assets,
      mapping,
      rule,
      limits,
    }) =>
      guard(async () => {
        if (stage !== undefined && version !== undefined) {
          throw new ApiError('invalid-argument', 'a deployment follows a stage or pins a version, not both');
        }
        const ws = requireWorkspace();
        const known = new Set((await ws.signals()).map((s) => s.asset));
        const missing = assets.filter((a) => !known.has(a));
        if (missing.length > 0) {
          throw new ApiError('not-found', `no asset ${missing.map((a) => `"${a}"`).join(', ')} in this workspace`);
        }
        const registry = await registryAt(location, token);
        const catalogue = (await ws.signals()).map((s) => ({ asset: s.asset, tag: s.tag }));
        const deployment = await ws.monitoring((db) =>
          deployFromRegistry(
            db,
            registry,
            {
              name: name ?? `${model} on ${assets.length === 1 ? assets[0] : `${assets.length} assets`}`,
              model: {
                name: model,
                stage: version === undefined ? (stage ?? 'production') : null,
                pinnedVersion: version ?? null,
              },
              registry: location,
              role: 'champion',
              championId: null,
              assets,
              catalogue,
              ...(mapping === undefined ? {} : { mapping }),
              rule: rule ?? null,
              limits: limits ?? {},
            },
            by(),
          ),
        );
        const unmapped = Object.entries(deployment.mapping).flatMap(([asset, tags]) =>
          Object.entries(tags)
            .filter(([, ref]) => ref === null)
            .map(([signal]) => ({ asset, signal })),
        );
        return { deployment, unmapped };
      }),
    listDeployments: async () => requireWorkspace().monitoringRead((db) => listDeployments(db)),
    getDeployment: async ({ id }) => requireDeployment(requireWorkspace(), id),
    setAlertRule: async ({ id, rule }) =>
      guard(async () => {
        const ws = requireWorkspace();
        await requireDeployment(ws, id);
        return ws.monitoring((db) => changeDeployment(db, id, { kind: 'set-rule', rule }, by()));
      }),
    confirmVersionSwitch: async ({ id }) =>
      guard(async () => {
        const ws = requireWorkspace();
        const deployment = await requireDeployment(ws, id);
        const registry = await registryAt(deployment.registry, undefined);
        return ws.monitoring((db) => confirmVersion(db, registry, id, by()));
      }),
    startScoring: async ({ deploymentId, from, to, token }) => {
      const ws = requireWorkspace();
      await requireDeployment(ws, deploymentId);
      const jobId = jobs.start<ScoringResult>(
        'scoring',
        async (control) => {
          const result = await scorePass(ws, { deploymentId, from, to, token }, control);
          emit({ type: 'workspace-changed' });
          return result;
        },
        (result) => ({ scoring: result }),
      );
      return { jobId };
    },
    listAlerts: async ({ deploymentId, asset, status, role }) => {
      const now = new Date().toISOString();
      const alerts = await requireWorkspace().monitoringRead((db) =>
        listAlerts(db, {
          ...(deploymentId === undefined ? {} : { deploymentId }),
          ...(asset === undefined ? {} : { asset }),
          ...(status === undefined ? {} : { status }),
        }),
      );
      const wanted = role ?? (deploymentId === undefined ? 'champion' : 'all');
      return alerts
        .filter((a) => wanted === 'all' || a.role === wanted)
        .map((a) => ({ ...a, shelved: isShelved(a, now) }));
    },
    acknowledgeAlert: async ({ id, note }) =>
      act(id, { kind: 'acknowledge', by: actor(), at: new Date().toISOString(), note: note ?? null }),
    closeAlert: async ({ id, disposition }) =>
      act(id, { kind: 'close', by: actor(), at: new Date().toISOString(), disposition }),
    shelveAlert: async ({ id, reason, until }) =>
      act(id, { kind: 'shelve', by: actor(), at: new Date().toISOString(), reason, until }),
    getHealthSeries: async ({ deploymentId, asset, from, to, width }) => {
      const ws = requireWorkspace();
      const deployment = await requireDeployment(ws, deploymentId);
      if (!deployment.assets.includes(asset)) {
        throw new ApiError('not-found', `deployment ${deploymentId} does not monitor asset "${asset}"`);
      }
      return ws.monitoringRead(async (db): Promise<HealthSeries> => {
        const outputs = await db.all<{ output: string }>(
          'SELECT DISTINCT output FROM scores WHERE deployment_id = $1 AND asset = $2 ORDER BY output',
          [deploymentId, asset],
        );
        const output = deployment.rule?.output ?? outputs[0]?.output ?? 'output';
        const chosen = outputs.some((o) => o.output === output) ? output : (outputs[0]?.output ?? output);
        const series = await scoreSeries(db, {
          deploymentId,
          asset,
          output: chosen,
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
        });
        const axis = await db.all<{ time_kind: 'timestamp' | 'cycle' }>(
          'SELECT time_kind FROM signals WHERE asset = $1 LIMIT 1',
          [asset],
        );
        const cut = m4(series.t, series.value, width ?? 1000);
        const alerts = await listAlerts(db, { deploymentId, asset });
        const rule = deployment.rule;
        return {
          deploymentId,
          asset,
          output: chosen,
          timeKind: axis[0]?.time_kind ?? 'timestamp',
          t: cut.t,
          value: cut.value.map((v) => (Number.isNaN(v) ? null : v)),
          windows: series.t.length,
          rule:
            rule === null
              ? null
              : { direction: rule.direction, setLevel: rule.setLevel, clearLevel: rule.clearLevel ?? rule.setLevel },
          alerts: alerts
            .filter((a) => a.role === deployment.role)
            .map((a) => ({ id: a.id, raisedT: a.raisedT, clearedT: a.clearedT, status: a.status })),
          modelVersions: [...new Set(series.modelVersion)].sort((a, b) => a - b),
        };
      });
    },
    proposeDeployment: async ({ registry: location, token, model, stage, version, assets }) =>
      guard(async () => {
        if (stage !== undefined && version !== undefined) {
          throw new ApiError('invalid-argument', 'a deployment follows a stage or pins a version, not both');
        }
        const ws = requireWorkspace();
        const signals = await ws.signals();
        const known = new Set(signals.map((s) => s.asset));
        const missing = assets.filter((a) => !known.has(a));
        if (missing.length > 0) {
          throw new ApiError('not-found', `no asset ${missing.map((a) => `"${a}"`).join(', ')} in this workspace`);
        }
        const registry = await registryAt(location, token);
        const resolved = await resolveVersion(registry, {
          name: model,
          stage: version === undefined ? (stage ?? 'production') : null,
          pinnedVersion: version ?? null,
        });
        const contract = resolved.manifest.dataContract.signals;
        const catalogue = signals.map((s) => ({ asset: s.asset, tag: s.tag }));
        const defaults = ruleDefaultsOf(resolved.manifest);
        return {
          version: resolved.version,
          task: resolved.manifest.task,
          signals: contract.map((s) => ({ tag: s.tag, unit: s.unit ?? null })),
          mapping: proposeMapping(
            contract.map((s) => s.tag),
            assets,
            catalogue,
          ),
          catalogue: Object.fromEntries(
            assets.map((a) => [a, catalogue.filter((c) => c.asset === a).map((c) => c.tag)]),
          ),
          rule: defaults.rule === null ? null : AlertRuleSchema.parse(defaults.rule),
          ruleBasis: defaults.basis,
        };
      }),
    createChallenger: async ({ championId, version, name, token }) =>
      guard(async () => {
        const ws = requireWorkspace();
        const champion = await requireDeployment(ws, championId);
        if (champion.role !== 'champion') {
          throw new ApiError('invalid-argument', `deployment ${championId} is itself a challenger`);
        }
        if (version === champion.currentVersion) {
          throw new ApiError(
            'invalid-argument',
            `${champion.model.name} v${version} is the version ${championId} already scores with: a challenger needs another version`,
          );
        }
        const twin = (await ws.monitoringRead((db) => listDeployments(db))).find(
          (d) => d.championId === championId && d.status === 'active' && d.currentVersion === version,
        );
        if (twin !== undefined) {
          throw new ApiError('conflict', `${twin.id} already shadows ${championId} with v${version}`);
        }
        const registry = await registryAt(champion.registry, token);
        const catalogue = (await ws.signals()).map((s) => ({ asset: s.asset, tag: s.tag }));
        // Same assets, mapping, rule and limits: the challenger sees exactly the champion's data and judgement.
        const deployment = await ws.monitoring((db) =>
          deployFromRegistry(
            db,
            registry,
            {
              name: name ?? `${champion.model.name} v${version} shadowing ${champion.id}`,
              model: { name: champion.model.name, stage: null, pinnedVersion: version },
              registry: champion.registry,
              role: 'challenger',
              championId: champion.id,
              assets: champion.assets,
              catalogue,
              mapping: champion.mapping,
              rule: champion.rule,
              limits: champion.limits,
            },
            by(),
          ),
        );
        emit({ type: 'workspace-changed' });
        return deployment;
      }),
    compareChallenger: async ({ challengerId, tolerance }) =>
      guard(async () => {
        const ws = requireWorkspace();
        const challenger = await requireDeployment(ws, challengerId);
        if (challenger.championId === null) {
          throw new ApiError('invalid-argument', `deployment ${challengerId} is not a challenger`);
        }
        const cycles = await ws.monitoringRead((db) => axisOf(db, challenger.assets[0] ?? ''));
        // Default: the same warning if raised within 10 cycles, or within a day of timestamped data.
        const within = tolerance ?? (cycles === 'cycle' ? 10 : 24 * 3600e6);
        return ws.monitoringRead((db): Promise<ShadowReport> => shadowReport(db, challengerId, within));
      }),
    getAlertFigures: async ({ deploymentId, from, to }) =>
      guard(async () => {
        const ws = requireWorkspace();
        await requireDeployment(ws, deploymentId);
        return ws.monitoringRead(async (db): Promise<DeploymentFigures> => {
          // Default period: what the deployment has scored (the span its alerts could come from).
          const span = await db.all<{ lo: number | null; hi: number | null }>(
            'SELECT min(window_end)::DOUBLE AS lo, max(window_end)::DOUBLE AS hi FROM scores WHERE deployment_id = $1',
            [deploymentId],
          );
          const period = {
            from: from ?? span[0]?.lo ?? 0,
            to: to ?? span[0]?.hi ?? 0,
          };
          const figures = await deploymentAlertFigures(db, deploymentId, { period, now: new Date().toISOString() });
          return {
            deploymentId,
            period,
            overall: {
              ...figures.overall,
              floods: [...figures.overall.floods],
              chattering: [...figures.overall.chattering],
              stale: [...figures.overall.stale],
            },
            byAssetMonth: figures.byAssetMonth.map((m) => ({
              asset: m.asset,
              month: m.month,
              figures: {
                ...m.figures,
                floods: [...m.figures.floods],
                chattering: [...m.figures.chattering],
                stale: [...m.figures.stale],
              },
            })),
          };
        });
      }),
    getDriftFindings: async ({ deploymentId }) =>
      guard(async () => {
        const ws = requireWorkspace();
        await requireDeployment(ws, deploymentId);
        const stored = await ws.monitoringRead((db) => listDriftResults(db, { deploymentId }));
        // The latest chunk per asset, signal and method: what the data looks like now, not every past chunk.
        const latest = new Map<string, (typeof stored)[number]>();
        for (const f of stored) {
          const key = `${f.asset}\u0000${f.signal ?? ''}\u0000${f.method}`;
          const seen = latest.get(key);
          if (seen === undefined || f.to >= seen.to) latest.set(key, f);
        }
        const overview: DriftOverview = {
          deploymentId,
          findings: rankFindings([...latest.values()]).map((f) => ({ ...f, lookFirst: f.flagged && f.outputRising })),
        };
        return overview;
      }),
    ...follow.handlers,
  };
  return { handlers, follow };
};
