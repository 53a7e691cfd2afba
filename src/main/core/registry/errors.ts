/**
 * Registry failures carry a code so the CLI, the server (HTTP status) and the app can react without
 * parsing messages. Messages never contain tokens.
 */
export type RegistryErrorCode =
  | 'invalid-argument'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'integrity'
  | 'unavailable';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export const HTTP_STATUS: Readonly<Record<RegistryErrorCode, number>> = {
  'invalid-argument': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  integrity: 500,
  unavailable: 503,
};

export const isRegistryErrorCode = (value: unknown): value is RegistryErrorCode =>
  typeof value === 'string' && Object.hasOwn(HTTP_STATUS, value);
