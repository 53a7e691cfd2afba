import { apiMethodNames, type ApiEvent, type PdmApi } from '../../shared/api.js';
import { channelFor, COPY_IMAGE_CHANNEL, SAVE_IMAGE_CHANNEL } from './channels.js';

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
export const unwrapReply = (method: string, reply: unknown): unknown => {
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

/** What the preload puts on `window.pdmDesktop`: chart images to the clipboard and through the save dialog. */
export interface DesktopImageBridge {
  /** The chart as PNG bytes and as SVG text, both put on the clipboard in one write. */
  readonly copyImage: (image: { png: Uint8Array; svg: string }) => Promise<void>;
  readonly saveImage: (request: { name: string; data: Uint8Array }) => Promise<{ saved: boolean; path: string | null }>;
}

export const buildDesktopImageBridge = (invoke: Invoke): DesktopImageBridge =>
  Object.freeze({
    copyImage: async (image: { png: Uint8Array; svg: string }) => {
      unwrapReply('copyImage', await invoke(COPY_IMAGE_CHANNEL, { data: image.png, svg: image.svg }));
    },
    saveImage: async (request: { name: string; data: Uint8Array }) =>
      unwrapReply('saveImage', await invoke(SAVE_IMAGE_CHANNEL, { name: request.name, data: request.data })) as {
        saved: boolean;
        path: string | null;
      },
  });
