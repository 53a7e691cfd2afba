import { z } from 'zod';
import type { DispatchResult } from '../core/app/dispatch.js';
import { COPY_IMAGE_CHANNEL, SAVE_IMAGE_CHANNEL } from './channels.js';
import type { IpcLog, IpcMainLike, SenderCheck } from './ipc.js';

/*
 * Chart images in the desktop app: copy the chart to the clipboard (Electron 45's clipboard.write with one
 * ClipboardItem carrying the PNG and the SVG source, so office documents paste the picture and drawing tools the
 * vector; the older clipboard.writeImage is gone from it) and save an exported file through the native save dialog.
 * Two IPC channels the preload allowlists, checked like the API's (sender, then arguments); the clipboard and its
 * ClipboardItem class are passed in, so the unit tests hand in a fake clipboard and read what was written.
 */

/** A chart image is a few hundred kB; anything near this is not one. */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const Bytes = z
  .instanceof(Uint8Array, { message: 'expected the image bytes' })
  .refine((b) => b.length > 0 && b.length <= MAX_IMAGE_BYTES, `an image of 1 byte to ${MAX_IMAGE_BYTES} bytes`);
/** The same drawing as SVG text (serialiseChart): a chart's SVG is tens of kB. */
const SvgText = z
  .string({ message: 'expected the SVG text' })
  .max(MAX_IMAGE_BYTES, `SVG text of at most ${MAX_IMAGE_BYTES} characters`)
  .refine((t) => /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(t), 'the text is not an SVG image');
const CopyRequest = z.object({ data: Bytes, svg: SvgText });
/** The renderer proposes a file name (chartFileName); the user picks the folder and may change it. */
const SaveRequest = z.object({
  name: z.string().regex(/^[\w.-]{1,120}\.(svg|png)$/, 'a plain .svg or .png file name'),
  data: Bytes,
});

export interface NativeImageLike {
  isEmpty(): boolean;
}

/** Electron's clipboard as this file uses it (clipboard.write of ClipboardItems). */
export interface ClipboardLike<Item> {
  write(items: Item[]): Promise<void>;
}
/** Electron's ClipboardItem class: MIME type to payload (a Blob, or a string written as UTF-8). */
export type ClipboardItemClass<Item> = new (items: Record<string, string | Blob>) => Item;

/** The MIME types one copy writes, in one ClipboardItem (one atomic clipboard write). */
export const COPY_PNG_TYPE = 'image/png';
export const COPY_SVG_TYPE = 'image/svg+xml';

export interface ChartImageDeps<Item = unknown> {
  readonly ipcMain: IpcMainLike;
  readonly checkSender: SenderCheck;
  /** Decodes the PNG (nativeImage): an image that does not decode is refused before it reaches the clipboard. */
  readonly createImageFromPng: (png: Buffer) => NativeImageLike;
  /** null where Electron has none (tests of other parts): "Copy image" answers that the clipboard is not available. */
  readonly clipboard: ClipboardLike<Item> | null;
  readonly ClipboardItem: ClipboardItemClass<Item> | null;
  /** The native save dialog, opened on the app window; resolves to the chosen path or null when cancelled. */
  readonly askSavePath: (defaultName: string, format: 'svg' | 'png') => Promise<string | null>;
  readonly writeFile: (path: string, data: Uint8Array) => Promise<void>;
  readonly log?: IpcLog;
}

const isPng = (data: Uint8Array): boolean => PNG_SIGNATURE.every((byte, i) => data[i] === byte);

const failed = (message: string): DispatchResult => ({ ok: false, error: { code: 'failed', message } });
const invalid = (what: string, error: z.ZodError): DispatchResult => {
  const issue = error.issues[0];
  const where = issue !== undefined && issue.path.length > 0 ? issue.path.join('.') : 'arguments';
  return {
    ok: false,
    error: { code: 'invalid-argument', message: `${what}: ${where}: ${issue?.message ?? 'invalid'}` },
  };
};

/** Register the two channels; returns a function that removes them again. */
export const registerChartImageHandlers = <Item>(deps: ChartImageDeps<Item>): (() => void) => {
  const { ipcMain, checkSender, log } = deps;

  ipcMain.handle(COPY_IMAGE_CHANNEL, async (event, ...args) => {
    const verdict = checkSender(event);
    if (!verdict.trusted) {
      log?.warn(`copy image: call refused (${verdict.reason})`);
      return failed(`copy image: call refused: ${verdict.reason}`);
    }
    const request = CopyRequest.safeParse(args[0]);
    if (!request.success) return invalid('copy image', request.error);
    if (!isPng(request.data.data)) return failed('copy image: the data is not a PNG image');
    const { clipboard, ClipboardItem: Item } = deps;
    if (clipboard === null || Item === null) return failed('copy image: the clipboard is not available here');
    try {
      const png = Buffer.from(request.data.data);
      if (deps.createImageFromPng(png).isEmpty()) return failed('copy image: the PNG could not be read');
      await clipboard.write([
        new Item({
          [COPY_PNG_TYPE]: new Blob([new Uint8Array(png)], { type: COPY_PNG_TYPE }),
          [COPY_SVG_TYPE]: request.data.svg,
        }),
      ]);
    } catch (error) {
      return failed(`copy image: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { ok: true, result: null } satisfies DispatchResult;
  });

  ipcMain.handle(SAVE_IMAGE_CHANNEL, async (event, ...args) => {
    const verdict = checkSender(event);
    if (!verdict.trusted) {
      log?.warn(`save image: call refused (${verdict.reason})`);
      return failed(`save image: call refused: ${verdict.reason}`);
    }
    const request = SaveRequest.safeParse(args[0]);
    if (!request.success) return invalid('save image', request.error);
    const { name, data } = request.data;
    const format = name.endsWith('.png') ? 'png' : 'svg';
    if (format === 'png' && !isPng(data)) return failed('save image: the data is not a PNG image');
    const path = await deps.askSavePath(name, format);
    if (path === null) return { ok: true, result: { saved: false, path: null } } satisfies DispatchResult;
    try {
      await deps.writeFile(path, data);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log?.error(`save image ${path}: ${message}`);
      return failed(`could not save the chart image to ${path}: ${message}`);
    }
    return { ok: true, result: { saved: true, path } } satisfies DispatchResult;
  });

  return () => {
    ipcMain.removeHandler(COPY_IMAGE_CHANNEL);
    ipcMain.removeHandler(SAVE_IMAGE_CHANNEL);
  };
};
