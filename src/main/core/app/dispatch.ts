import {
  isApiMethodName,
  parseApiInput,
  toApiErrorShape,
  ApiError,
  type ApiErrorShape,
  type ApiHandlers,
} from '../../../shared/api.js';
import { log } from '../log/logger.js';

export type DispatchResult =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ApiErrorShape };

/** Validate a call against the contract and run it. Every transport (IPC, HTTP) goes through here. */
export const dispatch = async (handlers: ApiHandlers, method: string, raw: unknown): Promise<DispatchResult> => {
  try {
    if (!isApiMethodName(method)) throw new ApiError('invalid-argument', `unknown method "${method}"`);
    const input = parseApiInput(method, raw);
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(input) };
  } catch (error) {
    const shape = toApiErrorShape(error);
    // Refusals the user can act on (a bad argument, nothing found) are answers, not incidents; everything else
    // is logged. Arguments are never logged: they can hold passwords and tokens.
    if (!(error instanceof ApiError)) log.error('app', 'api call failed', { method, error });
    else if (shape.code === 'failed' || shape.code === 'integrity')
      log.warn('app', 'api call failed', { method, code: shape.code, message: shape.message });
    return { ok: false, error: shape };
  }
};
