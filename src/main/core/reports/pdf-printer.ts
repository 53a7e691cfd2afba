import { escapeHtml } from '../registry/model-card.js';

/**
 * The seam between the report renderer and whatever prints its HTML to PDF: a Chromium-family browser driven by
 * playwright-core (CLI, browser mode; chromium-printer.ts) or, in the desktop app, Electron's printToPDF of a
 * hidden window (src/main/electron/electron-pdf-printer.ts). Both print the same HTML with the same header and
 * footer, and both wait for the report's explicit "charts ready" signal before printing.
 */

export interface PdfPrintOptions {
  readonly paper: 'a4' | 'letter';
  /** Chromium header/footer templates (pageNumber / totalPages spans are filled in by the printer). */
  readonly headerTemplate: string;
  readonly footerTemplate: string;
  /** Aborting stops the print (the job's Cancel). */
  readonly signal?: AbortSignal;
}

export interface PdfPrinter {
  /** What prints, for messages and the export's record: "Chromium at /usr/bin/chromium", "Electron". */
  readonly name: string;
  print(html: string, options: PdfPrintOptions): Promise<Uint8Array>;
}

/** The attribute the report's <html> carries once its charts are drawn (they are inline SVG: at once). */
export const CHARTS_READY_ATTRIBUTE = 'data-charts-ready';
/** A script for the page: resolves when the charts are ready and the fonts are loaded. */
export const CHARTS_READY_SCRIPT = `new Promise((resolve) => {
  const ready = () => document.documentElement.getAttribute('${CHARTS_READY_ATTRIBUTE}') === 'true';
  const check = () => (ready() ? document.fonts.ready.then(() => resolve(true)) : setTimeout(check, 20));
  check();
})`;

export interface HeaderFooter {
  readonly plant: string;
  readonly title: string;
  readonly period: string;
  readonly generatedAt: string;
  readonly sha256: string;
}

/**
 * Header: plant or workspace name, report title and period, generated-at. Footer: page x of y and the report's
 * SHA-256 (hash of the HTML body, render-html.ts). Chromium renders these at font-size 0 unless told otherwise.
 */
export const headerFooter = (h: HeaderFooter): { headerTemplate: string; footerTemplate: string } => {
  const style =
    'font-size:8px;font-family:system-ui,sans-serif;color:#52606d;width:100%;padding:0 14mm;display:flex;justify-content:space-between';
  return {
    headerTemplate: `<div style="${style}"><span>${escapeHtml(h.plant)} · ${escapeHtml(h.title)} · ${escapeHtml(h.period)}</span><span>generated ${escapeHtml(h.generatedAt)}</span></div>`,
    footerTemplate: `<div style="${style}"><span>SHA-256 ${escapeHtml(h.sha256)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
  };
};

/** Pages of a PDF as Chromium and Electron write it (page objects are not inside compressed object streams). */
export const countPdfPages = (pdf: Uint8Array): number => {
  const text = Buffer.from(pdf).toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  if (pages > 0) return pages;
  const counts = [...text.matchAll(/\/Count\s+(\d+)/g)].map((m) => Number(m[1]));
  return counts.length > 0 ? Math.max(...counts) : 0;
};

export class PdfPrinterMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfPrinterMissingError';
  }
}
