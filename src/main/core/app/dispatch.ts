import {
  isApiMethodName,
  parseApiInput,
  toApiErrorShape,
  ApiError,
  type ApiErrorShape,
  type ApiHandlers,
} from '../../../shared/api.js';

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
    return { ok: false, error: toApiErrorShape(error) };
  }
};
