import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { ApiError, type ApiEvent, type ApiHandlers } from '../../../shared/api.js';
import type { ReportResult } from '../../../shared/reports.js';
import type { Jobs } from '../jobs/job-registry.js';
import { defaultPdfPrinter } from '../reports/chromium-printer.js';
import { exportReport } from '../reports/export-report.js';
import type { PdfPrinter } from '../reports/pdf-printer.js';
import { osUser } from '../registry/open-registry.js';
import {
  listAssetCriticality,
  listReportExports,
  readRoiAssumptions,
  saveRoiAssumptions,
  setAssetCriticality,
} from '../workspace/report-store.js';
import type { Workspace } from '../workspace/workspace.js';

export type ReportMethod =
  | 'startReport'
  | 'listReportExports'
  | 'readReportExport'
  | 'listAssetCriticality'
  | 'setAssetCriticality'
  | 'getRoiAssumptions'
  | 'setRoiAssumptions';

/** A report is a few MB at most (inline SVG charts); anything far above is not one of ours to send to a page. */
export const MAX_REPORT_DOWNLOAD_BYTES = 64 * 1024 * 1024;

export interface ReportDeps {
  readonly requireWorkspace: () => Workspace;
  readonly jobs: Jobs;
  readonly emit: (event: ApiEvent) => void;
  /** The PDF printer: Electron's printToPDF in the desktop app, else a Chromium-family browser on the machine. */
  readonly pdfPrinter?: (() => Promise<PdfPrinter>) | undefined;
  /** Who exports and who sets criticality; default the OS user (as in the monitoring audit). */
  readonly actor?: () => string;
}

/**
 * Reports over the API: an export runs as a 'report' job (progress, Cancel; a cancelled export writes no file),
 * and the engineer's inputs to the reports (asset criticality, ROI assumptions) are read and set here.
 */
export const reportHandlers = ({
  requireWorkspace,
  jobs,
  emit,
  pdfPrinter = defaultPdfPrinter,
  actor = osUser,
}: ReportDeps): Pick<ApiHandlers, ReportMethod> => ({
  startReport: async (request) => {
    if (!isAbsolute(request.out)) {
      throw new ApiError(
        'invalid-argument',
        `startReport: out: the report file must be an absolute path, not "${request.out}"`,
      );
    }
    const workspace = requireWorkspace();
    if (request.deploymentId !== undefined) {
      const id = request.deploymentId;
      const found = await workspace.monitoringRead((db) => db.all('SELECT 1 FROM deployments WHERE id = $1', [id]));
      if (found.length === 0) throw new ApiError('not-found', `no deployment "${id}" in this workspace`);
    }
    const jobId = jobs.start<ReportResult>(
      'report',
      async (control) => {
        const result = await exportReport({ workspace, printer: pdfPrinter, actor: actor() }, request, control);
        emit({ type: 'workspace-changed' });
        return result;
      },
      (result) => ({ report: result }),
    );
    return { jobId };
  },
  listReportExports: async () => requireWorkspace().monitoringRead((db) => listReportExports(db)),
  readReportExport: async ({ id }) => {
    const exports = await requireWorkspace().monitoringRead((db) => listReportExports(db));
    const found = exports.find((e) => e.id === id);
    if (found === undefined) throw new ApiError('not-found', `no exported report #${id} in this workspace`);
    try {
      const size = (await stat(found.path)).size;
      if (size > MAX_REPORT_DOWNLOAD_BYTES) {
        throw new ApiError('failed', `${found.path}: ${size} bytes is too large to download through the page`);
      }
      const data = await readFile(found.path);
      return {
        name: basename(found.path),
        format: found.format,
        bytes: data.length,
        dataBase64: data.toString('base64'),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ApiError('not-found', `${found.path}: the exported report is no longer there (moved or deleted)`);
      }
      throw error;
    }
  },
  listAssetCriticality: async () => requireWorkspace().monitoringRead((db) => listAssetCriticality(db)),
  setAssetCriticality: async ({ asset, criticality, assetClass }) => {
    try {
      return await requireWorkspace().monitoring((db) =>
        setAssetCriticality(db, { asset, criticality, assetClass: assetClass ?? null }, actor()),
      );
    } catch (error) {
      if (error instanceof Error && /^no asset /.test(error.message)) throw new ApiError('not-found', error.message);
      throw error;
    }
  },
  getRoiAssumptions: async () => requireWorkspace().monitoringRead((db) => readRoiAssumptions(db)),
  setRoiAssumptions: async (assumptions) => requireWorkspace().monitoring((db) => saveRoiAssumptions(db, assumptions)),
});
