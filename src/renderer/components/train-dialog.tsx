import type { ReactNode } from 'react';
import type { Signal } from '../../shared/domain.js';
import { describeLabels } from '../../shared/label-rule.js';
import { TrainConfigSchema } from '../../shared/training.js';
import { useServices } from '../hooks/services.js';
import { useTrainForm, type CheckboxField, type TextField, type TrainFormState } from '../hooks/use-train-form.js';
import type { TrainingJob } from '../hooks/use-training.js';
import { isActive } from '../logic/job-tracker.js';
import { curveProgress } from '../logic/loss-curve.js';
import { formatMetric, keyMetricsFor } from '../logic/run-list.js';
import {
  BACKENDS,
  ENGINE_LABELS,
  ENGINES,
  modelTypesFor,
  TASK_KINDS,
  TASK_LABELS,
  type TaskKind,
} from '../logic/train-form.js';
import { SaveDatasetSnapshot } from './dataset-snapshot.js';
import { Dialog } from './dialog.js';
import { LossChart } from './loss-chart.js';

export interface TrainDialogProps {
  readonly signals: readonly Signal[];
  /** The training job, owned by the Models view so it keeps running (and reporting) while the dialog is hidden. */
  readonly job: TrainingJob;
  readonly onClose: () => void;
  readonly onOpenRun: (runId: string) => void;
}

/** A yes/no field of the form, its label beside the box across the grid's two columns. */
function CheckboxInput({
  f,
  field,
  testId,
  children,
}: {
  f: TrainFormState;
  field: CheckboxField;
  testId: string;
  children: ReactNode;
}) {
  return (
    <label className="inline span-2">
      <input
        type="checkbox"
        checked={f.form[field]}
        onChange={(e) => f.setField(field, e.target.checked)}
        data-testid={testId}
      />
      {children}
    </label>
  );
}

function TextInput({
  f,
  field,
  label,
  testId,
  hint,
  className,
}: {
  f: TrainFormState;
  field: TextField;
  label: string;
  testId: string;
  hint?: string;
  className?: string;
}) {
  return (
    <label className={className}>
      {label}
      <input
        type="text"
        value={f.form[field]}
        onChange={(e) => f.setField(field, e.target.value)}
        spellCheck={false}
        data-testid={testId}
        placeholder={hint}
      />
    </label>
  );
}

function ModelFields({ f }: { f: TrainFormState }) {
  const { form } = f;
  const models = modelTypesFor(form.task);
  const unitsLabel =
    form.modelType === 'gru' || form.modelType === 'lstm'
      ? 'Recurrent units'
      : form.modelType === 'cnn1d'
        ? 'Filters per layer'
        : 'Hidden units per layer';
  return (
    <fieldset className="form-grid">
      <legend>Task and model</legend>
      <TextInput f={f} field="name" label="Run name" testId="train-name" className="span-2" />
      <label>
        Task
        <select value={form.task} onChange={(e) => f.setTask(e.target.value as TaskKind)} data-testid="train-task">
          {TASK_KINDS.map((t) => (
            <option key={t} value={t}>
              {TASK_LABELS[t]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <select
          value={form.modelType}
          onChange={(e) => f.setModel(models.find((m) => m === e.target.value) ?? form.modelType)}
          data-testid="train-model"
        >
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      {form.modelType !== 'pca' ? (
        <TextInput f={f} field="units" label={unitsLabel} testId="train-units" hint="64, 32" />
      ) : null}
      <label>
        Backend
        <select
          value={form.backend}
          onChange={(e) => f.setField('backend', BACKENDS.find((b) => b === e.target.value) ?? 'auto')}
          data-testid="train-backend"
        >
          {BACKENDS.map((b) => (
            <option key={b} value={b}>
              {b === 'auto' ? 'auto (best available)' : b}
            </option>
          ))}
        </select>
      </label>
      <label>
        Train in
        <select
          value={form.engine}
          onChange={(e) => f.setField('engine', ENGINES.find((x) => x === e.target.value) ?? 'node')}
          data-testid="train-engine"
          title="Where the run trains: a window's engine probes WebGPU, WebGL, wasm and cpu on one batch and uses the fastest that matches cpu"
        >
          {ENGINES.map((x) => (
            <option key={x} value={x}>
              {ENGINE_LABELS[x]}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

function DataFields({ f }: { f: TrainFormState }) {
  const { displayZone } = useServices();
  const { form } = f;
  return (
    <fieldset className="form-grid">
      <legend>Data</legend>
      <div className="span-2 radio-row" role="radiogroup" aria-label="Choose assets by">
        <label className="inline">
          <input
            type="radio"
            name="asset-mode"
            checked={form.assetMode === 'prefix'}
            onChange={() => f.setField('assetMode', 'prefix')}
            data-testid="train-asset-mode-prefix"
          />
          Assets by name prefix
        </label>
        <label className="inline">
          <input
            type="radio"
            name="asset-mode"
            checked={form.assetMode === 'names'}
            onChange={() => f.setField('assetMode', 'names')}
            data-testid="train-asset-mode-names"
          />
          Pick assets
        </label>
      </div>
      {form.assetMode === 'prefix' ? (
        <TextInput
          f={f}
          field="assetPrefix"
          label={`Training assets: name starts with (${f.chosenAssets.length} match)`}
          testId="train-asset-prefix"
          className="span-2"
        />
      ) : (
        <div className="span-2 check-list" role="group" aria-label="Training assets" data-testid="train-asset-list">
          {f.allAssets.map((a) => (
            <label key={a} className="inline">
              <input
                type="checkbox"
                checked={form.assetNames.includes(a)}
                onChange={() => f.toggleAsset(a)}
                data-testid={`train-asset-${a}`}
              />
              {a}
            </label>
          ))}
        </div>
      )}
      <div className="span-2">
        <div className="check-list-header">
          <span>
            Signals ({f.chosenSignals.length} of {f.availableTags.length} on every chosen asset)
          </span>
          <button
            type="button"
            className="link-button"
            onClick={() => f.setAllSignals(true)}
            data-testid="train-signals-all"
          >
            All
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => f.setAllSignals(false)}
            data-testid="train-signals-none"
          >
            None
          </button>
        </div>
        <div className="check-list columns" role="group" aria-label="Signals" data-testid="train-signal-list">
          {f.availableTags.length === 0 ? (
            <span className="muted small">No tag is present on every chosen asset.</span>
          ) : null}
          {f.availableTags.map((tag) => (
            <label key={tag} className="inline">
              <input
                type="checkbox"
                checked={f.chosenSignals.includes(tag)}
                onChange={() => f.toggleSignal(tag)}
                data-testid={`train-signal-${tag}`}
              />
              {tag}
              {f.labelCandidates.includes(tag) ? (
                <span className="muted small" title="Its name and values look like labels: not a default input">
                  {' '}
                  (label?)
                </span>
              ) : null}
            </label>
          ))}
        </div>
      </div>
      <TextInput
        f={f}
        field="grid"
        label={form.timeKind === 'timestamp' ? 'Grid (e.g. 1 min)' : 'Grid (cycles)'}
        testId="train-grid"
      />
      <label>
        Missing or bad-quality readings
        <select
          value={form.gapPolicy}
          onChange={(e) => f.setField('gapPolicy', e.target.value === 'reject' ? 'reject' : 'forward-fill')}
          data-testid="train-gap-policy"
        >
          <option value="forward-fill">Forward-fill the last good value</option>
          <option value="reject">Refuse the dataset</option>
        </select>
      </label>
      {form.gapPolicy === 'forward-fill' ? (
        <>
          <TextInput
            f={f}
            field="fillLimit"
            label={
              form.timeKind === 'timestamp'
                ? 'Fill at most (e.g. 15 min; empty: no limit)'
                : 'Fill at most (cycles; empty: no limit)'
            }
            testId="train-fill-limit"
          />
          <TextInput f={f} field="maxMissing" label="Most missing in a window (%)" testId="train-max-missing" />
        </>
      ) : null}
      <TextInput
        f={f}
        field="from"
        label={form.timeKind === 'timestamp' ? `From (${displayZone} date; empty: start)` : 'From cycle (empty: start)'}
        testId="train-from"
      />
      <TextInput
        f={f}
        field="to"
        label={form.timeKind === 'timestamp' ? `To (${displayZone} date; empty: end)` : 'To cycle (empty: end)'}
        testId="train-to"
      />
      <TextInput f={f} field="windowLength" label="Window length (steps)" testId="train-window-length" />
      <TextInput f={f} field="windowStride" label="Stride" testId="train-window-stride" />
      {form.task === 'rul' ? (
        <TextInput f={f} field="rulCap" label="RUL cap (empty: none)" testId="train-rul-cap" />
      ) : null}
      {form.task === 'failure-horizon' ? (
        <TextInput
          f={f}
          field="horizon"
          label={form.timeKind === 'timestamp' ? 'Failure horizon (e.g. 7 d)' : 'Failure horizon (cycles)'}
          testId="train-horizon"
        />
      ) : null}
      {form.task === 'anomaly' ? <AnomalyLabelFields f={f} /> : null}
      <TextInput
        f={f}
        field="smoothing"
        label="Smoothing weights (0-1; several, e.g. 0.3; 0.05, give one input each; empty: none)"
        testId="train-smoothing"
      />
      <TextInput
        f={f}
        field="baseline"
        label="Life baseline (first steps of each life; each signal's change from it is an input; empty: none)"
        testId="train-baseline"
      />
      <CheckboxInput f={f} field="age" testId="train-age">
        Age in life as an input (time since the asset&apos;s first reading or its last repair after a failure)
      </CheckboxInput>
      <SplitFields f={f} />
      <LabelRule f={f} />
    </fieldset>
  );
}

/** How the data is split: whole assets held out, or each asset cut in time (its later part evaluated). */
function SplitFields({ f }: { f: TrainFormState }) {
  const { displayZone } = useServices();
  const { form } = f;
  const byTime = form.splitMode === 'time';
  return (
    <>
      <label className="span-2">
        Split
        <select
          value={form.splitMode}
          onChange={(e) => f.setField('splitMode', e.target.value === 'time' ? 'time' : 'assets')}
          data-testid="train-split"
        >
          <option value="assets">By asset: validation and test assets are other assets</option>
          <option value="time">
            By time: each asset&apos;s first part trains, the rest is evaluated (one asset is enough)
          </option>
        </select>
      </label>
      {byTime ? (
        <>
          <TextInput f={f} field="trainPercent" label="Train on the first (% of each asset)" testId="train-percent" />
          <TextInput
            f={f}
            field="trainUntil"
            label={
              form.timeKind === 'timestamp'
                ? `…or train until (${displayZone} date; overrides %)`
                : '…or train until cycle (overrides %)'
            }
            testId="train-until"
          />
          <p className="span-2 small muted" data-testid="train-split-note">
            The last share of each asset&apos;s training part validates (by time). No window spans a cut: the first
            windows after it start inside the evaluated part.
          </p>
        </>
      ) : null}
      <TextInput
        f={f}
        field="validationFraction"
        label={byTime ? 'Validation share of the training part' : 'Validation share of assets'}
        testId="train-validation"
      />
      {byTime ? null : (
        <TextInput
          f={f}
          field="evaluationPrefix"
          label="Held-out test assets: name prefix (empty: use validation assets)"
          testId="train-evaluation-prefix"
          className="span-2"
        />
      )}
    </>
  );
}

/** Which rows are normal and which abnormal, by rule: a normal start, lives from work orders, or a label column. */
function AnomalyLabelFields({ f }: { f: TrainFormState }) {
  const { form } = f;
  const cycles = form.timeKind === 'cycle';
  return (
    <>
      <label className="span-2">
        Labels
        <select
          value={form.anomalyRule}
          onChange={(e) =>
            f.setField(
              'anomalyRule',
              e.target.value === 'first-normal' ? 'first-normal' : e.target.value === 'column' ? 'column' : 'lives',
            )
          }
          data-testid="train-anomaly-rule"
        >
          <option value="first-normal">The first part of each asset is normal, every later row abnormal</option>
          <option value="lives">Normal after install or repair, abnormal before a failure</option>
          <option value="column">From a label column in the data (0/1 or state codes)</option>
        </select>
      </label>
      {form.anomalyRule === 'first-normal' ? (
        <TextInput
          f={f}
          field="normalStart"
          label={cycles ? 'Normal start (e.g. 500 rows or 50 cycles)' : 'Normal start (e.g. 500 rows or 2 d)'}
          hint="empty: the first 20% of rows"
          testId="train-normal-start"
          className="span-2"
        />
      ) : null}
      {form.anomalyRule === 'lives' ? (
        <>
          <TextInput f={f} field="normalSpan" label="Normal span at start of life" testId="train-normal-span" />
          <TextInput
            f={f}
            field="abnormalWithin"
            label="Abnormal within (before failure)"
            testId="train-abnormal-within"
          />
          <CheckboxInput f={f} field="endIsFailure" testId="train-end-is-failure">
            An asset without a failure event fails at its last reading (run-to-failure data: its end is abnormal)
          </CheckboxInput>
        </>
      ) : null}
      {form.anomalyRule === 'column' ? (
        <>
          <label>
            Label column
            <select
              value={form.labelColumn}
              onChange={(e) => f.setField('labelColumn', e.target.value)}
              data-testid="train-label-column"
            >
              <option value="">(choose)</option>
              {f.labelColumns.map((tag) => (
                <option key={tag} value={tag}>
                  {f.labelCandidates.includes(tag) ? `${tag} (label column found at import)` : tag}
                </option>
              ))}
            </select>
          </label>
          <TextInput f={f} field="normalCodes" label="Normal codes" testId="train-normal-codes" hint="0" />
          <TextInput
            f={f}
            field="abnormalCodes"
            label="Abnormal codes (empty: every other code)"
            testId="train-abnormal-codes"
            hint="1, 2"
          />
        </>
      ) : null}
    </>
  );
}

/** The labelling rule in words, as the run record will state it, so no rule acts unseen. */
function LabelRule({ f }: { f: TrainFormState }) {
  if (!('config' in f.result)) return null;
  const parsed = TrainConfigSchema.safeParse(f.result.config);
  if (!parsed.success) return null;
  return (
    <p className="span-2 small" data-testid="train-label-rule">
      <strong>Labels:</strong> {describeLabels(parsed.data.dataset.label, f.form.timeKind)}
    </p>
  );
}

function TrainingFields({ f }: { f: TrainFormState }) {
  return (
    <fieldset className="form-grid">
      <legend>Training</legend>
      <TextInput f={f} field="epochs" label="Epochs (early stopping may end sooner)" testId="train-epochs" />
      <TextInput f={f} field="batchSize" label="Batch size" testId="train-batch-size" />
      <TextInput f={f} field="seed" label="Seed" testId="train-seed" />
      <TextInput
        f={f}
        field="ensemble"
        label="Ensemble members (each from its own seed, averaged; 5: the accurate preset)"
        testId="train-ensemble"
      />
    </fieldset>
  );
}

function JobPanel({ job, task, onOpenRun }: { job: TrainingJob; task: TaskKind; onOpenRun: (id: string) => void }) {
  const { view } = job;
  if (view.status === 'idle') return null;
  const progress = curveProgress(job.epochs === null ? undefined : { epochs: job.epochs, points: job.points });
  const fraction = view.fraction ?? progress?.fraction ?? null;
  return (
    <section className="train-job" aria-label="Training progress" data-testid="train-job" data-status={view.status}>
      {isActive(view) ? (
        <div className="job-progress">
          <progress
            max={1}
            {...(fraction === null ? {} : { value: fraction })}
            aria-label="Training progress"
            data-testid="train-progress"
            data-epoch={progress?.epoch ?? 0}
          />
          <p className="small" role="status">
            {progress === null ? view.message : `epoch ${progress.epoch} of ${progress.epochs}`}
          </p>
        </div>
      ) : null}
      {job.points.length > 0 || isActive(view) ? (
        <LossChart points={job.points} epochs={job.epochs} testId="train-loss-chart" />
      ) : null}
      {view.status === 'done' && view.training !== null ? (
        <div
          className="import-summary"
          data-testid="train-result"
          data-run={view.training.run}
          data-backend={view.training.backend}
          data-rmse={view.training.metrics['rmse'] ?? ''}
        >
          <p>
            Run <span className="mono">{view.training.run}</span> finished on <strong>{view.training.backend}</strong>.
          </p>
          <dl className="summary-grid">
            {keyMetricsFor(task).map((m) => (
              <div key={m.key} style={{ display: 'contents' }}>
                <dt>{m.label}</dt>
                <dd data-testid={`train-result-${m.key}`}>{formatMetric(view.training?.metrics[m.key])}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => onOpenRun(view.training?.run ?? '')} data-testid="train-open-run">
            Open run
          </button>
        </div>
      ) : null}
      {view.status === 'failed' ? (
        <p className="form-error" role="alert" data-testid="train-error">
          Training failed: {view.error}
        </p>
      ) : null}
      {view.status === 'cancelled' ? (
        <p className="warn-text" role="status" data-testid="train-cancelled">
          Training cancelled.
        </p>
      ) : null}
    </section>
  );
}

/** Build a training config in a form (or as JSON), start it, watch the loss curves live, cancel, see the result. */
export function TrainDialog({ signals, job, onClose, onOpenRun }: TrainDialogProps) {
  const f = useTrainForm(signals);
  const active = isActive(job.view);

  const error = 'error' in f.result ? f.result.error : null;
  const task = 'config' in f.result ? f.result.config.dataset.label.kind : f.form.task;
  const start = () => {
    if ('config' in f.result) void job.start(f.result.config);
  };

  const footer = (
    <>
      {active ? (
        <button type="button" onClick={() => void job.cancel()} data-testid="train-cancel">
          Cancel training
        </button>
      ) : null}
      <span className="spacer" />
      <button type="button" onClick={onClose} data-testid="train-close">
        {active ? 'Hide' : 'Close'}
      </button>
      <button
        type="button"
        className="primary"
        onClick={start}
        disabled={active || error !== null}
        data-testid="train-start"
      >
        {job.view.status === 'idle' ? 'Start training' : 'Train again'}
      </button>
    </>
  );

  return (
    <Dialog title="Train a model" onClose={onClose} wide testId="train-dialog" footer={footer}>
      <fieldset className="plain-fieldset" disabled={active}>
        {f.advanced ? null : (
          <>
            <ModelFields f={f} />
            <DataFields f={f} />
            <TrainingFields f={f} />
          </>
        )}
        <label className="inline advanced-toggle">
          <input
            type="checkbox"
            checked={f.advanced}
            onChange={(e) => f.setAdvanced(e.target.checked)}
            data-testid="train-advanced"
          />
          Advanced: edit JSON (docs/training.md describes every field)
        </label>
        {f.advanced ? (
          <textarea
            className="json-editor"
            value={f.jsonText}
            onChange={(e) => f.setJsonText(e.target.value)}
            spellCheck={false}
            rows={22}
            aria-label="Training config (JSON)"
            aria-invalid={error !== null}
            data-testid="train-json"
          />
        ) : null}
      </fieldset>
      {error !== null ? (
        <pre className="form-error" role="alert" data-testid="train-form-error">
          {error}
        </pre>
      ) : null}
      <SaveDatasetSnapshot config={'config' in f.result ? f.result.config : null} disabled={active} />
      <JobPanel job={job} task={task} onOpenRun={onOpenRun} />
    </Dialog>
  );
}
