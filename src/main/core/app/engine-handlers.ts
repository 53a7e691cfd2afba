import type { ApiHandlers } from '../../../shared/api.js';
import type { RendererHandoffs } from '../runs/renderer-handoff.js';

export type EngineMethod =
  'announceTrainingEngine' | 'takeTrainingHandoff' | 'reportTrainingHandoff' | 'finishTrainingHandoff';

/** The renderer training engine's four calls, all answered by the handoff broker. */
export const engineHandlers = (handoffs: RendererHandoffs): Pick<ApiHandlers, EngineMethod> => ({
  announceTrainingEngine: async (info) => {
    handoffs.announce(info);
    return { accepted: true };
  },
  takeTrainingHandoff: async ({ runId }) => ({ request: handoffs.take(runId) }),
  reportTrainingHandoff: async ({ runId, progress }) => handoffs.report(runId, progress),
  finishTrainingHandoff: async ({ runId, outcome }) => {
    handoffs.finish(runId, outcome);
    return { accepted: true };
  },
});
