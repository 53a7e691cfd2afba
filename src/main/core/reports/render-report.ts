import type { ReportKind } from '../../../shared/reports.js';
import { alertReport } from './alert-report.js';
import { fleetReport } from './fleet-report.js';
import { modelReport, type ModelSource } from './model-report.js';
import type { ReportData } from './report-data.js';
import type { ReportDocument } from './report-document.js';
import { renderReportHtml } from './render-html.js';
import { valueReport } from './value-report.js';

/** Everything one report is made from: the workspace's snapshot, and the registry's package for the model report. */
export interface RenderInput {
  readonly kind: ReportKind;
  readonly data: ReportData;
  readonly model: ModelSource | null;
  readonly generatedAt: string;
  readonly locale: string;
  readonly paper: 'a4' | 'letter';
}

export interface RenderOutput {
  readonly html: string;
  readonly sha256: string;
  readonly title: string;
  readonly notices: readonly string[];
  readonly warnings: readonly string[];
}

const assemble = (input: RenderInput): ReportDocument => {
  const options = { generatedAt: input.generatedAt, locale: input.locale };
  switch (input.kind) {
    case 'fleet':
      return fleetReport(input.data, options);
    case 'alerts':
      return alertReport(input.data, options);
    case 'model':
      return modelReport(input.data, input.model ?? { manifest: null, cardBody: null, problem: null }, options);
    case 'value':
      return valueReport(input.data, options);
  }
};

/** Assemble and render one report: a pure function of its input (render-worker.ts runs it off the main thread). */
export const renderReport = (input: RenderInput): RenderOutput => {
  const doc = assemble(input);
  const { html, sha256 } = renderReportHtml(doc, { paper: input.paper, locale: input.locale });
  return { html, sha256, title: doc.title, notices: doc.notices, warnings: doc.warnings };
};
