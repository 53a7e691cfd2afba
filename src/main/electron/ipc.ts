import { apiMethodNames, type ApiHandlers, type ApiMethodName } from '../../shared/api.js';
import { dispatch, type DispatchResult } from '../core/app/dispatch.js';
import { channelFor } from './channels.js';
import { isAppUrl } from './security.js';

/*
 * The IPC bridge, written against the few members of Electron's objects it uses, so that unit tests pass
 * fakes and never load the real 'electron' module. main.ts hands in the real ipcMain and window.
 */

/** The parts of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
  readonly processId: number;
  readonly routingId: number;
}

/** The parts of Electron's WebContents the sender check reads. */
export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
}

/** The parts of Electron's IpcMainInvokeEvent the sender check reads. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

/** The parts of Electron's ipcMain the registration uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export type SenderCheck = (
  event: InvokeEventLike,
) => { readonly trusted: true } | { readonly trusted: false; readonly reason: string };

/**
 * Accept a call only from the main frame of our window showing our own index.html. Sub-frames, other
 * windows, and pages the window was somehow navigated to are refused.
 */
export const createSenderCheck =
  (options: { readonly webContents: () => WebContentsLike | null; readonly indexUrl: string }): SenderCheck =>
  (event) => {
    const contents = options.webContents();
    if (contents === null || contents.isDestroyed()) return { trusted: false, reason: 'no application window' };
    if (event.sender.id !== contents.id) return { trusted: false, reason: 'sender is not the application window' };
    const frame = event.senderFrame;
    if (frame === null) return { trusted: false, reason: 'sender frame is gone' };
    const main = contents.mainFrame;
    const isMainFrame =
      frame.parent === null &&
      (frame === main || (frame.processId === main.processId && frame.routingId === main.routingId));
    if (!isMainFrame) return { trusted: false, reason: 'sender is not the main frame' };
    if (!isAppUrl(frame.url, options.indexUrl))
      return { trusted: false, reason: 'sender frame is not the application page' };
    return { trusted: true };
  };

export interface IpcLog {
  warn(message: string): void;
  error(message: string): void;
}

export interface RegisterIpcOptions {
  readonly ipcMain: IpcMainLike;
  readonly handlers: ApiHandlers;
  readonly checkSender: SenderCheck;
  readonly log?: IpcLog;
}

/** The channels registered: one per method of the contract, in contract order. */
export const ipcChannels = (): string[] => apiMethodNames.map((method) => channelFor(method));

/**
 * Register one `ipcMain.handle('pdm:<method>')` per API method. Each handler checks the sender, then runs the
 * call through `dispatch` (zod validation, error shaping) and returns the DispatchResult for the preload to
 * unwrap. Returns a function that removes the handlers again.
 */
export const registerIpcHandlers = (options: RegisterIpcOptions): (() => void) => {
  const { ipcMain, handlers, checkSender, log } = options;
  const registered: string[] = [];
  for (const method of apiMethodNames) {
    const channel = channelFor(method);
    ipcMain.handle(channel, (event, ...args) => handleCall(method, event, args));
    registered.push(channel);
  }

  async function handleCall(method: ApiMethodName, event: InvokeEventLike, args: unknown[]): Promise<DispatchResult> {
    const verdict = checkSender(event);
    if (!verdict.trusted) {
      log?.warn(`ipc ${method}: call refused (${verdict.reason})`);
      return { ok: false, error: { code: 'failed', message: `${method}: call refused: ${verdict.reason}` } };
    }
    if (args.length > 1) {
      return { ok: false, error: { code: 'invalid-argument', message: `${method}: expected one argument object` } };
    }
    try {
      const result = await dispatch(handlers, method, args[0]);
      if (!result.ok && result.error.code === 'failed') log?.error(`ipc ${method} failed: ${result.error.message}`);
      return result;
    } catch (error) {
      // dispatch shapes handler errors itself; reaching here means the bridge itself broke.
      const message = error instanceof Error ? error.message : String(error);
      log?.error(`ipc ${method} crashed: ${message}`);
      return { ok: false, error: { code: 'failed', message: `${method}: ${message}` } };
    }
  }

  return () => {
    for (const channel of registered.splice(0)) ipcMain.removeHandler(channel);
  };
};
