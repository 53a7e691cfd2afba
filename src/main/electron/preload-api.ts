import { apiMethodNames, type ApiEvent, type ApiMethodName, type PdmApi } from '../../shared/api.js';
import { channelFor } from './channels.js';

/** What the preload puts on `window.pdm`: the API contract plus the event stream. */
export type PdmBridge = PdmApi & {
  readonly onEvent: (listener: (event: ApiEvent) => void) => () => void;
};

/** `ipcRenderer.invoke`, reduced to what the bridge needs (so tests can pass a fake). */
export type Invoke = (channel: string, args: unknown) => Promise<unknown>;

/** Subscribe to main-process events; returns the unsubscribe function. */
export type Subscribe = (listener: (event: ApiEvent) => void) => () => void;

/** The error a bridge method rejects with; only `message` survives contextBridge, `code` is a bonus. */
export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Turn a DispatchResult from main into the method's value, or throw its error message. */
export const unwrapReply = (method: ApiMethodName, reply: unknown): unknown => {
  if (isRecord(reply) && reply['ok'] === true && 'result' in reply) return reply['result'];
  if (isRecord(reply) && reply['ok'] === false && isRecord(reply['error'])) {
    const { code, message } = reply['error'];
    throw new BridgeError(
      typeof code === 'string' ? code : 'failed',
      typeof message === 'string' ? message : `${method} failed`,
    );
  }
  throw new BridgeError('failed', `${method}: malformed reply from the main process`);
};

/**
 * Build the object the preload exposes: exactly one async function per method in the contract, plus onEvent.
 * Each function sends its single argument object over `pdm:<method>`; main validates it and checks the sender.
 */
export const buildPdmBridge = (invoke: Invoke, subscribe: Subscribe): PdmBridge => {
  const api: Record<string, unknown> = {};
  for (const method of apiMethodNames) {
    const channel = channelFor(method);
    api[method] = async (args: unknown) => unwrapReply(method, await invoke(channel, args ?? {}));
  }
  api['onEvent'] = (listener: (event: ApiEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent: listener must be a function');
    return subscribe(listener);
  };
  return Object.freeze(api) as PdmBridge;
};
