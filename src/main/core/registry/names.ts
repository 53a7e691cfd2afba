import { RegistryError } from './errors.js';

/**
 * Every name that becomes part of a path is checked against one strict pattern before it touches the
 * file system, whoever supplied it (CLI, HTTP client, a run.json). Model names are lower case because
 * registries live on Windows/SMB shares where "Pump" and "pump" are the same folder.
 */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const VERSION_PATTERN = /^[1-9][0-9]{0,8}$/;
/** Package file names: flat (no folders), no leading dot, so "..", "/x" and "a/b" can never pass. */
export const FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const check = (pattern: RegExp, what: string, value: unknown): string => {
  if (typeof value !== 'string' || !pattern.test(value) || value.includes('..')) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new RegistryError('invalid-argument', `invalid ${what} ${shown}: must match ${pattern.source}`);
  }
  return value;
};

export const checkModelName = (value: unknown): string => check(MODEL_NAME_PATTERN, 'model name', value);
export const checkFileName = (value: unknown): string => check(FILE_NAME_PATTERN, 'file name', value);
export const checkUserName = (value: unknown): string => check(USER_NAME_PATTERN, 'user name', value);
export const checkRunId = (value: unknown): string => check(RUN_ID_PATTERN, 'run id', value);

export const checkVersion = (value: unknown): number => {
  const text = typeof value === 'number' ? String(value) : value;
  return Number(check(VERSION_PATTERN, 'version', text));
};

/** Identities compare case-insensitively: Windows accounts do, and four-eyes must not be dodged by case. */
export const sameUser = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
