import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError } from '../core/jobs/cancelled.js';
import { CHARTS_READY_SCRIPT, type PdfPrinter, type PdfPrintOptions } from '../core/reports/pdf-printer.js';

/**
 * The desktop app's PDF printer: the report's HTML in a hidden, sandboxed window, printed with Electron's
 * printToPDF once the page signals "charts ready" (CHARTS_READY_SCRIPT). The same HTML and the same header and
 * footer templates as the Chromium printer of the CLI. Only the window's few methods are used, so this is
 * tested with a stand-in window (test/unit/electron/electron-pdf-printer.test.ts).
 */

/** Electron's printToPDF options as far as this printer sets them (margins in inches). */
export interface PrintToPdfOptions {
  readonly pageSize: 'A4' | 'Letter';
  readonly printBackground: boolean;
  readonly preferCSSPageSize: boolean;
  readonly displayHeaderFooter: boolean;
  readonly headerTemplate: string;
  readonly footerTemplate: string;
  readonly margins: { readonly top: number; readonly bottom: number; readonly left: number; readonly right: number };
}

/** A hidden BrowserWindow, as far as the printer uses it. */
export interface PrintWindowLike {
  loadFile(path: string): Promise<void>;
  readonly webContents: {
    executeJavaScript(code: string): Promise<unknown>;
    printToPDF(options: PrintToPdfOptions): Promise<Uint8Array>;
  };
  isDestroyed(): boolean;
  destroy(): void;
}

export interface ElectronPrinterOptions {
  /** A new hidden window: show false, sandbox and context isolation on, no node integration. */
  readonly createWindow: () => PrintWindowLike;
  /** How long the page may take to signal that its charts are ready. */
  readonly readyTimeoutMs?: number;
}

const MM_PER_INCH = 25.4;

export const electronPdfPrinter = ({ createWindow, readyTimeoutMs = 30_000 }: ElectronPrinterOptions): PdfPrinter => ({
  name: 'Electron printToPDF',
  print: async (html: string, options: PdfPrintOptions): Promise<Uint8Array> => {
    const stop = () => {
      if (options.signal?.aborted === true) throw new CancelledError('report export cancelled');
    };
    stop();
    // A file, not a data: URL: Chromium caps URLs at 2 MB and a model report with its appendix can come near.
    const dir = await mkdtemp(join(tmpdir(), 'pdm-report-'));
    const file = join(dir, 'report.html');
    const window = createWindow();
    const onAbort = () => {
      if (!window.isDestroyed()) window.destroy();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await writeFile(file, html, 'utf8');
      await window.loadFile(file);
      stop();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the report's charts did not signal ready within ${readyTimeoutMs / 1000} s`)),
          readyTimeoutMs,
        );
      });
      try {
        await Promise.race([window.webContents.executeJavaScript(CHARTS_READY_SCRIPT), timeout]);
      } finally {
        clearTimeout(timer);
      }
      stop();
      const pdf = await window.webContents.printToPDF({
        pageSize: options.paper === 'a4' ? 'A4' : 'Letter',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: options.headerTemplate,
        footerTemplate: options.footerTemplate,
        margins: { top: 22 / MM_PER_INCH, bottom: 20 / MM_PER_INCH, left: 14 / MM_PER_INCH, right: 14 / MM_PER_INCH },
      });
      stop();
      return pdf;
    } catch (error) {
      stop();
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (!window.isDestroyed()) window.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
