import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { RecentWorkspaceSchema, type RecentWorkspace } from '../../../shared/domain.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** Where the app keeps its own files: PDM_STUDIO_HOME, else the platform's config folder. */
export const defaultUserDataDir = (): string => {
  const override = process.env['PDM_STUDIO_HOME'];
  if (override !== undefined && override.length > 0) return override;
  if (process.platform === 'win32')
    return join(process.env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'PdM Studio');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'PdM Studio');
  return join(process.env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'pdm-studio');
};

const MAX_RECENT = 10;
const RecentFileSchema = z.array(RecentWorkspaceSchema);

export class RecentWorkspaces {
  constructor(private readonly file: string) {}

  async list(): Promise<RecentWorkspace[]> {
    try {
      const parsed = RecentFileSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  async remember(path: string, now = new Date()): Promise<RecentWorkspace[]> {
    const next = [{ path, openedAt: now.toISOString() }, ...(await this.list()).filter((r) => r.path !== path)].slice(
      0,
      MAX_RECENT,
    );
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2));
    return next;
  }
}
