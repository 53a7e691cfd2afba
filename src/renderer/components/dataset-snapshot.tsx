import { useState } from 'react';
import type { CreatedDataset } from '../../shared/dataset-snapshot.js';
import type { TrainConfigInput } from '../../shared/training.js';
import { useServices } from '../hooks/services.js';
import { describeSavedDataset } from '../logic/datasets.js';
import { errorMessage } from '../logic/errors.js';
import { ErrorBanner } from './error-banner.js';

export interface SaveDatasetProps {
  /** The training config the form describes; null while it has a problem. */
  readonly config: TrainConfigInput | null;
  readonly disabled: boolean;
}

/**
 * Save the dataset part of the config as a frozen snapshot without training (createDataset, the same call as
 * `pdm-studio datasets create`): e.g. other assets to score a run on later, whatever the workspace becomes.
 */
export function SaveDatasetSnapshot({ config, disabled }: SaveDatasetProps) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<CreatedDataset | null>(null);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    if (config === null || busy) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      setSaved(await api.createDataset({ config }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dataset-snapshot" data-testid="dataset-snapshot">
      <div className="input-row">
        <button
          type="button"
          disabled={disabled || config === null || busy}
          onClick={() => void save()}
          data-testid="dataset-save"
        >
          {busy ? 'Saving…' : 'Save dataset snapshot'}
        </button>
        <span className="muted small">the assets, signals, windows and labels above, frozen, without training</span>
      </div>
      <ErrorBanner message={error} onDismiss={() => setError(null)} testId="dataset-save-error" />
      {saved !== null ? (
        <p role="status" className="small" data-testid="dataset-saved" data-id={saved.id} data-windows={saved.windows}>
          {describeSavedDataset(saved)}
        </p>
      ) : null}
    </div>
  );
}
