import type { ApiHandlers } from '../../../shared/api.js';
import { dispatch } from './dispatch.js';

export type ReopenOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'reopened'; readonly path: string }
  /** Deleted, or on a drive not mounted: not recreated empty. */
  | { readonly kind: 'gone'; readonly path: string; readonly message: string }
  /** There but not openable (another PdM Studio holds it, a newer schema, ...). */
  | { readonly kind: 'failed'; readonly path: string; readonly message: string };

/**
 * Open again the workspace opened last (the recent list's first), as VS Code reopens its folder, so its follow loops
 * resume at start. `mustExist`: one that is gone stays gone instead of coming back as an empty workspace.
 */
export const reopenLastWorkspace = async (handlers: ApiHandlers): Promise<ReopenOutcome> => {
  const last = (await handlers.listRecentWorkspaces({}))[0];
  if (last === undefined) return { kind: 'none' };
  const result = await dispatch(handlers, 'openWorkspace', { path: last.path, mustExist: true });
  if (result.ok) return { kind: 'reopened', path: last.path };
  return {
    kind: result.error.code === 'no-workspace' ? 'gone' : 'failed',
    path: last.path,
    message: result.error.message,
  };
};
