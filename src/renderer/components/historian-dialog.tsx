import { useServices } from '../hooks/services.js';
import { useEffect, useRef, useState } from 'react';
import type { OpcuaImportSummary } from '../../shared/domain.js';
import { useHistorian, type Historian } from '../hooks/use-historian.js';
import { describeSummary, type SecurityChoice } from '../logic/historian-form.js';
import { isActive } from '../logic/job-tracker.js';
import { Dialog } from './dialog.js';
import { ErrorBanner } from './error-banner.js';

export interface HistorianDialogProps {
  readonly onClose: () => void;
  /** Called once when an import finished. */
  readonly onImported: (summary: OpcuaImportSummary) => void;
}

const SECURITY: readonly { value: SecurityChoice; label: string }[] = [
  { value: 'None', label: 'None (no encryption)' },
  { value: 'Sign', label: 'Sign (Basic256Sha256)' },
  { value: 'SignAndEncrypt', label: 'Sign & encrypt (Basic256Sha256)' },
];

const MAX_ROWS = 500;

function ConnectionFields({ h, locked }: { h: Historian; locked: boolean }) {
  const [profileName, setProfileName] = useState('');
  const { form } = h;
  return (
    <fieldset className="form-grid" disabled={locked}>
      <legend>OPC UA server</legend>
      {h.profiles.length > 0 ? (
        <label className="span-2">
          Saved connection
          <div className="input-row">
            <select
              value={form.profile ?? ''}
              onChange={(e) => h.applyProfile(e.target.value)}
              data-testid="historian-profile"
            >
              <option value="">—</option>
              {h.profiles.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name} ({p.endpoint})
                </option>
              ))}
            </select>
            {form.profile !== null ? (
              <button type="button" onClick={() => void h.deleteProfile(form.profile ?? '')}>
                Forget
              </button>
            ) : null}
          </div>
        </label>
      ) : null}
      <label className="span-2">
        Endpoint
        <input
          type="text"
          value={form.endpoint}
          placeholder="opc.tcp://host:4840"
          onChange={(e) => h.setField('endpoint', e.target.value)}
          spellCheck={false}
          data-testid="historian-endpoint"
        />
      </label>
      <label>
        Security
        <select
          value={form.security}
          onChange={(e) => h.setField('security', SECURITY.find((s) => s.value === e.target.value)?.value ?? 'None')}
          data-testid="historian-security"
        >
          {SECURITY.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        User (empty: anonymous)
        <input
          type="text"
          value={form.userName}
          autoComplete="off"
          onChange={(e) => h.setField('userName', e.target.value)}
          data-testid="historian-user"
        />
      </label>
      <label>
        Password
        <input
          type="password"
          value={form.password}
          autoComplete="off"
          placeholder={form.profileHasPassword ? 'saved (leave empty to use it)' : ''}
          onChange={(e) => h.setField('password', e.target.value)}
          data-testid="historian-password"
        />
      </label>
      <label>
        Save as
        <div className="input-row">
          <input
            type="text"
            value={profileName}
            maxLength={100}
            placeholder="connection name"
            onChange={(e) => setProfileName(e.target.value)}
            data-testid="historian-profile-name"
          />
          <button
            type="button"
            disabled={profileName.trim() === ''}
            onClick={() => void h.saveProfile(profileName.trim())}
            data-testid="historian-save-profile"
          >
            Save
          </button>
        </div>
      </label>
    </fieldset>
  );
}

function TagPicker({ h, locked }: { h: Historian; locked: boolean }) {
  const tags = h.tags ?? [];
  const shown = h.visible.slice(0, MAX_ROWS);
  const allVisible = h.visible.length > 0 && h.visible.every((t) => h.selected.has(t.nodeId));
  return (
    <div className="tag-picker" data-testid="historian-tags" data-count={tags.length}>
      <div className="input-row">
        <input
          type="search"
          placeholder="Filter tags: asset, name, unit…"
          value={h.query}
          onChange={(e) => h.setQuery(e.target.value)}
          data-testid="historian-filter"
          aria-label="Filter tags"
        />
        <button
          type="button"
          disabled={locked || h.visible.length === 0}
          onClick={h.toggleAllVisible}
          data-testid="historian-select-visible"
        >
          {allVisible ? 'Untick visible' : `Tick visible (${h.visible.length})`}
        </button>
      </div>
      <p className="muted small">
        {h.visible.length} of {tags.filter((t) => t.historizing).length} historizing tags shown; {h.selected.size}{' '}
        ticked.
      </p>
      <div className="table-scroll short">
        <table className="data-table compact">
          <thead>
            <tr>
              <th scope="col" aria-label="Import" />
              <th scope="col">Asset</th>
              <th scope="col">Tag</th>
              <th scope="col">Unit</th>
              <th scope="col">Node id</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((t) => (
              <tr key={t.nodeId}>
                <td>
                  <input
                    type="checkbox"
                    checked={h.selected.has(t.nodeId)}
                    disabled={locked}
                    onChange={() => h.toggle(t.nodeId)}
                    aria-label={`Import ${t.asset ?? ''} ${t.name}`}
                    data-testid={`historian-tag-${t.nodeId}`}
                  />
                </td>
                <td>{t.asset ?? '—'}</td>
                <td>{t.name}</td>
                <td>{t.unit ?? ''}</td>
                <td className="mono muted ellipsis" title={t.nodeId}>
                  {t.nodeId}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {h.visible.length > MAX_ROWS ? (
        <p className="muted small">Showing the first {MAX_ROWS}: narrow the filter.</p>
      ) : null}
    </div>
  );
}

function RangeFields({ h, locked }: { h: Historian; locked: boolean }) {
  const { displayZone } = useServices();
  return (
    <fieldset className="form-grid" disabled={locked}>
      <legend>Time range ({displayZone})</legend>
      <label className="span-2 inline">
        <input
          type="radio"
          name="historian-mode"
          checked={h.range.mode === 'range'}
          onChange={() => h.setRange({ mode: 'range' })}
          data-testid="historian-mode-range"
        />
        From – to
      </label>
      <label>
        From
        <input
          type="text"
          value={h.range.from}
          disabled={h.range.mode !== 'range'}
          placeholder="YYYY-MM-DD HH:MM"
          onChange={(e) => h.setRange({ from: e.target.value })}
          spellCheck={false}
          data-testid="historian-from"
        />
      </label>
      <label>
        To (empty: now)
        <input
          type="text"
          value={h.range.to}
          disabled={h.range.mode !== 'range'}
          placeholder="now"
          onChange={(e) => h.setRange({ to: e.target.value })}
          spellCheck={false}
          data-testid="historian-to"
        />
      </label>
      <label className="span-2 inline">
        <input
          type="radio"
          name="historian-mode"
          checked={h.range.mode === 'update'}
          onChange={() => h.setRange({ mode: 'update' })}
          data-testid="historian-mode-update"
        />
        Update to now: only what is new since each tag&apos;s last import
      </label>
      <label className="span-2">
        Look-back for late data (minutes)
        <input
          type="number"
          min={0}
          step={1}
          value={h.range.lookBack ?? ''}
          placeholder="60"
          onChange={(e) => h.setRange({ lookBack: e.target.value })}
          title="Time already imported that is read again, for values a store-and-forward historian delivers late"
          data-testid="historian-look-back"
        />
      </label>
    </fieldset>
  );
}

function TrustPrompt({ h }: { h: Historian }) {
  if (h.trustPrompt === null) return null;
  return (
    <div
      className="trust-prompt"
      role="alertdialog"
      aria-label="Untrusted server certificate"
      data-testid="historian-trust"
    >
      <p>
        <strong>The server&apos;s certificate is not trusted.</strong> {h.trustPrompt.message}
      </p>
      <p className="muted small">
        Trust it only if you know this server (check its certificate with your administrator).
      </p>
      <div className="input-row">
        <button type="button" onClick={() => h.answerTrust('once')} data-testid="historian-trust-once">
          Trust once
        </button>
        <button type="button" onClick={() => h.answerTrust('always')} data-testid="historian-trust-always">
          Always trust
        </button>
        <button type="button" onClick={() => h.answerTrust('reject')} data-testid="historian-trust-reject">
          Reject
        </button>
      </div>
    </div>
  );
}

/** Connect to an OPC UA historian, browse its historizing tags, import their history as a cancellable job. */
export function HistorianDialog({ onClose, onImported }: HistorianDialogProps) {
  const h = useHistorian();
  const { view } = h.job;
  const active = isActive(view);
  const reported = useRef<string | null>(null);

  useEffect(() => {
    if (view.status === 'done' && view.opcua !== null && view.jobId !== null && reported.current !== view.jobId) {
      reported.current = view.jobId;
      onImported(view.opcua);
    }
  }, [view, onImported]);

  return (
    <Dialog
      title="Connect historian (OPC UA)"
      onClose={onClose}
      wide
      testId="historian-dialog"
      footer={
        <>
          {active ? (
            <button type="button" onClick={() => void h.job.cancel()} data-testid="historian-cancel">
              Cancel import
            </button>
          ) : null}
          <span className="spacer" />
          <button type="button" onClick={onClose} data-testid="historian-close">
            {view.status === 'done' ? 'Done' : 'Close'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={active || h.selected.size === 0}
            onClick={() => void h.startImport()}
            data-testid="historian-import"
          >
            Import {h.selected.size > 0 ? `${h.selected.size} ${h.selected.size === 1 ? 'tag' : 'tags'}` : ''}
          </button>
        </>
      }
    >
      <ConnectionFields h={h} locked={active} />
      <div className="input-row">
        <button
          type="button"
          className={h.tags === null ? 'primary' : undefined}
          disabled={active || h.browsing}
          onClick={() => void h.browse()}
          data-testid="historian-browse"
        >
          {h.browsing ? 'Browsing…' : h.tags === null ? 'Browse tags' : 'Browse again'}
        </button>
        {h.browsing ? <span className="spinner" aria-label="browsing" /> : null}
      </div>
      <TrustPrompt h={h} />
      <ErrorBanner message={h.error} onDismiss={h.clearError} testId="historian-error" />
      {h.tags !== null ? <TagPicker h={h} locked={active} /> : null}
      {h.tags !== null ? <RangeFields h={h} locked={active} /> : null}
      {view.status === 'failed' && view.error !== null ? (
        <ErrorBanner message={`Import failed: ${view.error}`} onDismiss={h.job.reset} testId="historian-job-error" />
      ) : null}
      {active || view.status === 'cancelled' ? (
        <div className="job-progress" data-testid="historian-job" data-status={view.status}>
          {view.status === 'cancelled' ? (
            <p className="warn-text" role="status">
              Import cancelled. What arrived before is kept with its checkpoints: import again to continue.
            </p>
          ) : (
            <>
              <progress
                max={1}
                {...(view.fraction === null ? {} : { value: Math.min(1, Math.max(0, view.fraction)) })}
                aria-label="Import progress"
                data-testid="historian-progress"
              />
              <span className="muted small">
                {view.fraction === null ? '' : `${Math.round(view.fraction * 100)} % · `}
                {view.message}
              </span>
            </>
          )}
        </div>
      ) : null}
      {view.status === 'done' && view.opcua !== null ? (
        <div
          className="import-summary"
          role="status"
          data-testid="historian-summary"
          data-values={view.opcua.values}
          data-tags={view.opcua.tags}
          data-resumed={view.opcua.resumed ? 'true' : 'false'}
        >
          <h3>Import finished</h3>
          <p>{describeSummary(view.opcua)}</p>
          <dl className="summary-grid">
            <dt>Values</dt>
            <dd>{view.opcua.values}</dd>
            <dt>Tags</dt>
            <dd>{view.opcua.tags}</dd>
            <dt>Resumed</dt>
            <dd>{view.opcua.resumed ? 'yes (continued from checkpoints)' : 'no'}</dd>
            <dt>Already present</dt>
            <dd>{view.opcua.duplicates}</dd>
          </dl>
        </div>
      ) : null}
    </Dialog>
  );
}
