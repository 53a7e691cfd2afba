import { useState, type FormEvent } from 'react';
import type { Signal } from '../../shared/domain.js';
import { useServices } from '../hooks/services.js';
import { errorMessage } from '../logic/errors.js';
import { buildSignalPatch, samplePeriodUnit, signalToForm, type SignalForm } from '../logic/signal-form.js';
import { formatCount, formatTimeValue } from '../logic/time-format.js';

export interface SignalPropertiesProps {
  readonly signal: Signal;
  readonly onSaved: (updated: readonly Signal[]) => void;
  readonly onClose: () => void;
}

/** Edit one signal's unit, asset, sample period and valid range (updateSignals). Mount with key={signal.id}. */
export function SignalProperties({ signal, onSaved, onClose }: SignalPropertiesProps) {
  const { api, displayZone } = useServices();
  const [form, setForm] = useState<SignalForm>(() => signalToForm(signal));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const check = buildSignalPatch(form, signal);
  const dirty = 'patch' in check ? check.changed : true;

  const field = (name: Exclude<keyof SignalForm, 'labelCandidate'>) => ({
    value: form[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      setForm((f) => ({ ...f, [name]: e.target.value }));
      setSaved(false);
      setError(null);
    },
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = buildSignalPatch(form, signal);
    if ('error' in result) {
      setError(result.error);
      return;
    }
    if (!result.changed) return;
    setSaving(true);
    try {
      const updated = await api.updateSignals({ ids: [signal.id], patch: result.patch });
      onSaved(updated);
      const fresh = updated.find((s) => s.id === signal.id);
      if (fresh) setForm(signalToForm(fresh));
      setSaved(true);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="signal-properties" onSubmit={submit} aria-label="Signal properties" data-testid="properties-panel">
      <div className="panel-title">
        <h3 title={`${signal.asset} / ${signal.tag}`}>{signal.tag}</h3>
        <button type="button" className="icon-button" aria-label="Close properties" onClick={onClose}>
          ×
        </button>
      </div>
      <dl className="facts">
        <dt>Readings</dt>
        <dd>{formatCount(signal.count)}</dd>
        <dt>Axis</dt>
        <dd>{signal.timeKind === 'cycle' ? 'cycles' : `time (${displayZone})`}</dd>
        <dt>First</dt>
        <dd>{signal.firstT === null ? '—' : formatTimeValue(signal.firstT, signal.timeKind, displayZone)}</dd>
        <dt>Last</dt>
        <dd>{signal.lastT === null ? '—' : formatTimeValue(signal.lastT, signal.timeKind, displayZone)}</dd>
        <dt>Source</dt>
        <dd className="ellipsis" title={signal.source}>
          {signal.source || '—'}
        </dd>
      </dl>
      <label>
        Asset
        <input type="text" required maxLength={200} {...field('asset')} data-testid="prop-asset" />
      </label>
      <label>
        Unit
        <input type="text" maxLength={50} placeholder="none" {...field('unit')} data-testid="prop-unit" />
      </label>
      <label>
        Sample period ({samplePeriodUnit(signal)})
        <input
          type="text"
          inputMode="decimal"
          placeholder="median spacing"
          {...field('samplePeriod')}
          data-testid="prop-sample-period"
        />
      </label>
      <div className="row2">
        <label>
          Valid min
          <input
            type="text"
            inputMode="decimal"
            placeholder="none"
            {...field('validMin')}
            data-testid="prop-valid-min"
          />
        </label>
        <label>
          Valid max
          <input
            type="text"
            inputMode="decimal"
            placeholder="none"
            {...field('validMax')}
            data-testid="prop-valid-max"
          />
        </label>
      </div>
      <label className="inline" title="Found at import: its name and values look like labels (0/1 or state codes)">
        <input
          type="checkbox"
          checked={form.labelCandidate}
          onChange={(e) => {
            const labelCandidate = e.target.checked;
            setForm((f) => ({ ...f, labelCandidate }));
            setSaved(false);
            setError(null);
          }}
          data-testid="prop-label-candidate"
        />
        Label column (left out of the default model inputs)
      </label>
      {error !== null ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-actions">
        {saved && !dirty ? <span className="ok-text">Saved</span> : null}
        <button type="button" disabled={!dirty || saving} onClick={() => setForm(signalToForm(signal))}>
          Revert
        </button>
        <button type="submit" className="primary" disabled={!dirty || saving} data-testid="prop-save">
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
