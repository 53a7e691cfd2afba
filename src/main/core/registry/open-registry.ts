import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { log } from '../log/logger.js';
import { RegistryError } from './errors.js';
import { FolderRegistry } from './folder-registry.js';
import { FolderStore } from './folder-store.js';
import { HttpRegistry } from './http-registry.js';
import { withActionLog } from './logged-registry.js';
import { checkUserName } from './names.js';
import type { Registry } from './registry-types.js';

export const TOKEN_ENV = 'PDM_REGISTRY_TOKEN';

export const isRegistryUrl = (location: string): boolean => /^https?:\/\//i.test(location);

/** The person at the keyboard, as the operating system knows them. */
export const osUser = (): string => {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.USERNAME;
  }
  if (name === undefined || name === '')
    throw new RegistryError('invalid-argument', 'cannot tell who you are: the OS reports no user name');
  return checkUserName(name);
};

export interface OpenRegistryOptions {
  /** Acting user for a folder registry; allowed only if its registry.json says allowAs. */
  readonly as?: string;
  /** Bearer token for a server; defaults to $PDM_REGISTRY_TOKEN. */
  readonly token?: string;
  /** Create the folder registry if missing (publish does; readers do not). */
  readonly create?: boolean;
}

/** A folder path or an http(s) URL; identity is the OS user, `as` where allowed, or the token's user. */
export const openRegistry = async (location: string, options: OpenRegistryOptions = {}): Promise<Registry> => {
  try {
    return await openUnlogged(location, options);
  } catch (error) {
    // A refused identity (--as not allowed, no token) is what support asks about first.
    const fields = { registry: location, ...(options.as === undefined ? {} : { as: options.as }) };
    if (error instanceof RegistryError && error.code !== 'not-found' && error.code !== 'invalid-argument')
      log.warn('registry', 'open refused', { ...fields, code: error.code, reason: error.message });
    else log.warn('registry', 'open failed', { ...fields, error });
    throw error;
  }
};

const openUnlogged = async (location: string, options: OpenRegistryOptions): Promise<Registry> => {
  if (isRegistryUrl(location)) {
    if (options.as !== undefined)
      throw new RegistryError(
        'invalid-argument',
        '--as is not accepted by a registry server: the token decides who you are',
      );
    const token = options.token ?? process.env[TOKEN_ENV];
    if (token === undefined || token === '')
      throw new RegistryError('unauthorized', `a registry server needs a token: pass --token or set ${TOKEN_ENV}`);
    return withActionLog(new HttpRegistry(location, token), { user: null });
  }
  const store = await FolderStore.open(resolve(location), { create: options.create === true });
  if (options.as !== undefined && !store.config.allowAs) {
    throw new RegistryError(
      'forbidden',
      `--as is not allowed by this registry (set "allowAs": true in ${store.root}/registry.json)`,
    );
  }
  const user = options.as === undefined ? osUser() : checkUserName(options.as);
  return withActionLog(new FolderRegistry(store, user), { user });
};
