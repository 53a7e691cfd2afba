import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
const BIN = join(repoRoot, 'bin', 'pdm-studio.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON object on the last stdout line, if there is one. */
  readonly json: Record<string, unknown> | null;
}

/** The installed entry (bin/pdm-studio.js, which runs dist/): needs `npm run build` first. */
export const requireBuild = (): void => {
  if (!existsSync(join(repoRoot, 'dist', 'main', 'cli', 'main.js')))
    throw new Error('the CLI is not built: run "npm run build" before these tests');
};

const lastJson = (stdout: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  } catch {
    return null;
  }
};

/** Start `pdm-studio <args>`; `onStderr` sees stderr as it arrives (e.g. to interrupt once progress shows). */
export const startCli = (
  args: readonly string[],
  env: Record<string, string>,
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, json: lastJson(stdout) }));
  });
