import { useEffect, useMemo, useState } from 'react';
import type { RegistryConnection, RegistryGovernResult, RegistryModel } from '../../shared/registry.js';
import { useServices } from '../hooks/services.js';
import { useRegistryVersion } from '../hooks/use-registry.js';
import {
  actionsFor,
  formatBytes,
  formatMetric,
  lineageRows,
  metricKeys,
  shortHash,
  type ActionState,
} from '../logic/registry.js';
import { ConfirmActionDialog, FetchVersionDialog, RefusalMessage } from './registry-dialogs.js';
import { StageBadge } from './registry-stage.js';
import { RunDetailView } from './run-detail.js';

export interface RegistryVersionProps {
  readonly model: RegistryModel;
  readonly version: number;
  readonly connection: RegistryConnection;
  readonly refreshKey: number;
  readonly onChanged: (result: RegistryGovernResult) => void;
  readonly onClose: () => void;
}

/** Does the open workspace hold this run? Then the reviewer can open it right here. */
const useRunPresent = (runId: string | null): boolean => {
  const { api } = useServices();
  const [present, setPresent] = useState(false);
  useEffect(() => {
    if (runId === null) return;
    let live = true;
    api.listRuns({}).then(
      (runs) => live && setPresent(runs.some((r) => r.id === runId)),
      () => live && setPresent(false),
    );
    return () => {
      live = false;
    };
  }, [api, runId]);
  return present;
};

/** A blob: link for the card file; revoked when the card changes. */
const useDownloadUrl = (html: string | null): string | null => {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (html === null) {
      setUrl(null);
      return;
    }
    const next = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [html]);
  return url;
};

/** One version: stage and actions, metrics, lineage back to run and dataset, approvals, verification, card. */
export function RegistryVersionView({
  model,
  version,
  connection,
  refreshKey,
  onChanged,
  onClose,
}: RegistryVersionProps) {
  const state = useRegistryVersion(model.name, version, refreshKey);
  const { detail, card } = state;
  const manifest = detail?.manifest ?? null;
  const runPresent = useRunPresent(manifest?.lineage.runId ?? null);
  const [showRun, setShowRun] = useState(false);
  const [pending, setPending] = useState<ActionState | null>(null);
  const [fetching, setFetching] = useState(false);
  const cardUrl = useDownloadUrl(card);

  const actions = useMemo(
    () =>
      detail === null || manifest === null
        ? []
        : actionsFor(
            { version, stage: detail.stage, createdBy: manifest.createdBy, trainedBy: manifest.lineage.trainedBy },
            { production: detail.production, rollbackTarget: detail.rollbackTarget },
            connection.user,
          ),
    [detail, manifest, version, connection.user],
  );

  return (
    <section
      className="panel registry-version"
      aria-label={`${model.name} version ${version}`}
      data-testid="registry-version"
    >
      <div className="panel-title">
        <h3>
          {model.name} <span className="muted">v{version}</span>
        </h3>
        {detail !== null ? <StageBadge stage={detail.stage} testId="registry-version-stage" /> : null}
        {state.loading ? <span className="spinner" aria-label="Loading" /> : null}
        <span className="spacer" />
        <button type="button" className="icon-button" aria-label="Close version" onClick={onClose}>
          ×
        </button>
      </div>
      {state.error !== null ? <RefusalMessage failure={state.error} testId="registry-version-error" /> : null}
      {detail !== null && manifest !== null ? (
        <>
          <div className="registry-actions" role="group" aria-label="Governance actions">
            {actions.map((a) => (
              <button
                key={a.action}
                type="button"
                className={a.danger ? 'danger-outline' : undefined}
                disabled={!a.enabled}
                title={a.hint}
                onClick={() => setPending(a)}
                data-testid={`registry-action-${a.action}`}
              >
                {a.label}
              </button>
            ))}
            <button type="button" onClick={() => setFetching(true)} data-testid="registry-fetch">
              Fetch package…
            </button>
          </div>
          <p className="muted small" data-testid="registry-version-summary">
            {manifest.task} · {manifest.modelType} · published {manifest.createdAt} by{' '}
            <strong>{manifest.createdBy}</strong> · trained by {manifest.lineage.trainedBy}
          </p>
          <div className="registry-detail-grid">
            <div>
              <h4>Metrics</h4>
              <table className="data-table compact" data-testid="registry-version-metrics">
                <tbody>
                  {metricKeys([{ task: manifest.task, metrics: manifest.evaluation.metrics }]).map((k) => (
                    <tr key={k}>
                      <th scope="row" className="mono">
                        {k}
                      </th>
                      <td className="num">{formatMetric(manifest.evaluation.metrics[k])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h4>Verification</h4>
              {detail.verification.ok ? (
                <p className="ok-text" data-testid="registry-verification">
                  ✓ every file matches SHA256SUMS and the audit log is intact
                </p>
              ) : (
                <ul className="registry-problems" data-testid="registry-verification" role="alert">
                  {detail.verification.problems.map((p, i) => (
                    <li key={i}>{p.message}</li>
                  ))}
                </ul>
              )}
            </div>
            <div>
              <h4>Lineage</h4>
              <table className="data-table compact" data-testid="registry-lineage">
                <tbody>
                  {lineageRows(manifest).map(([k, v]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td className={k === 'Dataset content hash' || k === 'Run' ? 'mono' : undefined}>
                        {k === 'Run' ? (
                          <>
                            <span data-testid="registry-lineage-run">{v}</span>{' '}
                            {runPresent ? (
                              <button
                                type="button"
                                className="link-button"
                                onClick={() => setShowRun((s) => !s)}
                                aria-expanded={showRun}
                                data-testid="registry-open-run"
                              >
                                {showRun ? 'hide run' : 'open run'}
                              </button>
                            ) : (
                              <span className="muted small">(not in this workspace)</span>
                            )}
                          </>
                        ) : (
                          v
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <details>
                <summary className="small">Training config</summary>
                <pre className="registry-config" data-testid="registry-config">
                  {JSON.stringify(manifest.lineage.config, null, 2)}
                </pre>
              </details>
            </div>
          </div>
          <h4>Approvals and stages</h4>
          <table className="data-table compact" data-testid="registry-history">
            <thead>
              <tr>
                <th>#</th>
                <th>Action</th>
                <th>Stage</th>
                <th>By</th>
                <th>At</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {manifest.stageHistory.map((h) => (
                <tr key={`${h.seq}-${h.stage}`}>
                  <td className="num">{h.seq}</td>
                  <td>{h.action}</td>
                  <td>
                    <StageBadge stage={h.stage} />
                  </td>
                  <td>{h.by}</td>
                  <td>{h.at}</td>
                  <td className="wrap">{h.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary className="small">
              Data contract ({manifest.dataContract.signals.length} signals, window{' '}
              {manifest.dataContract.window.length}) and files ({detail.files.length})
            </summary>
            <table className="data-table compact">
              <thead>
                <tr>
                  <th>Asset</th>
                  <th>Signal</th>
                  <th>Unit</th>
                  <th>Valid range</th>
                  <th>Missing data</th>
                </tr>
              </thead>
              <tbody>
                {manifest.dataContract.signals.map((s) => (
                  <tr key={`${s.asset ?? ''}/${s.tag}`}>
                    <td>{s.asset ?? '—'}</td>
                    <td>{s.tag}</td>
                    <td>{s.unit ?? '—'}</td>
                    <td>
                      {s.validMin === null && s.validMax === null
                        ? '—'
                        : `${s.validMin ?? '−∞'} … ${s.validMax ?? '+∞'}`}
                    </td>
                    <td>{s.missingPolicy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="data-table compact">
              <tbody>
                {detail.files.map((f) => (
                  <tr key={f.name}>
                    <td className="mono">{f.name}</td>
                    <td className="num">{formatBytes(f.bytes)}</td>
                    <td className="mono" title={f.sha256}>
                      {shortHash(f.sha256)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <div className="panel-title registry-card-title">
            <h4>Model card</h4>
            <span className="spacer" />
            {cardUrl !== null ? (
              <a
                href={cardUrl}
                download={`${model.name}-v${version}-model-card.html`}
                data-testid="registry-card-download"
              >
                Save card…
              </a>
            ) : null}
          </div>
          {card !== null ? (
            // sandbox="" : no scripts, no forms, no navigation, an opaque origin; the card also carries its own CSP.
            <iframe
              className="registry-card"
              title={`Model card of ${model.name} version ${version}`}
              sandbox=""
              srcDoc={card}
              data-testid="registry-card"
            />
          ) : (
            <p className="muted small">The model card could not be loaded.</p>
          )}
          {showRun && runPresent ? (
            <RunDetailView id={manifest.lineage.runId} onClose={() => setShowRun(false)} />
          ) : null}
        </>
      ) : null}
      {fetching ? <FetchVersionDialog name={model.name} version={version} onClose={() => setFetching(false)} /> : null}
      {pending !== null && detail !== null ? (
        <ConfirmActionDialog
          action={pending}
          name={model.name}
          version={version}
          model={{ production: detail.production, rollbackTarget: detail.rollbackTarget }}
          onClose={() => setPending(null)}
          onDone={(result) => {
            setPending(null);
            onChanged(result);
          }}
        />
      ) : null}
    </section>
  );
}
