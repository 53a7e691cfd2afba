import { useCallback, useEffect, useState } from 'react';
import type { ApiOutput } from '../../shared/api.js';
import type { TimeKind } from '../../shared/domain.js';
import type { ConnectionProfileView } from '../../shared/historian.js';
import type {
  Deployment,
  DeploymentFigures,
  DriftOverview,
  FollowStatus,
  ShadowReport,
  SignalMapping,
} from '../../shared/monitoring.js';
import { useApiEvents, useServices } from '../hooks/services.js';
import {
  followFormOf,
  followLine,
  followOf,
  ruleFormOf,
  ruleOf,
  sameSource,
  sidePrecision,
  type FollowForm,
  type RuleForm,
} from '../logic/monitor-forms.js';
import { Dialog } from './dialog.js';

/**
 * The Monitor area's working parts beside monitor-view.tsx: the new-deployment dialog, the alert rule form, the
 * follow Start/Stop switch, and the figures, drift and champion-vs-challenger panels of the selected deployment.
 */

/** Counts workspace changes (a scoring pass, a follow round, an alert action): panels read again on each. */
const useChangeTick = (): number => {
  const [tick, setTick] = useState(0);
  useApiEvents((event) => {
    if (event.type === 'workspace-changed' || event.type === 'job-finished') setTick((t) => t + 1);
  });
  return tick;
};

// ---------------------------------------------------------------------------------------------------------------
// Alert rule

export function RuleFields({ form, onChange }: { readonly form: RuleForm; readonly onChange: (f: RuleForm) => void }) {
  const field = (key: Exclude<keyof RuleForm, 'direction'>, label: string, testId: string) => (
    <label className="rule-field">
      <span className="small muted">{label}</span>
      <input
        value={form[key]}
        inputMode="decimal"
        size={7}
        onChange={(e) => onChange({ ...form, [key]: e.target.value })}
        data-testid={testId}
      />
    </label>
  );
  return (
    <div className="rule-fields inline-form">
      <label className="rule-field">
        <span className="small muted">Alert when output is</span>
        <select
          value={form.direction}
          onChange={(e) => onChange({ ...form, direction: e.target.value as RuleForm['direction'] })}
          data-testid="rule-direction"
        >
          <option value="below">below (RUL)</option>
          <option value="above">above (score, probability)</option>
        </select>
      </label>
      {field('setLevel', 'set level', 'rule-set')}
      {field('clearLevel', 'clear level', 'rule-clear')}
      {field('k', 'k', 'rule-k')}
      {field('n', 'of n windows', 'rule-n')}
      {field('onDelay', 'on-delay', 'rule-on-delay')}
      {field('offDelay', 'off-delay', 'rule-off-delay')}
      {field('reAlert', 're-alert (empty: never)', 'rule-realert')}
    </div>
  );
}

export function RuleEditor({ deployment, onSaved }: { readonly deployment: Deployment; readonly onSaved: () => void }) {
  const { api, reportError } = useServices();
  const [form, setForm] = useState<RuleForm>(ruleFormOf(deployment.rule));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setForm(ruleFormOf(deployment.rule)), [deployment]);
  const save = () => {
    const checked = ruleOf(form);
    if (!checked.ok) return setProblem(checked.message);
    setProblem(null);
    api.setAlertRule({ id: deployment.id, rule: checked.rule }).then(onSaved, reportError);
  };
  return (
    <details className="rule-editor" data-testid="rule-editor">
      <summary>Alert rule</summary>
      <RuleFields form={form} onChange={setForm} />
      <button type="button" onClick={save} data-testid="rule-save">
        Save rule
      </button>
      {problem === null ? null : <span className="form-error">{problem}</span>}
    </details>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// New deployment

type Proposal = ApiOutput<'proposeDeployment'>;
const UNMAPPED = '';

export function DeploymentDialog({
  onClose,
  onCreated,
}: {
  readonly onClose: () => void;
  readonly onCreated: (d: Deployment) => void;
}) {
  const { api, reportError } = useServices();
  const [registry, setRegistry] = useState('');
  const [models, setModels] = useState<readonly string[]>([]);
  const [model, setModel] = useState('');
  const [follow, setFollow] = useState<'production' | 'approved' | 'pinned'>('production');
  const [version, setVersion] = useState('');
  const [assets, setAssets] = useState<readonly string[]>([]);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [title, setTitle] = useState('');
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [mapping, setMapping] = useState<SignalMapping>({});
  const [rule, setRule] = useState<RuleForm>(ruleFormOf(null));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.listSignals({}).then((signals) => setAssets([...new Set(signals.map((s) => s.asset))].sort()), reportError);
    api.getRegistryConnection({}).then((c) => {
      if (c === null) return;
      setRegistry(c.location);
      api.listRegistryModels({}).then((list) => setModels(list.map((m) => m.name)), reportError);
    }, reportError);
  }, [api, reportError]);

  const target = () => ({
    registry: registry.trim(),
    model: model.trim(),
    assets: [...chosen],
    ...(follow === 'pinned' ? { version: Number(version) } : { stage: follow }),
  });

  const propose = async () => {
    if (registry.trim() === '' || model.trim() === '') return setProblem('Give the registry and the model name.');
    if (chosen.size === 0) return setProblem('Choose at least one asset.');
    if (follow === 'pinned' && !(Number.isInteger(Number(version)) && Number(version) > 0))
      return setProblem('Pinned version: a whole number of 1 or more.');
    setProblem(null);
    setBusy(true);
    try {
      const p = await api.proposeDeployment(target());
      setProposal(p);
      setMapping(p.mapping);
      setRule(ruleFormOf(p.rule));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const create = async () => {
    const checked = ruleOf(rule);
    if (!checked.ok) return setProblem(checked.message);
    setBusy(true);
    try {
      const created = await api.createDeployment({
        ...target(),
        mapping,
        rule: checked.rule,
        ...(title.trim() === '' ? {} : { name: title.trim() }),
      });
      onCreated(created.deployment);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="New deployment"
      onClose={onClose}
      wide
      testId="deployment-dialog"
      footer={
        <>
          {problem === null ? null : (
            <span className="form-error" data-testid="deployment-problem">
              {problem}
            </span>
          )}
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" disabled={busy} onClick={() => void propose()} data-testid="deployment-propose">
            {proposal === null ? 'Next: mapping and rule' : 'Propose again'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || proposal === null}
            onClick={() => void create()}
            data-testid="deployment-create"
          >
            Deploy
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label>
          Registry (folder or URL)
          <input value={registry} onChange={(e) => setRegistry(e.target.value)} data-testid="deployment-registry" />
        </label>
        <label>
          Model
          <input
            value={model}
            list="deployment-models"
            onChange={(e) => setModel(e.target.value)}
            data-testid="deployment-model"
          />
          <datalist id="deployment-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label>
          Version
          <select
            value={follow}
            onChange={(e) => setFollow(e.target.value as typeof follow)}
            data-testid="deployment-follow"
          >
            <option value="production">follow production</option>
            <option value="approved">follow newest approved</option>
            <option value="pinned">pinned version…</option>
          </select>
          {follow === 'pinned' ? (
            <input
              value={version}
              inputMode="numeric"
              size={4}
              onChange={(e) => setVersion(e.target.value)}
              aria-label="Pinned version"
              data-testid="deployment-version"
            />
          ) : null}
        </label>
        <label>
          Name (optional)
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="deployment-title" />
        </label>
      </div>
      <fieldset className="asset-choice">
        <legend>Assets</legend>
        {assets.map((a) => (
          <label key={a} className="check">
            <input
              type="checkbox"
              checked={chosen.has(a)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(a);
                else next.delete(a);
                setChosen(next);
              }}
              data-testid="deployment-asset"
              data-asset={a}
            />
            {a}
          </label>
        ))}
      </fieldset>
      {proposal === null ? null : (
        <>
          <h3>
            Signal mapping{' '}
            <span className="muted small">v{proposal.version} · proposed from the names, edit where they differ</span>
          </h3>
          <div className="mapping-scroll">
            <table className="data-table" data-testid="mapping-table">
              <thead>
                <tr>
                  <th>Model signal</th>
                  {Object.keys(mapping).map((asset) => (
                    <th key={asset}>{asset}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {proposal.signals.map((s) => (
                  <tr key={s.tag}>
                    <td>
                      {s.tag}
                      {s.unit === null ? '' : ` [${s.unit}]`}
                    </td>
                    {Object.keys(mapping).map((asset) => (
                      <td key={asset}>
                        <select
                          value={mapping[asset]?.[s.tag]?.tag ?? UNMAPPED}
                          onChange={(e) =>
                            setMapping({
                              ...mapping,
                              [asset]: {
                                ...mapping[asset],
                                [s.tag]: e.target.value === UNMAPPED ? null : { asset, tag: e.target.value },
                              },
                            })
                          }
                          className={mapping[asset]?.[s.tag] == null ? 'unmapped' : undefined}
                          data-testid="mapping-select"
                          data-asset={asset}
                          data-signal={s.tag}
                        >
                          <option value={UNMAPPED}>— unmapped (blocks scoring) —</option>
                          {(proposal.catalogue[asset] ?? []).map((tag) => (
                            <option key={tag} value={tag}>
                              {tag}
                            </option>
                          ))}
                        </select>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>
            Alert rule <span className="muted small">default from {proposal.ruleBasis}</span>
          </h3>
          <RuleFields form={rule} onChange={setRule} />
        </>
      )}
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Follow Start/Stop

/** The saved connections of one kind, as a <select> whose empty choice says what having none means. */
function ProfileSelect(props: {
  readonly profiles: readonly ConnectionProfileView[];
  readonly kind: ConnectionProfileView['kind'];
  readonly value: string;
  readonly onChange: (profile: string) => void;
  readonly label: string;
  readonly empty: string;
}) {
  return (
    <select value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-label={props.label}>
      <option value="">{props.empty}</option>
      {props.profiles
        .filter((p) => p.kind === props.kind)
        .map((p) => (
          <option key={p.name} value={p.name}>
            {p.name}
          </option>
        ))}
    </select>
  );
}

export function FollowSwitch({ deployment }: { readonly deployment: Deployment }) {
  const { api, reportError } = useServices();
  const [status, setStatus] = useState<FollowStatus | null>(null);
  const [form, setForm] = useState<FollowForm>(followFormOf(deployment.followSource));
  const [profiles, setProfiles] = useState<readonly ConnectionProfileView[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api.getFollowStatus({ deploymentId: deployment.id }).then(setStatus, reportError);
  }, [api, deployment.id, reportError]);
  useEffect(() => {
    refresh();
    api.listConnectionProfiles({}).then(setProfiles, reportError);
  }, [api, refresh, reportError]);
  useEffect(() => {
    if (status?.running !== true) return undefined;
    const timer = setInterval(refresh, 1000);
    return () => clearInterval(timer);
  }, [status?.running, refresh]);
  useApiEvents((event) => {
    if (event.type === 'job-finished' && event.job.kind === 'follow') refresh();
  });

  useEffect(() => setForm((f) => followFormOf(deployment.followSource, f.interval)), [deployment]);

  const start = async () => {
    const checked = followOf(form);
    if (!checked.ok) return setProblem(checked.message);
    setProblem(null);
    try {
      // The source is stored with the deployment, so the next Start (or monitor --follow) fetches from it too.
      if (!sameSource(checked.source, deployment.followSource)) {
        await api.setFollowSource({ id: deployment.id, source: checked.source });
      }
      setStatus(await api.startFollow({ deploymentId: deployment.id, intervalSeconds: checked.intervalSeconds }));
      // A typed password now lives encrypted in a saved connection (the source names it): not kept in the form.
      if (form.password !== '') {
        setForm((f) => ({ ...f, password: '' }));
        api.listConnectionProfiles({}).then(setProfiles, reportError);
      }
    } catch (error) {
      reportError(error);
    }
  };
  const stop = () => {
    api.stopFollow({ deploymentId: deployment.id }).then(setStatus, reportError);
  };
  const running = status?.running === true;
  return (
    <div className="follow-switch" data-testid="follow-switch" data-running={running ? 'yes' : 'no'}>
      <div className="inline-form">
        <strong>Follow</strong>
        {running ? null : (
          <>
            <label>
              every
              <input
                value={form.interval}
                size={4}
                inputMode="decimal"
                onChange={(e) => setForm({ ...form, interval: e.target.value })}
                data-testid="follow-interval"
              />
              s
            </label>
            <select
              value={form.kind}
              onChange={(e) => setForm({ ...form, kind: e.target.value as FollowForm['kind'], profile: '' })}
              aria-label="Fetch new history from"
              data-testid="follow-source"
            >
              <option value="none">score what the workspace holds</option>
              <option value="opcua">fetch from an OPC UA connection</option>
              <option value="postgres">fetch from PostgreSQL</option>
            </select>
            {form.kind === 'opcua' ? (
              <>
                <ProfileSelect
                  profiles={profiles}
                  kind="opcua"
                  value={form.profile}
                  onChange={(profile) => setForm({ ...form, profile })}
                  label="Saved connection"
                  empty="connection…"
                />
                <input
                  placeholder="node ids, comma separated"
                  value={form.tags}
                  onChange={(e) => setForm({ ...form, tags: e.target.value })}
                  aria-label="Node ids"
                />
              </>
            ) : null}
            {form.kind === 'postgres' ? (
              <>
                <input
                  placeholder="postgres://user@host/db"
                  value={form.url}
                  onChange={(e) => setForm({ ...form, url: e.target.value })}
                  aria-label="PostgreSQL URL"
                />
                <ProfileSelect
                  profiles={profiles}
                  kind="postgres"
                  value={form.profile}
                  onChange={(profile) => setForm({ ...form, profile })}
                  label="Saved password of"
                  empty="no saved password"
                />
                <input
                  type="password"
                  placeholder="password (saved encrypted)"
                  value={form.password}
                  onChange={(e) => setForm({ ...form, password: e.target.value })}
                  aria-label="PostgreSQL password"
                  autoComplete="off"
                  data-testid="follow-password"
                />
                <textarea
                  rows={2}
                  placeholder="SELECT time, tag, value FROM … WHERE time >= $1 AND time < $2"
                  value={form.query}
                  onChange={(e) => setForm({ ...form, query: e.target.value })}
                  aria-label="Query"
                />
              </>
            ) : null}
          </>
        )}
        <button
          type="button"
          className={running ? 'danger' : 'primary'}
          onClick={running ? stop : () => void start()}
          data-testid="follow-toggle"
        >
          {running ? 'Stop' : 'Start'}
        </button>
      </div>
      {problem === null ? null : <p className="form-error">{problem}</p>}
      {status === null ? null : (
        <p className="small" data-testid="follow-status" aria-live="polite">
          {followLine(status)}
        </p>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Figures, drift, champion vs challenger

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(100 * x)} %`);
const fixed = (x: number | null, digits = 2) => (x === null ? '–' : x.toFixed(digits));

/**
 * Alert figures per asset and month. On cycle-indexed data (C-MAPSS) there are no calendar months: the core counts
 * cycles as microseconds since 1970, so the panel showed month "1970-01" and billions of false alarms per
 * asset-month. There it shows the counts over all cycles and no rate, as the alert performance report does.
 */
export function FiguresPanel({
  deployment,
  version,
  timeKind = null,
}: {
  readonly deployment: Deployment;
  readonly version: number;
  /** The axis of the deployment's data, once known. */
  readonly timeKind?: TimeKind | null;
}) {
  const { api, reportError } = useServices();
  const [figures, setFigures] = useState<DeploymentFigures | null>(null);
  const tick = useChangeTick();
  useEffect(() => {
    api.getAlertFigures({ deploymentId: deployment.id }).then(setFigures, reportError);
  }, [api, deployment.id, version, tick, reportError]);
  if (figures === null) return null;
  const o = figures.overall;
  const cycles = timeKind === 'cycle';
  return (
    <section className="panel" aria-label="Alert figures" data-testid="alert-figures">
      <div className="panel-title">
        <h2>Alert figures</h2>
        <span className="muted small">
          {o.raised} raised · precision {pct(o.precision)} ·{' '}
          <span data-testid="false-alarm-rate">
            {cycles
              ? `${o.falseAlarms} false alarm(s) (cycle data: no rate per asset-month)`
              : `false alarms per asset-month ${fixed(o.falseAlarmsPerAssetMonth)}`}
          </span>{' '}
          · floods {o.floods.length} · chattering {o.chattering.length} · stale {o.stale.length}
        </span>
      </div>
      {figures.byAssetMonth.length === 0 ? (
        <p className="muted small">No alerts or failures yet.</p>
      ) : (
        <table className="data-table" data-testid="figures-table">
          <thead>
            <tr>
              <th>Asset</th>
              <th>{cycles ? 'Period' : 'Month'}</th>
              <th className="num">Raised</th>
              <th className="num">Confirmed</th>
              <th className="num">False</th>
              <th className="num">Precision</th>
              <th className="num">Failures caught / missed</th>
              <th className="num">Mean lead time</th>
            </tr>
          </thead>
          <tbody>
            {figures.byAssetMonth.map((m) => (
              <tr key={`${m.asset} ${m.month}`} data-testid="figures-row">
                <td>{m.asset}</td>
                <td>{cycles ? 'all cycles' : m.month}</td>
                <td className="num">{m.figures.raised}</td>
                <td className="num">{m.figures.confirmed}</td>
                <td className="num">{m.figures.falseAlarms}</td>
                <td className="num">{pct(m.figures.precision)}</td>
                <td className="num">
                  {m.figures.failuresDetected} / {m.figures.failuresMissed}
                </td>
                <td className="num">{fixed(m.figures.meanLeadTime, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function DriftPanel({ deployment, version }: { readonly deployment: Deployment; readonly version: number }) {
  const { api, reportError } = useServices();
  const [drift, setDrift] = useState<DriftOverview | null>(null);
  const tick = useChangeTick();
  useEffect(() => {
    api.getDriftFindings({ deploymentId: deployment.id }).then(setDrift, reportError);
  }, [api, deployment.id, version, tick, reportError]);
  if (drift === null) return null;
  const flagged = drift.findings.filter((f) => f.flagged);
  return (
    <section className="panel" aria-label="Drift" data-testid="drift-panel">
      <div className="panel-title">
        <h2>Drift</h2>
        <span className="muted small">
          latest chunk per signal · {flagged.length} flagged · signals the model relies on first; drift with rising
          model output on top
        </span>
      </div>
      {drift.findings.length === 0 ? (
        <p className="muted small">No drift judged yet (score first; packages without reference statistics skip it).</p>
      ) : (
        <table className="data-table" data-testid="drift-table">
          <thead>
            <tr>
              <th>Asset</th>
              <th>Signal</th>
              <th>Method</th>
              <th className="num">Value / threshold</th>
              <th className="num">Readings (reference)</th>
              <th className="num">Importance</th>
              <th>Finding</th>
            </tr>
          </thead>
          <tbody>
            {drift.findings.slice(0, 50).map((f) => (
              <tr
                key={`${f.asset} ${f.signal ?? '*'} ${f.method}`}
                className={f.lookFirst ? 'look-first' : f.flagged ? 'flagged' : undefined}
                data-testid="drift-row"
                data-flagged={f.flagged ? 'yes' : 'no'}
                data-look-first={f.lookFirst ? 'yes' : 'no'}
              >
                <td>{f.asset}</td>
                <td>{f.signal ?? 'all signals (PCA)'}</td>
                <td>{f.method}</td>
                <td className="num">
                  {fixed(f.value, 3)} / {fixed(f.threshold, 3)}
                </td>
                <td className="num">
                  n = {f.readings} ({f.referenceReadings})
                </td>
                <td className="num">{fixed(f.importance, 3)}</td>
                <td>
                  {f.lookFirst ? 'look here first: drift and rising model output' : f.flagged ? 'drift' : 'no drift'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ChallengerPanel({
  deployment,
  deployments,
  version,
  onChanged,
}: {
  readonly deployment: Deployment;
  readonly deployments: readonly Deployment[];
  readonly version: number;
  readonly onChanged: () => void;
}) {
  const { api, reportError } = useServices();
  const challengers = deployments.filter((d) => d.championId === deployment.id);
  const [reports, setReports] = useState<ReadonlyMap<string, ShadowReport>>(new Map());
  const [newVersion, setNewVersion] = useState('');
  const ids = challengers.map((c) => c.id).join(',');
  const tick = useChangeTick();
  useEffect(() => {
    if (ids === '') return;
    Promise.all(ids.split(',').map((id) => api.compareChallenger({ challengerId: id }))).then(
      (list) => setReports(new Map(list.map((r) => [r.challenger.deployment, r]))),
      reportError,
    );
  }, [api, ids, version, tick, reportError]);
  if (deployment.role === 'challenger') return null;
  const add = () => {
    const v = Number(newVersion);
    if (!Number.isInteger(v) || v < 1) return reportError(new Error('Challenger version: a whole number of 1 or more'));
    api.createChallenger({ championId: deployment.id, version: v }).then(() => {
      setNewVersion('');
      onChanged();
    }, reportError);
  };
  return (
    <section className="panel" aria-label="Champion and challenger" data-testid="challenger-panel">
      <div className="panel-title">
        <h2>Champion vs challenger</h2>
        <span className="spacer" />
        <input
          value={newVersion}
          size={4}
          inputMode="numeric"
          placeholder="version"
          onChange={(e) => setNewVersion(e.target.value)}
          aria-label="Challenger version"
          data-testid="challenger-version"
        />
        <button type="button" onClick={add} data-testid="challenger-add">
          Shadow with this version
        </button>
      </div>
      {challengers.length === 0 ? (
        <p className="muted small">No challenger: another version can run in shadow on the same data.</p>
      ) : (
        challengers.map((c) => {
          const r = reports.get(c.id);
          if (r === undefined) return null;
          return (
            <table key={c.id} className="data-table side-by-side" data-testid="shadow-table" data-challenger={c.id}>
              <thead>
                <tr>
                  <th>What would have happened</th>
                  <th className="num">
                    Champion {r.champion.deployment} v{r.champion.modelVersion ?? '-'}
                  </th>
                  <th className="num">
                    Challenger {r.challenger.deployment} v{r.challenger.modelVersion ?? '-'}
                  </th>
                </tr>
              </thead>
              <tbody>
                {(
                  [
                    ['Alerts raised', 'raised'],
                    ['Confirmed failures', 'confirmed'],
                    ['False alarms', 'falseAlarms'],
                    ['Not actionable', 'notActionable'],
                    ['No disposition yet', 'undispositioned'],
                  ] as const
                ).map(([label, key]) => (
                  <tr key={key} data-testid="shadow-row" data-row={key}>
                    <td>{label}</td>
                    <td className="num">{r.champion[key]}</td>
                    <td className="num">{r.challenger[key]}</td>
                  </tr>
                ))}
                <tr>
                  <td>Precision</td>
                  <td className="num">{sidePrecision(r.champion)}</td>
                  <td className="num">{sidePrecision(r.challenger)}</td>
                </tr>
              </tbody>
            </table>
          );
        })
      )}
    </section>
  );
}
