import { apiMethodNames, type ApiHandlers } from '../../../src/shared/api.js';
import type { FrameLike, InvokeEventLike, IpcMainLike, WebContentsLike } from '../../../src/main/electron/ipc.js';

/** A handlers object answering every method with a recognisable value; records the arguments it saw. */
export const fakeHandlers = () => {
  const calls: { method: string; input: unknown }[] = [];
  const handlers = Object.fromEntries(
    apiMethodNames.map((method) => [
      method,
      async (input: unknown) => {
        calls.push({ method, input });
        return { answeredBy: method };
      },
    ]),
  ) as unknown as ApiHandlers;
  return { handlers, calls };
};

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** ipcMain as far as the bridge uses it, plus `invoke` to play the renderer. */
export class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (listener === undefined) throw new Error(`no handler for ${channel}`);
    return listener(event, ...args);
  }
}

export const INDEX_HTML = '/opt/pdm-studio/dist/renderer/index.html';
export const INDEX_URL = 'file:///opt/pdm-studio/dist/renderer/index.html';

export const fakeFrame = (overrides: Partial<FrameLike> = {}): FrameLike => ({
  url: INDEX_URL,
  parent: null,
  processId: 4,
  routingId: 1,
  ...overrides,
});

export const fakeWebContents = (
  mainFrame: FrameLike = fakeFrame(),
  id = 7,
): WebContentsLike & { destroyed: boolean } => {
  const contents = {
    id,
    mainFrame,
    destroyed: false,
    isDestroyed: () => contents.destroyed,
  };
  return contents;
};
