import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startCoreHost } from '../../../src/main/core-host/host-client.js';
import { utilityHostSpawner, type UtilityProcessLike } from '../../../src/main/electron/utility-host.js';

/*
 * The desktop app's core host is an Electron utility process. Electron cannot load here, so a fake
 * `utilityProcess` stands at the seam; it answers the core host protocol as host-process.ts does.
 */

class FakeUtilityChild extends EventEmitter {
  readonly pid = 777;
  readonly received: unknown[] = [];
  killed = false;
  postMessage(message: unknown) {
    this.received.push(message);
    const m = message as { kind: string; id?: number; method?: string };
    queueMicrotask(() => {
      if (m.kind === 'init') this.emit('message', { kind: 'ready', pid: this.pid });
      if (m.kind === 'call') this.emit('message', { kind: 'reply', id: m.id, reply: { ok: true, result: [] } });
      if (m.kind === 'shutdown') {
        this.emit('message', { kind: 'closed' });
        this.emit('exit', 0);
      }
    });
  }
  kill() {
    this.killed = true;
    this.emit('exit', 9);
    return true;
  }
}

const fakeUtilityProcess = () => {
  const forks: { modulePath: string; options: unknown; child: FakeUtilityChild }[] = [];
  const utilityProcess: UtilityProcessLike = {
    fork: (modulePath, _args, options) => {
      const child = new FakeUtilityChild();
      forks.push({ modulePath, options, child });
      return child;
    },
  };
  return { utilityProcess, forks };
};

describe('the core host as an Electron utility process', () => {
  it('forks the built host entry, speaks the protocol over postMessage and shuts it down', async () => {
    const { utilityProcess, forks } = fakeUtilityProcess();
    const host = await startCoreHost({
      spawn: utilityHostSpawner(utilityProcess, '/app/dist/main/core-host/host-process.js'),
      userDataDir: '/u',
      shell: 'electron',
    });
    expect(forks).toMatchObject([
      { modulePath: '/app/dist/main/core-host/host-process.js', options: { serviceName: 'PdM Studio core' } },
    ]);
    expect(await host.handlers.listSignals({})).toEqual([]);
    expect(host.pid()).toBe(777);
    await host.dispose();
    expect(forks[0]?.child.received.map((m) => (m as { kind: string }).kind)).toEqual(['init', 'call', 'shutdown']);
  });

  it('an exit it did not ask for is reported with the exit code and a new utility process is forked', async () => {
    const { utilityProcess, forks } = fakeUtilityProcess();
    const crashes: string[] = [];
    const host = await startCoreHost({
      spawn: utilityHostSpawner(utilityProcess, '/app/host-process.js'),
      userDataDir: '/u',
      shell: 'electron',
      onCrash: (message) => crashes.push(message),
    });
    forks[0]?.child.emit('exit', 134);
    expect(crashes[0]).toMatch(
      /^The PdM Studio core process stopped unexpectedly \(exited with code 134\)\. It restarts/,
    );
    expect(forks).toHaveLength(2);
    expect(await host.handlers.listSignals({})).toEqual([]);
    expect(host.restarts()).toBe(1);
  });
});
