import { describe, expect, it } from 'vitest';
import { apiMethodNames } from '../../../src/shared/api.js';
import { channelFor, EVENT_CHANNEL } from '../../../src/main/electron/channels.js';
import { createSenderCheck, ipcChannels, registerIpcHandlers } from '../../../src/main/electron/ipc.js';
import { fakeFrame, fakeHandlers, FakeIpcMain, fakeWebContents, INDEX_URL } from './fakes.js';

const setup = () => {
  const ipcMain = new FakeIpcMain();
  const { handlers, calls } = fakeHandlers();
  const contents = fakeWebContents();
  const warnings: string[] = [];
  const errors: string[] = [];
  const dispose = registerIpcHandlers({
    ipcMain,
    handlers,
    checkSender: createSenderCheck({ webContents: () => contents, indexUrl: INDEX_URL }),
    log: { warn: (m) => warnings.push(m), error: (m) => errors.push(m) },
  });
  const fromWindow = { sender: { id: contents.id }, senderFrame: contents.mainFrame };
  return { ipcMain, handlers, calls, contents, dispose, fromWindow, warnings, errors };
};

describe('IPC registration', () => {
  it('registers exactly one pdm:<method> channel per API method', () => {
    const { ipcMain } = setup();
    const expected = apiMethodNames.map((m) => `pdm:${m}`);
    expect([...ipcMain.listeners.keys()].sort()).toEqual([...expected].sort());
    expect(ipcChannels()).toEqual(expected);
    expect(apiMethodNames.map(channelFor)).toEqual(expected);
    expect(ipcMain.listeners.has(EVENT_CHANNEL)).toBe(false);
  });

  it('removes every handler on dispose', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.listeners.size).toBe(0);
  });

  it('runs a trusted call through dispatch and returns the DispatchResult', async () => {
    const { ipcMain, calls, fromWindow } = setup();
    const reply = await ipcMain.invoke('pdm:openWorkspace', fromWindow, { path: '/data/ws' });
    expect(reply).toEqual({ ok: true, result: { answeredBy: 'openWorkspace' } });
    expect(calls).toEqual([{ method: 'openWorkspace', input: { path: '/data/ws' } }]);
  });

  it('applies schema defaults before the handler sees the arguments', async () => {
    const { ipcMain, calls, fromWindow } = setup();
    await ipcMain.invoke('pdm:listRejects', fromWindow, {});
    expect(calls[0]).toEqual({ method: 'listRejects', input: { limit: 200 } });
  });

  it('answers invalid arguments with invalid-argument and never calls the handler', async () => {
    const { ipcMain, calls, fromWindow } = setup();
    const reply = await ipcMain.invoke('pdm:openWorkspace', fromWindow, { path: 42 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect((reply as { error: { message: string } }).error.message).toMatch(/^openWorkspace: path: /);
    const tooWide = await ipcMain.invoke('pdm:queryTrend', fromWindow, { signalIds: [1], width: 0 });
    expect(tooWide).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const extra = await ipcMain.invoke('pdm:getAppInfo', fromWindow, {}, { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(calls).toEqual([]);
  });

  it('shapes handler failures and logs them', async () => {
    const { ipcMain, handlers, fromWindow, errors } = setup();
    (handlers as unknown as Record<string, () => Promise<unknown>>)['listSignals'] = async () => {
      throw new Error('disk on fire');
    };
    const reply = await ipcMain.invoke('pdm:listSignals', fromWindow, {});
    expect(reply).toEqual({ ok: false, error: { code: 'failed', message: 'disk on fire' } });
    expect(errors.join('\n')).toContain('listSignals failed: disk on fire');
  });
});

describe('sender check', () => {
  it('rejects a call from another web contents', async () => {
    const { ipcMain, calls, contents, warnings } = setup();
    const reply = await ipcMain.invoke(
      'pdm:listSignals',
      { sender: { id: contents.id + 1 }, senderFrame: fakeFrame() },
      {},
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(calls).toEqual([]);
    expect(warnings[0]).toMatch(/refused/);
  });

  it('rejects a call from a sub-frame of our window', async () => {
    const { ipcMain, calls, contents } = setup();
    const child = fakeFrame({ parent: contents.mainFrame, routingId: 2 });
    const reply = await ipcMain.invoke('pdm:listSignals', { sender: { id: contents.id }, senderFrame: child }, {});
    expect(reply).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not the main frame/) } });
    expect(calls).toEqual([]);
  });

  it('rejects a main frame showing a foreign page, and a vanished frame', async () => {
    const { ipcMain, calls, contents } = setup();
    for (const url of [
      'https://evil.example/index.html',
      'file:///tmp/other/index.html',
      'data:text/html,hi',
      'about:blank',
    ]) {
      const frame = fakeFrame({ url });
      const foreign = fakeWebContents(frame, contents.id);
      const check = createSenderCheck({ webContents: () => foreign, indexUrl: INDEX_URL });
      expect(check({ sender: { id: contents.id }, senderFrame: frame })).toMatchObject({ trusted: false });
    }
    const gone = await ipcMain.invoke('pdm:listSignals', { sender: { id: contents.id }, senderFrame: null }, {});
    expect(gone).toMatchObject({ ok: false, error: { message: expect.stringMatching(/frame is gone/) } });
    expect(calls).toEqual([]);
  });

  it('rejects everything once the window is gone', () => {
    const contents = fakeWebContents();
    const check = createSenderCheck({ webContents: () => contents, indexUrl: INDEX_URL });
    const event = { sender: { id: contents.id }, senderFrame: contents.mainFrame };
    expect(check(event)).toEqual({ trusted: true });
    contents.destroyed = true;
    expect(check(event)).toMatchObject({ trusted: false });
    expect(createSenderCheck({ webContents: () => null, indexUrl: INDEX_URL })(event)).toMatchObject({
      trusted: false,
    });
  });

  it('accepts our page with a fragment or query (view state)', () => {
    const frame = fakeFrame({ url: `${INDEX_URL}#/trends?signal=3` });
    const contents = fakeWebContents(frame);
    const check = createSenderCheck({ webContents: () => contents, indexUrl: INDEX_URL });
    expect(check({ sender: { id: contents.id }, senderFrame: { ...frame } })).toEqual({ trusted: true });
  });
});
