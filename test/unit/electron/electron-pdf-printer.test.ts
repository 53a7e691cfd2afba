import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/main/core/jobs/cancelled.js';
import { CHARTS_READY_SCRIPT, headerFooter } from '../../../src/main/core/reports/pdf-printer.js';
import {
  electronPdfPrinter,
  type PrintToPdfOptions,
  type PrintWindowLike,
} from '../../../src/main/electron/electron-pdf-printer.js';

/** A stand-in for the hidden BrowserWindow: records what the printer did, in order. */
const stubWindow = (behaviour: { ready?: Promise<unknown>; pdf?: Uint8Array } = {}) => {
  const steps: string[] = [];
  let loaded: { path: string; html: string } | null = null;
  let printed: PrintToPdfOptions | null = null;
  let destroyed = false;
  const window: PrintWindowLike = {
    loadFile: async (path) => {
      loaded = { path, html: readFileSync(path, 'utf8') };
      steps.push('load');
    },
    webContents: {
      executeJavaScript: async (code) => {
        steps.push(code === CHARTS_READY_SCRIPT ? 'wait for charts ready' : 'other script');
        return behaviour.ready ?? true;
      },
      printToPDF: async (options) => {
        printed = options;
        steps.push('print');
        return behaviour.pdf ?? new Uint8Array([37, 80, 68, 70]);
      },
    },
    isDestroyed: () => destroyed,
    destroy: () => {
      destroyed = true;
      steps.push('destroy');
    },
  };
  return {
    window,
    steps,
    loaded: () => loaded,
    printed: () => printed,
    destroyed: () => destroyed,
  };
};

const templates = headerFooter({
  plant: 'Riverside',
  title: 'Fleet health',
  period: '2026-01-01 – 2026-03-31 (UTC)',
  generatedAt: '2026-04-01 08:00:00 UTC',
  sha256: 'ab'.repeat(32),
});

describe('Electron PDF printer (printToPDF of a hidden window), at its seam', () => {
  it('loads the HTML from a file, waits for the charts-ready signal, then prints with the page size, header and footer', async () => {
    const stub = stubWindow();
    const pdf = await electronPdfPrinter({ createWindow: () => stub.window }).print('<html><body>x</body></html>', {
      paper: 'letter',
      ...templates,
    });
    expect([...pdf]).toEqual([37, 80, 68, 70]);
    expect(stub.steps).toEqual(['load', 'wait for charts ready', 'print', 'destroy']);
    expect(stub.loaded()?.html).toBe('<html><body>x</body></html>');
    expect(existsSync(stub.loaded()?.path ?? '')).toBe(false);
    const options = stub.printed();
    expect(options).toMatchObject({ pageSize: 'Letter', displayHeaderFooter: true, printBackground: true });
    expect(options?.footerTemplate).toContain('ab'.repeat(32));
    expect(options?.footerTemplate).toContain('<span class="pageNumber"></span> of <span class="totalPages"></span>');
    expect(options?.headerTemplate).toContain('Riverside · Fleet health · 2026-01-01 – 2026-03-31 (UTC)');
    expect(options?.margins.top).toBeCloseTo(22 / 25.4, 6);
  });

  it('gives up with a clear message when the page never signals ready, and closes the window', async () => {
    const stub = stubWindow({ ready: new Promise(() => undefined) });
    await expect(
      electronPdfPrinter({ createWindow: () => stub.window, readyTimeoutMs: 50 }).print('<html></html>', {
        paper: 'a4',
        ...templates,
      }),
    ).rejects.toThrow("the report's charts did not signal ready within 0.05 s");
    expect(stub.steps).not.toContain('print');
    expect(stub.destroyed()).toBe(true);
  });

  it('a cancelled export destroys the window and ends as cancelled, printing nothing', async () => {
    const abort = new AbortController();
    let release: (v: unknown) => void = () => undefined;
    const stub = stubWindow({ ready: new Promise((r) => (release = r)) });
    const printing = electronPdfPrinter({ createWindow: () => stub.window }).print('<html></html>', {
      paper: 'a4',
      ...templates,
      signal: abort.signal,
    });
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    release(true);
    await expect(printing).rejects.toBeInstanceOf(CancelledError);
    expect(stub.steps).not.toContain('print');
    expect(stub.destroyed()).toBe(true);
  });
});
