import { ApiError, type ApiEvent, type ApiHandlers } from '../../../shared/api.js';
import type { Deployment, FollowSource, FollowStatus, ScoringResult } from '../../../shared/monitoring.js';
import type { ProfileStore } from '../historians/profiles.js';
import type { Jobs } from '../jobs/job-registry.js';
import { log } from '../log/logger.js';
import { followDeployment } from '../monitoring/follow.js';
import { PackageCache } from '../monitoring/package-cache.js';
import { updateFromSource, type FollowApi } from '../monitoring/follow-source.js';
import {
  changeDeployment,
  followIntents,
  getDeployment,
  setFollowIntent,
  type FollowIntent,
} from '../workspace/monitoring-store.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Follow mode over the API: the Start/Stop switch of the Monitor area and `monitor --follow`. One loop per
 * deployment, as a 'follow' job. Start and Stop are remembered in the workspace (with `remember`), so a loop
 * that was running when the app or `serve` stopped (closed, killed, crashed) starts again when the workspace
 * opens next, "since the last score" like any round; a user's Stop is remembered too.
 */
export type FollowMethod = 'startFollow' | 'stopFollow' | 'setFollowSource' | 'getFollowStatus';

type ScoreControl = { isCancelled: () => boolean; progress: (fraction: number | null, message: string) => void };

export interface FollowDeps {
  readonly requireWorkspace: () => Workspace;
  readonly jobs: Jobs;
  readonly emit: (event: ApiEvent) => void;
  readonly by: () => { readonly actor: string; readonly at: string };
  readonly requireDeployment: (ws: Workspace, id: string) => Promise<Deployment>;
  readonly scorePass: (
    ws: Workspace,
    input: { deploymentId: string; token?: string | undefined },
    control: ScoreControl,
    packages?: PackageCache,
  ) => Promise<ScoringResult>;
  /** "Update to now" through the app's own API; without it a source cannot be fetched from. */
  readonly followApi?: (() => FollowApi) | undefined;
  /** Saved connections: a PostgreSQL source's password is kept there, encrypted, never with the deployment. */
  readonly connections?: (() => ProfileStore) | undefined;
  /**
   * Remember Start/Stop in the workspace and resume on open: the app and `serve`. The CLI's foreground
   * `monitor --follow` does not (its Ctrl-C is the user's Stop, and the app must not pick its loop up later).
   */
  readonly remember: boolean;
}

export interface FollowControl {
  readonly handlers: Pick<ApiHandlers, FollowMethod>;
  /** Start again the loops the open workspace remembers as running; the deployment ids started. */
  readonly resume: () => Promise<string[]>;
  /** End every loop without changing what the workspace remembers (the app closes, another workspace opens). */
  readonly stopAll: () => Promise<void>;
}

/** The saved connection a deployment's PostgreSQL password goes to when the source names none. */
export const followConnectionName = (deploymentId: string): string => `follow ${deploymentId}`;

const idle = (deploymentId: string): FollowStatus => ({
  deploymentId,
  jobId: null,
  running: false,
  intervalSeconds: 0,
  source: null,
  rounds: 0,
  failures: 0,
  failedInARow: 0,
  lastError: null,
  nextInSeconds: null,
  lastRoundAt: null,
  windows: 0,
  opened: [],
});

/** What the API shows of a source: never a password (a one-off source of the CLI may carry one in memory). */
const shown = (source: FollowSource | null): FollowSource | null => {
  if (source?.kind !== 'postgres' || source.password === undefined) return source;
  const { password: _hidden, ...rest } = source;
  return rest;
};

/** Errors of a historian that cannot be reached at all (as opposed to one that answers with a refusal). */
const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|connection refused|cannot reach|could not connect|timed out|timeout|socket hang up|unreachable/i;

/**
 * A failed "update to now" in the words the Monitor area shows beside the switch: "historian unreachable (...)"
 * when the connection itself failed, else "historian: ..." with what it answered (bad query, login refused).
 */
export const historianFailure = (error: unknown): Error => {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(UNREACHABLE.test(message) ? `historian unreachable (${message})` : `historian: ${message}`);
};

interface Loop {
  status: FollowStatus;
  /** When the next round starts (ms since epoch), so the status counts down between polls. */
  nextAt: number | null;
}

export const followHandlers = (deps: FollowDeps): FollowControl => {
  const { requireWorkspace, jobs, emit, by, requireDeployment, scorePass, followApi, connections, remember } = deps;
  const loops = new Map<string, Loop>();
  /** Jobs ended by stopFollow or stopAll: their end is not a Stop to remember (stopFollow wrote it already). */
  const quiet = new Set<string>();

  /**
   * A PostgreSQL source with a password (given, or inside the URL) becomes one that names a saved connection
   * holding it encrypted (the same store and cipher as the Import area's connections): what the workspace keeps
   * and the API returns has no password, and the loop still logs in after a restart.
   */
  const withoutPassword = async (deploymentId: string, source: FollowSource): Promise<FollowSource> => {
    if (source.kind !== 'postgres') return source;
    let url: URL;
    try {
      url = new URL(source.url);
    } catch {
      throw new ApiError('invalid-argument', 'the PostgreSQL URL is not valid (postgres://user@host:port/database)');
    }
    const inUrl = url.password === '' ? undefined : decodeURIComponent(url.password);
    const password = source.password ?? inUrl;
    if (password === undefined) return source;
    if (connections === undefined) {
      throw new ApiError('invalid-argument', 'this host cannot save a password: name a saved PostgreSQL connection');
    }
    url.password = '';
    const plainUrl = url.toString();
    const name = source.profile ?? followConnectionName(deploymentId);
    const store = connections();
    const existing = (await store.list()).find((p) => p.name === name);
    if (existing !== undefined && existing.kind !== 'postgres') {
      throw new ApiError('conflict', `connection "${name}" is an OPC UA connection: name another for this password`);
    }
    await store.save({ kind: 'postgres', name, url: plainUrl, plainPassword: password });
    const { password: _saved, ...rest } = source;
    return { ...rest, url: plainUrl, profile: name };
  };

  const remembered = async (ws: Workspace, deploymentId: string, intent: FollowIntent): Promise<void> => {
    if (remember) await ws.monitoring((db) => setFollowIntent(db, deploymentId, intent, by()));
  };

  const statusOf = (deploymentId: string): FollowStatus => {
    const loop = loops.get(deploymentId);
    if (loop === undefined) return idle(deploymentId);
    const { status, nextAt } = loop;
    const nextInSeconds = status.running && nextAt !== null ? Math.max(0, (nextAt - Date.now()) / 1000) : null;
    return { ...status, source: shown(status.source), nextInSeconds };
  };

  /** Start the loop as a job; `resumed`: started by the app from what the workspace remembers. */
  const launch = (
    ws: Workspace,
    deploymentId: string,
    intervalSeconds: number,
    source: FollowSource | null,
    token: string | undefined,
    resumed: boolean,
  ): FollowStatus => {
    const loop: Loop = {
      status: { ...idle(deploymentId), running: true, intervalSeconds, source, resumed },
      nextAt: null,
    };
    loops.set(deploymentId, loop);
    const set = (change: Partial<FollowStatus>) => {
      loop.status = { ...loop.status, ...change };
    };
    // The package and its scoring worker stay loaded from round to round (until the version changes).
    const packages = new PackageCache();
    const jobId = jobs.start(
      'follow',
      async (control) => {
        try {
          return await followDeployment({
            intervalSeconds,
            update:
              source === null || followApi === undefined
                ? null
                : () =>
                    updateFromSource(followApi(), source).catch((error: unknown) => {
                      throw historianFailure(error);
                    }),
            score: () =>
              scorePass(
                ws,
                { deploymentId, ...(token === undefined ? {} : { token }) },
                {
                  isCancelled: control.isCancelled,
                  progress: (_f, message) => control.progress(null, `round ${loop.status.rounds + 1}: ${message}`),
                },
                packages,
              ),
            signal: control.signal,
            isFatal: () => control.isCancelled(),
            onRound: (round) => {
              loop.nextAt = null;
              set({
                rounds: round.round,
                failedInARow: 0,
                lastError: null,
                lastRoundAt: round.at,
                windows: loop.status.windows + round.result.windows,
                opened: [...loop.status.opened, ...round.result.alerts.opened],
              });
              emit({ type: 'workspace-changed' });
            },
            onFailure: (failure) => {
              loop.nextAt = null;
              set({
                rounds: failure.round,
                failures: loop.status.failures + 1,
                failedInARow: failure.failedInARow,
                lastError: failure.message,
              });
            },
            onWait: (seconds, failedInARow) => {
              loop.nextAt = Date.now() + seconds * 1000;
              const s = loop.status;
              const last =
                failedInARow === 0
                  ? `round ${s.rounds}: ${s.windows} window(s) so far, ${s.opened.length} alert(s) opened`
                  : `round ${s.rounds} failed (${s.failedInARow} in a row): ${s.lastError ?? ''}; retrying with backoff`;
              control.progress(null, `${last}; next round in ${Math.round(seconds)} s`);
            },
          });
        } finally {
          await packages.clear();
          loop.nextAt = null;
          set({ running: false });
          // Cancelled from the job list (not Stop, not the app closing): the user stopped it, remember that.
          if (!quiet.delete(jobId)) {
            await remembered(ws, deploymentId, { running: false, intervalSeconds, source: null }).catch(
              (error: unknown) => log.warn('app', 'follow stop not remembered', { deploymentId, error }),
            );
          }
        }
      },
      () => ({}),
    );
    set({ jobId });
    return statusOf(deploymentId);
  };

  const resume = async (): Promise<string[]> => {
    if (!remember) return [];
    const ws = requireWorkspace();
    const started: string[] = [];
    for (const { deploymentId, intent } of await ws.monitoringRead((db) => followIntents(db))) {
      if (!intent.running || loops.get(deploymentId)?.status.running === true) continue;
      const deployment = await ws.monitoringRead((db) => getDeployment(db, deploymentId));
      if (deployment === null || deployment.status === 'retired') {
        log.warn('app', 'follow not resumed', { deploymentId, reason: deployment === null ? 'gone' : 'retired' });
        continue;
      }
      // A registry server's token is not kept: a resumed loop uses $PDM_REGISTRY_TOKEN like the CLI.
      launch(
        ws,
        deploymentId,
        intent.intervalSeconds,
        intent.source ?? deployment.followSource ?? null,
        undefined,
        true,
      );
      started.push(deploymentId);
    }
    if (started.length > 0) log.info('app', 'follow resumed', { deployments: started });
    return started;
  };

  const stopAll = async (): Promise<void> => {
    for (const loop of loops.values()) {
      const { jobId } = loop.status;
      if (jobId === null || !loop.status.running) continue;
      quiet.add(jobId);
      jobs.cancel(jobId);
      await jobs.settle(jobId);
    }
    loops.clear();
  };

  const handlers: Pick<ApiHandlers, FollowMethod> = {
    setFollowSource: async ({ id, source }) => {
      const ws = requireWorkspace();
      await requireDeployment(ws, id);
      const stored = source === null ? null : await withoutPassword(id, source);
      return ws.monitoring((db) => changeDeployment(db, id, { kind: 'set-follow-source', source: stored }, by()));
    },
    startFollow: async ({ deploymentId, intervalSeconds, source: given, token }) => {
      const ws = requireWorkspace();
      const deployment = await requireDeployment(ws, deploymentId);
      const current = loops.get(deploymentId)?.status;
      if (current?.running === true) {
        throw new ApiError('conflict', `deployment ${deploymentId} is already followed (job ${current.jobId ?? ''})`);
      }
      // Without a source given, the one stored with the deployment (setFollowSource), if any.
      let source = given ?? deployment.followSource ?? null;
      if (source !== null && followApi === undefined) {
        throw new ApiError('invalid-argument', 'this host cannot fetch from a historian in follow mode');
      }
      if (remember) {
        // What resumes after a restart carries no password: a given one goes to a saved connection first.
        if (given !== undefined) source = await withoutPassword(deploymentId, given);
        await remembered(ws, deploymentId, {
          running: true,
          intervalSeconds,
          source: given === undefined ? null : source,
        });
      }
      return launch(ws, deploymentId, intervalSeconds, source, token, false);
    },
    stopFollow: async ({ deploymentId }) => {
      const current = loops.get(deploymentId)?.status;
      if (current?.jobId === null || current?.jobId === undefined || !current.running) {
        throw new ApiError('conflict', `deployment ${deploymentId} is not being followed`);
      }
      // Remembered first: a Stop must hold even if the app is killed before the loop has ended.
      await remembered(requireWorkspace(), deploymentId, {
        running: false,
        intervalSeconds: current.intervalSeconds,
        source: null,
      });
      quiet.add(current.jobId);
      jobs.cancel(current.jobId);
      await jobs.settle(current.jobId);
      return statusOf(deploymentId);
    },
    getFollowStatus: async ({ deploymentId }) => statusOf(deploymentId),
  };

  return { handlers, resume, stopAll };
};
