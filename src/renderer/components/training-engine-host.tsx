import { useEffect, useState } from 'react';
import type { EngineAnnouncement } from '../../shared/training-engine.js';
import { useServices } from '../hooks/services.js';
import { detectEngine, trainHandoff } from '../logic/renderer-engine.js';

/**
 * Makes this window a training engine: tells the core what it offers (so engine "auto" can choose it) and trains
 * the runs the core hands to windows. Renders only a hidden marker that says what was offered.
 */
export function TrainingEngineHost() {
  const { api, onEvent } = useServices();
  const [offer, setOffer] = useState<EngineAnnouncement | null>(null);
  useEffect(() => {
    let live = true;
    void detectEngine().then((found) => {
      if (!live) return;
      setOffer(found);
      api.announceTrainingEngine(found).catch(() => undefined);
    });
    const off = onEvent((event) => {
      if (event.type === 'training-handoff') void trainHandoff(api, event.runId);
    });
    return () => {
      live = false;
      off();
    };
  }, [api, onEvent]);
  return (
    <span
      hidden
      data-testid="training-engine"
      data-backends={offer?.backends.join(',') ?? ''}
      data-adapter={offer?.adapter ?? ''}
      data-isolated={String(offer?.isolated ?? false)}
    />
  );
}
