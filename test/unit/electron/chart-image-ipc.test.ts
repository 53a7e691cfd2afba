import { describe, expect, it } from 'vitest';
import { registerChartImageHandlers, type ChartImageDeps } from '../../../src/main/electron/chart-image-ipc.js';
import type { InvokeEventLike, SenderCheck } from '../../../src/main/electron/ipc.js';
import { fakeFrame, FakeIpcMain } from './fakes.js';

/* Chart images in the desktop app: the two allowlisted IPC channels, against fake clipboard and dialogs. */

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const trusted: SenderCheck = () => ({ trusted: true });
const event: InvokeEventLike = { sender: { id: 1 }, senderFrame: fakeFrame() };

const setUp = (overrides: Partial<ChartImageDeps> = {}) => {
  const ipcMain = new FakeIpcMain();
  const clipboard: Buffer[] = [];
  const written: [string, Uint8Array][] = [];
  const asked: [string, string][] = [];
  const dispose = registerChartImageHandlers({
    ipcMain,
    checkSender: trusted,
    createImageFromPng: (png) => ({ isEmpty: () => png.length < 12 }),
    writePngToClipboard: async (png) => {
      clipboard.push(png);
    },
    askSavePath: async (name, format) => {
      asked.push([name, format]);
      return `/home/me/Downloads/${name}`;
    },
    writeFile: async (path, data) => {
      written.push([path, data]);
    },
    ...overrides,
  });
  return { ipcMain, clipboard, written, asked, dispose };
};

describe('chart image IPC (desktop)', () => {
  it('copies a PNG to the clipboard and refuses what is not one', async () => {
    const { ipcMain, clipboard } = setUp();
    expect(await ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG })).toEqual({ ok: true, result: null });
    expect(clipboard.map((b) => [...b])).toEqual([[...PNG]]);
    expect(await ipcMain.invoke('pdm-desktop:copy-image', event, { data: new Uint8Array([1, 2, 3]) })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'copy image: the data is not a PNG image' },
    });
    expect(await ipcMain.invoke('pdm-desktop:copy-image', event, { data: 'aGVsbG8=' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: 'copy image: data: expected the image bytes' },
    });
    expect(clipboard).toHaveLength(1);
  });

  it('saves through the save dialog with the proposed name; a cancelled dialog writes nothing', async () => {
    const { ipcMain, written, asked } = setUp();
    const svg = new TextEncoder().encode('<svg/>');
    expect(await ipcMain.invoke('pdm-desktop:save-image', event, { name: 'pdm-trend-1.svg', data: svg })).toEqual({
      ok: true,
      result: { saved: true, path: '/home/me/Downloads/pdm-trend-1.svg' },
    });
    expect(asked).toEqual([['pdm-trend-1.svg', 'svg']]);
    expect(written).toEqual([['/home/me/Downloads/pdm-trend-1.svg', svg]]);

    const cancelled = setUp({ askSavePath: async () => null });
    expect(await cancelled.ipcMain.invoke('pdm-desktop:save-image', event, { name: 'a.png', data: PNG })).toEqual({
      ok: true,
      result: { saved: false, path: null },
    });
    expect(cancelled.written).toEqual([]);
  });

  it('refuses names that are paths, other senders, and reports a failed write with the path', async () => {
    const { ipcMain, written } = setUp({
      writeFile: async () => {
        throw new Error('EACCES: permission denied');
      },
    });
    expect(
      await ipcMain.invoke('pdm-desktop:save-image', event, { name: '../../etc/passwd.svg', data: PNG }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: expect.stringMatching(/^save image: name:/) },
    });
    expect(await ipcMain.invoke('pdm-desktop:save-image', event, { name: 'a.png', data: PNG })).toEqual({
      ok: false,
      error: {
        code: 'failed',
        message: 'could not save the chart image to /home/me/Downloads/a.png: EACCES: permission denied',
      },
    });
    expect(written).toEqual([]);
    const refusing = setUp({ checkSender: () => ({ trusted: false, reason: 'sender is not the main frame' }) });
    expect(await refusing.ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'copy image: call refused: sender is not the main frame' },
    });
    refusing.dispose();
    expect([...refusing.ipcMain.listeners.keys()]).toEqual([]);
  });
});
