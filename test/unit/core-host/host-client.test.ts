import { describe, expect, it } from 'vitest';
import { startCoreHost, type HostChannel } from '../../../src/main/core-host/host-client.js';
import type { ToHost } from '../../../src/main/core-host/protocol.js';

/*
 * The parent side of the core host against a scripted channel: what it does with silence, garbage and the
 * host's requests for what only the shell can do. (The real process is in test/integration/core-host.)
 */

const scripted = (answer: (message: ToHost, reply: (raw: unknown) => void) => void) => {
  const sent: ToHost[] = [];
  let listener: (raw: unknown) => void = () => undefined;
  const exits: ((how: string) => void)[] = [];
  const channel: HostChannel = {
    pid: 4242,
    send: (message) => {
      sent.push(message);
      queueMicrotask(() => answer(message, listener));
    },
    onMessage: (l) => {
      listener = l;
    },
    onExit: (l) => exits.push(l),
    kill: () => {
      for (const exit of exits.splice(0)) exit('was killed by SIGKILL');
    },
  };
  return { channel, sent };
};

const readyOnInit = (message: ToHost, reply: (raw: unknown) => void) => {
  if (message.kind === 'init') reply({ kind: 'ready', pid: 4242 });
};

describe('core host client', () => {
  it('a call the host never answers fails after the timeout, naming the method', async () => {
    const { channel } = scripted(readyOnInit);
    const host = await startCoreHost({ spawn: () => channel, userDataDir: '/u', shell: 'web', callTimeoutMs: 50 });
    await expect(host.handlers.listSignals({})).rejects.toMatchObject({
      code: 'failed',
      message: 'listSignals: no answer from the core process within 0.05 s',
    });
  });

  it('a malformed message is logged and ignored; the real answer still arrives', async () => {
    const logged: string[] = [];
    const { channel } = scripted((message, reply) => {
      readyOnInit(message, reply);
      if (message.kind !== 'call') return;
      reply({ kind: 'reply', id: 'one', reply: { ok: true, result: 1 } });
      reply({ kind: 'event', event: { type: 'no-such-event' } });
      reply({ kind: 'reply', id: message.id, reply: { ok: true, result: [] } });
    });
    const host = await startCoreHost({
      spawn: () => channel,
      userDataDir: '/u',
      shell: 'web',
      log: (_level, message) => logged.push(message),
    });
    const events: unknown[] = [];
    host.onEvent((event) => events.push(event));
    expect(await host.handlers.listSignals({})).toEqual([]);
    expect(events).toEqual([]);
    expect(logged.filter((m) => m.startsWith('malformed'))).toEqual([
      'malformed message from the core process: id: Invalid input: expected number, received string',
      expect.stringMatching(/^malformed message from the core process: event\.type: Invalid discriminator value/),
    ]);
  });

  it("answers the host's requests for dialogs and the keychain with the shell's callbacks", async () => {
    const replies: ToHost[] = [];
    const { channel } = scripted((message, reply) => {
      if (message.kind === 'init') {
        expect(message.init.bridged).toEqual({
          selectPath: true,
          openPath: false,
          pdfPrinter: false,
          secretCipher: 'os-keychain',
        });
        reply({ kind: 'ready', pid: 4242 });
        reply({ kind: 'bridge-call', id: 1, name: 'selectPath', args: { kind: 'directory' } });
        reply({ kind: 'bridge-call', id: 2, name: 'encrypt', args: 'pw' });
        reply({ kind: 'bridge-call', id: 3, name: 'openPath', args: '/logs' });
        reply({ kind: 'bridge-call', id: 4, name: 'selectPath', args: { kind: 'format-disk' } });
      } else if (message.kind === 'bridge-reply') replies.push(message);
    });
    await startCoreHost({
      spawn: () => channel,
      userDataDir: '/u',
      shell: 'electron',
      selectPath: async () => ({ supported: true, paths: ['/picked'] }),
      secretCipher: { kind: 'os-keychain', encrypt: async (p) => `enc(${p})`, decrypt: async (s) => s },
    });
    await expect.poll(() => replies.length).toBe(4);
    expect(replies.sort((a, b) => (a.kind === 'bridge-reply' && b.kind === 'bridge-reply' ? a.id - b.id : 0))).toEqual([
      { kind: 'bridge-reply', id: 1, ok: true, value: { supported: true, paths: ['/picked'] } },
      { kind: 'bridge-reply', id: 2, ok: true, value: 'enc(pw)' },
      { kind: 'bridge-reply', id: 3, ok: true, value: 'opening folders is not available here' },
      { kind: 'bridge-reply', id: 4, ok: false, value: null, message: expect.stringMatching(/kind/) },
    ]);
  });

  it('a host that crashes again and again is not restarted forever', async () => {
    let spawned = 0;
    const crashes: string[] = [];
    const spawn = () => {
      spawned++;
      const { channel } = scripted((message, reply) => {
        readyOnInit(message, reply);
        if (message.kind === 'call') channel.kill();
      });
      return channel;
    };
    const host = await startCoreHost({ spawn, userDataDir: '/u', shell: 'web', onCrash: (m) => crashes.push(m) });
    for (let i = 0; i < 4; i++) await expect(host.handlers.listJobs({})).rejects.toThrow(/stopped unexpectedly/);
    expect(spawned).toBe(4);
    expect(crashes.at(-1)).toMatch(/4 times within a minute and was not started again/);
    await expect(host.handlers.listJobs({})).rejects.toThrow(/listJobs: The PdM Studio core process stopped/);
  });
});
