import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { RegistryModel } from '../../shared/registry.js';
import { useRegistry, useVerify, type Failure } from '../hooks/use-registry.js';
import {
  checkConnectForm,
  compareRows,
  EMPTY_CONNECT_FORM,
  formatMetric,
  locationKind,
  tableMetrics,
  toggleVersion,
  type ConnectForm,
} from '../logic/registry.js';
import '../registry.css';
import { PublishRunDialog, RefusalMessage } from './registry-dialogs.js';
import { StageBadge } from './registry-stage.js';
import { RegistryVersionView } from './registry-version.js';

function ConnectPanel({
  connect,
}: {
  connect: (input: Parameters<ReturnType<typeof useRegistry>['connect']>[0]) => Promise<Failure | null>;
}) {
  const [form, setForm] = useState<ConnectForm>(EMPTY_CONNECT_FORM);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const ids = { location: useId(), token: useId(), actAs: useId() };
  const kind = locationKind(form.location);
  const check = checkConnectForm(form);

  const submit = async () => {
    if (!check.ok || busy) return;
    setBusy(true);
    setFailure(null);
    const result = await connect(check.input);
    setBusy(false);
    if (result !== null) setFailure(result);
    else setForm((f) => ({ ...f, token: '' }));
  };

  return (
    <section className="panel registry-connect" aria-label="Connect to a model registry" data-testid="registry-connect">
      <div className="panel-title">
        <h3>Connect to a model registry</h3>
      </div>
      <p className="muted small">
        A registry folder (usually a network share) or a registry server (
        <span className="mono">pdm-studio registry serve</span>). On a folder you act as your operating-system user; on
        a server as the owner of the token.
      </p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor={ids.location}>Folder or URL</label>
        <input
          id={ids.location}
          value={form.location}
          onChange={(e) => setForm({ ...form, location: e.target.value })}
          placeholder="/mnt/share/models or http://127.0.0.1:8470"
          data-testid="registry-location"
          spellCheck={false}
        />
        {kind === 'server' ? (
          <>
            <label htmlFor={ids.token}>Token</label>
            <input
              id={ids.token}
              type="password"
              autoComplete="off"
              value={form.token}
              onChange={(e) => setForm({ ...form, token: e.target.value })}
              data-testid="registry-token"
            />
          </>
        ) : null}
        {kind === 'folder' ? (
          <>
            <label htmlFor={ids.actAs}>Act as (optional)</label>
            <input
              id={ids.actAs}
              value={form.actAs}
              onChange={(e) => setForm({ ...form, actAs: e.target.value })}
              placeholder="only where the registry's registry.json allows it"
              data-testid="registry-act-as"
            />
            <label className="inline span-2">
              <input
                type="checkbox"
                checked={form.create}
                onChange={(e) => setForm({ ...form, create: e.target.checked })}
                data-testid="registry-create"
              />{' '}
              Create a new registry in this folder if there is none
            </label>
          </>
        ) : null}
        <div className="form-actions span-2">
          <button type="submit" className="primary" disabled={!check.ok || busy} data-testid="registry-connect-button">
            {busy ? 'Connecting…' : 'Connect'}
          </button>
          {!check.ok && form.location !== '' ? <span className="form-error">{check.message}</span> : null}
        </div>
      </form>
      {failure !== null ? <RefusalMessage failure={failure} testId="registry-connect-error" /> : null}
    </section>
  );
}

function CompareTable({
  model,
  versions,
  onClose,
}: {
  model: RegistryModel;
  versions: readonly number[];
  onClose: () => void;
}) {
  const chosen = model.versions.filter((v) => versions.includes(v.version));
  const rows = compareRows(chosen);
  return (
    <section className="panel" aria-label="Versions side by side" data-testid="registry-compare">
      <div className="panel-title">
        <h3>
          {model.name}: {chosen.map((v) => `v${v.version}`).join(' · ')}
        </h3>
        <span className="spacer" />
        <button type="button" className="icon-button" aria-label="Close comparison" onClick={onClose}>
          ×
        </button>
      </div>
      <table className="data-table compare-table">
        <thead>
          <tr>
            <th>Metric</th>
            {chosen.map((v) => (
              <th key={v.version} className="num">
                v{v.version} <StageBadge stage={v.stage} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.metric}>
              <th scope="row" className="mono">
                {r.metric}
              </th>
              {r.values.map((v, i) => (
                <td
                  key={i}
                  className={`num${r.best === i ? ' better' : ''}`}
                  data-testid={`registry-compare-${r.metric}-${chosen[i]?.version ?? i}`}
                >
                  {formatMetric(v)}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">published by</th>
            {chosen.map((v) => (
              <td key={v.version} className="num">
                {v.createdBy}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </section>
  );
}

/** The Registry area: connect, models, versions with stages and metrics, compare, one version in detail, publish. */
export function RegistryView() {
  const registry = useRegistry();
  const verify = useVerify();
  const { connection, models } = registry;
  const [modelName, setModelName] = useState<string | null>(null);
  const [openVersion, setOpenVersion] = useState<number | null>(null);
  const [compare, setCompare] = useState<readonly number[]>([]);
  const [comparing, setComparing] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [refreshKey, setRefreshKey] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  const model = useMemo(() => models.find((m) => m.name === modelName) ?? null, [models, modelName]);
  useEffect(() => {
    if (modelName === null && models[0] !== undefined) setModelName(models[0].name);
  }, [models, modelName]);

  const selectModel = useCallback((name: string) => {
    setModelName(name);
    setOpenVersion(null);
    setCompare([]);
    setComparing(false);
  }, []);

  const reloadAll = useCallback(async () => {
    await registry.refresh();
    setRefreshKey((k) => k + 1);
  }, [registry.refresh]);

  if (registry.checking) {
    return (
      <main className="registry-area" data-testid="registry-view">
        <p className="busy" role="status">
          <span className="spinner" /> Loading…
        </p>
      </main>
    );
  }

  if (connection === null) {
    return (
      <main className="registry-area" data-testid="registry-view">
        <ConnectPanel connect={registry.connect} />
      </main>
    );
  }

  const metrics = model === null ? [] : tableMetrics(model);

  return (
    <main className="registry-area" data-testid="registry-view">
      <section className="panel registry-bar" aria-label="Registry connection">
        <span>
          <span className="muted">Registry</span>{' '}
          <span className="mono" data-testid="registry-location-shown">
            {connection.location}
          </span>{' '}
          <span className="muted">as</span> <strong data-testid="registry-user">{connection.user}</strong>
          {connection.role !== null ? <span className="muted"> ({connection.role})</span> : null}
        </span>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setPublishing(true)} data-testid="registry-publish">
          Publish run…
        </button>
        <button type="button" onClick={() => void verify.run()} disabled={verify.busy} data-testid="registry-verify">
          {verify.busy ? 'Verifying…' : 'Verify registry'}
        </button>
        <button type="button" onClick={() => void reloadAll()} data-testid="registry-refresh">
          Refresh
        </button>
        <button type="button" onClick={() => void registry.disconnect()} data-testid="registry-disconnect">
          Disconnect
        </button>
      </section>
      {notice !== null ? (
        <div className="notice" role="status" data-testid="registry-notice">
          <span>{notice}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      ) : null}
      {registry.error !== null ? <RefusalMessage failure={registry.error} testId="registry-error" /> : null}
      {verify.error !== null ? <RefusalMessage failure={verify.error} testId="registry-verify-error" /> : null}
      {verify.report !== null ? (
        <div
          className={verify.report.ok ? 'notice' : 'registry-refusal'}
          role="status"
          data-testid="registry-verify-report"
          data-ok={verify.report.ok}
        >
          {verify.report.ok
            ? `Verified: ${verify.report.checked.entries} audit entries, ${verify.report.checked.packages} packages, ${verify.report.checked.files} files.`
            : `${verify.report.problems.length} problem(s): ${verify.report.problems.map((p) => p.message).join(' · ')}`}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={verify.clear}>
            ×
          </button>
        </div>
      ) : null}
      <div className="registry-columns">
        <section className="panel registry-models" aria-label="Models">
          <div className="panel-title">
            <h3>Models</h3>
            <span className="muted small">{models.length}</span>
          </div>
          {models.length === 0 && !registry.loading ? (
            <p className="empty-state small" data-testid="registry-empty">
              No models yet. <strong>Publish run…</strong> adds one.
            </p>
          ) : (
            <ul className="registry-model-list">
              {models.map((m) => (
                <li key={m.name}>
                  <button
                    type="button"
                    className={m.name === modelName ? 'active' : undefined}
                    aria-pressed={m.name === modelName}
                    onClick={() => selectModel(m.name)}
                    data-testid={`registry-model-${m.name}`}
                  >
                    <span className="registry-model-name">{m.name}</span>
                    <span className="muted small">
                      {m.versions.length} version{m.versions.length === 1 ? '' : 's'} · production{' '}
                      {m.production === null ? '—' : `v${m.production}`}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        {model !== null ? (
          <section
            className="panel registry-versions"
            aria-label={`Versions of ${model.name}`}
            data-testid="registry-versions"
          >
            <div className="panel-title">
              <h3>{model.name}</h3>
              <span className="muted small">
                rollback target {model.rollbackTarget === null ? '—' : `v${model.rollbackTarget}`}
              </span>
              <span className="spacer" />
              <button
                type="button"
                disabled={compare.length < 2}
                onClick={() => setComparing(true)}
                title="Tick two or more versions"
                data-testid="registry-compare-button"
              >
                Compare ({compare.length})
              </button>
            </div>
            <div className="table-scroll">
              <table className="data-table registry-versions-table">
                <thead>
                  <tr>
                    <th>
                      <span className="visually-hidden">Compare</span>
                    </th>
                    <th>Version</th>
                    <th>Stage</th>
                    <th>Published</th>
                    <th>By</th>
                    {metrics.map((k) => (
                      <th key={k} className="num mono">
                        {k}
                      </th>
                    ))}
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {[...model.versions].reverse().map((v) => (
                    <tr
                      key={v.version}
                      className={v.version === openVersion ? 'selected' : undefined}
                      data-testid={`registry-version-row-${v.version}`}
                    >
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Compare version ${v.version}`}
                          checked={compare.includes(v.version)}
                          onChange={() => setCompare((c) => toggleVersion(c, v.version))}
                          data-testid={`registry-compare-${v.version}`}
                        />
                      </td>
                      <td className="num">v{v.version}</td>
                      <td>
                        <StageBadge stage={v.stage} testId={`registry-stage-${v.version}`} />
                      </td>
                      <td>{v.createdAt.replace('T', ' ').slice(0, 19)}</td>
                      <td>{v.createdBy}</td>
                      {metrics.map((k) => (
                        <td key={k} className="num">
                          {formatMetric(v.metrics[k])}
                        </td>
                      ))}
                      <td className="actions">
                        <button
                          type="button"
                          onClick={() => setOpenVersion(v.version)}
                          aria-label={`Open version ${v.version}`}
                          data-testid={`registry-open-${v.version}`}
                        >
                          Open
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}
      </div>
      {comparing && model !== null && compare.length >= 2 ? (
        <CompareTable model={model} versions={compare} onClose={() => setComparing(false)} />
      ) : null}
      {model !== null && openVersion !== null ? (
        <RegistryVersionView
          key={`${model.name}/${openVersion}`}
          model={model}
          version={openVersion}
          connection={connection}
          refreshKey={refreshKey}
          onChanged={(result) => {
            setNotice(
              `${result.name} v${result.version} is now ${result.stage}; production: ${result.production === null ? 'none' : `v${result.production}`}.`,
            );
            void reloadAll();
          }}
          onClose={() => setOpenVersion(null)}
        />
      ) : null}
      {publishing ? (
        <PublishRunDialog
          defaultName={modelName ?? ''}
          onClose={() => setPublishing(false)}
          onPublished={(result) => {
            setPublishing(false);
            setNotice(`Published ${result.name} version ${result.version} as a candidate.`);
            setModelName(result.name);
            setOpenVersion(result.version);
            void reloadAll();
          }}
        />
      ) : null}
    </main>
  );
}
