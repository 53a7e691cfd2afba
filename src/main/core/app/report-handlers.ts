import { isAbsolute } from 'node:path';
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
  | 'listAssetCriticality'
  | 'setAssetCriticality'
  | 'getRoiAssumptions'
  | 'setRoiAssumptions';

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
