import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostChannel, SpawnHost } from './host-client.js';

/** How a child process ended, in words for messages and the log. */
export const describeExit = (code: number | null, signal: NodeJS.Signals | null): string =>
  signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`;

/**
 * The host's entry file: the built host-process.js next to this module, or (running from TypeScript source, as
 * vitest and tsx do) host-process.ts loaded through tsx's import hook, so tests cross the real process boundary.
 */
const entry = (): { readonly file: string; readonly execArgv: string[] } => {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(fromSource ? './host-process.ts' : './host-process.js', import.meta.url));
  return { file, execArgv: fromSource ? ['--import', 'tsx'] : [] };
};

/** A HostChannel over a Node child process (browser mode, tests; Electron uses its utilityProcess instead). */
export const channelOverChild = (child: ChildProcess): HostChannel => {
  let ended: string | null = null;
  child.once('exit', (code, signal) => {
    ended = describeExit(code, signal);
  });
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => {
      if (ended !== null) listener(ended);
      else child.once('exit', (code, signal) => listener(describeExit(code, signal)));
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
};

/** Start the core host with child_process.fork; same message protocol as Electron's utilityProcess. */
export const forkCoreHost =
  (env: NodeJS.ProcessEnv = process.env): SpawnHost =>
  () => {
    const { file, execArgv } = entry();
    // 'advanced' serialisation is the structured clone Electron's utilityProcess uses: one protocol for both.
    const child = fork(file, [], {
      execArgv,
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return channelOverChild(child);
  };
