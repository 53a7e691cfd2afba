import {
  DEFAULT_WORKSPACE_SETTINGS,
  WorkspaceSettingsSchema,
  type ApiHandlers,
  type WorkspaceSettings,
} from '../../../shared/api.js';
import type { Workspace } from '../workspace/workspace.js';

export type SettingsMethod = 'getWorkspaceSettings' | 'setWorkspaceSettings';

export interface SettingsDeps {
  readonly requireWorkspace: () => Workspace;
}

/** Setting name in the API -> key in the workspace's settings table. */
const KEYS: Readonly<Record<keyof WorkspaceSettings, string>> = { displayTimeZone: 'display_time_zone' };

/**
 * Stored values over the defaults. A value that no longer checks (a zone this platform's IANA database lacks)
 * falls back to its default rather than making the workspace unopenable.
 */
const readSettings = async (workspace: Workspace): Promise<WorkspaceSettings> => {
  const stored = await workspace.settings();
  const merged = { ...DEFAULT_WORKSPACE_SETTINGS };
  for (const [name, key] of Object.entries(KEYS) as [keyof WorkspaceSettings, string][]) {
    const value = stored[key];
    if (value === undefined) continue;
    const checked = WorkspaceSettingsSchema.shape[name].safeParse(value);
    if (checked.success) merged[name] = checked.data;
  }
  return merged;
};

export const settingsHandlers = ({ requireWorkspace }: SettingsDeps): Pick<ApiHandlers, SettingsMethod> => ({
  getWorkspaceSettings: async () => readSettings(requireWorkspace()),
  setWorkspaceSettings: async (patch) => {
    const workspace = requireWorkspace();
    const entries: Record<string, string> = {};
    for (const [name, key] of Object.entries(KEYS) as [keyof WorkspaceSettings, string][]) {
      const value = patch[name];
      if (value !== undefined) entries[key] = value;
    }
    await workspace.saveSettings(entries);
    return readSettings(workspace);
  },
});
