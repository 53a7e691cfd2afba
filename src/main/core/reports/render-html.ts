import { createHash } from 'node:crypto';
import { escapeHtml } from '../registry/model-card.js';
import type { Block, Cell, Figure, ReportDocument, Section } from './report-document.js';
import { renderChart, TONE_COLOURS } from './svg-charts.js';

/**
 * The one report renderer: a ReportDocument -> one self-contained HTML file (no script, no external request,
 * system fonts, charts as inline SVG), which prints well on its own (page breaks, @page A4 or Letter, table
 * headers repeated on every page through <thead>) and is what the PDF printers print.
 *
 * The report's SHA-256 is the hex SHA-256 of the UTF-8 bytes strictly between "<body>" and "</body>" of the HTML
 * file. The body holds every figure, the period and the generated-at time; the hash itself is written outside it
 * (a <meta name="pdm-report-sha256"> in the head, the PDF's footer), so anyone can recompute it from the file.
 */

export interface RenderOptions {
  readonly paper: 'a4' | 'letter';
  readonly locale: string;
}

export interface RenderedReport {
  readonly html: string;
  readonly sha256: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The body of a report's HTML, as hashed (see above); null when the text has no body. */
export const reportBody = (html: string): string | null => {
  const start = html.indexOf('<body>');
  const end = html.lastIndexOf('</body>');
  return start < 0 || end < start ? null : html.slice(start + '<body>'.length, end);
};

const STYLE = (paper: 'a4' | 'letter') => `
@page { size: ${paper === 'a4' ? 'A4' : 'Letter'}; margin: 22mm 14mm 20mm 14mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1f24; margin: 0 auto; max-width: 720px; padding: 16px; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-size: 20pt; margin: 0 0 4px; }
h2 { font-size: 13pt; margin: 18px 0 6px; border-bottom: 1px solid #ccd3da; padding-bottom: 2px; break-after: avoid; }
.meta { color: #52606d; margin: 0 0 12px; }
.notice { border: 2px solid #c62828; background: #fdecea; padding: 10px 12px; font-weight: 600; margin: 10px 0; }
.warning { color: #8a5a00; margin: 2px 0; }
.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 12px; }
.figure { border: 1px solid #d9dee3; border-left-width: 5px; padding: 6px 10px; min-width: 150px; break-inside: avoid; }
.figure .v { font-size: 15pt; font-weight: 700; }
.figure .l { font-size: 9.5pt; color: #3e4c59; }
.figure .n { font-size: 8pt; color: #7b8794; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 9.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; color: #52606d; font-size: 9pt; padding: 2px 0; }
figure { margin: 6px 0 12px; break-inside: avoid; }
figcaption { color: #52606d; font-size: 9pt; }
.formula { border: 1px solid #d9dee3; background: #f8fafc; padding: 8px 10px; margin: 8px 0; break-inside: avoid; }
.formula code { font: 9.5pt ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; }
.page-break { break-before: page; }
.appendix h1 { font-size: 14pt; }
.appendix pre { font-size: 8pt; white-space: pre-wrap; word-break: break-all; }
${(['good', 'watch', 'bad', 'none'] as const).map((t) => `.t-${t} { border-left-color: ${TONE_COLOURS[t]}; } td.t-${t} { color: ${TONE_COLOURS[t]}; font-weight: 600; }`).join('\n')}
`;

const figure = (f: Figure) =>
  // Value and label on one line: read aloud (and by pdftotext) as "5 alerts raised".
  `<div class="figure t-${f.tone ?? 'none'}"><span class="v">${escapeHtml(f.value)}</span> <span class="l">${escapeHtml(f.label)}</span>${
    f.note === undefined ? '' : `<div class="n">${escapeHtml(f.note)}</div>`
  }</div>`;

const td = (c: Cell) => {
  const classes = [c.numeric === true ? 'num' : '', c.tone === undefined ? '' : `t-${c.tone}`].filter((x) => x !== '');
  return `<td${classes.length > 0 ? ` class="${classes.join(' ')}"` : ''}>${escapeHtml(c.text)}</td>`;
};

const block = (b: Block): string => {
  switch (b.kind) {
    case 'figures':
      return `<div class="figures">${b.figures.map(figure).join('')}</div>`;
    case 'text':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      if (b.rows.length === 0) return `<p class="empty">${escapeHtml(b.empty)}</p>`;
      return (
        `<table><caption>${escapeHtml(b.caption)}</caption><thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
        `<tbody>${b.rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n')}</tbody></table>`
      );
    case 'chart':
      return `<figure>${renderChart(b.chart, b.caption)}<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
    case 'formula':
      return (
        `<div class="formula"><code>${escapeHtml(b.formula)}</code>` +
        `<div class="figures">${b.terms.map(figure).join('')}${figure({ ...b.result, tone: 'good' })}</div></div>`
      );
    case 'html':
      return `<div class="appendix">${b.html}</div>`;
  }
};

const section = (s: Section) =>
  `<section${s.pageBreak === true ? ' class="page-break"' : ''}><h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map(block).join('\n')}</section>`;

export const renderReportHtml = (doc: ReportDocument, options: RenderOptions): RenderedReport => {
  const body = [
    '',
    `<header><h1>${escapeHtml(doc.title)}</h1>`,
    `<p class="meta">${escapeHtml(doc.plant)} · period ${escapeHtml(doc.period.label)} · generated ${escapeHtml(doc.generatedAt)}</p></header>`,
    ...doc.notices.map((n) => `<p class="notice">${escapeHtml(n)}</p>`),
    ...doc.warnings.map((w) => `<p class="warning">Note: ${escapeHtml(w)}</p>`),
    `<div class="figures summary">${doc.summary.map(figure).join('')}</div>`,
    ...doc.sections.map(section),
    '',
  ].join('\n');
  const sha256 = sha256Hex(body);
  const html = `<!doctype html>
<html lang="${escapeHtml(options.locale)}" data-charts-ready="true"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="pdm-report-kind" content="${doc.kind}">
<meta name="pdm-report-sha256" content="${sha256}">
<title>${escapeHtml(doc.title)}: ${escapeHtml(doc.plant)}, ${escapeHtml(doc.period.label)}</title>
<style>${STYLE(options.paper)}</style></head>
<body>${body}</body></html>
`;
  return { html, sha256 };
};
