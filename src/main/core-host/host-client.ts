import { ApiError, apiMethodNames, type ApiEvent, type ApiHandlers, type ApiMethodName } from '../../shared/api.js';
import type { CoreService } from '../core/app/app-core.js';
import { answerBridgeCall, type ShellCallbacks } from './bridge.js';
import { FromHostSchema, parseMessage, type FromHost, type HostInit, type ToHost } from './protocol.js';

/*
 * The shell's side of the core host: API calls go to the host process with a request id and come back as its
 * DispatchResult; events come back as they happen. A host that dies is reported, restarted with the workspace
 * it had open, and every call it left unanswered fails with a sentence saying so.
 */

/** One started host process, however it was started (Electron utilityProcess, Node child_process.fork, a fake). */
export interface HostChannel {
  readonly pid: number | undefined;
  send(message: ToHost): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** Each listener is called once when the process has ended, with how: "exited with code 1", "killed by SIGKILL". */
  onExit(listener: (how: string) => void): void;
  kill(): void;
}

export type SpawnHost = () => HostChannel;

export interface CoreHostOptions extends ShellCallbacks {
  readonly spawn: SpawnHost;
  readonly userDataDir: string;
  readonly shell: HostInit['shell'];
  readonly workspace?: string | undefined;
  /** A call without an answer after this long fails (default 10 minutes: exports of large ranges take a while). */
  readonly callTimeoutMs?: number;
  /** Starting the host (opening the workspace included) may take this long (default 60 s). */
  readonly startTimeoutMs?: number;
  /** Told in the user's words when the host stopped unexpectedly (the desktop shows it in a dialog). */
  readonly onCrash?: (message: string) => void;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface CoreHost extends CoreService {
  /** The running host's process id (for tests and the log). */
  readonly pid: () => number | undefined;
  /** How many times the host was restarted after stopping unexpectedly. */
  readonly restarts: () => number;
}

/** More crashes than this within CRASH_WINDOW_MS and the host is not started again (a crash loop). */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 60_000;

interface Pending {
  readonly method: ApiMethodName;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** One running host process and the calls it has not answered yet. */
interface Generation {
  readonly channel: HostChannel;
  readonly pending: Map<number, Pending>;
  /** Resolves when the host said 'ready'; rejects when it could not start. */
  readonly ready: Promise<void>;
  exited: boolean;
}

const deferred = () => {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
};

/** Start the core in its own process and answer once it is ready (its workspace, if any, open). */
export const startCoreHost = async (options: CoreHostOptions): Promise<CoreHost> => {
  const callTimeoutMs = options.callTimeoutMs ?? 10 * 60_000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const log = options.log ?? (() => undefined);
  const listeners = new Set<(event: ApiEvent) => void>();
  let workspace = options.workspace;
  let nextId = 1;
  let restarts = 0;
  let crashTimes: number[] = [];
  let stopping = false;
  /** Set when the host keeps crashing: calls fail with this instead of starting it again. */
  let givenUp: string | null = null;

  const init = (): HostInit => ({
    userDataDir: options.userDataDir,
    shell: options.shell,
    ...(workspace === undefined ? {} : { workspace }),
    bridged: {
      selectPath: options.selectPath !== undefined,
      openPath: options.openPath !== undefined,
      pdfPrinter: options.pdfPrinter !== undefined,
      secretCipher: options.secretCipher?.kind ?? null,
    },
  });

  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };

  const launch = (): Generation => {
    const channel = options.spawn();
    const pending = new Map<number, Pending>();
    const { promise: ready, resolve: readyNow, reject: notReady } = deferred();
    // A start that fails before a call awaits it must not become an unhandled rejection.
    ready.catch(() => undefined);
    const startTimer = setTimeout(() => {
      notReady(new ApiError('failed', `the core process did not start within ${startTimeoutMs / 1000} s`));
      channel.kill();
    }, startTimeoutMs);
    const generation: Generation = { channel, pending, ready, exited: false };

    const onMessage = (message: FromHost, raw: unknown) => {
      switch (message.kind) {
        case 'ready':
          clearTimeout(startTimer);
          log('info', `core process ${message.pid} ready`);
          readyNow();
          return;
        case 'init-failed':
          clearTimeout(startTimer);
          notReady(new ApiError('failed', message.message));
          channel.kill();
          return;
        case 'reply': {
          const call = pending.get(message.id);
          if (call === undefined) return; // answered after its timeout: the caller was already told
          pending.delete(message.id);
          clearTimeout(call.timer);
          if (message.reply.ok) {
            const result = message.reply.result;
            rememberWorkspace(call.method, result);
            call.resolve(result);
          } else call.reject(new ApiError(message.reply.error.code, message.reply.error.message));
          return;
        }
        case 'event':
          // Forwarded as the host sent it: validated, but not stripped of what the schema does not name.
          emit((raw as { event: ApiEvent }).event);
          return;
        case 'bridge-call': {
          const { id, name, args } = message;
          void answerBridgeCall(options, name, args).then(
            (value) => send(generation, { kind: 'bridge-reply', id, ok: true, value }),
            (error: unknown) =>
              send(generation, {
                kind: 'bridge-reply',
                id,
                ok: false,
                value: null,
                message: error instanceof Error ? error.message : String(error),
              }),
          );
          return;
        }
        case 'closed':
          return;
        default: {
          const never: never = message;
          throw new Error(`unhandled message ${JSON.stringify(never)}`);
        }
      }
    };

    channel.onMessage((raw) => {
      const parsed = parseMessage(FromHostSchema, raw, 'core process');
      if (!parsed.ok) {
        log('error', parsed.problem);
        return;
      }
      onMessage(parsed.message, raw);
    });
    channel.onExit((how) => {
      generation.exited = true;
      clearTimeout(startTimer);
      notReady(new ApiError('failed', `the core process ${how} while starting`));
      if (stopping) {
        failPending(generation, 'the app is shutting down');
        return;
      }
      crashed(generation, how);
    });
    channel.send({ kind: 'init', init: init() });
    return generation;
  };

  const send = (generation: Generation, message: ToHost) => {
    if (!generation.exited) generation.channel.send(message);
  };

  const failPending = (generation: Generation, why: string) => {
    for (const [id, call] of generation.pending) {
      clearTimeout(call.timer);
      call.reject(new ApiError('failed', `${call.method}: ${why}`));
      generation.pending.delete(id);
    }
  };

  /** The workspace a restarted host reopens: the last one a call opened. */
  const rememberWorkspace = (method: ApiMethodName, result: unknown) => {
    if (method !== 'openWorkspace' && method !== 'openSampleWorkspace') return;
    const path = (result as { path?: unknown } | null)?.path;
    if (typeof path === 'string') workspace = path;
  };

  let current = launch();

  const crashed = (generation: Generation, how: string) => {
    if (generation !== current) return;
    const now = Date.now();
    crashTimes = [...crashTimes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    const restart = crashTimes.length <= MAX_CRASHES;
    const reopen = workspace === undefined ? '' : ` and reopens the workspace ${workspace}`;
    const message = restart
      ? `The PdM Studio core process stopped unexpectedly (${how}). It restarts${reopen}; work that was running ` +
        'in it (imports, training) was interrupted: start it again.'
      : `The PdM Studio core process stopped unexpectedly (${how}) ${crashTimes.length} times within a minute and ` +
        'was not started again. Restart the app; the log folder has the details.';
    log('error', message);
    failPending(
      generation,
      `the core process stopped unexpectedly (${how}) before answering; ${restart ? 'it was restarted: try again' : 'restart the app'}`,
    );
    options.onCrash?.(message);
    if (!restart) {
      givenUp = message;
      return;
    }
    restarts++;
    current = launch();
    // The views reload what they show from the new process (its jobs list starts empty).
    void current.ready.then(
      () => emit({ type: 'workspace-changed' }),
      (error: unknown) => log('error', `restarting the core process failed: ${String(error)}`),
    );
  };

  const call = async (method: ApiMethodName, input: unknown): Promise<unknown> => {
    if (givenUp !== null) throw new ApiError('failed', `${method}: ${givenUp}`);
    if (stopping) throw new ApiError('failed', `${method}: the app is shutting down`);
    const generation = current;
    await generation.ready;
    if (generation.exited) throw new ApiError('failed', `${method}: the core process stopped; try again`);
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        generation.pending.delete(id);
        reject(new ApiError('failed', `${method}: no answer from the core process within ${callTimeoutMs / 1000} s`));
      }, callTimeoutMs);
      generation.pending.set(id, { method, resolve, reject, timer });
      generation.channel.send({ kind: 'call', id, method, input });
    });
  };

  const handlers = Object.fromEntries(
    apiMethodNames.map((method) => [method, (input: unknown) => call(method, input)]),
  ) as unknown as ApiHandlers;

  try {
    await current.ready;
  } catch (error) {
    stopping = true;
    current.channel.kill();
    throw error;
  }

  return {
    handlers,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pid: () => current.channel.pid,
    restarts: () => restarts,
    dispose: async () => {
      if (stopping) return;
      stopping = true;
      const generation = current;
      if (generation.exited) return;
      const exited = new Promise<void>((resolve) => generation.channel.onExit(() => resolve()));
      generation.channel.send({ kind: 'shutdown' });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), 15_000);
      });
      if ((await Promise.race([exited, late])) === 'late') {
        log('warn', 'the core process did not close within 15 s: ended');
        generation.channel.kill();
        await exited;
      }
      clearTimeout(timer);
    },
  };
};
