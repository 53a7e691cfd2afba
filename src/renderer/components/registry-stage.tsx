import type { RegistryStage } from '../../shared/registry.js';
import { STAGE_LABELS } from '../logic/registry.js';

/** A stage as a coloured badge: candidate, approved, production, archived, rejected. */
export function StageBadge({ stage, testId }: { stage: RegistryStage; testId?: string }) {
  return (
    <span className={`stage-badge stage-${stage}`} data-stage={stage} data-testid={testId}>
      {STAGE_LABELS[stage]}
    </span>
  );
}
