import { isAbsolute, resolve } from 'node:path';
import { ApiError, type ApiEvent, type ApiHandlers, type ApiParsedInput } from '../../../shared/api.js';
import type { OpcuaImportSummary } from '../../../shared/domain.js';
import type { ConnectionProfileView, OpcuaConnect, WorkspaceEvent } from '../../../shared/historian.js';
import type { OpcuaConnection } from '../historians/opcua/connection.js';
import type { OpcuaImportResult } from '../historians/opcua/history-import.js';
import { ProfileStore, type Profile } from '../historians/profiles.js';
import type { SecretCipher } from '../historians/secrets.js';
import type { EventRecord } from '../workspace/event-edits.js';
import type { Workspace } from '../workspace/workspace.js';
import type { Jobs } from './jobs.js';

export type HistorianMethod =
  | 'listEvents'
  | 'saveEvent'
  | 'deleteEvent'
  | 'importEventsFile'
  | 'browseOpcua'
  | 'startOpcuaImport'
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
});

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Events, OPC UA browse/import and connection profiles: the historian part of the API. */
export const historianHandlers = (deps: HistorianDeps): Pick<ApiHandlers, HistorianMethod> => {
  const { requireWorkspace, jobs, emit, userDataDir, secretCipher } = deps;
  const profiles = () => new ProfileStore(requireWorkspace().path, userDataDir, secretCipher);

  /** The password to log in with: given, else the saved one of the named profile (same user only). */
  const passwordFor = async (input: OpcuaConnect, userName: string): Promise<string> => {
    if (input.password !== undefined) return input.password;
    if (input.profile !== undefined) {
      const saved = await profiles()
        .get(input.profile)
        .catch((error: unknown) => {
          throw new ApiError('not-found', message(error));
        });
      if (saved.kind === 'opcua' && saved.userName === userName && saved.plainPassword !== null)
        return saved.plainPassword;
    }
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
    importEventsFile: async ({ path, assetMap }) => {
      if (!isAbsolute(path))
        throw new ApiError('invalid-argument', `work-order file must be an absolute path: ${path}`);
      const { importWorkOrders } = await import('../historians/events/work-orders.js');
      const result = await importWorkOrders(
        requireWorkspace(),
        resolve(path),
        assetMap === undefined ? {} : { assetMap },
      ).catch((error: unknown) => {
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
