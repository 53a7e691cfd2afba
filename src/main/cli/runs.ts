import { deleteRunAndFolder } from '../core/training/run-files.js';
import type { Workspace } from '../core/workspace/workspace.js';

/** `pdm-studio runs`: the runs table, newest first; `runs delete --run <id>` removes the row and its folder. */
export const runsCommand = async (workspace: Workspace, action: string | undefined, runId: string | undefined) => {
  if (action === 'delete') {
    if (runId === undefined) throw new Error('runs delete: --run <id> is required');
    if (!(await deleteRunAndFolder(workspace, runId))) throw new Error(`no run "${runId}" in ${workspace.path}`);
    return { deleted: runId };
  }
  if (action !== undefined) throw new Error(`runs: unknown action "${action}" (list by default, or "delete")`);
  const runs = (await workspace.runs()).map(({ config: _config, ...summary }) => summary);
  return { runs };
};
