import { useEffect, useRef, useState } from 'react';
import type { HealthSeries } from '../../shared/api.js';
import type { TimeKind } from '../../shared/domain.js';
import { FALSE_ALARM_CAUSES, type FalseAlarmCause } from '../../shared/monitoring.js';
import { useServices } from '../hooks/services.js';
import { useJob } from '../hooks/use-job.js';
import { useMonitoring } from '../hooks/use-monitoring.js';
import { scoreRangeOf } from '../logic/score-range.js';
import { formatTimeValue } from '../logic/time-format.js';
import { ChartExportMenu } from './chart-export-menu.js';
import {
  alertActions,
  dispositionOf,
  emptyCloseForm,
  healthChart,
  scoringSummary,
  shelveRequest,
  type CloseForm,
  type DispositionKind,
  type ListedAlert,
} from '../logic/monitoring.js';
import {
  ChallengerPanel,
  DeploymentDialog,
  DriftPanel,
  FiguresPanel,
  FollowSwitch,
  RuleEditor,
} from './monitor-panels.js';

const CHART_W = 560;
const CHART_H = 120;

/** One asset's model output with the rule's set and clear levels and its alerts as bands (Monitor and Explore). */
export function HealthTrend({ series }: { readonly series: HealthSeries }) {
  const chart = healthChart(series, CHART_W, CHART_H);
  const figure = useRef<HTMLElement>(null);
  return (
    <figure ref={figure} className="panel health-trend" data-testid="health-trend" data-asset={series.asset}>
      <figcaption className="panel-title">
        <h3>{series.asset}</h3>
        <span className="muted small">
          {series.output} · {series.windows} windows
          {series.rule === null ? ' · no alert rule' : ` · alert ${series.rule.direction} ${series.rule.setLevel}`}
        </span>
        <ChartExportMenu
          target={() => figure.current}
          title={`Health of ${series.asset} (${series.output})`}
          testId="health-export"
          disabled={chart === null}
        />
      </figcaption>
      {chart === null ? (
        <p className="muted small">Not scored yet.</p>
      ) : (
        <svg width={CHART_W} height={CHART_H} role="img" aria-label={`Health of ${series.asset}`}>
          {chart.bands.map((b) => (
            <rect
              key={b.id}
              x={b.x0}
              y={0}
              width={Math.max(1, b.x1 - b.x0)}
              height={CHART_H}
              className={`alert-band alert-${b.status}`}
              fill="rgba(220, 60, 60, 0.15)"
              data-testid="alert-band"
            />
          ))}
          {chart.setY === null ? null : (
            <line x1={0} x2={CHART_W} y1={chart.setY} y2={chart.setY} stroke="#c33" strokeDasharray="4 3" />
          )}
          {chart.clearY === null ? null : (
            <line x1={0} x2={CHART_W} y1={chart.clearY} y2={chart.clearY} stroke="#c93" strokeDasharray="2 3" />
          )}
          <path d={chart.path} fill="none" stroke="#2a6fb0" strokeWidth={1.2} />
        </svg>
      )}
    </figure>
  );
}

type RowForm =
  | { readonly kind: 'close'; readonly form: CloseForm }
  | { readonly kind: 'shelve'; readonly reason: string; readonly hours: string };

function AlertRow({
  alert,
  timeKind,
  onDone,
}: {
  readonly alert: ListedAlert;
  /** The data's axis once known: raised-at is shown as a time in the display zone or a cycle, not raw µs. */
  readonly timeKind: TimeKind | null;
  readonly onDone: () => void;
}) {
  const { api, reportError, displayZone } = useServices();
  const [form, setForm] = useState<RowForm | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const actions = alertActions(alert);
  // The form opens in the next table row: its first field takes the focus, so a keyboard user goes on typing there
  // (it stayed on the row's button, with the form a dozen Tab presses away behind the other rows' buttons).
  const firstField = useRef<HTMLSelectElement & HTMLInputElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const shelveButton = useRef<HTMLButtonElement>(null);
  // Cancel and Escape put the focus back on the button that opened the form.
  const cancel = () => {
    const opener = form?.kind === 'shelve' ? shelveButton : closeButton;
    setForm(null);
    setProblem(null);
    opener.current?.focus();
  };
  const formKind = form?.kind ?? null;
  useEffect(() => {
    if (formKind !== null) firstField.current?.focus();
  }, [formKind]);
  const run = async (call: () => Promise<unknown>) => {
    try {
      await call();
      setForm(null);
      setProblem(null);
      onDone();
    } catch (error) {
      reportError(error);
    }
  };
  const submit = () => {
    if (form === null) return;
    if (form.kind === 'close') {
      const checked = dispositionOf(form.form);
      if (!checked.ok) return setProblem(checked.message);
      void run(() => api.closeAlert({ id: alert.id, disposition: checked.disposition }));
    } else {
      const checked = shelveRequest(form.reason, form.hours, Date.now());
      if (!checked.ok) return setProblem(checked.message);
      void run(() => api.shelveAlert({ id: alert.id, reason: checked.reason, until: checked.until }));
    }
  };
  return (
    <>
      <tr data-testid="alert-row" data-alert={alert.id} data-status={alert.status}>
        <td className="mono">{alert.id}</td>
        <td>{alert.asset}</td>
        <td>
          {alert.status}
          {alert.shelved ? ' (shelved)' : ''}
          {alert.closed === null ? '' : ` · ${alert.closed.disposition.kind}`}
        </td>
        <td className="num" data-testid="alert-raised">
          {timeKind === null ? alert.raisedT : formatTimeValue(alert.raisedT, timeKind, displayZone)}
        </td>
        <td className="num">{alert.raisedValue.toPrecision(4)}</td>
        <td>v{alert.modelVersion}</td>
        <td>
          <button
            type="button"
            disabled={!actions.acknowledge}
            onClick={() => void run(() => api.acknowledgeAlert({ id: alert.id }))}
            data-testid="alert-ack"
          >
            Acknowledge
          </button>
          <button
            ref={closeButton}
            type="button"
            disabled={!actions.close}
            onClick={() => setForm({ kind: 'close', form: emptyCloseForm })}
            data-testid="alert-close"
          >
            Close…
          </button>
          <button
            ref={shelveButton}
            type="button"
            disabled={!actions.shelve}
            onClick={() => setForm({ kind: 'shelve', reason: '', hours: '8' })}
            data-testid="alert-shelve"
          >
            Shelve…
          </button>
        </td>
      </tr>
      {form === null ? null : (
        <tr>
          <td colSpan={7}>
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                submit();
              }}
              onKeyDown={(e) => {
                if (e.key !== 'Escape') return;
                e.preventDefault();
                cancel();
              }}
            >
              {form.kind === 'close' ? (
                <>
                  <select
                    ref={firstField}
                    aria-label="Disposition"
                    value={form.form.kind}
                    onChange={(e) =>
                      setForm({ kind: 'close', form: { ...form.form, kind: e.target.value as DispositionKind | '' } })
                    }
                    data-testid="disposition-select"
                  >
                    <option value="">Disposition…</option>
                    <option value="confirmed">Confirmed failure</option>
                    <option value="false-alarm">False alarm</option>
                    <option value="not-actionable">Not actionable</option>
                  </select>
                  {form.form.kind === 'confirmed' ? (
                    <input
                      aria-label="Failure mode"
                      placeholder="failure mode"
                      value={form.form.failureMode}
                      onChange={(e) => setForm({ kind: 'close', form: { ...form.form, failureMode: e.target.value } })}
                    />
                  ) : null}
                  {form.form.kind === 'false-alarm' ? (
                    <select
                      aria-label="Cause"
                      value={form.form.cause}
                      onChange={(e) =>
                        setForm({
                          kind: 'close',
                          form: { ...form.form, cause: e.target.value as FalseAlarmCause | '' },
                        })
                      }
                    >
                      <option value="">Cause…</option>
                      {FALSE_ALARM_CAUSES.map((c) => (
                        <option key={c} value={c}>
                          {c.replace('-', ' ')}
                        </option>
                      ))}
                    </select>
                  ) : null}
                  <input
                    aria-label="Note"
                    placeholder="note (optional)"
                    value={form.form.note}
                    onChange={(e) => setForm({ kind: 'close', form: { ...form.form, note: e.target.value } })}
                  />
                </>
              ) : (
                <>
                  <input
                    ref={firstField}
                    aria-label="Reason"
                    placeholder="reason"
                    value={form.reason}
                    onChange={(e) => setForm({ ...form, reason: e.target.value })}
                  />
                  <input
                    aria-label="Hours"
                    inputMode="decimal"
                    value={form.hours}
                    onChange={(e) => setForm({ ...form, hours: e.target.value })}
                  />
                  <span className="muted small">hours</span>
                </>
              )}
              <button type="submit" className="primary" data-testid="alert-form-submit">
                {form.kind === 'close' ? 'Close alert' : 'Shelve'}
              </button>
              <button type="button" onClick={cancel} data-testid="alert-form-cancel">
                Cancel
              </button>
              {problem === null ? null : <span className="form-error">{problem}</span>}
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

/** The Monitor area: deployments, a health trend per asset with its threshold and alerts, the alerts table, Score now. */
export function MonitorView() {
  const { api, reportError, displayZone } = useServices();
  const state = useMonitoring(CHART_W);
  const [scoreFrom, setScoreFrom] = useState('');
  const [scoreTo, setScoreTo] = useState('');
  const [scoreProblem, setScoreProblem] = useState<string | null>(null);
  // The axis of the selected deployment's data (cycle counters or timestamps), from its health series once loaded.
  const timeKind: TimeKind | null =
    [...state.health.values()].find((h) => h.deploymentId === state.selected?.id)?.timeKind ?? null;
  const job = useJob();
  const selected = state.selected;
  const running = job.view.status === 'starting' || job.view.status === 'running';
  const [creating, setCreating] = useState(false);
  // Bumped after each refresh so the figures, drift and challenger panels read again.
  const [version, setVersion] = useState(0);
  const refreshAll = () => {
    void state.refresh().then(() => setVersion((v) => v + 1));
  };

  const scoreNow = () => {
    if (selected === null) return;
    // Right after the deployment is created the axis may still be loading (null: read as `score --from/--to` does).
    const range = scoreRangeOf(scoreFrom, scoreTo, timeKind, displayZone);
    if (!range.ok) return setScoreProblem(range.message);
    setScoreProblem(null);
    const { ok: _ok, ...bounds } = range;
    job.launch(() => api.startScoring({ deploymentId: selected.id, ...bounds })).catch(reportError);
  };
  const confirm = () => {
    if (selected === null) return;
    api.confirmVersionSwitch({ id: selected.id }).then(() => state.refresh(), reportError);
  };

  return (
    <main className="monitor-area" data-testid="monitor-view">
      <section className="panel" aria-label="Deployments">
        <div className="panel-title">
          <h2>Deployments</h2>
          <span className="spacer" />
          <button type="button" onClick={() => setCreating(true)} data-testid="deployment-new">
            New deployment…
          </button>
        </div>
        {creating ? (
          <DeploymentDialog
            onClose={() => setCreating(false)}
            onCreated={(d) => {
              setCreating(false);
              state.select(d.id);
              refreshAll();
            }}
          />
        ) : null}
        {state.deployments.length === 0 ? (
          <p className="muted small" data-testid="no-deployments">
            No deployments yet. Deploy an approved model with <strong>New deployment…</strong> or{' '}
            <span className="mono">pdm-studio deploy create --workspace … --registry … --name …</span>.
          </p>
        ) : (
          <ul className="deployment-list">
            {state.deployments.map((d) => (
              <li key={d.id}>
                <button
                  type="button"
                  className={d.id === selected?.id ? 'active' : undefined}
                  onClick={() => state.select(d.id)}
                  data-testid="deployment-item"
                >
                  {d.id} · {d.name} · {d.model.name} v{d.currentVersion ?? '-'}
                  {d.role === 'challenger' ? ` (challenger of ${d.championId ?? ''})` : ''}
                  {d.pendingVersion === null ? '' : ` (v${d.pendingVersion} waiting)`}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {selected === null ? null : (
        <>
          <section className="panel" aria-label="Scoring">
            <div className="panel-title">
              <h2>{selected.name}</h2>
              <span className="spacer" />
              {selected.pendingVersion === null ? null : (
                <button type="button" onClick={confirm} data-testid="confirm-version">
                  Switch to v{selected.pendingVersion}
                </button>
              )}
              <label className="small">
                from{' '}
                <input
                  value={scoreFrom}
                  size={10}
                  placeholder="last scored"
                  onChange={(e) => setScoreFrom(e.target.value)}
                  onKeyDown={(e) => (e.key === 'Enter' && !running ? scoreNow() : undefined)}
                  data-testid="score-from"
                />
              </label>
              <label className="small">
                to{' '}
                <input
                  value={scoreTo}
                  size={10}
                  placeholder="newest"
                  onChange={(e) => setScoreTo(e.target.value)}
                  onKeyDown={(e) => (e.key === 'Enter' && !running ? scoreNow() : undefined)}
                  data-testid="score-to"
                />
              </label>
              <button type="button" className="primary" disabled={running} onClick={scoreNow} data-testid="score-now">
                Score now
              </button>
              {running ? (
                <button type="button" onClick={() => void job.cancel()} data-testid="score-cancel">
                  Cancel
                </button>
              ) : null}
            </div>
            {running ? (
              <div className="job-progress">
                <progress
                  max={1}
                  value={job.view.fraction ?? undefined}
                  aria-label="Scoring progress"
                  data-testid="score-progress"
                />
                <span className="muted small">{job.view.message}</span>
              </div>
            ) : null}
            {scoreProblem === null ? null : (
              <p className="form-error" role="alert" data-testid="score-problem">
                {scoreProblem}
              </p>
            )}
            {job.view.status === 'failed' ? <p className="form-error">{job.view.error}</p> : null}
            {job.view.status === 'cancelled' ? <p className="muted small">Scoring cancelled.</p> : null}
            {state.lastScoring !== null && state.lastScoring.deployment === selected.id ? (
              <p className="small" data-testid="score-summary">
                {scoringSummary(state.lastScoring)}
              </p>
            ) : null}
            <RuleEditor deployment={selected} onSaved={refreshAll} />
            <FollowSwitch deployment={selected} />
            {state.lastScoring?.blocked.map((b) => (
              <p key={b.asset} className="form-error small" data-testid="score-blocked" data-asset={b.asset}>
                {b.asset}: {b.violations.map((v) => v.message).join('; ')}
              </p>
            ))}
          </section>
          <section className="panel" aria-label="Health">
            <div className="panel-title">
              <h2>Health</h2>
            </div>
            {[...state.health.values()].map((s) => (
              <HealthTrend key={s.asset} series={s} />
            ))}
          </section>
          <FiguresPanel deployment={selected} version={version} timeKind={timeKind} />
          <DriftPanel deployment={selected} version={version} />
          <ChallengerPanel
            deployment={selected}
            deployments={state.deployments}
            version={version}
            onChanged={refreshAll}
          />
          <section className="panel" aria-label="Alerts">
            <div className="panel-title">
              <h2>Alerts</h2>
            </div>
            {state.alerts.length === 0 ? (
              <p className="muted small">No alerts.</p>
            ) : (
              <table className="data-table" data-testid="alerts-table">
                <thead>
                  <tr>
                    <th>Alert</th>
                    <th>Asset</th>
                    <th>Status</th>
                    <th className="num">Raised at</th>
                    <th className="num">Value</th>
                    <th>Model</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {state.alerts.map((a) => (
                    <AlertRow key={a.id} alert={a} timeKind={timeKind} onDone={() => void state.refresh()} />
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </main>
  );
}
