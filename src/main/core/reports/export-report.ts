import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { paperFor, REPORT_TITLES, type ReportRequest, type ReportResult } from '../../../shared/reports.js';
import { CancelledError } from '../jobs/cancelled.js';
import { ManifestSchema } from '../../../shared/registry-manifest.js';
import { renderModelCard } from '../registry/model-card.js';
import { openRegistry } from '../registry/open-registry.js';
import type { Registry } from '../registry/registry-types.js';
import { recordReportExport } from '../workspace/report-store.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ModelSource } from './model-report.js';
import { renderOffThread } from './render-client.js';
import { countPdfPages, headerFooter, type PdfPrinter } from './pdf-printer.js';
import { readReportData, type ReportData } from './report-data.js';
import { reportBody } from './render-html.js';

/**
 * One export: read the workspace's snapshot, assemble the report, render the HTML, print it to PDF when asked,
 * write the file (aside, then rename: a reader never sees half a report) and record it in the workspace's audit
 * of exported reports (report_exports: kind, parameters, SHA-256, path, pages, who).
 */

export interface ExportControl {
  readonly progress: (fraction: number | null, message: string) => void;
  readonly signal?: AbortSignal;
}

export interface ExportDeps {
  readonly workspace: Workspace;
  /** Resolved only for PDF, so HTML export works on a machine without a browser. */
  readonly printer: () => Promise<PdfPrinter>;
  readonly actor: string;
  /** Opens a deployment's registry for the model report (default: openRegistry). */
  readonly registry?: (location: string) => Promise<Registry>;
  /** The machine's locale when the request names none. */
  readonly defaultLocale?: string;
  /** For tests and reproducible benches: the generated-at time. */
  readonly now?: () => Date;
}

const writeAside = async (file: string, content: string | Uint8Array): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    await writeFile(partial, content);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
};

const modelSource = async (data: ReportData, deps: ExportDeps): Promise<ModelSource> => {
  const deployment = data.deployments[0];
  if (deployment === undefined) return { manifest: null, cardBody: null, problem: 'no deployment to report on' };
  if (deployment.currentVersion === null) {
    return {
      manifest: null,
      cardBody: null,
      problem: `deployment ${deployment.id} has no confirmed model version yet`,
    };
  }
  try {
    const registry = await (deps.registry ?? ((location: string) => openRegistry(location)))(deployment.registry);
    const detail = await registry.show(deployment.model.name, deployment.currentVersion);
    const manifest = ManifestSchema.parse(detail.manifest);
    const card = renderModelCard(manifest, new Map(detail.files.map((f) => [f.name, f.sha256])));
    return { manifest, cardBody: reportBody(card), problem: null };
  } catch (error) {
    return {
      manifest: null,
      cardBody: null,
      problem: `the registry ${deployment.registry} could not be read (${error instanceof Error ? error.message : String(error)}): model details, approvals and the engineer's card are missing`,
    };
  }
};

const chooseDeployment = async (deps: ExportDeps, request: ReportRequest): Promise<string | undefined> => {
  if (request.deploymentId !== undefined || request.kind !== 'model') return request.deploymentId;
  const champions = await deps.workspace.monitoringRead(async (db) =>
    (
      await db.all<{ id: string }>(
        `SELECT id FROM deployments WHERE role = 'champion' AND status <> 'retired' ORDER BY created_at, id`,
      )
    ).map((r) => r.id),
  );
  if (champions.length === 1) return champions[0];
  throw new Error(
    champions.length === 0
      ? 'the model report needs a deployment and this workspace has none'
      : `the model report is per deployment: name one with --deployment (${champions.join(', ')})`,
  );
};

export const exportReport = async (
  deps: ExportDeps,
  request: ReportRequest,
  control: ExportControl = { progress: () => undefined },
): Promise<ReportResult> => {
  const check = () => {
    if (control.signal?.aborted === true) throw new CancelledError('report export cancelled: no file was written');
  };
  const locale = request.locale ?? deps.defaultLocale ?? Intl.DateTimeFormat().resolvedOptions().locale;
  const paper = paperFor(request.paper, locale);
  const generatedAt = (deps.now?.() ?? new Date()).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
  const plant = request.plant ?? basename(deps.workspace.path);
  control.progress(0.05, 'reading the workspace');
  const deploymentId = await chooseDeployment(deps, request);
  const data = await deps.workspace.monitoringRead((db) =>
    readReportData(db, {
      deploymentId,
      from: request.from,
      to: request.to,
      plant,
      workspacePath: deps.workspace.path,
    }),
  );
  check();
  control.progress(0.2, `assembling: ${REPORT_TITLES[request.kind]}`);
  const model = request.kind === 'model' ? await modelSource(data, deps) : null;
  check();
  const doc = await renderOffThread({ kind: request.kind, data, model, generatedAt, locale, paper }, control.signal);
  const { html, sha256 } = doc;
  check();
  let pages: number | null = null;
  if (request.format === 'pdf') {
    const printer = await deps.printer();
    control.progress(0.35, `printing to PDF with ${printer.name}`);
    const pdf = await printer.print(html, {
      paper,
      ...headerFooter({ plant, title: doc.title, period: data.period.label, generatedAt, sha256 }),
      ...(control.signal === undefined ? {} : { signal: control.signal }),
    });
    check();
    pages = countPdfPages(pdf);
    await writeAside(request.out, pdf);
  } else {
    await writeAside(request.out, html);
  }
  control.progress(0.95, 'recording the export');
  const parameters = {
    kind: request.kind,
    deploymentId: deploymentId ?? null,
    from: data.period.from,
    to: data.period.to,
    format: request.format,
    paper,
    locale,
    plant,
    generatedAt,
  };
  await deps.workspace.monitoring((db) =>
    recordReportExport(db, {
      kind: request.kind,
      parameters,
      sha256,
      path: request.out,
      format: request.format,
      pages,
      who: deps.actor,
    }),
  );
  return {
    kind: request.kind,
    format: request.format,
    path: request.out,
    pages,
    sha256,
    period: data.period,
    warnings: [...doc.notices, ...doc.warnings],
  };
};
