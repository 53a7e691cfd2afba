import { useEffect, useId, useState } from 'react';
import type { RegistryGovernResult } from '../../shared/registry.js';
import type { RunSummary } from '../../shared/training.js';
import { usePathPicker, useServices } from '../hooks/services.js';
import { useGovern, type Failure } from '../hooks/use-registry.js';
import { errorCode, errorMessage } from '../logic/errors.js';
import { checkModelNameInput, confirmText, describeRefusal, type ActionState } from '../logic/registry.js';
import { fetchTargetIn, fetchTargetProblem } from '../logic/registry-fetch.js';
import { Dialog } from './dialog.js';

/** A registry refusal, with the rule it broke named (four-eyes, role, stage, integrity). */
export function RefusalMessage({ failure, testId = 'registry-refusal' }: { failure: Failure; testId?: string }) {
  const { title, message } = describeRefusal(failure.code, failure.message);
  return (
    <div className="registry-refusal" role="alert" data-testid={testId} data-code={failure.code ?? ''}>
      <strong>{title}</strong>
      <span>{message}</span>
    </div>
  );
}

export interface ConfirmActionProps {
  readonly action: ActionState;
  readonly name: string;
  readonly version: number;
  readonly model: { readonly production: number | null; readonly rollbackTarget: number | null };
  readonly onClose: () => void;
  readonly onDone: (result: RegistryGovernResult) => void;
}

/** "Are you sure?" for approve, reject, promote, rollback and archive; approve and reject need a reason. */
export function ConfirmActionDialog({ action, name, version, model, onClose, onDone }: ConfirmActionProps) {
  const govern = useGovern();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const missingReason = action.reasonRequired && reason.trim() === '';

  const confirm = async () => {
    if (missingReason || busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await govern(action.action, name, version, reason);
    setBusy(false);
    if ('result' in outcome) onDone(outcome.result);
    else setFailure(outcome.failure);
  };

  return (
    <Dialog
      title={`${action.label.replace('…', '')} ${name} v${version}`}
      onClose={onClose}
      testId="registry-confirm-dialog"
      footer={
        <>
          <span className="spacer" />
          <button type="button" onClick={onClose} data-testid="registry-confirm-cancel">
            Cancel
          </button>
          <button
            type="button"
            className={action.danger ? 'danger' : 'primary'}
            disabled={missingReason || busy}
            onClick={() => void confirm()}
            data-testid="registry-confirm-ok"
          >
            {busy ? 'Working…' : action.label.replace('…', '')}
          </button>
        </>
      }
    >
      <p data-testid="registry-confirm-text">{confirmText(action.action, name, version, model)}</p>
      <label htmlFor={reasonId} className="registry-reason-label">
        Reason{action.reasonRequired ? ' (required)' : ' (optional)'}
      </label>
      <textarea
        id={reasonId}
        className="registry-reason"
        rows={3}
        maxLength={2000}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        data-testid="registry-reason"
        autoFocus
      />
      {failure !== null ? <RefusalMessage failure={failure} /> : null}
    </Dialog>
  );
}

export interface PublishRunProps {
  readonly defaultName: string;
  readonly onClose: () => void;
  readonly onPublished: (result: { name: string; version: number }) => void;
}

/** Publish a finished run of the open workspace as the next version of a model. */
export function PublishRunDialog({ defaultName, onClose, onPublished }: PublishRunProps) {
  const { api } = useServices();
  const runId = useId();
  const nameId = useId();
  const [runs, setRuns] = useState<readonly RunSummary[] | null>(null);
  const [runsError, setRunsError] = useState<string | null>(null);
  const [run, setRun] = useState('');
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  useEffect(() => {
    let live = true;
    api.listRuns({}).then(
      (list) => {
        if (!live) return;
        const done = list.filter((r) => r.status === 'done');
        setRuns(done);
        setRun((current) => current || (done[0]?.id ?? ''));
      },
      (e: unknown) => live && setRunsError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const nameProblem = checkModelNameInput(name);
  const publish = async () => {
    if (nameProblem !== null || run === '' || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      onPublished(await api.publishRun({ runId: run, name: name.trim() }));
    } catch (e) {
      setFailure({ code: errorCode(e), message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Publish run to the registry"
      onClose={onClose}
      testId="registry-publish-dialog"
      footer={
        <>
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={nameProblem !== null || run === '' || busy}
            onClick={() => void publish()}
            data-testid="registry-publish-ok"
          >
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label htmlFor={runId}>Run</label>
        {runs === null ? (
          <span className="muted" id={runId}>
            {runsError ?? 'Loading runs…'}
          </span>
        ) : runs.length === 0 ? (
          <span className="muted" id={runId} data-testid="registry-publish-no-runs">
            No finished runs in this workspace: train a model in the Models area first.
          </span>
        ) : (
          <select id={runId} value={run} onChange={(e) => setRun(e.target.value)} data-testid="registry-publish-run">
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} · {r.modelType} · {r.id}
              </option>
            ))}
          </select>
        )}
        <label htmlFor={nameId}>Model name</label>
        <input
          id={nameId}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. pump-rul"
          data-testid="registry-publish-name"
          aria-invalid={nameProblem !== null}
        />
      </div>
      {nameProblem !== null && name !== '' ? <p className="form-error">{nameProblem}</p> : null}
      <p className="muted small">
        The package (model, weights, run record, manifest, model card and SHA256SUMS) is published as a candidate;
        approval needs another person.
      </p>
      {failure !== null ? <RefusalMessage failure={failure} /> : null}
    </Dialog>
  );
}

export interface FetchVersionProps {
  readonly name: string;
  readonly version: number;
  readonly onClose: () => void;
}

/**
 * Copy a version's package into a new folder, every file verified against SHA256SUMS first
 * (fetchRegistryVersion, the same call as `pdm-studio registry fetch`).
 */
export function FetchVersionDialog({ name, version, onClose }: FetchVersionProps) {
  const { api } = useServices();
  const picker = usePathPicker();
  const targetId = useId();
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [fetched, setFetched] = useState<{ dir: string; files: number; bytes: number } | null>(null);
  const problem = fetchTargetProblem(target);

  const browse = async () => {
    const parent = await picker.browse('directory', 'Folder to put the package in').catch(() => null);
    if (parent !== null) setTarget(fetchTargetIn(parent, name, version));
  };

  const fetchPackage = async () => {
    if (problem !== null || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      setFetched(await api.fetchRegistryVersion({ name, version, out: target.trim() }));
    } catch (e) {
      setFailure({ code: errorCode(e), message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Fetch ${name} v${version}`}
      onClose={onClose}
      testId="registry-fetch-dialog"
      footer={
        <>
          <span className="spacer" />
          <button type="button" onClick={onClose} data-testid="registry-fetch-close">
            {fetched === null ? 'Cancel' : 'Done'}
          </button>
          {fetched === null ? (
            <button
              type="button"
              className="primary"
              disabled={problem !== null || busy}
              onClick={() => void fetchPackage()}
              data-testid="registry-fetch-ok"
            >
              {busy ? 'Fetching…' : 'Fetch'}
            </button>
          ) : null}
        </>
      }
    >
      <label htmlFor={targetId}>New folder for the package</label>
      <div className="input-row">
        <input
          id={targetId}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          placeholder={`/data/models/${name}-v${version}`}
          spellCheck={false}
          data-testid="registry-fetch-target"
          aria-invalid={problem !== null && target !== ''}
        />
        {picker.canBrowse ? (
          <button type="button" onClick={() => void browse()}>
            Browse…
          </button>
        ) : null}
      </div>
      {problem !== null && target !== '' ? <p className="form-error">{problem}</p> : null}
      <p className="muted small">
        Every file is checked against the version&apos;s SHA256SUMS before the folder appears; a damaged or tampered
        package is refused and nothing is left behind.
      </p>
      {failure !== null ? <RefusalMessage failure={failure} testId="registry-fetch-refusal" /> : null}
      {fetched !== null ? (
        <p role="status" data-testid="registry-fetch-done">
          Fetched {fetched.files} files ({fetched.bytes.toLocaleString('en-US')} bytes), verified, into{' '}
          <span className="mono">{fetched.dir}</span>.
        </p>
      ) : null}
    </Dialog>
  );
}
