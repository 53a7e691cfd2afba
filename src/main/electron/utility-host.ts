import type { HostChannel, SpawnHost } from '../core-host/host-client.js';

/*
 * The core host in the desktop app: Electron's utilityProcess (a Node process Electron starts and ends with the
 * app, talking through a MessagePort). Written against the few members used, so unit tests pass a fake; main.ts
 * hands in the real `utilityProcess`. Everything else about the host (protocol, restarts) is in src/main/core-host.
 */

/** The parts of Electron's UtilityProcess used here. */
export interface UtilityChildLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** The parts of Electron's `utilityProcess` module used here. */
export interface UtilityProcessLike {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; stdio?: 'inherit' | 'ignore' | 'pipe' },
  ): UtilityChildLike;
}

/** Start dist/main/core-host/host-process.js as a utility process, as a HostChannel for startCoreHost. */
export const utilityHostSpawner =
  (utilityProcess: UtilityProcessLike, entry: string): SpawnHost =>
  (): HostChannel => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'PdM Studio core', stdio: 'inherit' });
    let ended: string | null = null;
    child.on('exit', (code) => {
      ended = `exited with code ${code}`;
    });
    return {
      pid: child.pid,
      send: (message) => {
        if (ended === null) child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => {
        if (ended !== null) listener(ended);
        else child.on('exit', (code) => listener(`exited with code ${code}`));
      },
      kill: () => {
        child.kill();
      },
    };
  };
