// The core host: the child process that owns the application core (and so the workspace's DuckDB connections,
// imports, training orchestration). Started by Electron's utilityProcess.fork or Node's child_process.fork; the
// shell that started it forwards API calls here and events back, so heavy SQL and row materialisation never
// run on the shell's event loop.
import { createAppCore, type AppCore, type SelectPath } from '../core/app/app-core.js';
import { dispatch } from '../core/app/dispatch.js';
import type { SecretCipher } from '../core/historians/secrets.js';
import { CancelledError } from '../core/jobs/cancelled.js';
import { processLog } from '../core/log/logger.js';
import type { PdfPrinter } from '../core/reports/pdf-printer.js';
import { parseMessage, ToHostSchema, type BridgeName, type FromHost, type HostInit } from './protocol.js';

/** How this process talks to its parent: Electron's parentPort in a utility process, else Node's IPC channel. */
interface ParentLink {
  send(message: FromHost): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** The parent went away (Node only; Electron ends a utility process with its parent). */
  onGone(listener: () => void): void;
}

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentLink = (): ParentLink => {
  const port = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (port !== undefined) {
    return {
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onGone: () => undefined,
    };
  }
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('the core host must be started by the app (no channel to its parent)');
  // Ctrl+C in a terminal reaches the whole process group: the parent decides when the host closes the workspace.
  process.on('SIGINT', () => undefined);
  return {
    send: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (listener) => process.on('message', listener),
    onGone: (listener) => process.once('disconnect', listener),
  };
};

/**
 * The shell's printer seen from the host: the report's HTML goes to the shell (Electron's printToPDF of a hidden
 * window) and the PDF comes back. Cancel stops waiting; the shell's print of that one report runs to its end.
 */
const bridgedPdfPrinter = (bridge: (name: BridgeName, args: unknown) => Promise<unknown>): PdfPrinter => ({
  name: 'Electron',
  print: async (html, options) => {
    const { signal, ...rest } = options;
    const printed = bridge('printPdf', { html, ...rest });
    const answer = signal === undefined ? await printed : await Promise.race([printed, aborted(signal)]);
    return new Uint8Array(Buffer.from(String(answer), 'base64'));
  },
});

const aborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    const fail = () => reject(new CancelledError());
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });

const serve = (link: ParentLink): void => {
  let core: AppCore | null = null;
  let closing: Promise<void> | null = null;
  let nextBridgeId = 1;
  const bridgeCalls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  /** Ask the shell to do what only it can (a native dialog, the OS keychain) and wait for its answer. */
  const bridge = (name: BridgeName, args: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextBridgeId++;
      bridgeCalls.set(id, { resolve, reject });
      link.send({ kind: 'bridge-call', id, name, args });
    });

  const start = async (init: HostInit) => {
    const selectPath: SelectPath | undefined = init.bridged.selectPath
      ? async (request) => (await bridge('selectPath', request)) as Awaited<ReturnType<SelectPath>>
      : undefined;
    const kind = init.bridged.secretCipher;
    const secretCipher: SecretCipher | undefined =
      kind === null
        ? undefined
        : {
            kind,
            encrypt: async (plain) => String(await bridge('encrypt', plain)),
            decrypt: async (stored) => String(await bridge('decrypt', stored)),
          };
    try {
      core = await createAppCore({
        userDataDir: init.userDataDir,
        shell: init.shell,
        workspace: init.workspace,
        ...(selectPath === undefined ? {} : { selectPath }),
        ...(secretCipher === undefined ? {} : { secretCipher }),
        ...(init.bridged.openPath ? { openPath: async (path: string) => String(await bridge('openPath', path)) } : {}),
        ...(init.bridged.pdfPrinter === true ? { pdfPrinter: async () => bridgedPdfPrinter(bridge) } : {}),
      });
    } catch (error) {
      link.send({ kind: 'init-failed', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    core.onEvent((event) => link.send({ kind: 'event', event }));
    link.send({ kind: 'ready', pid: process.pid });
  };

  /** Close the workspace (DuckDB checkpoints and removes its WAL on a clean close), then end. */
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const open = core;
      core = null;
      try {
        await open?.dispose();
      } catch (error) {
        processLog().error('app', 'core host shutdown failed', { error });
      }
    })();
    return closing;
  };

  link.onMessage((raw) => {
    const parsed = parseMessage(ToHostSchema, raw, 'app');
    if (!parsed.ok) {
      // Before 'init' there is no log file yet: stderr (the app's console) always gets it.
      processLog().error('app', parsed.problem);
      process.stderr.write(`core host: ${parsed.problem}\n`);
      return;
    }
    const message = parsed.message;
    switch (message.kind) {
      case 'init':
        if (core === null && closing === null) void start(message.init);
        return;
      case 'call': {
        const { id, method, input } = message;
        const running = core;
        if (running === null) {
          const error = { code: 'failed' as const, message: `${method}: the core is not running` };
          link.send({ kind: 'reply', id, reply: { ok: false, error } });
          return;
        }
        void dispatch(running.handlers, method, input).then((reply) => link.send({ kind: 'reply', id, reply }));
        return;
      }
      case 'bridge-reply': {
        const waiting = bridgeCalls.get(message.id);
        bridgeCalls.delete(message.id);
        if (message.ok) waiting?.resolve(message.value);
        else waiting?.reject(new Error(message.message ?? 'the app could not answer'));
        return;
      }
      case 'shutdown':
        void close().then(() => {
          link.send({ kind: 'closed' });
          // Let the 'closed' message leave before the process ends.
          setTimeout(() => process.exit(0), 50);
        });
        return;
      default: {
        const never: never = message;
        throw new Error(`unhandled message ${JSON.stringify(never)}`);
      }
    }
  });
  link.onGone(() => void close().then(() => process.exit(0)));
};

serve(parentLink());
