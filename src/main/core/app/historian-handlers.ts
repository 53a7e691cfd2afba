import { isAbsolute, resolve } from 'node:path';
import { ApiError, type ApiEvent, type ApiHandlers, type ApiParsedInput } from '../../../shared/api.js';
import type { OpcuaImportSummary, SqlImportSummary } from '../../../shared/domain.js';
import type { ConnectionProfileView, OpcuaConnect, WorkspaceEvent } from '../../../shared/historian.js';
import type { OpcuaConnection } from '../historians/opcua/connection.js';
import type { OpcuaImportResult } from '../historians/opcua/history-import.js';
import { ProfileStore, type OpenProfile, type Profile } from '../historians/profiles.js';
import type { SecretCipher } from '../historians/secrets.js';
import type { EventRecord } from '../workspace/event-edits.js';
import type { Workspace } from '../workspace/workspace.js';
import type { Jobs } from '../jobs/job-registry.js';

export type HistorianMethod =
  | 'listEvents'
  | 'saveEvent'
  | 'deleteEvent'
  | 'importEventsFile'
  | 'browseOpcua'
  | 'startOpcuaImport'
  | 'startSqlImport'
  | 'listConnectionProfiles'
  | 'saveConnectionProfile'
  | 'deleteConnectionProfile';

export interface HistorianDeps {
  readonly requireWorkspace: () => Workspace;
  readonly jobs: Jobs;
  readonly emit: (event: ApiEvent) => void;
  /** The client certificate (pki/) and the key that encrypts saved passwords live here. */
  readonly userDataDir: string;
  /** Encrypts saved passwords; omitted: the key file in `userDataDir` (browser/CLI mode). */
  readonly secretCipher?: SecretCipher | undefined;
}

const toEvent = (r: EventRecord): WorkspaceEvent => ({
  id: r.id,
  asset: r.asset,
  kind: r.kind,
  start: r.startT,
  end: r.endT,
  timeKind: r.timeKind,
  code: r.code,
  description: r.description,
  source: r.source,
});

const toProfileView = (p: Profile): ConnectionProfileView =>
  p.kind === 'opcua'
    ? {
        kind: 'opcua',
        name: p.name,
        endpoint: p.endpoint,
        securityMode: p.securityMode,
        securityPolicy: p.securityPolicy,
        userName: p.userName,
        hasPassword: p.password !== null,
      }
    : { kind: 'postgres', name: p.name, url: p.url, hasPassword: p.password !== null };

export const toOpcuaSummary = (r: OpcuaImportResult): OpcuaImportSummary => ({
  values: r.values,
  duplicates: r.duplicates,
  tags: r.tags,
  resumed: r.resumed,
  requests: r.requests,
  seconds: r.seconds,
  signalIds: r.signalIds,
  perTag: r.perTag.map((t) => ({ nodeId: t.nodeId, asset: t.asset, tag: t.tag, values: t.values })),
  toMs: r.perTag[0]?.toMs ?? null,
  clock: r.clock,
  missing: [...r.missing],
  warnings: [...r.warnings],
});

export const toSqlSummary = (r: SqlImportSummary): SqlImportSummary => ({
  rows: r.rows,
  values: r.values,
  duplicates: r.duplicates,
  signals: r.signals,
  signalIds: [...r.signalIds],
  resumed: r.resumed,
  fromMs: r.fromMs,
  toMs: r.toMs,
  ranges: r.ranges.map((range) => ({ fromMs: range.fromMs, toMs: range.toMs })),
  seconds: r.seconds,
  ingestId: r.ingestId,
});

/** Same server and user: the saved password of a PostgreSQL profile is only sent where it was saved for. */
const sameLogin = (saved: string, asked: string): boolean => {
  try {
    const a = new URL(saved);
    const b = new URL(asked);
    return a.host === b.host && a.username === b.username && a.pathname === b.pathname;
  } catch {
    return false;
  }
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Events, OPC UA browse/import and connection profiles: the historian part of the API. */
export const historianHandlers = (deps: HistorianDeps): Pick<ApiHandlers, HistorianMethod> => {
  const { requireWorkspace, jobs, emit, userDataDir, secretCipher } = deps;
  const profiles = () => new ProfileStore(requireWorkspace().path, userDataDir, secretCipher);

  /**
   * The one place a password is resolved, for every historian and front end (app and CLI): the one given,
   * else the saved one of the named profile when that profile is for the same login.
   */
  const resolvePassword = async (
    given: string | undefined,
    profile: string | undefined,
    matches: (saved: OpenProfile) => boolean,
  ): Promise<string | undefined> => {
    if (given !== undefined) return given;
    if (profile === undefined) return undefined;
    const saved = await profiles()
      .get(profile)
      .catch((error: unknown) => {
        throw new ApiError('not-found', message(error));
      });
    return matches(saved) && saved.plainPassword !== null ? saved.plainPassword : undefined;
  };

  /** The password to log in with: given, else the saved one of the named profile (same user only). */
  const passwordFor = async (input: OpcuaConnect, userName: string): Promise<string> => {
    const password = await resolvePassword(
      input.password,
      input.profile,
      (saved) => saved.kind === 'opcua' && saved.userName === userName,
    );
    if (password !== undefined) return password;
    throw new ApiError('invalid-argument', `give the password of user "${userName}"`);
  };

  const connect = async (input: OpcuaConnect): Promise<OpcuaConnection> => {
    const userName = input.userName?.trim() ?? '';
    const user = userName === '' ? undefined : { userName, password: await passwordFor(input, userName) };
    const { connectOpcua, OpcuaConnectError } = await import('../historians/opcua/connection.js');
    try {
      return await connectOpcua({
        endpoint: input.endpoint,
        securityMode: input.securityMode,
        securityPolicy: input.securityPolicy,
        user,
        userDataDir,
        ...(input.trustServer !== undefined ? { trustServerCertificate: input.trustServer } : {}),
      });
    } catch (error) {
      if (error instanceof OpcuaConnectError && error.reason === 'untrusted-certificate') {
        throw new ApiError('untrusted-certificate', error.message);
      }
      throw new ApiError('failed', message(error));
    }
  };

  return {
    listEvents: async ({ assets }) => (await requireWorkspace().eventRecords(assets)).map(toEvent),
    saveEvent: async ({ id, asset, kind, start, end, code, description }) => {
      try {
        const saved = await requireWorkspace().saveEvent({
          id,
          asset,
          kind,
          startT: start,
          endT: end ?? null,
          code: code ?? null,
          description: description ?? null,
        });
        emit({ type: 'events-changed' });
        return toEvent(saved);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError(/^no event/.test(message(error)) ? 'not-found' : 'failed', message(error));
      }
    },
    deleteEvent: async ({ id }) => {
      const deleted = await requireWorkspace().deleteEvent(id);
      if (deleted) emit({ type: 'events-changed' });
      return { deleted };
    },
    importEventsFile: async ({ path, assetMap, timeZone }) => {
      if (!isAbsolute(path))
        throw new ApiError('invalid-argument', `work-order file must be an absolute path: ${path}`);
      const { importWorkOrders } = await import('../historians/events/work-orders.js');
      const result = await importWorkOrders(requireWorkspace(), resolve(path), {
        ...(assetMap !== undefined ? { assetMap } : {}),
        ...(timeZone !== undefined ? { timeZone } : {}),
      }).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'failed';
        throw new ApiError(code, code === 'not-found' ? `no such file: ${path}` : message(error));
      });
      emit({ type: 'events-changed' });
      return {
        file: result.file,
        events: result.events,
        duplicates: result.duplicates,
        rejected: result.rejected,
        assets: result.assets,
        unmatchedAssets: result.unmatchedAssets,
      };
    },
    browseOpcua: async (input) => {
      const connection = await connect(input);
      try {
        const { browseTags } = await import('../historians/opcua/browse.js');
        const tags = await browseTags(connection.session);
        return { tags: tags.map((t) => ({ ...t })) };
      } catch (error) {
        throw new ApiError('failed', `browsing ${input.endpoint} failed: ${message(error)}`);
      } finally {
        await connection.close();
      }
    },
    startOpcuaImport: async (input: ApiParsedInput<'startOpcuaImport'>) => {
      const ws = requireWorkspace();
      const { importOpcuaHistory } = await import('../historians/opcua/history-import.js');
      const connection = await connect(input);
      const fromMs = input.from === undefined ? undefined : Math.floor(input.from / 1000);
      const toMs = input.to === undefined ? undefined : Math.floor(input.to / 1000);
      const jobId = jobs.start(
        'opcua-import',
        async (control) => {
          try {
            const result = await importOpcuaHistory(
              ws,
              connection.session,
              { endpoint: input.endpoint, nodeIds: input.tags, fromMs, toMs, overlapMs: input.overlapMs },
              control,
            );
            emit({ type: 'workspace-changed' });
            return result;
          } finally {
            await connection.close();
          }
        },
        (result) => ({ opcua: toOpcuaSummary(result) }),
      );
      return { jobId };
    },
    startSqlImport: async (input: ApiParsedInput<'startSqlImport'>) => {
      const ws = requireWorkspace();
      const password = await resolvePassword(
        input.password,
        input.profile,
        (saved) => saved.kind === 'postgres' && sameLogin(saved.url, input.url),
      );
      if (input.profile !== undefined && password === undefined) {
        throw new ApiError(
          'invalid-argument',
          `profile "${input.profile}" has no saved password for this server and user: give the password`,
        );
      }
      const { importPostgres } = await import('../historians/sql/postgres-import.js');
      const jobId = jobs.start(
        'sql-import',
        async (control) => {
          const result = await importPostgres(
            ws,
            {
              url: input.url,
              ...(password !== undefined ? { password } : {}),
              query: input.query,
              layout: input.layout,
              fromMs: input.from === undefined ? undefined : Math.floor(input.from / 1000),
              toMs: input.to === undefined ? undefined : Math.floor(input.to / 1000),
              ...(input.overlapMs !== undefined ? { overlapMs: input.overlapMs } : {}),
              ...(input.asset !== undefined ? { asset: input.asset } : {}),
            },
            control,
          );
          emit({ type: 'workspace-changed' });
          return result;
        },
        (result) => ({ sql: toSqlSummary(result) }),
      );
      return { jobId };
    },
    listConnectionProfiles: async () => (await profiles().list()).map(toProfileView),
    saveConnectionProfile: async ({ name, endpoint, securityMode, securityPolicy, userName, password }) => {
      if ((securityMode === 'None') !== (securityPolicy === 'None')) {
        throw new ApiError(
          'invalid-argument',
          'security mode None goes with policy None; Sign and SignAndEncrypt need Basic256Sha256',
        );
      }
      const store = profiles();
      const user = userName?.trim() || null;
      let plainPassword: string | null = null;
      if (user !== null && password !== undefined) plainPassword = password;
      else if (user !== null) {
        const existing = (await store.list()).find((p) => p.name === name);
        if (existing?.kind === 'opcua' && existing.userName === user && existing.password !== null) {
          plainPassword = (await store.get(name)).plainPassword;
        }
      }
      await store.save({ kind: 'opcua', name, endpoint, securityMode, securityPolicy, userName: user, plainPassword });
      const saved = (await store.list()).find((p) => p.name === name);
      if (saved === undefined) throw new ApiError('failed', `profile "${name}" was not saved`);
      return toProfileView(saved);
    },
    deleteConnectionProfile: async ({ name }) => ({ deleted: await profiles().delete(name) }),
  };
};
