import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError, type ApiEvent, type ApiHandlers } from '../../../shared/api.js';
import { importFiles } from './import-files.js';
import { planImport, toPreview } from '../import/plan.js';
import { Workspace, WORKSPACE_FILE } from '../workspace/workspace.js';
import { datasetHandlers } from './dataset-handlers.js';
import type { SecretCipher } from '../historians/secrets.js';
import { historianHandlers } from './historian-handlers.js';
import { settingsHandlers } from './settings-handlers.js';
import { Jobs } from '../jobs/job-registry.js';
import { createLogger, logDirIn, processLog, setProcessLog, type Logger } from '../log/logger.js';
import { monitoringCore } from './monitoring-handlers.js';
import type { FollowControl } from './follow-handlers.js';
import { ProfileStore } from '../historians/profiles.js';
import { reportHandlers } from './report-handlers.js';
import type { PdfPrinter } from '../reports/pdf-printer.js';
import { dispatch } from './dispatch.js';
import { registryHandlers } from './registry-handlers.js';
import { trainingHandlers } from './training-handlers.js';
import { engineHandlers } from './engine-handlers.js';
import { RendererHandoffs } from '../runs/renderer-handoff.js';
import { RecentWorkspaces } from './user-data.js';

/** Native dialogs exist only in the desktop shell; browser mode answers `supported: false`. */
export type SelectPath = (request: {
  readonly kind: 'directory' | 'open-file' | 'save-file';
  readonly title?: string | undefined;
}) => Promise<{ supported: boolean; paths: string[] }>;

export interface AppCoreOptions {
  readonly userDataDir: string;
  /** 'cli': the command line, a client of this same API; it does not add to the app's recent workspaces. */
  readonly shell: 'electron' | 'web' | 'cli';
  readonly selectPath?: SelectPath;
  /** Open this workspace at start (CLI `serve --workspace`). */
  readonly workspace?: string | undefined;
  /** Encrypts saved connection passwords (desktop: the OS keychain); omitted: the user data folder's file key. */
  readonly secretCipher?: SecretCipher | undefined;
  /** Where the structured log goes; omitted: userData/logs. Installed as the process log (see log/logger.ts). */
  readonly log?: Logger | undefined;
  /** Open a folder in the OS file manager (desktop: shell.openPath; '' on success, else the error text). */
  readonly openPath?: ((path: string) => Promise<string>) | undefined;
  /** Prints reports to PDF (desktop: Electron's printToPDF); omitted: a Chromium-family browser on the machine. */
  readonly pdfPrinter?: (() => Promise<PdfPrinter>) | undefined;
}

export interface AppCore {
  readonly handlers: ApiHandlers;
  readonly onEvent: (listener: (event: ApiEvent) => void) => () => void;
  readonly currentWorkspace: () => Workspace | null;
  readonly dispose: () => Promise<void>;
}

/** What a shell (Electron main, browser-mode server) needs of a core, in this process or in a core host. */
export type CoreService = Pick<AppCore, 'handlers' | 'onEvent' | 'dispose'>;

const here = dirname(fileURLToPath(import.meta.url));

/** Electron sets process.resourcesPath in a packaged app; plain Node does not. */
const packagedResources = (): string[] => {
  const path = (process as { resourcesPath?: unknown }).resourcesPath;
  return typeof path === 'string' ? [join(path, 'resources')] : [];
};

/** resources/ in a checkout (src/... or dist/...) and in a packaged app (next to app.asar). */
export const resourcesDir = (): string => {
  const candidates = [
    join(here, '..', '..', '..', '..', 'resources'),
    join(here, '..', '..', '..', '..', '..', 'resources'),
    ...packagedResources(),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'sample'))) ?? candidates[0] ?? 'resources';
};

export const SAMPLE_FILE = 'cmapss-fd001-sample.txt';

const packageVersion = async (): Promise<string> => {
  for (const dir of [join(here, '..', '..', '..', '..'), join(here, '..', '..', '..', '..', '..')]) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pdm-studio' && pkg.version !== undefined) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
};

const requireAbsolute = (path: string, what: string): string => {
  if (!isAbsolute(path)) throw new ApiError('invalid-argument', `${what} must be an absolute path: ${path}`);
  return resolve(path);
};

/** The application core behind every shell: one implementation of the API contract. */
export const createAppCore = async (options: AppCoreOptions): Promise<AppCore> => {
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  const logger = options.log ?? createLogger(logDirIn(options.userDataDir));
  // Core code without a logger handed to it (imports, registry, historians) writes here; restored on dispose.
  const previousLog = setProcessLog(logger);
  const jobs = new Jobs(emit);
  const handoffs = new RendererHandoffs(emit);
  const recent = new RecentWorkspaces(join(options.userDataDir, 'recent-workspaces.json'));
  const version = await packageVersion();
  logger.info('app', 'started', { shell: options.shell, version, userDataDir: options.userDataDir });
  let workspace: Workspace | null = null;
  /** The follow loops; set once the handlers exist (a workspace given at start opens before them). */
  let follow: FollowControl | null = null;
  // The app and serve pick up the follow loops a workspace remembers; a one-shot CLI command must not.
  const resumeFollows = async () => {
    try {
      await follow?.resume();
    } catch (error) {
      logger.error('app', 'follow not resumed', { error });
    }
  };

  const requireWorkspace = (): Workspace => {
    if (workspace === null) throw new ApiError('no-workspace', 'open a workspace first');
    return workspace;
  };

  const openWorkspace = async (path: string, mustExist = false) => {
    // A read-only look at a mistyped path must not leave an empty workspace behind there.
    if (mustExist && !existsSync(join(path, WORKSPACE_FILE))) {
      throw new ApiError(
        'no-workspace',
        existsSync(path)
          ? `${path} is not a workspace (no ${WORKSPACE_FILE} in it)`
          : `workspace ${path} does not exist`,
      );
    }
    // Follow loops belong to the open workspace: they end with it (still remembered) instead of holding it open.
    if (jobs.list().some((j) => j.status === 'running' && j.kind !== 'follow')) {
      throw new ApiError('failed', 'an import is running: wait for it or cancel it first');
    }
    const next = await Workspace.open(path).catch((error: unknown) => {
      logger.error('app', 'workspace open failed', { workspace: path, error });
      throw error;
    });
    logger.info('app', 'workspace opened', { workspace: next.path });
    await follow?.stopAll();
    workspace?.close();
    workspace = next;
    if (options.shell !== 'cli') await recent.remember(next.path);
    await resumeFollows();
    emit({ type: 'workspace-changed' });
    return next.info();
  };

  if (options.workspace !== undefined) await openWorkspace(resolve(options.workspace));

  const sampleFile = join(resourcesDir(), 'sample', SAMPLE_FILE);

  const monitoring = monitoringCore({
    requireWorkspace,
    jobs,
    emit,
    // Follow mode fetches through the app's own validated API, as the CLI's monitor does.
    followApi: () => ({
      call: async (method, input) => {
        const answer = await dispatch(handlers, method, input);
        if (!answer.ok) throw new ApiError(answer.error.code, answer.error.message);
        return answer.result as never;
      },
      waitJob: async (jobId) => {
        const job = await jobs.settle(jobId);
        if (job === undefined) throw new ApiError('not-found', `no job ${jobId}`);
        return job;
      },
    }),
    // A PostgreSQL follow source's password goes where the Import area's saved connections keep theirs.
    connections: () => new ProfileStore(requireWorkspace().path, options.userDataDir, options.secretCipher),
    rememberFollow: options.shell !== 'cli',
  });

  const handlers: ApiHandlers = {
    getAppInfo: async () => ({
      version,
      shell: options.shell,
      workspace: workspace === null ? null : await workspace.info(),
      sampleAvailable: existsSync(sampleFile),
    }),
    listRecentWorkspaces: async () => recent.list(),
    openWorkspace: async ({ path, mustExist }) =>
      openWorkspace(requireAbsolute(path, 'workspace folder'), mustExist === true),
    openSampleWorkspace: async ({ path }) => {
      if (!existsSync(sampleFile)) throw new ApiError('not-found', `sample data missing: ${sampleFile}`);
      const target =
        path === undefined ? join(options.userDataDir, 'sample-workspace') : requireAbsolute(path, 'folder');
      const info = await openWorkspace(target);
      if (info.readings > 0) return info;
      await importFiles(requireWorkspace(), [sampleFile], { format: 'cmapss', asset: 'FD001' });
      emit({ type: 'workspace-changed' });
      return requireWorkspace().info();
    },
    selectPath: async (request) =>
      options.selectPath === undefined ? { supported: false, paths: [] } : options.selectPath(request),
    previewImport: async ({ path, options: importOptions }) => {
      const ws = requireWorkspace();
      const plan = await planImport(requireAbsolute(path, 'file'), importOptions ?? {}, (f) => ws.describeParquet(f));
      return toPreview(plan);
    },
    startImport: async ({ paths, options: importOptions }) => {
      const ws = requireWorkspace();
      const files = paths.map((p) => requireAbsolute(p, 'file'));
      const jobId = jobs.start('import', async (control) => {
        const summary = await importFiles(ws, files, importOptions, control);
        emit({ type: 'workspace-changed' });
        return summary;
      });
      return { jobId };
    },
    getJob: async ({ jobId }) => {
      const job = jobs.get(jobId);
      if (job === undefined) throw new ApiError('not-found', `no job ${jobId}`);
      return job;
    },
    cancelJob: async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    listJobs: async () => jobs.list(),
    openLogFolder: async () => {
      const dir = logDirIn(options.userDataDir);
      const path = logger.file === null ? dir : dirname(logger.file);
      if (options.openPath === undefined) return { path, opened: false };
      await mkdir(path, { recursive: true });
      const failure = await options.openPath(path);
      if (failure !== '') throw new ApiError('failed', `could not open the log folder ${path}: ${failure}`);
      return { path, opened: true };
    },
    listSignals: async () => requireWorkspace().signals(),
    updateSignals: async ({ ids, patch }) => {
      const result = await requireWorkspace().updateSignals(ids, patch);
      emit({ type: 'workspace-changed' });
      return result;
    },
    resolveSignals: async ({ refs }) => {
      const ws = requireWorkspace();
      const signals = [];
      for (const ref of refs) {
        try {
          signals.push(await ws.resolveSignal(ref));
        } catch (error) {
          throw new ApiError('not-found', error instanceof Error ? error.message : String(error));
        }
      }
      return signals;
    },
    queryTrend: async ({ signalIds, from, to, width }) => requireWorkspace().trend(signalIds, width, from, to),
    getQuality: async ({ signalIds }) => requireWorkspace().quality(signalIds),
    listIngests: async () => requireWorkspace().ingests(),
    listRejects: async ({ ingestId, limit }) => requireWorkspace().rejects(ingestId, limit),
    exportData: async ({ signalIds, from, to, format, path }) => {
      const out = requireAbsolute(path, 'export file');
      const rows = await requireWorkspace().export({ signalIds, from, to, format, path: out });
      return { path: out, rows };
    },
    ...historianHandlers({
      requireWorkspace,
      jobs,
      emit,
      userDataDir: options.userDataDir,
      secretCipher: options.secretCipher,
    }),
    ...trainingHandlers({ requireWorkspace, jobs, emit, handoffs }),
    ...engineHandlers(handoffs),
    ...registryHandlers({ requireWorkspace }),
    ...settingsHandlers({ requireWorkspace }),
    ...datasetHandlers({ requireWorkspace }),
    ...monitoring.handlers,
    ...reportHandlers({ requireWorkspace, jobs, emit, pdfPrinter: options.pdfPrinter }),
  };
  follow = monitoring.follow;
  if (workspace !== null) await resumeFollows();

  return {
    handlers,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    currentWorkspace: () => workspace,
    dispose: async () => {
      // A follow loop runs until stopped: end it before its workspace closes under it. The workspace still
      // remembers it as running, so it resumes when the app starts again.
      await monitoring.follow.stopAll();
      workspace?.close();
      workspace = null;
      if (processLog() === logger) setProcessLog(previousLog);
    },
  };
};
