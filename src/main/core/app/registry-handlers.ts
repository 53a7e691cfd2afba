import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ApiError, type ApiErrorShape, type ApiHandlers } from '../../../shared/api.js';
import { parseRegistryLocation, type RegistryConnection } from '../../../shared/registry.js';
import { RegistryError, type RegistryErrorCode } from '../registry/errors.js';
import { FolderRegistry } from '../registry/folder-registry.js';
import { HttpRegistry } from '../registry/http-registry.js';
import { checkModelName, checkRunId, checkVersion } from '../registry/names.js';
import { openRegistry as openCoreRegistry } from '../registry/open-registry.js';
import type { GovernAction, Registry } from '../registry/registry-types.js';
import { MODEL_CARD_FILE } from '../registry/run-source.js';
import { markRunPublished } from '../datasets/frozen-store.js';
import type { Workspace } from '../workspace/workspace.js';

export type RegistryMethod =
  | 'openRegistry'
  | 'getRegistryConnection'
  | 'closeRegistry'
  | 'listRegistryModels'
  | 'listRegistryVersions'
  | 'getRegistryVersion'
  | 'getModelCard'
  | 'publishRun'
  | 'approveVersion'
  | 'rejectVersion'
  | 'promoteVersion'
  | 'rollbackModel'
  | 'archiveVersion'
  | 'verifyRegistry'
  | 'fetchRegistryVersion';

export interface RegistryDeps {
  readonly requireWorkspace: () => Workspace;
}

interface Session {
  readonly registry: Registry;
  readonly connection: RegistryConnection;
  /** Kept only here, in memory, to fetch files from a server; never returned, logged or put in a message. */
  readonly token: string | null;
  /**
   * Model cards of server versions already fetched and verified this session: a published version's files never
   * change, and reading one means fetching the whole package through the client (about 1.4 s for 50 MB here).
   */
  readonly cards: Map<string, string>;
}

const CODES: Readonly<Record<RegistryErrorCode, ApiErrorShape['code']>> = {
  'invalid-argument': 'invalid-argument',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  conflict: 'conflict',
  'too-large': 'invalid-argument',
  integrity: 'integrity',
  unavailable: 'failed',
};

const MAX_CARD_BYTES = 8 * 1024 * 1024;

/** A registry failure as an ApiError the views can react to by code; messages are the registry's own. */
export const toRegistryApiError = (error: unknown, token: string | null = null): unknown => {
  if (!(error instanceof RegistryError)) return error;
  let message = error.message;
  if (error.code === 'unauthorized') message = `the registry server refused the token: ${message}`;
  else if (error.code === 'forbidden' && !/four-eyes/.test(message)) message = `not allowed: ${message}`;
  else if (error.code === 'unavailable') message = `the registry is unavailable: ${message}`;
  // Defence in depth: the core never puts a token in a message, and neither will this.
  if (token !== null && token !== '') message = message.split(token).join('<token>');
  return new ApiError(CODES[error.code], message);
};

/**
 * The model registry over the API: one open registry per app session (a folder or a server), the same
 * core the CLI uses. Identity is the OS user for a folder (another name only where registry.json says
 * allowAs) and the token's user for a server; the core enforces four-eyes, roles and hashes.
 */
export const registryHandlers = ({ requireWorkspace }: RegistryDeps): Pick<ApiHandlers, RegistryMethod> => {
  let session: Session | null = null;

  const current = (): Session => {
    if (session === null)
      throw new ApiError('not-found', 'no model registry is open: connect to a registry folder or server first');
    return session;
  };

  /** Runs a registry call, turning RegistryErrors into ApiErrors without ever echoing the token. */
  const guarded = async <T>(work: (s: Session) => Promise<T>): Promise<T> => {
    const s = current();
    try {
      return await work(s);
    } catch (error) {
      throw toRegistryApiError(error, s.token);
    }
  };

  const govern = (action: GovernAction, input: { name: string; version?: number; reason?: string | undefined }) =>
    guarded((s) =>
      s.registry.govern(action, {
        name: checkModelName(input.name),
        ...(input.version !== undefined ? { version: checkVersion(input.version) } : {}),
        ...(input.reason !== undefined && input.reason !== '' ? { reason: input.reason } : {}),
      }),
    );

  /**
   * A server version's model card, read through the registry client: the client fetches the package into a
   * private temporary folder, verifying every file against SHA256SUMS, and the card is read from there.
   */
  const serverCard = async (s: Session, name: string, version: number): Promise<string> => {
    const scratch = await mkdtemp(join(tmpdir(), 'pdm-card-'));
    try {
      const fetched = await s.registry.fetch(name, version, join(scratch, 'package'));
      const card = join(fetched.dir, MODEL_CARD_FILE);
      if ((await stat(card)).size > MAX_CARD_BYTES)
        throw new RegistryError(
          'too-large',
          `${name} version ${version}: the model card is over ${MAX_CARD_BYTES} bytes`,
        );
      return await readFile(card, 'utf8');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };

  return {
    openRegistry: async ({ location, token, actAs, create }) => {
      const parsed = parseRegistryLocation(location);
      if (!parsed.ok) throw new ApiError('invalid-argument', parsed.message);
      let next: Session;
      try {
        if (parsed.kind === 'server') {
          if (actAs !== undefined)
            throw new ApiError(
              'invalid-argument',
              'a registry server decides who you are from the token; "act as" is for folder registries',
            );
          if (token === undefined)
            throw new ApiError(
              'unauthorized',
              'a registry server needs a token: paste the token your registry administrator gave you',
            );
          const registry = await openCoreRegistry(parsed.location, { token });
          if (!(registry instanceof HttpRegistry)) throw new ApiError('failed', 'unexpected registry type');
          const me = await registry.whoami();
          next = {
            registry,
            token,
            cards: new Map(),
            connection: { location: parsed.location, kind: 'server', user: me.name, role: me.role, allowAs: false },
          };
        } else {
          if (token !== undefined)
            throw new ApiError(
              'invalid-argument',
              'a token is only for a registry server; a folder registry uses your OS user',
            );
          const registry = await openCoreRegistry(parsed.location, {
            ...(actAs !== undefined ? { as: actAs } : {}),
            create: create === true,
          });
          if (!(registry instanceof FolderRegistry)) throw new ApiError('failed', 'unexpected registry type');
          next = {
            registry,
            token: null,
            cards: new Map(),
            connection: {
              location: registry.location,
              kind: 'folder',
              user: registry.actor,
              role: null,
              allowAs: registry.store.config.allowAs,
            },
          };
        }
      } catch (error) {
        throw toRegistryApiError(error, token ?? null);
      }
      session = next;
      return next.connection;
    },
    getRegistryConnection: async () => session?.connection ?? null,
    closeRegistry: async () => {
      const closed = session !== null;
      session = null;
      return { closed };
    },
    listRegistryModels: async () => guarded((s) => s.registry.list()),
    listRegistryVersions: async ({ name }) =>
      guarded(async (s) => {
        const model = (await s.registry.list()).find((m) => m.name === checkModelName(name));
        if (model === undefined) throw new RegistryError('not-found', `no model named ${name}`);
        return model;
      }),
    getRegistryVersion: async ({ name, version }) =>
      guarded(async (s) => {
        // Only this version is checked (and the registry caches the result), not every package in the registry.
        const detail = await s.registry.show(checkModelName(name), checkVersion(version));
        const { problems } = await s.registry.verifyVersion(name, detail.version);
        return {
          ...detail,
          verification: { ok: problems.length === 0, problems, checkedAt: new Date().toISOString() },
        };
      }),
    getModelCard: async ({ name, version }) =>
      guarded(async (s) => {
        checkModelName(name);
        checkVersion(version);
        if (s.registry instanceof FolderRegistry)
          return (await s.registry.store.readPackage(name, version)).files.cardText;
        const detail = await s.registry.show(name, version);
        if (!detail.files.some((f) => f.name === MODEL_CARD_FILE))
          throw new RegistryError(
            'integrity',
            `${name} version ${version}: ${MODEL_CARD_FILE} is not listed in SHA256SUMS`,
          );
        const key = `${name}/${detail.version}`;
        const cached = s.cards.get(key);
        if (cached !== undefined) return cached;
        const card = await serverCard(s, name, detail.version);
        s.cards.set(key, card);
        return card;
      }),
    publishRun: async ({ runId, name, idempotencyKey }) => {
      const workspace = requireWorkspace();
      const published = await guarded((s) =>
        s.registry.publish({
          runDir: join(workspace.path, 'artifacts', 'runs', checkRunId(runId)),
          name: checkModelName(name),
          ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        }),
      );
      // A published run keeps the data it read under the retention setting (best effort: the version is out).
      await markRunPublished(workspace.path, runId).catch(() => undefined);
      return published;
    },
    approveVersion: async ({ name, version, reason }) => govern('approve', { name, version, reason }),
    rejectVersion: async ({ name, version, reason }) => govern('reject', { name, version, reason }),
    promoteVersion: async ({ name, version, reason }) => govern('promote', { name, version, reason }),
    rollbackModel: async ({ name, reason }) => govern('rollback', { name, reason }),
    archiveVersion: async ({ name, version, reason }) => govern('archive', { name, version, reason }),
    verifyRegistry: async () => guarded((s) => s.registry.verify()),
    fetchRegistryVersion: async ({ name, version, out }) => {
      if (!isAbsolute(out)) throw new ApiError('invalid-argument', `target folder must be an absolute path: ${out}`);
      return guarded((s) =>
        s.registry.fetch(
          checkModelName(name),
          typeof version === 'number' ? checkVersion(version) : version,
          resolve(out),
        ),
      );
    },
  };
};
