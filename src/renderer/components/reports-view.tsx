import { useCallback, useEffect, useState } from 'react';
import type { Deployment } from '../../shared/monitoring.js';
import {
  REPORT_KINDS,
  REPORT_TITLES,
  type AssetCriticality,
  type PaperSize,
  type ReportExport,
  type ReportKind,
  type ReportResult,
  type RoiAssumptions,
} from '../../shared/reports.js';
import { useApiEvents, usePathPicker, useServices } from '../hooks/services.js';
import { useJob } from '../hooks/use-job.js';
import { desktopImageBridge } from '../desktop-bridge.js';
import { downloadFile } from './chart-image.js';
import { dayToMicros, defaultReportName, folderOf, isAbsolutePath } from '../logic/report-form.js';
import '../reports.css';

/** Export one report: kind, deployment, period (UTC days), format, paper, file; shows the result. */
function ExportPanel({ deployments, onExported }: { deployments: readonly Deployment[]; onExported: () => void }) {
  const { api, reportError } = useServices();
  const picker = usePathPicker();
  const job = useJob();
  const [kind, setKind] = useState<ReportKind>('fleet');
  const [deploymentId, setDeploymentId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [format, setFormat] = useState<'html' | 'pdf'>('pdf');
  const [paper, setPaper] = useState<PaperSize>('auto');
  const [out, setOut] = useState('');
  const [result, setResult] = useState<ReportResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const running = job.view.status === 'starting' || job.view.status === 'running';

  // The job view carries no report: read it from the finished job.
  const jobId = job.view.jobId;
  const done = job.view.status === 'done';
  useEffect(() => {
    if (!done || jobId === null) return;
    api.getJob({ jobId }).then((state) => {
      setResult(state.report ?? null);
      onExported();
    }, reportError);
  }, [api, done, jobId, onExported, reportError]);

  const exportNow = () => {
    setProblem(null);
    setResult(null);
    const path = out.trim();
    if (!isAbsolutePath(path)) {
      setProblem('Give the report file as a full path, e.g. /home/me/reports/fleet.pdf.');
      return;
    }
    const fromUs = from === '' ? undefined : dayToMicros(from);
    const toUs = to === '' ? undefined : dayToMicros(to, true);
    if (fromUs === null || toUs === null) {
      setProblem('The period needs valid days (YYYY-MM-DD).');
      return;
    }
    job
      .launch(() =>
        api.startReport({
          kind,
          format,
          paper,
          out: path,
          locale: navigator.language,
          ...(deploymentId === '' ? {} : { deploymentId }),
          ...(fromUs === undefined ? {} : { from: fromUs }),
          ...(toUs === undefined ? {} : { to: toUs }),
        }),
      )
      .catch(reportError);
  };

  const browse = async () => {
    const path = await picker.browse('save-file', 'Save the report as');
    if (path !== null) setOut(path);
  };

  const renameFor = (nextKind: ReportKind, nextFormat: 'html' | 'pdf') => {
    if (out.trim() === '') return;
    setOut(`${folderOf(out.trim())}${defaultReportName(nextKind, from, to, nextFormat)}`);
  };

  return (
    <section className="panel" aria-label="Export a report">
      <div className="panel-title">
        <h2>Export a report</h2>
      </div>
      <div className="report-form">
        <label>
          Report
          <select
            value={kind}
            onChange={(e) => {
              const next = e.target.value as ReportKind;
              setKind(next);
              renameFor(next, format);
            }}
            data-testid="report-kind"
          >
            {REPORT_KINDS.map((k) => (
              <option key={k} value={k}>
                {REPORT_TITLES[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Deployment
          <select
            value={deploymentId}
            onChange={(e) => setDeploymentId(e.target.value)}
            data-testid="report-deployment"
          >
            <option value="">{kind === 'model' ? 'the only one' : 'all champions'}</option>
            {deployments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.id} · {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          From (UTC day)
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="report-from" />
        </label>
        <label>
          To (UTC day)
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="report-to" />
        </label>
        <label>
          Format
          <select
            value={format}
            onChange={(e) => {
              const next = e.target.value as 'html' | 'pdf';
              setFormat(next);
              renameFor(kind, next);
            }}
            data-testid="report-format"
          >
            <option value="pdf">PDF</option>
            <option value="html">HTML</option>
          </select>
        </label>
        <label>
          Paper
          <select value={paper} onChange={(e) => setPaper(e.target.value as PaperSize)} data-testid="report-paper">
            <option value="auto">by locale</option>
            <option value="a4">A4</option>
            <option value="letter">Letter</option>
          </select>
        </label>
        <label className="wide">
          File
          <input
            type="text"
            value={out}
            placeholder={`/full/path/${defaultReportName(kind, from, to, format)}`}
            onChange={(e) => setOut(e.target.value)}
            data-testid="report-out"
          />
        </label>
        {picker.canBrowse ? (
          <button type="button" onClick={() => void browse()} data-testid="report-browse">
            Browse…
          </button>
        ) : null}
        <button type="button" className="primary" disabled={running} onClick={exportNow} data-testid="report-export">
          Export
        </button>
        {running ? (
          <button type="button" onClick={() => void job.cancel()} data-testid="report-cancel">
            Cancel
          </button>
        ) : null}
      </div>
      {problem === null ? null : (
        <p className="error small" role="alert" data-testid="report-problem">
          {problem}
        </p>
      )}
      {running ? (
        <div className="job-progress">
          <progress max={1} value={job.view.fraction ?? undefined} aria-label="Report progress" />
          <span className="muted small">{job.view.message}</span>
        </div>
      ) : null}
      {job.view.status === 'failed' ? (
        <p className="error small" role="alert" data-testid="report-failed">
          {job.view.error}
        </p>
      ) : null}
      {job.view.status === 'cancelled' ? <p className="muted small">Cancelled: no file was written.</p> : null}
      {result === null ? null : (
        <dl className="report-result" data-testid="report-result">
          <dt>File</dt>
          <dd className="mono" data-testid="report-result-path">
            {result.path}
          </dd>
          <dt>Pages</dt>
          <dd data-testid="report-result-pages">{result.pages ?? '— (HTML)'}</dd>
          <dt>Period</dt>
          <dd>{result.period.label}</dd>
          <dt>SHA-256</dt>
          <dd className="mono" data-testid="report-result-sha256">
            {result.sha256}
          </dd>
          {result.warnings.length === 0 ? null : (
            <>
              <dt>Notes</dt>
              <dd>
                <ul data-testid="report-result-warnings">
                  {result.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

/** Criticality (1..5) and asset class per asset: the fleet report's risk ranking and the value report's costs. */
function CriticalityPanel() {
  const { api, reportError } = useServices();
  const [rows, setRows] = useState<readonly AssetCriticality[]>([]);
  const [drafts, setDrafts] = useState<Readonly<Record<string, { level: string; cls: string }>>>({});
  const load = useCallback(() => {
    api.listAssetCriticality({}).then(setRows, reportError);
  }, [api, reportError]);
  useEffect(load, [load]);
  useApiEvents((e) => {
    if (e.type === 'workspace-changed') load();
  });
  const draft = (r: AssetCriticality) => drafts[r.asset] ?? { level: String(r.criticality), cls: r.assetClass ?? '' };
  const save = (r: AssetCriticality) => {
    const d = draft(r);
    api
      .setAssetCriticality({
        asset: r.asset,
        criticality: Number(d.level),
        assetClass: d.cls.trim() === '' ? null : d.cls.trim(),
      })
      .then(() => {
        setDrafts(({ [r.asset]: _, ...rest }) => rest);
        load();
      }, reportError);
  };
  return (
    <section className="panel" aria-label="Asset criticality">
      <div className="panel-title">
        <h2>Asset criticality</h2>
        <span className="muted small">1: a spare takes over … 5: stops the plant. Unset assets count as 3.</span>
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th>asset</th>
            <th>criticality</th>
            <th>asset class</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const d = draft(r);
            return (
              <tr key={r.asset} data-testid="criticality-row">
                <td>{r.asset}</td>
                <td>
                  <select
                    value={d.level}
                    aria-label={`criticality of ${r.asset}`}
                    onChange={(e) => setDrafts((all) => ({ ...all, [r.asset]: { ...d, level: e.target.value } }))}
                    data-testid="criticality-level"
                  >
                    {[1, 2, 3, 4, 5].map((n) => (
                      <option key={n} value={String(n)}>
                        {n}
                        {!r.set && n === r.criticality ? ' (default)' : ''}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    type="text"
                    value={d.cls}
                    aria-label={`asset class of ${r.asset}`}
                    onChange={(e) => setDrafts((all) => ({ ...all, [r.asset]: { ...d, cls: e.target.value } }))}
                    data-testid="criticality-class"
                  />
                </td>
                <td>
                  <button
                    type="button"
                    disabled={drafts[r.asset] === undefined}
                    onClick={() => save(r)}
                    data-testid="criticality-save"
                  >
                    Save
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

const NUMBER_FIELDS = [
  ['unplannedOutageHours', 'Mean unplanned outage (h)'],
  ['plannedOutageHours', 'Mean planned outage (h)'],
  ['unplannedRepairCost', 'Unplanned repair cost'],
  ['plannedRepairCost', 'Planned repair cost'],
] as const;

/** The value report's assumptions, every one editable; the report prints them beside its figure. */
function RoiPanel() {
  const { api, reportError } = useServices();
  const [stored, setStored] = useState<RoiAssumptions | null>(null);
  const [text, setText] = useState<Readonly<Record<string, string>>>({});
  useEffect(() => {
    api.getRoiAssumptions({}).then(setStored, reportError);
  }, [api, reportError]);
  if (stored === null) return null;
  const field = (key: string, value: string | number) => text[key] ?? String(value);
  const classes = field(
    'byClass',
    Object.entries(stored.downtimeCostPerHour.byClass)
      .map(([c, v]) => `${c}=${v}`)
      .join('; '),
  );
  const save = () => {
    const byClass: Record<string, number> = {};
    for (const part of classes.split(';')) {
      const [name, value] = part.split('=');
      if (name === undefined || name.trim() === '' || value === undefined) continue;
      byClass[name.trim()] = Number(value);
    }
    api
      .setRoiAssumptions({
        currency: field('currency', stored.currency),
        downtimeCostPerHour: { default: Number(field('default', stored.downtimeCostPerHour.default)), byClass },
        ...Object.fromEntries(NUMBER_FIELDS.map(([key]) => [key, Number(field(key, stored[key]))])),
      } as RoiAssumptions)
      .then((next) => {
        setStored(next);
        setText({});
      }, reportError);
  };
  return (
    <section className="panel" aria-label="Value assumptions">
      <div className="panel-title">
        <h2>Value (ROI) assumptions</h2>
        <span className="muted small">Only confirmed alerts with a lead time count.</span>
      </div>
      <div className="report-form">
        <label>
          Currency
          <input
            type="text"
            value={field('currency', stored.currency)}
            onChange={(e) => setText((t) => ({ ...t, currency: e.target.value }))}
            data-testid="roi-currency"
          />
        </label>
        <label>
          Downtime cost per hour
          <input
            type="number"
            min={0}
            value={field('default', stored.downtimeCostPerHour.default)}
            onChange={(e) => setText((t) => ({ ...t, default: e.target.value }))}
            data-testid="roi-default"
          />
        </label>
        <label className="wide">
          Per asset class (class=cost; …)
          <input
            type="text"
            value={classes}
            onChange={(e) => setText((t) => ({ ...t, byClass: e.target.value }))}
            data-testid="roi-classes"
          />
        </label>
        {NUMBER_FIELDS.map(([key, label]) => (
          <label key={key}>
            {label}
            <input
              type="number"
              min={0}
              value={field(key, stored[key])}
              onChange={(e) => setText((t) => ({ ...t, [key]: e.target.value }))}
              data-testid={`roi-${key}`}
            />
          </label>
        ))}
        <button type="button" disabled={Object.keys(text).length === 0} onClick={save} data-testid="roi-save">
          Save assumptions
        </button>
      </div>
    </section>
  );
}

const MIME = { html: 'text/html;charset=utf-8', pdf: 'application/pdf' } as const;

/**
 * Browser mode writes a report where the File field says, on the machine that serves the app; Download hands the
 * same bytes to the browser, so a report reaches the user's own downloads (the desktop app saves where it asks).
 */
function DownloadButton({ entry }: { readonly entry: ReportExport }) {
  const { api, reportError } = useServices();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const file = await api.readReportExport({ id: entry.id });
      const bytes = Uint8Array.from(atob(file.dataBase64), (c) => c.charCodeAt(0));
      downloadFile(new Blob([bytes], { type: MIME[file.format] }), file.name);
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => void download()}
      aria-label={`Download ${REPORT_TITLES[entry.kind]} (${entry.format.toUpperCase()}) exported ${entry.createdAt.slice(0, 16).replace('T', ' ')}`}
      data-testid="report-download"
      data-id={entry.id}
    >
      Download
    </button>
  );
}

/** The Reports area: export a report for managers, and the engineer's inputs the reports use. */
export function ReportsView() {
  const { api, reportError } = useServices();
  const browserMode = desktopImageBridge() === null;
  const [deployments, setDeployments] = useState<readonly Deployment[]>([]);
  const [exports, setExports] = useState<readonly ReportExport[]>([]);
  const loadExports = useCallback(() => {
    api.listReportExports({}).then(setExports, reportError);
  }, [api, reportError]);
  useEffect(() => {
    api.listDeployments({}).then(setDeployments, reportError);
    loadExports();
  }, [api, reportError, loadExports]);
  return (
    <main className="monitor-area reports-area" data-testid="reports-view">
      <ExportPanel deployments={deployments} onExported={loadExports} />
      <section className="panel" aria-label="Exported reports">
        <div className="panel-title">
          <h2>Exported reports</h2>
          <span className="muted small">Each export's SHA-256 traces a forwarded PDF to this workspace.</span>
        </div>
        {exports.length === 0 ? (
          <p className="muted small">None yet.</p>
        ) : (
          <table className="data-table" data-testid="report-exports">
            <thead>
              <tr>
                <th>when</th>
                <th>report</th>
                <th>by</th>
                <th>pages</th>
                <th>file</th>
                <th>SHA-256</th>
                {browserMode ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {exports.slice(0, 20).map((e) => (
                <tr key={e.id} data-testid="report-export-row" data-id={e.id} data-format={e.format}>
                  <td>{e.createdAt.slice(0, 16).replace('T', ' ')}</td>
                  <td>{REPORT_TITLES[e.kind]}</td>
                  <td>{e.who}</td>
                  <td>{e.pages ?? '—'}</td>
                  <td className="mono">{e.path}</td>
                  <td className="mono" title={e.sha256}>
                    {e.sha256.slice(0, 12)}…
                  </td>
                  {browserMode ? (
                    <td>
                      <DownloadButton entry={e} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <CriticalityPanel />
      <RoiPanel />
    </main>
  );
}
