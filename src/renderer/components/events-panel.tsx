import { useState } from 'react';
import type { Signal } from '../../shared/domain.js';
import type { EventsImportResult, WorkspaceEvent } from '../../shared/historian.js';
import { EventKindSchema } from '../../shared/historian.js';
import { usePathPicker, useServices } from '../hooks/services.js';
import type { EventsState } from '../hooks/use-events.js';
import { errorMessage } from '../logic/errors.js';
import {
  EVENT_COLORS,
  EVENT_KINDS,
  EVENT_LABELS,
  emptyEventForm,
  eventToForm,
  formatEventTime,
  formToEdit,
  timeKindOfAsset,
  type EventForm,
} from '../logic/events.js';
import { Dialog } from './dialog.js';
import { ErrorBanner } from './error-banner.js';

export interface EventsPanelProps {
  readonly state: EventsState;
  /** Assets of the signals on the chart: whose events are listed, and the choices for a new one. */
  readonly assets: readonly string[];
  readonly signals: readonly Signal[];
  /** Where a new event starts by default (the middle of the chart), in the chart's unit. */
  readonly defaultStart: number | null;
}

type Open = { kind: 'edit'; form: EventForm } | { kind: 'delete'; event: WorkspaceEvent } | { kind: 'import' } | null;

function EventDialog({
  initial,
  assets,
  signals,
  onSave,
  onClose,
}: {
  initial: EventForm;
  assets: readonly string[];
  signals: readonly Signal[];
  onSave: (form: EventForm) => Promise<string | null>;
  onClose: () => void;
}) {
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timeKind = timeKindOfAsset(form.asset, signals);
  const { displayZone } = useServices();
  const set = <K extends keyof EventForm>(key: K, value: EventForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const placeholder = timeKind === 'cycle' ? 'cycle, e.g. 120' : `YYYY-MM-DD HH:MM:SS (${displayZone})`;
  const submit = async () => {
    setBusy(true);
    setError(await onSave(form));
    setBusy(false);
  };
  return (
    <Dialog
      title={form.id === null ? 'Add event' : 'Edit event'}
      onClose={onClose}
      testId="event-dialog"
      footer={
        <>
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="event-form" className="primary" disabled={busy} data-testid="event-save">
            Save
          </button>
        </>
      }
    >
      <form
        id="event-form"
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Asset
          <input
            type="text"
            list="event-assets"
            value={form.asset}
            maxLength={200}
            onChange={(e) => set('asset', e.target.value)}
            data-testid="event-asset"
          />
          <datalist id="event-assets">
            {assets.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          Kind
          <select
            value={form.kind}
            onChange={(e) => {
              const parsed = EventKindSchema.safeParse(e.target.value);
              if (parsed.success) set('kind', parsed.data);
            }}
            data-testid="event-kind"
          >
            {EVENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {EVENT_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Start
          <input
            type="text"
            value={form.start}
            placeholder={placeholder}
            onChange={(e) => set('start', e.target.value)}
            spellCheck={false}
            data-testid="event-start"
          />
        </label>
        <label>
          End (empty: a point in time)
          <input
            type="text"
            value={form.end}
            placeholder={placeholder}
            onChange={(e) => set('end', e.target.value)}
            spellCheck={false}
            data-testid="event-end"
          />
        </label>
        <label>
          Code
          <input
            type="text"
            value={form.code}
            maxLength={100}
            onChange={(e) => set('code', e.target.value)}
            data-testid="event-code"
          />
        </label>
        <label className="span-2">
          Description
          <input
            type="text"
            value={form.description}
            maxLength={2000}
            onChange={(e) => set('description', e.target.value)}
            data-testid="event-description"
          />
        </label>
      </form>
      <ErrorBanner message={error} onDismiss={() => setError(null)} testId="event-error" />
    </Dialog>
  );
}

function ImportWorkOrdersDialog({
  onImport,
  onClose,
}: {
  onImport: (path: string) => Promise<EventsImportResult>;
  onClose: () => void;
}) {
  const picker = usePathPicker();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<EventsImportResult | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await onImport(path.trim()));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Import work orders"
      onClose={onClose}
      testId="work-orders-dialog"
      footer={
        <>
          <span className="spacer" />
          <button type="button" onClick={onClose} data-testid="work-orders-close">
            {result === null ? 'Cancel' : 'Done'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || path.trim() === ''}
            onClick={() => void run()}
            data-testid="work-orders-import"
          >
            {busy ? 'Importing…' : 'Import'}
          </button>
        </>
      }
    >
      <p className="muted small">
        A CMMS export (CSV): asset, start, end, failure code, description, type. Asset names are matched to the
        workspace&apos;s assets ignoring case and punctuation.
      </p>
      <label htmlFor="work-orders-path">File</label>
      <div className="input-row">
        <input
          id="work-orders-path"
          type="text"
          placeholder="/absolute/path/to/work-orders.csv"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          spellCheck={false}
          data-testid="work-orders-path"
        />
        {picker.canBrowse ? (
          <button
            type="button"
            onClick={() =>
              void picker.browse('open-file', 'Work orders (CSV)').then(
                (p) => p !== null && setPath(p),
                (e: unknown) => setError(errorMessage(e)),
              )
            }
          >
            Browse…
          </button>
        ) : null}
      </div>
      <ErrorBanner message={error} onDismiss={() => setError(null)} testId="work-orders-error" />
      {result !== null ? (
        <div role="status" data-testid="work-orders-summary" data-events={result.events}>
          <p>
            {result.events} events imported, {result.duplicates} already present, {result.rejected} rows rejected.
          </p>
          {result.unmatchedAssets.length > 0 ? (
            <p className="warn-text small">
              No workspace asset matches: {result.unmatchedAssets.join(', ')} (kept under these names).
            </p>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}

/** The events of the charted assets: add, edit, delete, import work orders. */
export function EventsPanel({ state, assets, signals, defaultStart }: EventsPanelProps) {
  const [open, setOpen] = useState<Open>(null);
  const [error, setError] = useState<string | null>(null);
  const firstAsset = assets[0] ?? '';
  const { displayZone } = useServices();

  const save = async (form: EventForm): Promise<string | null> => {
    const check = formToEdit(form, timeKindOfAsset(form.asset, signals), displayZone);
    if (!check.ok) return check.error;
    try {
      await state.save(check.edit);
      setOpen(null);
      return null;
    } catch (e) {
      return errorMessage(e);
    }
  };

  const confirmDelete = async (event: WorkspaceEvent) => {
    try {
      await state.remove(event.id);
      setOpen(null);
    } catch (e) {
      setError(errorMessage(e));
      setOpen(null);
    }
  };

  return (
    <section className="panel events-panel" aria-label="Events">
      <div className="panel-title">
        <h2>Events</h2>
        <span className="muted">
          {assets.length === 0 ? 'tick signals to see the events of their assets' : assets.join(', ')}
        </span>
        {state.loading ? <span className="spinner" aria-label="loading" /> : null}
        <span className="spacer" />
        <button
          type="button"
          disabled={assets.length === 0}
          onClick={() =>
            setOpen({
              kind: 'edit',
              form: emptyEventForm(firstAsset, defaultStart, timeKindOfAsset(firstAsset, signals), displayZone),
            })
          }
          data-testid="event-add"
        >
          Add event…
        </button>
        <button type="button" onClick={() => setOpen({ kind: 'import' })} data-testid="work-orders-button">
          Import work orders…
        </button>
      </div>
      <ErrorBanner message={error} onDismiss={() => setError(null)} testId="events-error" />
      <div className="table-scroll short">
        <table className="data-table compact" data-testid="events-table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Asset</th>
              <th scope="col">Start</th>
              <th scope="col">End</th>
              <th scope="col">Code</th>
              <th scope="col">Description</th>
              <th scope="col">Source</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {state.events.map((e) => (
              <tr key={e.id} data-testid={`event-row-${e.id}`}>
                <td>
                  <span className="swatch" style={{ background: EVENT_COLORS[e.kind] }} />
                  {EVENT_LABELS[e.kind]}
                </td>
                <td>{e.asset}</td>
                <td className="mono">{formatEventTime(e.start, e.timeKind, displayZone)}</td>
                <td className="mono">{e.end === null ? '—' : formatEventTime(e.end, e.timeKind, displayZone)}</td>
                <td>{e.code ?? ''}</td>
                <td className="ellipsis" title={e.description ?? ''}>
                  {e.description ?? ''}
                </td>
                <td className="muted ellipsis" title={e.source}>
                  {e.source === 'manual' ? 'added here' : e.source.replace(/^cmms:.*[/\\]/, 'CMMS ')}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    onClick={() => setOpen({ kind: 'edit', form: eventToForm(e, displayZone) })}
                    data-testid={`event-edit-${e.id}`}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    onClick={() => setOpen({ kind: 'delete', event: e })}
                    data-testid={`event-delete-${e.id}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {state.events.length === 0 ? (
              <tr>
                <td colSpan={8} className="empty-state small">
                  {assets.length === 0 ? 'No signals on the chart.' : 'No events for these assets.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {open?.kind === 'edit' ? (
        <EventDialog
          initial={open.form}
          assets={assets}
          signals={signals}
          onSave={save}
          onClose={() => setOpen(null)}
        />
      ) : null}
      {open?.kind === 'delete' ? (
        <Dialog
          title="Delete event"
          onClose={() => setOpen(null)}
          testId="event-delete-dialog"
          footer={
            <>
              <span className="spacer" />
              <button type="button" onClick={() => setOpen(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => void confirmDelete(open.event)}
                data-testid="event-delete-confirm"
              >
                Delete
              </button>
            </>
          }
        >
          <p>
            Delete the {EVENT_LABELS[open.event.kind].toLowerCase()} of {open.event.asset} at{' '}
            {formatEventTime(open.event.start, open.event.timeKind, displayZone)}? This cannot be undone.
          </p>
        </Dialog>
      ) : null}
      {open?.kind === 'import' ? (
        <ImportWorkOrdersDialog onImport={state.importFile} onClose={() => setOpen(null)} />
      ) : null}
    </section>
  );
}
