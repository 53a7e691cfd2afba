import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError } from '../jobs/cancelled.js';
import { CHARTS_READY_SCRIPT, PdfPrinterMissingError, type PdfPrinter, type PdfPrintOptions } from './pdf-printer.js';

/**
 * PDF through a Chromium-family browser found on the machine (Chromium, Chrome, Edge), driven by playwright-core:
 * the CLI and browser mode print the same HTML the desktop app prints with Electron. The browser starts per
 * print, offline (every request is refused: a report is self-contained), and is closed afterwards.
 */

/** Where Chromium-family browsers are installed by default, per platform, best first. */
export const browserCandidates = (
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] => {
  switch (platform) {
    case 'win32': {
      const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter(
        (r): r is string => r !== undefined && r !== '',
      );
      return roots.flatMap((root) => [
        join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
        join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
        join(root, 'Chromium', 'Application', 'chrome.exe'),
      ]);
    }
    case 'darwin':
      return [
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
        '/Applications/Chromium.app/Contents/MacOS/Chromium',
      ];
    default:
      return [
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/usr/bin/google-chrome',
        '/usr/bin/google-chrome-stable',
        '/usr/bin/microsoft-edge',
        '/snap/bin/chromium',
      ];
  }
};

const INSTALL_HINT: Readonly<Record<string, string>> = {
  linux: 'install Chromium (Debian/Ubuntu: sudo apt install chromium) or Google Chrome',
  darwin: 'install Google Chrome or Microsoft Edge',
  win32: 'install Google Chrome or Microsoft Edge',
};

const executable = async (path: string): Promise<boolean> => {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The browser to print with: $PDM_CHROMIUM if set (it must exist), else the first standard path that does. */
export const findChromium = async (
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> => {
  const override = env['PDM_CHROMIUM'];
  if (override !== undefined && override !== '') {
    if (await executable(override)) return override;
    throw new PdfPrinterMissingError(
      `PDM_CHROMIUM is set to ${override}, but no browser is there: point it at a Chromium, Chrome or Edge executable`,
    );
  }
  const candidates = browserCandidates(platform, env);
  for (const path of candidates) if (await executable(path)) return path;
  throw new PdfPrinterMissingError(
    `PDF export needs a Chromium-family browser and none was found (looked in ${candidates.join(', ')}): ` +
      `${INSTALL_HINT[platform] ?? 'install Chromium, Chrome or Edge'}, or set PDM_CHROMIUM to its executable. ` +
      'HTML export works without one.',
  );
};

const throwIfAborted = (signal: AbortSignal | undefined) => {
  if (signal?.aborted === true) throw new CancelledError('report export cancelled');
};

export const chromiumPrinter = (executablePath: string): PdfPrinter => ({
  name: `Chromium-family browser at ${executablePath}`,
  print: async (html: string, options: PdfPrintOptions): Promise<Uint8Array> => {
    throwIfAborted(options.signal);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        '--disable-dev-shm-usage',
      ],
    });
    const onAbort = () => void browser.close().catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const page = await browser.newPage();
      // A report is self-contained: anything it would fetch is refused (and would show as missing in the PDF).
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      await page.evaluate(CHARTS_READY_SCRIPT);
      throwIfAborted(options.signal);
      const pdf = await page.pdf({
        format: options.paper === 'a4' ? 'A4' : 'Letter',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: options.headerTemplate,
        footerTemplate: options.footerTemplate,
        margin: { top: '22mm', bottom: '20mm', left: '14mm', right: '14mm' },
      });
      throwIfAborted(options.signal);
      return new Uint8Array(pdf);
    } catch (error) {
      throwIfAborted(options.signal);
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await browser.close().catch(() => undefined);
    }
  },
});

/** The default printer of the CLI and browser mode; throws PdfPrinterMissingError naming what to install. */
export const defaultPdfPrinter = async (): Promise<PdfPrinter> => chromiumPrinter(await findChromium());
