import { describe, expect, it } from 'vitest';
import { registerChartImageHandlers, type ChartImageDeps } from '../../../src/main/electron/chart-image-ipc.js';
import type { InvokeEventLike, SenderCheck } from '../../../src/main/electron/ipc.js';
import { fakeFrame, FakeIpcMain } from './fakes.js';

/*
 * Chart images in the desktop app: the two allowlisted IPC channels, at the Electron seam: a fake clipboard object
 * (Electron's clipboard.write) and a fake ClipboardItem class stand in for Electron's, and the test reads back the
 * bytes and text each copy wrote. Fake dialogs for saving.
 */

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const SVG =
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>Health of P-101 (rul)</title></svg>';

/** Electron's ClipboardItem as the handler uses it: MIME type to Blob or string. */
class FakeClipboardItem {
  constructor(readonly items: Record<string, string | Blob>) {}
}

/** What one clipboard.write left on the fake clipboard: per MIME type, the bytes (Blob) or the text (string). */
const readBack = async (written: FakeClipboardItem[][]) =>
  Promise.all(
    written.map((items) =>
      Promise.all(
        items.map(async (item) =>
          Object.fromEntries(
            await Promise.all(
              Object.entries(item.items).map(async ([type, value]) => [
                type,
                typeof value === 'string'
                  ? value
                  : { type: value.type, bytes: [...new Uint8Array(await value.arrayBuffer())] },
              ]),
            ),
          ),
        ),
      ),
    ),
  );
const trusted: SenderCheck = () => ({ trusted: true });
const event: InvokeEventLike = { sender: { id: 1 }, senderFrame: fakeFrame() };

const setUp = (overrides: Partial<ChartImageDeps<FakeClipboardItem>> = {}) => {
  const ipcMain = new FakeIpcMain();
  const clipboard: FakeClipboardItem[][] = [];
  const written: [string, Uint8Array][] = [];
  const asked: [string, string][] = [];
  const dispose = registerChartImageHandlers({
    ipcMain,
    checkSender: trusted,
    createImageFromPng: (png) => ({ isEmpty: () => png.length < 12 }),
    clipboard: {
      write: async (items: FakeClipboardItem[]) => {
        clipboard.push(items);
      },
    },
    ClipboardItem: FakeClipboardItem,
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
  it('copies the PNG bytes and the SVG text to the clipboard in one write, and refuses what is not an image', async () => {
    const { ipcMain, clipboard } = setUp();
    expect(await ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG, svg: SVG })).toEqual({
      ok: true,
      result: null,
    });
    expect(await readBack(clipboard)).toEqual([
      [{ 'image/png': { type: 'image/png', bytes: [...PNG] }, 'image/svg+xml': SVG }],
    ]);
    expect(
      await ipcMain.invoke('pdm-desktop:copy-image', event, { data: new Uint8Array([1, 2, 3]), svg: SVG }),
    ).toEqual({
      ok: false,
      error: { code: 'failed', message: 'copy image: the data is not a PNG image' },
    });
    expect(await ipcMain.invoke('pdm-desktop:copy-image', event, { data: 'aGVsbG8=', svg: SVG })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: 'copy image: data: expected the image bytes' },
    });
    expect(await ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG, svg: 'hello' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: 'copy image: svg: the text is not an SVG image' },
    });
    expect(await ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: 'copy image: svg: expected the SVG text' },
    });
    expect(clipboard).toHaveLength(1);
  });

  it('says the clipboard is not available where Electron gave none, and passes a failed write on in words', async () => {
    const none = setUp({ clipboard: null, ClipboardItem: null });
    expect(await none.ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG, svg: SVG })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'copy image: the clipboard is not available here' },
    });
    const busy = setUp({
      clipboard: {
        write: async () => {
          throw new Error('the clipboard is locked by another application');
        },
      },
    });
    expect(await busy.ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG, svg: SVG })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'copy image: the clipboard is locked by another application' },
    });
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
    expect(await refusing.ipcMain.invoke('pdm-desktop:copy-image', event, { data: PNG, svg: SVG })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'copy image: call refused: sender is not the main frame' },
    });
    refusing.dispose();
    expect([...refusing.ipcMain.listeners.keys()]).toEqual([]);
  });
});
