import { runInThisContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiMethodNames, type ApiEvent } from '../../../src/shared/api.js';
import { buildPdmBridge, unwrapReply } from '../../../src/main/electron/preload-api.js';

const noEvents = () => () => undefined;

describe('preload API builder', () => {
  it('exposes exactly the contract methods plus onEvent', () => {
    const bridge = buildPdmBridge(async () => ({ ok: true, result: null }), noEvents);
    expect(Object.keys(bridge).sort()).toEqual([...apiMethodNames, 'onEvent'].sort());
    for (const key of Object.keys(bridge))
      expect(typeof (bridge as unknown as Record<string, unknown>)[key]).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('invokes pdm:<method> with the single argument object and resolves to the result', async () => {
    const sent: [string, unknown][] = [];
    const bridge = buildPdmBridge(async (channel, args) => {
      sent.push([channel, args]);
      return { ok: true, result: { path: '/ws', rows: 3 } };
    }, noEvents);
    await expect(bridge.exportData({ signalIds: [1], format: 'csv', path: '/tmp/out.csv' })).resolves.toEqual({
      path: '/ws',
      rows: 3,
    });
    await bridge.getAppInfo({});
    expect(sent).toEqual([
      ['pdm:exportData', { signalIds: [1], format: 'csv', path: '/tmp/out.csv' }],
      ['pdm:getAppInfo', {}],
    ]);
  });

  it('rejects with an Error whose message is the error message', async () => {
    const bridge = buildPdmBridge(
      async () => ({ ok: false, error: { code: 'no-workspace', message: 'open a workspace first' } }),
      noEvents,
    );
    const failure = bridge.listSignals({});
    await expect(failure).rejects.toBeInstanceOf(Error);
    await expect(failure).rejects.toThrow(/^open a workspace first$/);
    await expect(failure).rejects.toMatchObject({ code: 'no-workspace' });
  });

  it('rejects malformed replies instead of returning garbage', () => {
    expect(() => unwrapReply('listSignals', undefined)).toThrow(/malformed reply/);
    expect(() => unwrapReply('listSignals', { ok: 'yes' })).toThrow(/malformed reply/);
    expect(() => unwrapReply('listSignals', { ok: false, error: {} })).toThrow(/listSignals failed/);
    expect(unwrapReply('listSignals', { ok: true, result: [] })).toEqual([]);
  });

  it('delivers events and unsubscribes', () => {
    const listeners = new Set<(event: ApiEvent) => void>();
    const bridge = buildPdmBridge(
      async () => ({ ok: true, result: null }),
      (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    );
    const seen: ApiEvent[] = [];
    const stop = bridge.onEvent((event) => seen.push(event));
    for (const listener of listeners) listener({ type: 'workspace-changed' });
    stop();
    expect(listeners.size).toBe(0);
    expect(seen).toEqual([{ type: 'workspace-changed' }]);
    expect(() => bridge.onEvent(42 as unknown as () => void)).toThrow(TypeError);
  });
});

describe('preload bundle (what the sandboxed renderer really loads)', () => {
  const bundle = async () => {
    const result = await build({
      entryPoints: ['src/main/electron/preload.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]?.text ?? '';
  };

  it('requires nothing but electron (a sandboxed preload cannot load our modules)', async () => {
    const code = await bundle();
    const required = [...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('exposes window.pdm through contextBridge and never ipcRenderer', async () => {
    const code = await bundle();
    const exposed: [string, unknown][] = [];
    const invoked: [string, unknown][] = [];
    const subscriptions: [string, string][] = [];
    const ipcRenderer = {
      invoke: async (channel: string, args: unknown) => {
        invoked.push([channel, args]);
        return { ok: true, result: 'pong' };
      },
      on: (channel: string) => subscriptions.push(['on', channel]),
      removeListener: (channel: string) => subscriptions.push(['off', channel]),
    };
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.push([key, value]) },
      ipcRenderer,
    };
    const load = runInThisContext(`(function (require, module, exports) {${code}\n})`) as (
      req: (name: string) => unknown,
      module: { exports: unknown },
      exports: unknown,
    ) => void;
    const module = { exports: {} };
    load(
      (name) => {
        if (name === 'electron') return fakeElectron;
        throw new Error(`the preload required ${name}`);
      },
      module,
      module.exports,
    );
    expect(exposed.map(([key]) => key)).toEqual(['pdm', 'pdmDesktop']);
    // The desktop-only chart image bridge: two functions over their own allowlisted channels.
    const desktop = exposed[1]?.[1] as Record<string, (args?: unknown) => Promise<unknown>>;
    expect(Object.keys(desktop).sort()).toEqual(['copyImage', 'saveImage']);
    await desktop['saveImage']?.({ name: 'a.svg', data: new Uint8Array([1]), extra: 'dropped' });
    expect(invoked.splice(0)).toEqual([['pdm-desktop:save-image', { name: 'a.svg', data: new Uint8Array([1]) }]]);
    // Copy image: the PNG bytes and the SVG text go over the copy channel as { data, svg }, nothing else.
    await desktop['copyImage']?.({ png: new Uint8Array([0x89, 0x50]), svg: '<svg/>', extra: 'dropped' });
    expect(invoked.splice(0)).toEqual([
      ['pdm-desktop:copy-image', { data: new Uint8Array([0x89, 0x50]), svg: '<svg/>' }],
    ]);
    const api = exposed[0]?.[1] as Record<string, (args?: unknown) => unknown>;
    expect(Object.keys(api).sort()).toEqual([...apiMethodNames, 'onEvent'].sort());
    expect(Object.values(api)).not.toContain(ipcRenderer);
    expect(Object.values(api)).not.toContain(ipcRenderer.invoke);
    await expect(api['getJob']?.({ jobId: 'j1' })).resolves.toBe('pong');
    expect(invoked).toEqual([['pdm:getJob', { jobId: 'j1' }]]);
    const stop = api['onEvent']?.(() => undefined) as () => void;
    stop();
    expect(subscriptions).toEqual([
      ['on', 'pdm:event'],
      ['off', 'pdm:event'],
    ]);
  });
});
