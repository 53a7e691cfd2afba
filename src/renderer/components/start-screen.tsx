import type { WorkspaceInfo } from '../../shared/domain.js';
import { useServices } from '../hooks/services.js';
import { WorkspacePicker } from './workspace-picker.js';

export interface StartScreenProps {
  readonly sampleAvailable: boolean;
  readonly onOpened: (info: WorkspaceInfo) => void;
}

/** Shown while no workspace is open. */
export function StartScreen({ sampleAvailable, onOpened }: StartScreenProps) {
  const { reportError } = useServices();
  return (
    <main className="start-screen" data-testid="start-screen">
      <div className="start-card">
        <h1>PdM Studio</h1>
        <p className="lead">
          A workspace is a folder holding your plant's readings, events and models. Open one, or start with the sample
          data.
        </p>
        <WorkspacePicker sampleAvailable={sampleAvailable} onOpened={onOpened} onError={reportError} />
      </div>
    </main>
  );
}
