import { useEffect, useState } from 'react';
import type { EngineAnnouncement } from '../../shared/training-engine.js';
import { useServices } from '../hooks/services.js';
import { detectEngine, trainHandoff } from '../logic/renderer-engine.js';

const ANNOUNCE_EVERY_MS = 60_000;

/**
 * Makes this window a training engine: tells the core what it offers (so engine "auto" can choose it) and trains
 * the runs the core hands to windows. Renders only a hidden marker that says what was offered.
 */
export function TrainingEngineHost() {
  const { api, onEvent } = useServices();
  const [offer, setOffer] = useState<EngineAnnouncement | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setInterval> | undefined;
    void detectEngine().then((found) => {
      if (!live) return;
      setOffer(found);
      const announce = () => void api.announceTrainingEngine(found).catch(() => undefined);
      announce();
      // Repeated, so the core stops counting on a window that has gone (engine "auto" then trains in the core).
      timer = setInterval(announce, ANNOUNCE_EVERY_MS);
    });
    const off = onEvent((event) => {
      if (event.type === 'training-handoff') void trainHandoff(api, event.runId);
    });
    return () => {
      live = false;
      clearInterval(timer);
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
